"""The engine keeps no statement's parameters on disk. FalkorDB, with ``CMD_INFO`` on (its
default), records slow statements with their parameters in a stream key, ``telemetry{<graph>}``,
that is saved with the data: an erased person's e-mail sent in a slow statement would outlive the
erasure there. The embedded engine starts with it off; ``compact`` (the erasure's rewrite)
deletes the stream a server, or an older data folder, may hold."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crm.config import Settings
from crm.graph.embedded import EngineFiles
from crm.graph.store import GraphStore

pytestmark = pytest.mark.falkordb_only

SECRET = "qxv.kept-9d2e@telemetry.example"
SLOW = "UNWIND range(1, 300000) AS i WITH i WHERE toString(i) = $secret RETURN count(i) AS n"
"""A few hundred milliseconds of work, its parameter a person's e-mail."""
TELEMETRY_WAIT_S = 5.0
"""The engine writes its record of slow statements a moment after them (about a second)."""


@pytest.fixture
def raw(settings: Settings) -> Iterator[redis.Redis]:
    """A plain connection to the embedded engine of the test's store."""
    path = EngineFiles(settings.data_dir.resolve()).socket
    with redis.Redis(unix_socket_path=str(path)) as connection:
        yield connection


def telemetry(settings: Settings) -> str:
    return f"telemetry{{{settings.graph_name}}}"


def holding(folder: Path, needle: bytes) -> list[str]:
    return [
        str(path.relative_to(folder))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_socket() and needle in path.read_bytes()
    ]


async def test_a_slow_statements_parameters_are_not_kept(
    store: GraphStore, settings: Settings, raw: redis.Redis
) -> None:
    assert await store.read(SLOW, {"secret": SECRET}) == [{"n": 0}]
    deadline = time.monotonic() + TELEMETRY_WAIT_S
    while time.monotonic() < deadline and not raw.exists(telemetry(settings)):
        time.sleep(0.1)
    assert raw.exists(telemetry(settings)) == 0
    assert holding(settings.data_dir, SECRET.encode()) == []


async def test_compacting_deletes_the_engines_record_of_slow_statements(
    store: GraphStore, settings: Settings, raw: redis.Redis
) -> None:
    """As a FalkorDB server with ``CMD_INFO`` on, or a data folder of an earlier version, holds
    it: the record is in the append-only file until ``compact`` deletes it and rewrites."""
    raw.xadd(telemetry(settings), {"Query": SLOW, "Query parameters": f"secret='{SECRET}'"})
    assert holding(settings.data_dir, SECRET.encode()) != []

    await store.compact()

    assert raw.exists(telemetry(settings)) == 0
    assert holding(settings.data_dir, SECRET.encode()) == []
