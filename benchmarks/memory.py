"""Memory: the resident set of the API server process (after serving the lists at every size)
and of the embedded engine's server process, on the loaded graph against the same processes on
an empty graph (a second data folder), measured in the same run. The details give the growth
per 100k nodes of the loaded graph. The engine's figure counts every graph it holds, and what
its allocator kept from earlier statements: the suite runs this section before the query
sections."""

from pathlib import Path

import psutil

from benchmarks.api import fetch, server_settings
from benchmarks.bench import Bench
from benchmarks.queries import LIST, LIST_SIZES
from benchmarks.report import Better, Figure
from benchmarks.serving import Server, client, crm_server, server_env
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes

SECTION = "memory"
MIB = 2**20
PER_NODES = 100_000


async def run(bench: Bench) -> list[Figure]:
    loaded = server_settings(bench)
    empty = loaded.model_copy(update={"data_dir": bench.workdir / "empty-data"})
    store = await open_store(loaded)
    try:
        rows = await store.read("MATCH (n) RETURN count(n) AS n")
    finally:
        await store.close()
    nodes = int(rows[0]["n"]) if rows else 0
    empty_api, _, empty_engine = await _measure(empty, bench.workdir / "memory-empty.log")
    api_after, api_before, engine = await _measure(loaded, bench.workdir / "memory-loaded.log")

    def per_nodes(value: float, baseline: float) -> float | None:
        return None if nodes == 0 else round((value - baseline) * PER_NODES / nodes, 2)

    return [
        Figure(
            section=SECTION,
            name=f"API process after the lists of up to {max(LIST_SIZES):,}",
            value=api_after,
            unit="MiB",
            better=Better.LOWER,
            baseline="the same on an empty graph",
            baseline_value=empty_api,
            details={
                "before_lists_mib": api_before,
                "nodes": nodes,
                "mib_per_100k_nodes": per_nodes(api_after, empty_api),
            },
        ),
        Figure(
            section=SECTION,
            name="engine process",
            value=engine,
            unit="MiB",
            better=Better.LOWER,
            baseline="the same on an empty graph",
            baseline_value=empty_engine,
            details={"nodes": nodes, "mib_per_100k_nodes": per_nodes(engine, empty_engine)},
        ),
    ]


async def _measure(settings: Settings, log: Path) -> tuple[float, float, float]:
    """The API server's RSS after and before serving the lists, and the engine's, in MiB."""
    with crm_server(["serve"], server_env(settings), log) as server:
        async with client(server.base) as http:
            before = _rss(server)
            for first in LIST_SIZES:
                await fetch(http, LIST, {"first": first})
            after = _rss(server)
        engines = engine_processes(settings.data_dir)
        engine = sum(process.memory_info().rss for process in engines) / MIB
    return after, before, round(engine, 1)


def _rss(server: Server) -> float:
    return round(psutil.Process(server.pid).memory_info().rss / MIB, 1)
