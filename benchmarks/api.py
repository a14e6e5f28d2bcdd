"""Latency of the API over HTTP (``crm serve``, uvicorn) against the limit: the same answer
fetched through the same store adapter with hand-written Cypher, on the same engine and graph.

Each answer is checked first: the API's ``data`` must equal the baseline's rows mapped to the
same shape. Then the two are timed in turn, run after run (after a warm-up), and the figure is
the API's median over the baseline's.
"""

import statistics
import time
from typing import Any

import httpx2 as httpx

from benchmarks.bench import Bench, SectionFailed
from benchmarks.queries import Query, Variables, catalogue, difference
from benchmarks.report import Better, Figure
from benchmarks.serving import client, crm_server, latency_ms, server_env
from crm.config import Settings
from crm.errors import CrmError
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Role

SECTION = "api"
WARM_UP = 2
"""Runs of each query before the timed ones (beyond the first, which checks the answer)."""
RUNS = 21
QUICK_RUNS = 3
BUDGET_S = 60.0
"""A query stops being repeated after this long (at least three runs each, but one for a query
whose every run takes a third of it: brokers on a large graph)."""
QUICK_BUDGET_S = 10.0
QUERY_TIMEOUT_MS = 120_000
"""A query that takes longer fails (on the server and for the baseline) rather than hold up
the run."""


class RequestFailed(RuntimeError):
    """The API answered with errors."""


UNCAPPED = 1000
"""Network questions the benchmarks' anonymous clients may run at once: the benchmarks measure
the engine and the API, not the fairness caps (``CRM_MAX_EXPENSIVE_ANONYMOUS``)."""


def server_settings(bench: Bench) -> Settings:
    """The API server's settings: the run's engine and graph; anonymous requests read (the
    server listens on loopback only), with ``QUERY_TIMEOUT_MS`` as their budget and no cap on
    the network questions running at once."""
    return bench.settings(
        anonymous_role=Role.READER,
        query_timeout_ms=QUERY_TIMEOUT_MS,
        budget_anonymous_ms=QUERY_TIMEOUT_MS,
        max_expensive_anonymous=UNCAPPED,
    )


async def fetch(http: httpx.AsyncClient, document: str, variables: Variables) -> dict[str, Any]:
    """The ``data`` of one request, which must have no errors."""
    response = await http.post("/graphql", json={"query": document, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RequestFailed(f"HTTP {response.status_code}: {str(body.get('errors'))[:500]}")
    data: dict[str, Any] = body["data"]
    return data


async def check(http: httpx.AsyncClient, store: GraphStore, query: Query) -> str | None:
    """Where the API's answer differs from the baseline's, for the first case that does."""
    for variables in query.cases:
        got = await fetch(http, query.document, variables)
        found = difference(await query.baseline(store, variables), got)
        if found is not None:
            return f"{query.name} {variables}: {found}"
    return None


async def run(bench: Bench) -> list[Figure]:
    settings = server_settings(bench)
    store = await open_store(settings)
    figures: list[Figure] = []
    problems: list[str] = []
    try:
        queries = await catalogue(store, bench.seed)
        log = bench.workdir / "api-server.log"
        with crm_server(["serve"], server_env(settings), log) as server:
            async with client(server.base) as http:
                for query in queries:
                    try:
                        found = await check(http, store, query)
                        if found is None:
                            figures.append(await _measure(bench, http, store, query))
                        else:
                            problems.append(f"the API's answer differs: {found}")
                    except (RequestFailed, CrmError) as failure:
                        problems.append(f"{query.name}: {type(failure).__name__}: {failure}")
    finally:
        await store.close()
    if problems:
        raise SectionFailed("; ".join(problems), figures)
    return figures


async def _measure(
    bench: Bench, http: httpx.AsyncClient, store: GraphStore, query: Query
) -> Figure:
    runs, budget = (QUICK_RUNS, QUICK_BUDGET_S) if bench.quick else (RUNS, BUDGET_S)
    api: list[float] = []
    cypher: list[float] = []
    deadline = time.monotonic() + budget
    for number in range(0 if bench.quick else WARM_UP):
        variables = query.cases[number % len(query.cases)]
        await fetch(http, query.document, variables)
        await query.baseline(store, variables)
        if time.monotonic() > deadline:
            break
    deadline = time.monotonic() + budget
    for number in range(runs):
        variables = query.cases[number % len(query.cases)]
        begin = time.perf_counter()
        await fetch(http, query.document, variables)
        api.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        await query.baseline(store, variables)
        cypher.append(time.perf_counter() - begin)
        slow = api[-1] + cypher[-1] > budget / 3
        if time.monotonic() > deadline and (number >= 2 or slow):
            break
    details: dict[str, Any] = {
        "runs": len(api),
        "p95_ms": latency_ms(api)["p95"],
        "baseline_p95_ms": latency_ms(cypher)["p95"],
        "baseline_statements": query.statements,
    }
    if query.items is not None:
        details["items"] = query.items
    return Figure(
        section=SECTION,
        name=query.name,
        value=round(statistics.median(api) * 1000, 3),
        unit="ms",
        better=Better.LOWER,
        baseline=query.baseline_text,
        baseline_value=round(statistics.median(cypher) * 1000, 3),
        target=query.target,
        details=details,
    )
