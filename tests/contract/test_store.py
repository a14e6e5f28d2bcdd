"""The storage port's contract, on the embedded engine and on a FalkorDB server by URL."""

import asyncio
import socket
import time
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

SERVER_UNLINK_S = 5.0


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


def holding(folder: Path, needle: bytes) -> list[Path]:
    """The files under ``folder`` (any depth) whose bytes hold ``needle``."""
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.is_socket() and needle in path.read_bytes()
    ]


async def test_after_compact_no_file_of_the_engine_holds_deleted_data(
    any_store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    secret = "zq-compact-5e2d"
    await any_store.write("CREATE (:Topic {id: $id, name: $id})", {"id": secret})
    await any_store.write("MATCH (t:Topic {id: $id}) DELETE t", {"id": secret})
    embedded = request.node.callspec.params["any_store"] == "falkordb"
    if embedded:  # its writes are on disk when acknowledged: the needle can be seen
        assert holding(tmp_path / "crm-data", secret.encode())

    await any_store.compact()

    if request.node.callspec.params["any_store"] == "neo4j":
        return  # nothing a client can do there (see the adapter): it just answers
    folder = tmp_path / ("crm-data" if embedded else "server")
    deadline = time.monotonic() + SERVER_UNLINK_S
    # A server by URL deletes the files a rewrite replaced right after it (in a thread of its
    # own); the embedded engine's ``compact`` waits for that.
    while not embedded and holding(folder, secret.encode()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert holding(folder, secret.encode()) == []
    assert await any_store.read("MATCH (t:Topic) RETURN count(t) AS n") == [{"n": 0}]


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
