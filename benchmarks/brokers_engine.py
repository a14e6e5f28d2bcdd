"""A probe for issue 18's brokers target: what the engine's own betweenness (FalkorDB's
``algo.betweenness``, GraphBLAS) would give on a symmetric projection of who met whom, against
the product's estimate (``crm.queries.network.brokers``: igraph from ``CRM_BROKERS_SAMPLE``
sources). Not a section of the suite: it adds a relationship type to the graph it measures.

``algo.betweenness`` follows relationships' direction and has no exact mode: it sums the
dependencies of ``samplingSize`` sources drawn with replacement among the ends of the chosen
relationships (so in proportion to their contacts). The probe derives a ``CONTACT``
relationship per ordered pair of people who interacted (both ways, in batches of people by
internal id), then measures:

- the projection's time, and the engine process's resident memory before and after it;
- the engine's top ten for each sample size and seed (the statement returns only ten rows):
  its median time and the engine's peak resident memory during it;
- the product's estimate on the same graph, in the same run (reading the contacts, igraph);
- a reference: igraph's exact betweenness on the same contacts (every person a source, in
  worker processes), time-boxed: if the box ends first, the sources done by then (a uniform
  random sample) stand in, and the answer says how many;
- the top-ten overlaps with the reference (and, where the product's exact answer is
  affordable, the reference's agreement with it), and the product's estimate from other
  sample sizes against it;
- one ``MERGE`` of a pair both ways (what a write path would add), against creating an
  interaction between the same people, in turns (both undone after).

Before that, on a graph of nine people in the same engine, it checks that the engine's scores
from one drawn source are twice igraph's dependencies on one of the people: the same quantity,
so the rankings are comparable.

    uv run python -m benchmarks.brokers_engine --size medium [--seed 7] [--data DIR]
        [--samples 25,50,100,200] [--seeds 3] [--reference-minutes 25] [--workers 1]
        [--product-samples 100,200,400,800] [--out FILE.json]
"""

import asyncio
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, LiteralString

import igraph
import psutil
import typer

from benchmarks.bench import Bench
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore
from crm.queries.network.betweenness import sources
from crm.queries.network.brokers import Contacts, read_contacts
from graph_loader.load import load
from graph_loader.synthetic import SIZES, write_dataset

TOP = 10
MIB = 2**20
BATCH = 5_000
"""People (by internal id) whose contacts one projection statement writes."""
EXACT_AT_MOST = 20_000
"""Up to this many people, the product's exact answer (igraph, every source) is compared with
the reference too (``benchmarks.pairs.EXACT_SOURCES_AT_MOST``)."""
CHUNK = 200
"""Sources a reference worker follows in one igraph call, between looks at the clock."""
WRITES = 50
"""Pairs the write probe merges (and interactions it creates)."""
CHECK_GRAPH = "brokers-engine-check"
CHECK_PAIRS = (
    ("a", "b"), ("b", "c"), ("c", "d"), ("b", "e"), ("e", "d"), ("d", "f"),
    ("f", "g"), ("a", "h"), ("h", "c"), ("g", "i"), ("d", "i"), ("c", "b"),
)  # fmt: skip
"""Nine people; ``b`` and ``c`` met both ways (one contact)."""

_PERSON_IDS: LiteralString = "MATCH (p:Person) RETURN min(id(p)) AS low, max(id(p)) AS high"
_DROP: LiteralString = (
    "MATCH ()-[c:CONTACT]->() WITH c LIMIT 100000 DELETE c RETURN count(*) AS dropped"
)
_PROJECT: LiteralString = """
MATCH (a:Person) WHERE id(a) >= $low AND id(a) < $high
MATCH (a)-[:INTERACTED]-(b:Person) WHERE a <> b
WITH DISTINCT a, b
CREATE (a)-[:CONTACT]->(b)
RETURN count(*) AS created
"""
"""The contacts of the people with internal ids in [``$low``, ``$high``): one ``CONTACT`` from
each of them to each person they interacted with, either way, however often."""
_ENGINE_TOP: LiteralString = """
CALL algo.betweenness({nodeLabels: ['Person'], relationshipTypes: ['CONTACT'],
                       samplingSize: $size, samplingSeed: $seed}) YIELD node, score
RETURN node.id AS id, score ORDER BY score DESC, id LIMIT 10
"""
_ENGINE_ALL: LiteralString = """
CALL algo.betweenness({nodeLabels: ['Person'], relationshipTypes: ['CONTACT'],
                       samplingSize: 1, samplingSeed: $seed}) YIELD node, score
RETURN node.id AS id, score
"""
_CHECK_PEOPLE: LiteralString = "UNWIND $ids AS id CREATE (:Person {id: id})"
_CHECK_MET: LiteralString = """
UNWIND $pairs AS pair
MATCH (a:Person {id: pair[0]}) MATCH (b:Person {id: pair[1]})
CREATE (a)-[:INTERACTED]->(b)
"""
_PAIRS: LiteralString = """
MATCH (a:Person)-[:CONTACT]->(b:Person) WHERE a.id < b.id
RETURN a.id AS a, b.id AS b LIMIT $count
"""
_MERGE_BOTH: LiteralString = """
MATCH (a:Person {id: $a}) MATCH (b:Person {id: $b})
MERGE (a)-[:CONTACT]->(b)
MERGE (b)-[:CONTACT]->(a)
"""
"""What a write path that records an interaction would add: the pair's contact both ways."""
_INTERACT: LiteralString = """
MATCH (a:Person {id: $a}) MATCH (b:Person {id: $b})
CREATE (a)-[:INTERACTED {id: $id, kind: 'call', date: '2026-01-02', source: 'probe'}]->(b)
"""
_UNDO: LiteralString = """
MATCH (:Person)-[i:INTERACTED {source: 'probe'}]->(:Person) DELETE i RETURN count(*) AS undone
"""

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@dataclass
class Peak:
    """The engine process's resident memory, sampled every 50 ms while a statement runs."""

    process: psutil.Process
    peak: int = 0

    def rss_mib(self) -> float:
        return round(self.process.memory_info().rss / MIB, 1)

    async def during[T](self, work: Awaitable[T]) -> T:
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                self.peak = max(self.peak, self.process.memory_info().rss)

        self.peak = self.process.memory_info().rss
        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        try:
            return await work
        finally:
            done.set()
            watcher.join()


async def _timed[T](work: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    began = time.perf_counter()
    found = await work()
    return found, time.perf_counter() - began


def _top(scores: Sequence[float], ids: Sequence[str]) -> list[str]:
    """The ids of the ``TOP`` highest scores (ties by id), as the product ranks them."""
    order = sorted(range(len(ids)), key=lambda k: (-scores[k], ids[k]))
    return [ids[k] for k in order[:TOP] if scores[k] > 0]


async def check_scale(settings: Settings) -> dict[str, Any]:
    """The engine's scores from one drawn source (samplingSize 1, a few seeds) against twice
    igraph's dependencies on each person of a graph of nine: one of them must match."""
    store = await open_store(settings.model_copy(update={"graph_name": CHECK_GRAPH}))
    try:
        await store.write("MATCH (n) DETACH DELETE n")
        people = sorted({p for pair in CHECK_PAIRS for p in pair})
        await store.write(_CHECK_PEOPLE, {"ids": people})
        await store.write(_CHECK_MET, {"pairs": [list(pair) for pair in CHECK_PAIRS]})
        await store.write(_PROJECT, {"low": 0, "high": 2**62})
        index = {p: k for k, p in enumerate(people)}
        graph = igraph.Graph(
            n=len(people),
            edges=sorted({tuple(sorted((index[a], index[b]))) for a, b in CHECK_PAIRS}),
        )
        dependencies = [graph.betweenness(directed=False, sources=[k]) for k in range(len(people))]
        matched = {}
        for seed in range(1, 6):
            rows = await store.read(_ENGINE_ALL, {"seed": seed})
            engine = {row["id"]: row["score"] for row in rows}
            matched[seed] = [
                people[s]
                for s, dependency in enumerate(dependencies)
                if all(abs(engine[p] - 2 * dependency[index[p]]) < 1e-9 for p in people)
            ]
        await store.write("MATCH (n) DETACH DELETE n")
    finally:
        await store.close()
    return {"source_found_for_every_seed": all(matched.values()), "sources": matched}


async def project(store: GraphStore) -> dict[str, Any]:
    """Drop any ``CONTACT`` relationships, then write them in batches of ``BATCH`` people."""
    while (await store.write(_DROP))[0]["dropped"]:
        pass
    bounds = (await store.read(_PERSON_IDS))[0]
    created, batches = 0, 0
    began = time.perf_counter()
    for low in range(bounds["low"], bounds["high"] + 1, BATCH):
        rows = await store.write(_PROJECT, {"low": low, "high": low + BATCH})
        created += rows[0]["created"]
        batches += 1
    return {
        "seconds": round(time.perf_counter() - began, 2),
        "contacts_written": created,
        "batches": batches,
    }


async def engine_tops(
    store: GraphStore, peak: Peak, sizes: Sequence[int], seeds: int
) -> dict[int, list[dict[str, Any]]]:
    """The engine's top ten for each sample size and seed (1..``seeds``), with its time and the
    engine's peak memory."""
    found: dict[int, list[dict[str, Any]]] = {}
    for size in sizes:
        found[size] = []
        for seed in range(1, seeds + 1):
            rows, seconds = await _timed(
                lambda: peak.during(store.read(_ENGINE_TOP, {"size": size, "seed": seed}))  # noqa: B023
            )
            found[size].append(
                {
                    "seed": seed,
                    "seconds": round(seconds, 3),
                    "peak_mib": round(peak.peak / MIB, 1),
                    "top": [row["id"] for row in rows],
                }
            )
    return found


async def product_estimate(store: GraphStore, settings: Settings, day: str) -> dict[str, Any]:
    """The product's estimate as ``brokers`` computes it (without the bridges), timed by part."""
    contacts, read_s = await _timed(lambda: read_contacts(store, day, cross_border=False))
    starts = sources(
        len(contacts.ids), exact_up_to=settings.brokers_exact_up_to, sampled=settings.brokers_sample
    )
    scores, igraph_s = await _timed(lambda: asyncio.to_thread(contacts.scores, starts))
    top = sorted(scores, key=lambda p: (-scores[p], p))[:TOP]
    return {
        "contacts": contacts,
        "sample_size": len(starts),
        "read_s": round(read_s, 2),
        "betweenness_s": round(igraph_s, 2),
        "top": top,
    }


def product_samples(
    contacts: Contacts, best: set[str], sizes: Sequence[int]
) -> list[dict[str, Any]]:
    """The product's estimate from each of ``sizes`` sources (its own draw, as
    ``CRM_BROKERS_SAMPLE`` would set it): igraph's time and the top ten's overlap with ``best``."""
    found = []
    for size in sizes:
        starts = sources(len(contacts.ids), exact_up_to=0, sampled=size)
        began = time.perf_counter()
        scores = contacts.scores(starts)
        seconds = time.perf_counter() - began
        top = sorted(scores, key=lambda p: (-scores[p], p))[:TOP]
        found.append(
            {"sample_size": size, "betweenness_s": round(seconds, 2),
             "top10_overlap": len(best & set(top))}
        )  # fmt: skip
    return found


def _follow(
    n: int, edges: list[tuple[int, int]], starts: list[int], deadline: float
) -> tuple[list[float], int]:
    """Igraph's undirected betweenness from ``starts`` (in order, ``CHUNK`` at a time) until
    ``deadline`` (epoch seconds): the sums and how many sources they count."""
    graph = igraph.Graph(n=n, edges=edges)
    total, done = [0.0] * n, 0
    for k in range(0, len(starts), CHUNK):
        if time.time() >= deadline:
            break
        chunk = starts[k : k + CHUNK]
        found = graph.betweenness(directed=False, sources=chunk)
        total = [a + b for a, b in zip(total, found, strict=True)]
        done += len(chunk)
    return total, done


def reference(contacts: Contacts, minutes: float, workers: int, seed: int) -> dict[str, Any]:
    """Every person a source, in a random order split among ``workers`` processes, for at most
    ``minutes``: exact if all are done, else an estimate from those done (uniform, without
    replacement; scaled like any, which leaves the ranking as it is)."""
    n = len(contacts.ids)
    edges = [(v, w) for v, near in enumerate(contacts.near) for w in near if v < w]
    order = list(range(n))
    random.Random(seed).shuffle(order)
    deadline = time.time() + minutes * 60
    began = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        parts = list(
            pool.map(
                _follow,
                [n] * workers,
                [edges] * workers,
                [order[w::workers] for w in range(workers)],
                [deadline] * workers,
            )
        )
    scores = [sum(values) for values in zip(*(part for part, _ in parts), strict=True)]
    done = sum(count for _, count in parts)
    return {
        "scores": scores,
        "sources": done,
        "people": n,
        "exact": done == n,
        "seconds": round(time.perf_counter() - began, 1),
    }


def agreement(contacts: Contacts, found: Sequence[float]) -> dict[str, Any]:
    """The reference against the product's exact answer (igraph, all sources at once): the
    spread of their ratio over people with a score, and the top tens' overlap."""
    exact = contacts.scores(list(range(len(contacts.ids))))
    ratios = [found[k] / exact[p] for k, p in enumerate(contacts.ids) if p in exact]
    top = sorted(exact, key=lambda p: (-exact[p], p))[:TOP]
    return {
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "top10_overlap": len(set(top) & set(_top(found, contacts.ids))),
    }


async def write_cost(store: GraphStore) -> dict[str, Any]:
    """One ``MERGE`` of a pair both ways against creating an interaction between them, in
    turns, on ``WRITES`` pairs that already met (the merge finds both) and as many pairs of
    people drawn at random who had not (it creates both); the probe's writes are undone
    after."""
    met = await store.read(_PAIRS, {"count": WRITES})
    people = [row["id"] for row in await store.read("MATCH (p:Person) RETURN p.id AS id")]
    drawn = random.Random(7).sample(people, 4 * WRITES)
    strangers = [
        {"a": a, "b": b}
        for a, b in zip(drawn[::2], drawn[1::2], strict=True)
        if not await store.read(
            "MATCH (:Person {id: $a})-[c:CONTACT]->(:Person {id: $b}) RETURN c LIMIT 1",
            {"a": a, "b": b},
        )
    ][:WRITES]
    times: dict[str, list[float]] = {"interaction": [], "merge_existing": [], "merge_new": []}
    for k, pair in enumerate([{"a": r["a"], "b": r["b"]} for r in met] + strangers):
        kind = "merge_existing" if k < len(met) else "merge_new"
        _, merged = await _timed(lambda: store.write(_MERGE_BOTH, pair))  # noqa: B023
        _, created = await _timed(
            lambda: store.write(_INTERACT, pair | {"id": f"probe-{k}"})  # noqa: B023
        )
        times[kind].append(merged)
        times["interaction"].append(created)
    await store.write(_UNDO)
    for pair in strangers:
        await store.write("MATCH (:Person {id: $a})-[c:CONTACT]-(:Person {id: $b}) DELETE c", pair)
    return {
        kind: {"median_ms": round(statistics.median(values) * 1000, 2), "n": len(values)}
        for kind, values in times.items()
        if values
    }


async def _load(bench: Bench) -> None:
    dataset = write_dataset(SIZES[bench.size], bench.workdir / "dataset", seed=bench.seed).path
    store = await open_store(bench.settings())
    try:
        loaded = await load([dataset], store, batch_size=bench.settings().batch_size)
    finally:
        await store.close()
    if loaded.summary is None:
        raise typer.BadParameter(f"{dataset} has {len(loaded.problems)} problems")


async def probe(
    settings: Settings,
    *,
    sizes: Sequence[int],
    seeds: int,
    minutes: float,
    workers: int,
    product_sizes: Sequence[int],
) -> dict[str, Any]:
    day = datetime.now(UTC).date().isoformat()
    store = await open_store(settings)
    try:
        result: dict[str, Any] = {"check": await check_scale(settings)}
        assert settings.data_dir is not None
        peak = Peak(engine_processes(settings.data_dir)[0])
        before = peak.rss_mib()
        result["projection"] = await project(store) | {
            "engine_rss_mib_before": before,
            "engine_rss_mib_after": peak.rss_mib(),
        }
        _, first = await _timed(lambda: store.read(_ENGINE_TOP, {"size": 1, "seed": 1}))
        result["projection"]["first_call_after_s"] = round(first, 3)
        result["engine"] = await engine_tops(store, peak, sizes, seeds)
        estimate = await product_estimate(store, settings, day)
        contacts = estimate.pop("contacts")
        result["product"] = estimate
        result["writes"] = await write_cost(store)
    finally:
        await store.close()
    typer.echo(json.dumps(result, indent=1), err=True)  # what is measured, before the long part
    found = await asyncio.to_thread(reference, contacts, minutes, workers, seed=7)
    scores = found.pop("scores")
    best = set(_top(scores, contacts.ids))
    if len(contacts.ids) <= EXACT_AT_MOST:
        result["agreement"] = await asyncio.to_thread(agreement, contacts, scores)
    result["reference"] = found | {"top": sorted(best)}
    estimate["top10_overlap"] = len(best & set(estimate["top"]))
    result["product_samples"] = await asyncio.to_thread(
        product_samples, contacts, best, product_sizes
    )
    for runs in result["engine"].values():
        for run in runs:
            run["top10_overlap"] = len(best & set(run["top"]))
    return result


def _table(result: dict[str, Any]) -> str:
    reference = result["reference"]
    against = (
        "exact"
        if reference["exact"]
        else f"{reference['sources']:,} of {reference['people']:,} sources"
    )
    lines = [
        "| estimate | time to the top ten | engine peak | top-ten overlap with the reference "
        f"({against}) |",
        "| --- | --- | --- | --- |",
    ]
    for size, runs in result["engine"].items():
        times = [run["seconds"] for run in runs]
        overlaps = [run["top10_overlap"] for run in runs]
        lines.append(
            f"| engine, samplingSize {size} (seeds 1 to {len(runs)}) | "
            f"{statistics.median(times):.2f} s (median; {min(times):.2f} to {max(times):.2f}) | "
            f"{max(run['peak_mib'] for run in runs):,.0f} MiB | "
            f"{', '.join(map(str, overlaps))} |"
        )
    product = result["product"]
    lines.append(
        f"| product, igraph from {product['sample_size']} sources | "
        f"{product['read_s'] + product['betweenness_s']:.2f} s (reading {product['read_s']:.2f} s, "
        f"igraph {product['betweenness_s']:.2f} s) | | {product['top10_overlap']} |"
    )
    for run in result["product_samples"]:
        lines.append(
            f"| product, igraph from {run['sample_size']} sources | igraph "
            f"{run['betweenness_s']:.2f} s | | {run['top10_overlap']} |"
        )
    return "\n".join(lines)


@app.command()
def main(
    *,
    size: Annotated[
        str, typer.Option(help=f"The generated dataset's size ({', '.join(SIZES)}).")
    ] = "medium",
    seed: Annotated[int, typer.Option(help="The dataset's seed.")] = 7,
    data: Annotated[
        Path | None,
        typer.Option(
            help="An embedded engine's data folder whose graph `bench` holds the dataset "
            "already (skips generating and loading)."
        ),
    ] = None,
    samples: Annotated[
        str, typer.Option(help="The engine's sample sizes, comma-separated.")
    ] = "25,50,100,200",
    seeds: Annotated[int, typer.Option(min=1, help="Seeds (1..N) per sample size.")] = 3,
    reference_minutes: Annotated[float, typer.Option(help="Time box of the reference.")] = 25.0,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes following the reference's paths.")
    ] = 1,
    product_samples: Annotated[
        str,
        typer.Option(help="The product's sample sizes measured against the reference at the end."),
    ] = "100,200,400,800",
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here too.")] = None,
) -> None:
    """Measure the engine's betweenness on a symmetric projection against the product's
    (the generated dataset and its engine data in a scratch folder, removed at the end)."""
    with tempfile.TemporaryDirectory(
        prefix=f"crm-brokers-engine-{size}-", ignore_cleanup_errors=True
    ) as scratch:
        workdir = Path(scratch)
        bench = Bench(size, seed, workdir, workdir / "dataset")
        settings = bench.settings()
        if data is None:
            asyncio.run(_load(bench))
        else:
            settings = settings.model_copy(update={"data_dir": data})
        sizes = [int(s) for s in samples.split(",")]
        began = datetime.now(UTC)
        product_sizes = [int(s) for s in product_samples.split(",")]
        result = asyncio.run(
            probe(
                settings,
                sizes=sizes,
                seeds=seeds,
                minutes=reference_minutes,
                workers=workers,
                product_sizes=product_sizes,
            )
        )
    result["when"] = f"{began:%Y-%m-%d %H:%M} to {datetime.now(UTC):%H:%M} UTC"
    result["size"] = size
    typer.echo(json.dumps(result, indent=1))
    typer.echo(_table(result))
    if out is not None:
        out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    app()
