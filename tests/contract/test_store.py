"""The storage port's contract, on the embedded engine and on a FalkorDB server by URL."""

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from crm.config import Settings
from crm.errors import Conflict, InvalidInput, StoreError, StoreUnavailable
from crm.graph.connect import open_store
from crm.graph.schema import load_schema
from crm.graph.store import GraphStore
from tests.conftest import SharedGraph, engine_settings, skip_unreachable
from tests.contract.test_embedded_engine import kill_engine
from tests.falkordb_server import free_port, start_server


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """A FalkorDB server of the bundled binaries on a loopback TCP port, as a user might run."""
    port = free_port()
    server = start_server(tmp_path / "server", port)
    try:
        yield f"falkordb://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(params=["falkordb", "falkordb-server", "neo4j"])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """The same contract on the embedded engine, on a FalkorDB server reached by URL, and on
    Neo4j when one is reachable."""
    engine = request.param.removesuffix("-server")
    skip_unreachable(engine)
    settings = engine_settings(engine, tmp_path / "crm-data")
    if request.param == "falkordb-server":
        settings = settings.model_copy(update={"graph_url": request.getfixturevalue("server_url")})
    opened = await open_store(settings)
    try:
        if engine == "neo4j":
            await SharedGraph.clear(opened, owner=opened)
        yield opened
    finally:
        await opened.close()


async def test_results_are_plain_python_values(any_store: GraphStore) -> None:
    await any_store.write(
        "CREATE (:Topic {id: 't', name: $name, tags: ['a', 'b'], weight: 1.5, n: 3})",
        {"name": "Ø"},
    )

    rows = await any_store.read(
        "MATCH (t:Topic) RETURN t AS node, t.tags AS tags, {n: t.n, ok: true} AS map, null AS none"
    )

    assert rows == [
        {
            "node": {"id": "t", "name": "Ø", "tags": ["a", "b"], "weight": 1.5, "n": 3},
            "tags": ["a", "b"],
            "map": {"n": 3, "ok": True},
            "none": None,
        }
    ]


async def test_read_refuses_a_statement_that_writes(any_store: GraphStore) -> None:
    with pytest.raises(StoreError):
        await any_store.read("CREATE (:Topic {id: 'sneaky', name: 'x'})")

    assert await any_store.read("MATCH (t:Topic) RETURN count(t) AS n") == [{"n": 0}]


async def test_ids_are_unique_per_label(any_store: GraphStore) -> None:
    await any_store.write("CREATE (:Topic {id: 'same', name: 'x'})")

    with pytest.raises(Conflict):
        await any_store.write("CREATE (:Topic {id: 'same', name: 'y'})")
    await any_store.write("CREATE (:Sector {id: 'same', name: 'other label'})")


INDEXES = {
    "falkordb": "CALL db.indexes() YIELD label, properties RETURN *",
    "neo4j": "SHOW INDEXES YIELD labelsOrTypes, properties RETURN *",
}
"""How each engine lists its indexes (test-only: the code never asks)."""


async def test_ensuring_the_schema_again_changes_nothing(any_store: GraphStore) -> None:
    listing = INDEXES[any_store.dialect.name]
    before = await any_store.read(listing)

    await any_store.ensure_schema(load_schema())

    after = await any_store.read(listing)
    assert sorted(map(str, after)) == sorted(map(str, before))
    assert len(before) >= 10


async def test_a_statement_that_fails_is_an_error_of_the_project(any_store: GraphStore) -> None:
    with pytest.raises(StoreError):
        await any_store.read("MATCH (n RETURN n")


@pytest.mark.falkordb_only
async def test_a_dead_engine_is_started_again(settings: Settings, store: GraphStore) -> None:
    await store.write("CREATE (:Topic {id: 'kept', name: 'x'})")
    kill_engine(settings.data_dir)

    assert await store.read("MATCH (t:Topic) RETURN t.id AS id") == [{"id": "kept"}]


async def test_an_unsupported_url_names_the_setting(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match=r"CRM_GRAPH_URL.*mysql://"):
        await open_store(settings.model_copy(update={"graph_url": "mysql://localhost"}))


async def test_an_unreachable_server_is_store_unavailable(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(StoreUnavailable):
        await open_store(settings.model_copy(update={"graph_url": f"falkordb://127.0.0.1:{port}"}))
