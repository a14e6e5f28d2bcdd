"""Store statements per request: each query of the API section sent through the real ASGI app
in this process, on a store that counts what it runs. The baseline is the number of statements
the hand-written answer sends; for the list, the round trips at its largest size against its
smallest (they must not grow with the number of items)."""

from typing import Any

from starlette.testclient import TestClient

from benchmarks.api import RequestFailed, server_settings
from benchmarks.bench import Bench, SectionFailed
from benchmarks.queries import Query, catalogue
from benchmarks.report import Better, Figure, Target
from benchmarks.serving import GRAPHQL_RESPONSE
from crm.api.app import create_app
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore

SECTION = "round_trips"
UNIT = "statements"


def run(bench: Bench) -> list[Figure]:
    """Synchronous: starlette's test client runs the app in an event loop of its own."""
    stores: list[CountingStore] = []

    async def counting(settings: Settings) -> GraphStore:
        stores.append(CountingStore(await open_store(settings)))
        return stores[0]

    figures: list[Figure] = []
    with TestClient(create_app(server_settings(bench), open_store=counting)) as http:
        portal = http.portal
        assert portal is not None
        store = stores[0]
        queries = portal.call(catalogue, store.inner, bench.seed)
        counts: dict[str, int] = {}
        refused: list[str] = []
        for query in queries:
            try:
                counts[query.name] = max(_round_trips(http, store, query, v) for v in query.cases)
            except RequestFailed as failure:
                refused.append(f"{query.name}: {failure}")
                continue
            figures.append(
                Figure(
                    section=SECTION,
                    name=query.name,
                    value=counts[query.name],
                    unit=UNIT,
                    better=Better.LOWER,
                    baseline=query.baseline_text,
                    baseline_value=query.statements,
                )
            )
    lists = [query for query in queries if query.kind == "list" and query.name in counts]
    if lists:
        smallest, largest = lists[0], lists[-1]
        figures.append(
            Figure(
                section=SECTION,
                name=f"{largest.name} against {smallest.name}",
                value=counts[largest.name],
                unit=UNIT,
                better=Better.LOWER,
                baseline=smallest.name,
                baseline_value=counts[smallest.name],
                target=Target(1.0, "must not grow"),
            )
        )
    if refused:
        raise SectionFailed("; ".join(refused), figures)
    return figures


def _round_trips(
    http: TestClient, store: CountingStore, query: Query, variables: dict[str, Any]
) -> int:
    before = store.reads + store.writes
    response = http.post(
        "/graphql",
        json={"query": query.document, "variables": variables},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RequestFailed(f"HTTP {response.status_code}: {str(body.get('errors'))[:500]}")
    return store.reads + store.writes - before
