"""The import section: rows per second of the real loader, for nodes and for ties, against a naive
loader (one ``MERGE`` statement per row) and against the engine's limit (``UNWIND ... CREATE`` of
the same rows into an empty graph, in batches of the same size).

Each is measured in a fresh graph of its own, deleted afterwards. The loader's time includes
reading and validating the files (the user waits for it too): it is shared between nodes and
ties by their numbers of rows, and reported apart in the details. The baselines are handed rows
the loader has already validated, so they measure the statements alone.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, LiteralString

import psutil

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure, Target
from crm.domain import RELATIONSHIPS, Label
from crm.graph.connect import open_store
from crm.graph.cypher import render
from crm.graph.store import GraphStore
from graph_loader.checks import Row
from graph_loader.load import load, plan_load
from graph_loader.validate import LinkKey, Plan

SECTION = "imports"
GRAPH = "bench_import"
NAIVE_GRAPH = "bench_import_naive"
RAW_GRAPH = "bench_import_raw"
NAIVE_ROWS = 5000
"""Rows of each kind the naive loader writes: enough for a steady rate."""
NAIVE_ROWS_QUICK = 300
NEAR_LIMIT = Target(0.85, "at the raw limit (>= 0.85x)")
NAIVE = "one MERGE statement per row"
RAW = "UNWIND ... CREATE into an empty graph"
WALL_NEAR_LIMIT = Target(1.3, "near the raw load (<= 1.3x)")

_CLEAR_CHUNK = 20_000
_CLEAR = "MATCH (n) WITH n LIMIT $chunk DETACH DELETE n RETURN count(*) AS deleted"

_RAW_NODES = "UNWIND $rows AS row CREATE (n:%label%) SET n = row"
_RAW_TIES = """
UNWIND $rows AS row
MATCH (a:%from% {id: row.from})
MATCH (b:%to% {id: row.to})
CREATE (a)-[r:%type%]->(b) SET r = row.props
"""
_NAIVE_NODE = "MERGE (n:%label% {id: $id}) SET n += $props"
_NAIVE_TIE = """
MATCH (a:%from% {id: $from})
MATCH (b:%to% {id: $to})
MERGE (a)-[r:%type%]->(b) SET r += $props
"""
_NAIVE_KEYED_TIE = """
MATCH (a:%from% {id: $from})
MATCH (b:%to% {id: $to})
MERGE (a)-[r:%type% {id: $props.id}]->(b) SET r += $props
"""


@dataclass(frozen=True)
class Rates:
    """Rows written per second, nodes and ties apart, and how long everything took."""

    nodes: float
    ties: float
    seconds: float
    details: dict[str, Any]


async def run(bench: Bench) -> list[Figure]:
    batch = bench.settings(GRAPH).batch_size
    processes = bench.settings(GRAPH).load_processes
    # The loader's store stays open throughout: the embedded engine is started once, not again
    # for each baseline's graph.
    store = await _fresh(bench, GRAPH)
    try:
        loader = await _loader(store, bench.dataset, batch, processes)
        raw = await _raw(bench, batch)
        naive = await _naive(bench, NAIVE_ROWS_QUICK if bench.quick else NAIVE_ROWS)
    finally:
        await store.close()
    figures = []
    for kind, ours, naive_rate, raw_rate in (
        ("node", loader.nodes, naive.nodes, raw.nodes),
        ("tie", loader.ties, naive.ties, raw.ties),
    ):
        naive_rows = naive.details[f"{kind}_rows"]
        figures += [
            _rate(f"{kind} rows/s vs naive", ours, NAIVE, naive_rate, None, naive_rows=naive_rows),
            _rate(f"{kind} rows/s vs raw", ours, RAW, raw_rate, NEAR_LIMIT, batch_size=batch),
        ]
    figures.append(
        Figure(
            section=SECTION,
            name="whole load wall time",
            value=loader.seconds,
            unit="s",
            better=Better.LOWER,
            baseline=RAW,
            baseline_value=raw.seconds,
            target=WALL_NEAR_LIMIT,
            details=loader.details,
        )
    )
    return figures


def _rate(
    name: str,
    value: float,
    baseline: str,
    baseline_value: float,
    target: Target | None,
    **details: Any,
) -> Figure:
    return Figure(
        SECTION, name, value, "rows/s", Better.HIGHER, baseline, baseline_value, target, details
    )


class _Clock:
    """The loader's progress hook: when writing starts, and when the last node batch is done."""

    def __init__(self) -> None:
        self.writing = 0.0
        self.nodes_written = 0.0

    def start(self, total: int) -> None:
        self.writing = self.nodes_written = time.perf_counter()

    def advance(self, name: str, rows: int) -> None:
        if name in Label.__members__.values():
            self.nodes_written = time.perf_counter()


async def _loader(store: GraphStore, dataset: Path, batch: int, processes: int) -> Rates:
    """The real loader on the dataset, into the empty graph of ``store``, validating with
    ``processes`` processes (``CRM_LOAD_PROCESSES``, as ``crm load`` does)."""
    clock = _Clock()
    with _peak_memory() as memory:
        began = time.perf_counter()
        cpu = time.process_time()
        report = await load([dataset], store, batch_size=batch, progress=clock, processes=processes)
        ended = time.perf_counter()
    await _clear(store)
    if report.summary is None:
        raise RuntimeError(f"the dataset did not load: {report.problems[:3]}")
    nodes = report.summary.node_total.created
    ties = report.summary.relationship_total.created
    validating = clock.writing - began
    node_share = validating * nodes / max(nodes + ties, 1)
    details = {
        "node_rows": nodes,
        "tie_rows": ties,
        "processes": processes,
        "validating_s": round(validating, 2),
        "loader_cpu_s": round(time.process_time() - cpu, 2),
        "writing_nodes_s": round(clock.nodes_written - clock.writing, 2),
        "writing_ties_s": round(ended - clock.nodes_written, 2),
        "peak_memory_mib": round(memory.peak / 2**20, 1),
        "memory_growth_mib": round((memory.peak - memory.before) / 2**20, 1),
    }
    return Rates(
        nodes=nodes / (clock.nodes_written - clock.writing + node_share),
        ties=ties / (ended - clock.nodes_written + validating - node_share),
        seconds=ended - began,
        details=details,
    )


async def _raw(bench: Bench, batch: int) -> Rates:
    """The same rows, validated beforehand, with bare ``UNWIND ... CREATE`` statements."""
    store = await _fresh(bench, RAW_GRAPH)
    try:
        with await plan_load([bench.dataset], store) as plan:
            node_rows, node_s = 0, 0.0
            for label, rows in plan.node_batches(batch):
                statement = render(_RAW_NODES, label=label)
                node_s += await _timed(store, statement, {"rows": [_props(r) for r in rows]})
                node_rows += len(rows)
            tie_rows, tie_s = 0, 0.0
            for key, rows in plan.link_batches(batch):
                statement = _with_ends(_RAW_TIES, key)
                sent = [{"from": r["from"], "to": r["to"], "props": _props(r)} for r in rows]
                tie_s += await _timed(store, statement, {"rows": sent})
                tie_rows += len(rows)
        await _clear(store)
    finally:
        await store.close()
    details = {"node_rows": node_rows, "tie_rows": tie_rows}
    return Rates(node_rows / node_s, tie_rows / tie_s, node_s + tie_s, details)


async def _naive(bench: Bench, sample: int) -> Rates:
    """The first ``sample`` node rows and tie rows, one ``MERGE`` statement each; the ends of the
    ties are created beforehand, untimed."""
    store = await _fresh(bench, NAIVE_GRAPH)
    try:
        with await plan_load([bench.dataset], store) as plan:
            nodes, ties = _sample(plan, sample)
            node_s = 0.0
            for label, row in nodes:
                parameters = {"id": row["id"], "props": _props(row)}
                node_s += await _timed(store, render(_NAIVE_NODE, label=label), parameters)
            await _clear(store)
            await _create_ends(store, ties)
            tie_s = 0.0
            for key, row in ties:
                template = _NAIVE_KEYED_TIE if RELATIONSHIPS[key[0]].keyed else _NAIVE_TIE
                parameters = {"from": row["from"], "to": row["to"], "props": _props(row)}
                tie_s += await _timed(store, _with_ends(template, key), parameters)
        await _clear(store)
    finally:
        await store.close()
    details = {"node_rows": len(nodes), "tie_rows": len(ties)}
    return Rates(len(nodes) / node_s, len(ties) / tie_s, node_s + tie_s, details)


def _sample(plan: Plan, size: int) -> tuple[list[tuple[Label, Row]], list[tuple[LinkKey, Row]]]:
    nodes = ((label, row) for label, rows in plan.node_batches(size) for row in rows)
    ties = ((key, row) for key, rows in plan.link_batches(size) for row in rows)
    return list(islice(nodes, size)), list(islice(ties, size))


async def _create_ends(store: GraphStore, ties: list[tuple[LinkKey, Row]]) -> None:
    ends: dict[Label, set[str]] = {}
    for (_, source, target), row in ties:
        ends.setdefault(source, set()).add(row["from"])
        ends.setdefault(target, set()).add(row["to"])
    for label, ids in ends.items():
        rows = [{"id": node_id} for node_id in sorted(ids)]
        await store.write(render(_RAW_NODES, label=label), {"rows": rows})


def _with_ends(template: LiteralString, key: LinkKey) -> LiteralString:
    rel_type, source, target = key
    return render(template, type=rel_type, **{"from": source, "to": target})


def _props(row: Row) -> dict[str, Any]:
    """What the loader stores: the properties without absent ones, and the timestamps."""
    stamp = row["createdAt"] or "2026-01-01T00:00:00Z"
    props = {key: value for key, value in row["props"].items() if value is not None}
    return props | {"createdAt": stamp, "updatedAt": row["updatedAt"] or stamp}


async def _timed(store: GraphStore, statement: LiteralString, parameters: dict[str, Any]) -> float:
    began = time.perf_counter()
    await store.write(statement, parameters)
    return time.perf_counter() - began


async def _fresh(bench: Bench, graph: str) -> GraphStore:
    store = await open_store(bench.settings(graph))
    await _clear(store)
    return store


async def _clear(store: GraphStore) -> None:
    """Delete every node and relationship, a chunk per statement."""
    while (await store.write(_CLEAR, {"chunk": _CLEAR_CHUNK}))[0]["deleted"]:
        pass


@dataclass
class _Memory:
    before: int
    peak: int


@contextmanager
def _peak_memory(interval_s: float = 0.02) -> Iterator[_Memory]:
    """The peak resident memory of this process while the block runs, sampled."""
    process = psutil.Process()
    memory = _Memory(process.memory_info().rss, process.memory_info().rss)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(interval_s):
            memory.peak = max(memory.peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield memory
    finally:
        done.set()
        sampler.join()
        memory.peak = max(memory.peak, process.memory_info().rss)
