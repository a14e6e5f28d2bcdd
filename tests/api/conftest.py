"""The API as clients meet it: the real Starlette app, on the real embedded engine, over HTTP
(starlette's TestClient runs the app and its lifespan)."""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.api.context import Context
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore
from crm.keys import NewKey, Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key
from graph_loader.datasets import INTRANET
from tests.conftest import (
    ENGINES,
    SharedGraph,
    copy_data,
    engine_settings,
    load_files,
    load_graph,
    skip_unreachable,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"

WEBHOOKS_POLL_MS = 3_600_000


@dataclass
class Api:
    """A client of one running app, and the store under it (which counts round trips).

    It sends the ``admin`` key made for the app unless ``as_role`` picked another role's key, or
    none (``as_role(None)``: an anonymous request)."""

    client: TestClient
    store: CountingStore
    keys: dict[Role, NewKey]
    role: Role | None = Role.ADMIN

    def as_role(self, role: Role | None) -> "Api":
        """The same app and store, asked with ``role``'s key (``None``: no key)."""
        return replace(self, role=role)

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header of this client's role, if it has one."""
        if self.role is None:
            return {}
        return {"authorization": f"Bearer {self.keys[self.role].token}"}

    claim: Callable[[], bool] = lambda: False
    """Makes sure the graph holds this fixture's data (Neo4j's one graph is shared); true when
    it had to load it again (and the keys with it)."""

    def post(self, document: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        self.claim()
        response: httpx.Response = self.client.post(
            "/graphql",
            json={"query": document, "variables": variables},
            headers={"accept": GRAPHQL_RESPONSE, **self.headers},
        )
        return response

    def run[T](self, work: Callable[[GraphStore], Awaitable[T]]) -> T:
        """Run ``work`` on the app's store, in the app's event loop (to look at or set up the
        graph beside the API)."""
        portal = self.client.portal
        assert portal is not None
        return portal.call(work, self.store.inner)

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
        """How many statements the store ran to answer ``document``, beyond the one that looks
        up the request's key."""
        before = self.store.reads + self.store.writes
        self.data(document, variables)
        key_lookup = 0 if self.role is None else 1
        return self.store.reads + self.store.writes - before - key_lookup


def serve(
    settings: Settings,
    claim: Callable[[], bool] = lambda: False,
    counting_store: type[CountingStore] = CountingStore,
) -> Iterator[Api]:
    """The app on ``settings``' store (wrapped in ``counting_store``), with a key per role.
    Its webhook deliveries look for endpoints at the start and then hourly: the counted round
    trips would otherwise take in the listing it makes every second (delivery is tested on
    real servers, in ``tests/e2e/test_webhooks.py``)."""
    settings = settings.model_copy(update={"webhooks_poll_ms": WEBHOOKS_POLL_MS})
    counter: list[CountingStore] = []

    async def counting(settings: Settings) -> GraphStore:
        counter.append(counting_store(await open_store(settings)))
        return counter[0]

    async def make_keys(store: GraphStore) -> dict[Role, NewKey]:
        keys = {role: new_key() for role in Role}
        for role, key in keys.items():
            await create_key(
                store, key, role, f"tests ({role})", Change("createKey", CLI, Context.now())
            )
        return keys

    with TestClient(create_app(settings, open_store=counting)) as client:
        portal = client.portal
        assert portal is not None
        keys = portal.call(make_keys, counter[0].inner)

        def reclaim() -> bool:
            if not claim():
                return False
            keys.update(portal.call(make_keys, counter[0].inner))
            return True

        yield Api(client, counter[0], keys, claim=reclaim)


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

    def claim() -> bool:
        if SharedGraph.owner is owner:
            return False
        asyncio.run(load_graph(settings, paths, owner))
        return True

    claim()
    yield from serve(settings, claim)


def serve_demo(request: pytest.FixtureRequest, folder: Path) -> Iterator[Api]:
    """The API over the InTra-Net demo, on the engine of ``request.param`` (the embedded one's
    a copy of ``demo_data``)."""
    skip_unreachable(request.param)
    settings = engine_settings(request.param, folder / "crm-data")
    if request.param == "falkordb":
        copy_data(request.getfixturevalue("demo_data"), settings.data_dir)
        yield from serve(settings)
        return
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
