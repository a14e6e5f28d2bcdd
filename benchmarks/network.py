"""The network questions against networkx on the same graph held in memory: what an analyst
would otherwise use.

networkx gets the people and their interactions (dated up to the day asked about) read from the
loaded graph, built into an undirected ``nx.Graph`` whose nodes are added in the order of their
ids. Then, on that graph:

- introduction paths for pairs of people drawn with the run's seed (a target 2 to ``MAX_HOPS``
  hops away): ours through ``introduction_paths``; networkx enumerates every simple path with
  ``nx.all_simple_paths(G, s, t, cutoff=MAX_HOPS)`` and ranks them by the product of their
  hops' strengths. The strength formula lives in Cypher only, so the strengths of the hops on
  networkx's paths are read from the engine before networkx is timed: its time is the
  enumeration and the ranking, a lower bound on what the analyst would spend;
- brokers: ours through ``brokers`` (the ranking with its bridges); networkx's
  ``betweenness_centrality`` from the same sources (exact where ours is exact, else ``k`` sources
  with the same seed), whose top ten must be ours.

Figures: each of ours over networkx's time (median over the pairs), and the engine's memory per
100k nodes over networkx's graph's (``tracemalloc``), with the time networkx needs to be handed
the graph.
"""

import asyncio
import itertools
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import LiteralString

import networkx as nx

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure, Target
from crm.domain import Label
from crm.graph.connect import open_store
from crm.graph.dialect import Dialect
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore
from crm.queries.network.betweenness import SEED
from crm.queries.network.brokers import Contacts, brokers, read_contacts
from crm.queries.network.paths import introduction_paths
from crm.queries.network.strength import PARAMETERS, tie_strength

SECTION = "network"
MAX_HOPS = 4
PAIRS = 20
QUICK_PAIRS = 3
AHEAD = Target(1.0, "ahead of networkx")


def _strengths_statement(dialect: Dialect) -> LiteralString:
    return (
        "UNWIND $pairs AS pair MATCH (a:Person {id: pair[0]}) MATCH (b:Person {id: pair[1]})"
        + tie_strength(dialect, "")
        + "RETURN a.id AS a, b.id AS b, tie.strength AS strength"
    )


async def run(bench: Bench) -> list[Figure]:
    day = datetime.now(UTC).date().isoformat()
    store = await open_store(bench.settings())
    try:
        graph, memory = await _networkx_graph(store, bench, day)
        return [
            memory,
            await _paths(store, graph, bench, day),
            await _brokers(store, graph, bench, day),
        ]
    finally:
        await store.close()


async def _networkx_graph(
    store: GraphStore, bench: Bench, day: str
) -> "tuple[nx.Graph[str], Figure]":
    """The people and their interactions as networkx holds them, and what that costs."""
    began = time.perf_counter()
    contacts = await read_contacts(store, day, cross_border=False)
    read = time.perf_counter() - began
    began = time.perf_counter()
    graph = _graph(contacts)
    built = time.perf_counter() - began
    tracemalloc.start()
    try:
        _graph(contacts)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [count] = await store.read("MATCH (n) RETURN count(n) AS nodes")
    engine = sum(process.memory_info().rss for process in engine_processes(bench.data_dir))
    per_engine = engine / max(count["nodes"], 1) * 100_000
    per_networkx = peak / max(graph.number_of_nodes(), 1) * 100_000
    figure = Figure(
        section=SECTION,
        name="memory per 100k nodes: engine vs networkx",
        value=per_engine / 2**20,
        unit="MiB",
        better=Better.LOWER,
        baseline="networkx graph of the people and their interactions",
        baseline_value=per_networkx / 2**20,
        details={
            "engine_nodes": count["nodes"],
            "engine_rss_bytes": engine,
            "networkx_nodes": graph.number_of_nodes(),
            "networkx_edges": graph.number_of_edges(),
            "networkx_bytes": peak,
            "networkx_read_s": round(read, 3),
            "networkx_build_s": round(built, 3),
            "note": "the engine holds every label and property; networkx only the people "
            "and who met whom",
        },
    )
    return graph, figure


def _graph(contacts: Contacts) -> "nx.Graph[str]":
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(contacts.ids)
    graph.add_edges_from(
        (contacts.ids[a], contacts.ids[b])
        for a, near in enumerate(contacts.near)
        for b in near
        if a < b
    )
    return graph


def _pairs(graph: "nx.Graph[str]", bench: Bench) -> list[tuple[str, str]]:
    """People drawn with the run's seed, each with someone 2 to ``MAX_HOPS`` hops away."""
    rnd = random.Random(bench.seed)
    people = sorted(graph)
    wanted = QUICK_PAIRS if bench.quick else PAIRS
    pairs: list[tuple[str, str]] = []
    for _ in range(wanted * 20):
        if len(pairs) == wanted or not people:
            break
        source = rnd.choice(people)
        reach = nx.single_source_shortest_path_length(graph, source, cutoff=MAX_HOPS)
        far = sorted(person for person, hops in reach.items() if hops >= 2)
        if far:
            pairs.append((source, rnd.choice(far)))
    return pairs


async def _paths(store: GraphStore, graph: "nx.Graph[str]", bench: Bench, day: str) -> Figure:
    ours: list[float] = []
    theirs: list[float] = []
    agree = 0
    pairs = _pairs(graph, bench)
    for source, target in pairs:
        began = time.perf_counter()
        found = await introduction_paths(
            store, source, target, Label.PERSON, max_hops=MAX_HOPS, first=1, as_of=day
        )
        ours.append(time.perf_counter() - began)
        paths = list(nx.all_simple_paths(graph, source, target, cutoff=MAX_HOPS))
        strength = await _strengths(store, paths, day)
        began = time.perf_counter()
        best = _best(
            nx.all_simple_paths(graph, source, target, cutoff=MAX_HOPS), strength.__getitem__
        )
        theirs.append(time.perf_counter() - began)
        agree += bool(found) and best is not None and found[0].route == best
    return Figure(
        section=SECTION,
        name=f"introduction paths (up to {MAX_HOPS} hops), median",
        value=statistics.median(ours) if ours else 0.0,
        unit="s",
        better=Better.LOWER,
        baseline="networkx all_simple_paths ranked by the same strengths",
        baseline_value=statistics.median(theirs) if theirs else None,
        target=AHEAD,
        details={
            "pairs": len(pairs),
            "ours_max_s": round(max(ours, default=0.0), 4),
            "networkx_max_s": round(max(theirs, default=0.0), 4),
            "top_path_agrees": f"{agree} of {len(pairs)}",
        },
    )


async def _strengths(
    store: GraphStore, paths: list[list[str]], day: str
) -> dict[tuple[str, str], float]:
    """The strength of every hop on ``paths``, both ways round."""
    pairs = sorted({tuple(sorted(hop)) for path in paths for hop in itertools.pairwise(path)})
    rows = await store.read(
        _strengths_statement(store.dialect), PARAMETERS | {"pairs": pairs, "asOf": day}
    )
    strengths = {(row["a"], row["b"]): row["strength"] for row in rows}
    return strengths | {(b, a): value for (a, b), value in strengths.items()}


def _best(
    paths: Iterable[list[str]], strength: Callable[[tuple[str, str]], float]
) -> list[str] | None:
    """The path whose hops' strengths multiply to the most; ties go to the shorter, then to
    the smaller ids, as ours."""
    best: tuple[float, int, str, list[str]] | None = None
    for path in paths:
        score = 1.0
        for hop in itertools.pairwise(path):
            score *= strength(hop)
        key = (-score, len(path), "".join(person + " " for person in path), path)
        if best is None or key[:3] < best[:3]:
            best = key
    return None if best is None else best[3]


async def _brokers(store: GraphStore, graph: "nx.Graph[str]", bench: Bench, day: str) -> Figure:
    settings = bench.settings()
    began = time.perf_counter()
    ranking = await brokers(
        store,
        organizations=False,
        first=10,
        cross_border=False,
        as_of=day,
        today=day,
        exact_up_to=settings.brokers_exact_up_to,
        sample=settings.brokers_sample,
    )
    found = ranking.brokers
    ours = time.perf_counter() - began
    people = graph.number_of_nodes()
    k = None if not ranking.estimated else ranking.sample_size
    began = time.perf_counter()
    scores = await asyncio.to_thread(
        nx.betweenness_centrality, graph, k=k, normalized=False, seed=SEED
    )
    theirs = time.perf_counter() - began
    top = sorted(scores, key=lambda person: (-scores[person], person))[:10]
    overlap = len({row.person["id"] for row in found if row.person is not None} & set(top))
    return Figure(
        section=SECTION,
        name="brokers (top 10 people)",
        value=ours,
        unit="s",
        better=Better.LOWER,
        baseline="networkx betweenness_centrality, same sources",
        baseline_value=theirs,
        target=AHEAD,
        details={
            "people": people,
            "sources": "all (exact)" if k is None else f"{k} drawn with seed {SEED}",
            "top10_overlap_with_networkx": overlap,
        },
    )
