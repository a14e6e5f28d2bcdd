"""The API as clients meet it: the real Starlette app, on the real embedded engine, over HTTP
(starlette's TestClient runs the app and its lifespan)."""

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from graph_loader.datasets import INTRANET
from graph_loader.load import load
from tests.conftest import ENGINES, SharedGraph, engine_settings, skip_unreachable
from tests.contract.graphs import CountingStore

GRAPHQL_RESPONSE = "application/graphql-response+json"


@dataclass
class Api:
    """A client of one running app, and the store under it (which counts round trips)."""

    client: TestClient
    store: CountingStore
    claim: Callable[[], None] = lambda: None
    """Makes sure the graph holds this fixture's data (Neo4j's one graph is shared)."""

    def post(self, document: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        self.claim()
        response: httpx.Response = self.client.post(
            "/graphql",
            json={"query": document, "variables": variables},
            headers={"accept": GRAPHQL_RESPONSE},
        )
        return response

    def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The answer's data; the answer must have no errors."""
        response = self.post(document, variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def errors(self, document: str, variables: dict[str, Any] | None = None) -> list[Any]:
        """The answer's errors (executed, so status 200); there must be some."""
        response = self.post(document, variables)
        body = response.json()
        assert response.status_code == 200, body
        assert body.get("errors"), body
        errors: list[Any] = body["errors"]
        return errors

    def codes(self, document: str, variables: dict[str, Any] | None = None) -> list[str]:
        return [error["extensions"]["code"] for error in self.errors(document, variables)]

    def round_trips(self, document: str, variables: dict[str, Any] | None = None) -> int:
        """How many statements the store ran to answer ``document``."""
        before = self.store.reads + self.store.writes
        self.data(document, variables)
        return self.store.reads + self.store.writes - before


def load_files(settings: Settings, *paths: Path) -> None:
    """Load files into the store of ``settings`` as ``crm load`` would."""
    asyncio.run(_load(settings, paths))


async def _load(settings: Settings, paths: tuple[Path, ...], owner: object = None) -> None:
    """Load ``paths``; on Neo4j (an ``owner`` given), into a cleared graph that ``owner`` then
    holds."""
    store = await open_store(settings)
    try:
        if owner is not None:
            await SharedGraph.clear(store, owner)
        problems = (await load(list(paths), store, batch_size=settings.batch_size)).problems
    finally:
        await store.close()
    assert not problems, problems


def serve(
    settings: Settings,
    claim: Callable[[], None] = lambda: None,
    wrapper: type[CountingStore] = CountingStore,
) -> Iterator[Api]:
    counter: list[CountingStore] = []

    async def counting(settings: Settings) -> GraphStore:
        counter.append(wrapper(await open_store(settings)))
        return counter[0]

    with TestClient(create_app(settings, open_store=counting)) as client:
        yield Api(client, counter[0], claim)


def serve_loaded(engine: str, settings: Settings, *paths: Path) -> Iterator[Api]:
    """The API over the graph loaded from ``paths`` (none: an empty graph). On Neo4j other
    fixtures may clear its one graph in between, so the data is loaded again whenever another
    fixture has held the graph since."""
    if engine == "falkordb":
        if paths:
            load_files(settings, *paths)
        yield from serve(settings)
        return
    owner = object()

    def claim() -> None:
        if SharedGraph.owner is not owner:
            asyncio.run(_load(settings, paths, owner))

    claim()
    yield from serve(settings, claim)


def serve_demo(request: pytest.FixtureRequest, folder: Path) -> Iterator[Api]:
    """The API over the InTra-Net demo, on the engine of ``request.param``."""
    skip_unreachable(request.param)
    settings = engine_settings(request.param, folder / "crm-data")
    yield from serve_loaded(request.param, settings, INTRANET)


@pytest.fixture(scope="session", params=ENGINES)
def intranet(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The API over the InTra-Net demo, shared by tests that only read."""
    yield from serve_demo(request, tmp_path_factory.mktemp("intranet"))


@pytest.fixture(scope="module", params=ENGINES)
def writable(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """The API over a copy of the demo of this test module's own, for tests that write."""
    yield from serve_demo(request, tmp_path_factory.mktemp("writable"))


@pytest.fixture
def empty(settings: Settings, engine: str) -> Iterator[Api]:
    """The API over an empty graph of this test's own."""
    yield from serve_loaded(engine, settings)
