"""Throughput of the API server over HTTP: 1, 8 and 32 concurrent clients for a fixed time, each
sending a read mix of the API section's queries (the list at 100 items, the impact report, intro
paths, search), one request at a time; against ``crm serve`` with 1 and with 2 worker processes
(``--workers``). Brokers is left out: an analyst's question that reads the whole interaction
graph, not a dashboard's read. The figures are requests per second at 8 and 32 clients against
one client (one worker), 2 workers against 1, and 32 clients on 2 workers against the engine's
own throughput: the same statements (each query's baseline: the product's statements sent
directly) sent by 32 concurrent clients of one process straight to the engine. Errors are
counted (the target is none at 32). Each level's details give the CPU a request cost in the
API's processes, the engine and this process (the clients), which share the machine's CPUs."""

import asyncio
import random
import time
from typing import Any

import psutil

from benchmarks.api import server_settings
from benchmarks.bench import Bench, SectionFailed
from benchmarks.queries import Baseline, Query, Variables, catalogue
from benchmarks.report import Better, Figure, Target
from benchmarks.serving import (
    Request,
    Tally,
    client,
    cpu_per_request,
    cpu_seconds,
    crm_server,
    drive,
    processes_of,
    send,
    server_env,
)
from crm.config import Settings
from crm.errors import CrmError
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore

SECTION = "throughput"
CLIENTS = (1, 8, 32)
WORKERS = (1, 2)
SECONDS = 15.0
QUICK_SECONDS = 1.0
LIST_ITEMS = 100
"""The list in the mix: the size of a dashboard's page, not a bulk export."""


def chosen(queries: list[Query]) -> list[Query]:
    """The queries of the mix, with the list at (up to) ``LIST_ITEMS`` items."""
    lists = [query for query in queries if query.kind == "list"]
    page = min(lists, key=lambda query: abs((query.items or 0) - LIST_ITEMS))
    return [page, *(query for query in queries if query.kind not in {"list", "brokers"})]


def mix(queries: list[Query]) -> list[Request]:
    """One request per case of each query of the mix."""
    return [
        (query.kind, query.document, dict(case))
        for query in chosen(queries)
        for case in query.cases
    ]


async def run(bench: Bench) -> list[Figure]:
    settings = server_settings(bench)
    store = await open_store(settings)
    try:
        queries = await catalogue(store, bench.seed)
    finally:
        await store.close()
    requests = mix(queries)
    seconds = QUICK_SECONDS if bench.quick else SECONDS

    def choose(rng: random.Random) -> Request:
        return rng.choice(requests)

    measured: dict[tuple[int, int], dict[str, Any]] = {}
    failing: list[Request] = []
    for workers in WORKERS:
        log = bench.workdir / f"throughput-server-{workers}.log"
        env = server_env(settings) | {"CRM_WORKERS": str(workers)}
        with crm_server(["serve"], env, log) as server:
            async with client(server.base) as http:
                failing += [r for r in requests if r not in failing and await send(http, *r[1:])]
            requests = [request for request in requests if request not in failing]
            if not requests:
                raise SectionFailed("every request of the mix fails on its own", [])
            for clients in CLIENTS:
                groups = {"api": processes_of(server)} | _engine_and_benchmark(settings)
                async with client(server.base, clients) as http:
                    before = cpu_seconds(groups)
                    tallies, elapsed = await drive(http, clients, seconds, choose, seed=bench.seed)
                    after = cpu_seconds(groups)
                every = Tally()
                for tally in tallies.values():
                    every.merge(tally)
                measured[workers, clients] = every.summary(elapsed) | {
                    "per_query": {name: tally.summary(elapsed) for name, tally in tallies.items()},
                    "cpu_ms_per_request": cpu_per_request(before, after, len(every.latencies)),
                }
    direct = await _direct(bench, chosen(queries), failing, CLIENTS[-1], seconds)
    one = measured[1, CLIENTS[0]]
    figures = [
        Figure(
            section=SECTION,
            name=f"{clients} concurrent clients, {workers} worker{'s' if workers > 1 else ''}",
            value=measured[workers, clients]["rps"],
            unit="requests/s",
            better=Better.HIGHER,
            baseline="1 client, 1 worker",
            baseline_value=one["rps"],
            details=_details(measured[workers, clients], seconds)
            | {"baseline_errors": one["errors"], "baseline_latency_ms": one["latency_ms"]},
        )
        for workers in WORKERS
        for clients in CLIENTS
        if (workers, clients) != (1, CLIENTS[0])
    ]
    top = measured[WORKERS[-1], CLIENTS[-1]]
    figures.append(
        Figure(
            section=SECTION,
            name=f"{CLIENTS[-1]} clients, {WORKERS[-1]} workers, against the engine",
            value=top["rps"],
            unit="requests/s",
            better=Better.HIGHER,
            baseline=f"the same statements sent directly by {CLIENTS[-1]} clients",
            baseline_value=direct["rps"],
            target=Target(0.7, ">= 0.7x the engine's own"),
            details=_details(top, seconds) | {"engine": direct},
        )
    )
    if failing:
        left_out = ", ".join(f"{name} {variables}" for name, _, variables in failing)
        raise SectionFailed(f"left out of the mix, as they fail on their own: {left_out}", figures)
    return figures


def _details(measured: dict[str, Any], seconds: float) -> dict[str, Any]:
    return {
        "seconds": seconds,
        "requests": measured["requests"],
        "errors": measured["errors"],
        "latency_ms": measured["latency_ms"],
        "cpu_ms_per_request": measured["cpu_ms_per_request"],
        "per_query": measured["per_query"],
    }


async def _direct(
    bench: Bench, queries: list[Query], failing: list[Request], clients: int, seconds: float
) -> dict[str, Any]:
    """The engine's own throughput: ``clients`` concurrent clients of one store, each sending
    one query's statements (its baseline) at a time, the mix as over HTTP."""
    calls: list[tuple[Baseline, Variables]] = [
        (query.baseline, dict(case))
        for query in queries
        for case in query.cases
        if (query.kind, query.document, dict(case)) not in failing
    ]
    settings = server_settings(bench)
    store = await open_store(settings)
    groups = _engine_and_benchmark(settings)
    errors = 0
    done = 0
    try:
        before = cpu_seconds(groups)
        deadline = time.monotonic() + seconds
        started = time.monotonic()

        async def one(number: int, store: GraphStore) -> None:
            nonlocal errors, done
            rng = random.Random(bench.seed + number)
            while time.monotonic() < deadline:
                baseline, variables = rng.choice(calls)
                try:
                    await baseline(store, variables)
                except CrmError:  # counted, as the HTTP clients count theirs
                    errors += 1
                done += 1

        await asyncio.gather(*(one(n, store) for n in range(clients)))
        elapsed = time.monotonic() - started
        after = cpu_seconds(groups)
    finally:
        await store.close()
    return {
        "requests": done,
        "rps": round(done / elapsed, 1),
        "errors": errors,
        "clients": clients,
        "cpu_ms_per_request": cpu_per_request(before, after, done),
    }


def _engine_and_benchmark(settings: Settings) -> dict[str, list[psutil.Process]]:
    """The embedded engine's process (none for an engine elsewhere) and this one, which runs
    the clients."""
    engine = engine_processes(settings.data_dir) if settings.graph_url is None else []
    return {"engine": engine, "benchmark": [psutil.Process()]}
