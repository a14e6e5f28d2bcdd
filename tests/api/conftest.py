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
from crm.config import Settings, load_settings
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import NewKey, Role, new_key
from crm.queries.keys import create_key
from graph_loader.datasets import INTRANET
from graph_loader.load import load
from tests.contract.graphs import CountingStore

GRAPHQL_RESPONSE = "application/graphql-response+json"


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

    def post(self, document: str, variables: dict[str, Any] | None = None) -> httpx.Response:
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


def load_files(settings: Settings, *paths: Path) -> None:
    """Load files into the store of ``settings`` as ``crm load`` would."""

    async def work() -> None:
        store = await open_store(settings)
        try:
            report = await load(list(paths), store, batch_size=settings.batch_size)
        finally:
            await store.close()
        assert not report.problems, report.problems

    asyncio.run(work())


def serve(settings: Settings, counting_store: type[CountingStore] = CountingStore) -> Iterator[Api]:
    """The app on ``settings``' store (wrapped in ``counting_store``), with a key per role."""
    counter: list[CountingStore] = []

    async def counting(settings: Settings) -> GraphStore:
        counter.append(counting_store(await open_store(settings)))
        return counter[0]

    async def make_keys(store: GraphStore) -> dict[Role, NewKey]:
        keys = {role: new_key() for role in Role}
        for role, key in keys.items():
            await create_key(store, key, role, f"tests ({role})", Context.now())
        return keys

    with TestClient(create_app(settings, open_store=counting)) as client:
        assert client.portal is not None
        yield Api(client, counter[0], client.portal.call(make_keys, counter[0].inner))


@pytest.fixture(scope="session")
def intranet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API over the InTra-Net demo, shared by tests that only read."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("intranet") / "crm-data")
    load_files(settings, INTRANET)
    yield from serve(settings)


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API over a copy of the demo of this test module's own, for tests that write."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("writable") / "crm-data")
    load_files(settings, INTRANET)
    yield from serve(settings)


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Api]:
    """The API over an empty graph of this test's own."""
    yield from serve(load_settings(data_dir=tmp_path / "crm-data"))
