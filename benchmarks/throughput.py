"""Throughput of the API server over HTTP: 1, 8 and 32 concurrent clients for a fixed time, each
sending a read mix of the API section's queries (the list at 100 items, the impact report, intro
paths, search), one request at a time. Brokers is left out: an analyst's question that reads the
whole interaction graph (minutes on ``medium``), not a dashboard's read. The figures are
requests per second at 8 and 32 clients against one client; errors are counted (the target is
none at 32)."""

import random
from typing import Any

from benchmarks.api import server_settings
from benchmarks.bench import Bench, SectionFailed
from benchmarks.queries import Query, catalogue
from benchmarks.report import Better, Figure
from benchmarks.serving import Request, Tally, client, crm_server, drive, send, server_env
from crm.graph.connect import open_store

SECTION = "throughput"
CLIENTS = (1, 8, 32)
SECONDS = 15.0
QUICK_SECONDS = 2.0
LIST_ITEMS = 100
"""The list in the mix: the size of a dashboard's page, not a bulk export."""


def mix(queries: list[Query]) -> list[Request]:
    """One request per case of each query, with the list at (up to) ``LIST_ITEMS`` items."""
    lists = [query for query in queries if query.kind == "list"]
    page = min(lists, key=lambda query: abs((query.items or 0) - LIST_ITEMS))
    chosen = [page, *(query for query in queries if query.kind not in {"list", "brokers"})]
    return [(query.kind, query.document, dict(case)) for query in chosen for case in query.cases]


async def run(bench: Bench) -> list[Figure]:
    settings = server_settings(bench)
    store = await open_store(settings)
    try:
        requests = mix(await catalogue(store, bench.seed))
    finally:
        await store.close()
    seconds = QUICK_SECONDS if bench.quick else SECONDS

    def choose(rng: random.Random) -> Request:
        return rng.choice(requests)

    measured: dict[int, dict[str, Any]] = {}
    log = bench.workdir / "throughput-server.log"
    with crm_server(["serve"], server_env(settings), log) as server:
        async with client(server.base) as http:
            failing = [request for request in requests if await send(http, *request[1:])]
        requests = [request for request in requests if request not in failing]
        if not requests:
            raise SectionFailed("every request of the mix fails on its own", [])
        for clients in CLIENTS:
            async with client(server.base, clients) as http:
                tallies, elapsed = await drive(http, clients, seconds, choose, seed=bench.seed)
            every = Tally()
            for tally in tallies.values():
                every.merge(tally)
            measured[clients] = every.summary(elapsed) | {
                "per_query": {name: tally.summary(elapsed) for name, tally in tallies.items()}
            }
    one = measured[CLIENTS[0]]
    figures = [
        Figure(
            section=SECTION,
            name=f"{clients} concurrent clients",
            value=measured[clients]["rps"],
            unit="requests/s",
            better=Better.HIGHER,
            baseline="1 client",
            baseline_value=one["rps"],
            details={
                "seconds": seconds,
                "requests": measured[clients]["requests"],
                "errors": measured[clients]["errors"],
                "latency_ms": measured[clients]["latency_ms"],
                "per_query": measured[clients]["per_query"],
                "baseline_errors": one["errors"],
                "baseline_latency_ms": one["latency_ms"],
            },
        )
        for clients in CLIENTS[1:]
    ]
    if failing:
        left_out = ", ".join(f"{name} {variables}" for name, _, variables in failing)
        raise SectionFailed(f"left out of the mix, as they fail on their own: {left_out}", figures)
    return figures
