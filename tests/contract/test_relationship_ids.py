"""One tie per id (interactions) and one per pair of ends (every other type), on every write path,
and the repair of a graph that an earlier version left with duplicates."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis

from crm.config import Settings
from crm.domain import Label, RelType
from crm.graph.connect import open_store
from crm.graph.dialect import FALKORDB
from crm.graph.embedded import EngineFiles
from crm.graph.schema import load_schema
from crm.graph.store import GraphStore
from crm.queries.changes import LOADER, Change
from crm.queries.repair import merge_all_duplicate_ties, merge_duplicate_ties
from crm.queries.upsert import Outcome, create_relationships, upsert_relationships

NOW = "2026-01-01T00:00:00Z"
CHANGE = Change("load", LOADER, NOW)
PEOPLE = "UNWIND ['a', 'b', 'c', 'd'] AS id CREATE (:Person {id: id})"


def interaction(source: str, target: str, key: str, kind: str = "meeting") -> dict[str, Any]:
    return {
        "from": source,
        "to": target,
        "props": {"id": key, "kind": kind, "date": "2021-01-01", "source": "test"},
        "createdAt": None,
        "updatedAt": None,
    }


def attendance(source: str, event: str, origin: str = "test") -> dict[str, Any]:
    return {
        "from": source,
        "to": event,
        "props": {"source": origin},
        "createdAt": None,
        "updatedAt": None,
    }


async def ties(store: GraphStore) -> list[tuple[str, str, str, str | None]]:
    rows = await store.read(
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'CHANGE' "
        "RETURN type(r) AS type, a.id AS a, b.id AS b, r.id AS id "
        "ORDER BY type, id, a, b"
    )
    return [(row["type"], row["a"], row["b"], row["id"]) for row in rows]


async def write_interactions(store: GraphStore, rows: list[dict[str, Any]]) -> Outcome:
    return await upsert_relationships(
        store, RelType.INTERACTED, Label.PERSON, Label.PERSON, rows=rows, change=CHANGE
    )


async def test_an_interaction_id_keeps_its_ends_when_written_again_between_others(
    store: GraphStore,
) -> None:
    await store.write(PEOPLE)
    await write_interactions(store, [interaction("a", "b", "i-1")])

    again = await write_interactions(
        store, [interaction("c", "d", "i-1"), interaction("c", "d", "i-2")]
    )

    assert again == Outcome(created=1, conflicts=1)
    assert await ties(store) == [
        ("INTERACTED", "a", "b", "i-1"),
        ("INTERACTED", "c", "d", "i-2"),
    ]


async def test_the_bulk_path_upserts_ties_another_writer_wrote_since_the_type_was_empty(
    store: GraphStore,
) -> None:
    await store.write(PEOPLE + " WITH count(*) AS _ CREATE (:Event {id: 'e'})")
    # Written meanwhile by another writer: an attendance and two interactions, one of them
    # between other people than the load's row of the same id.
    await upsert_relationships(
        store,
        RelType.ATTENDED,
        Label.PERSON,
        Label.EVENT,
        rows=[attendance("a", "e")],
        change=CHANGE,
    )
    await write_interactions(store, [interaction("a", "b", "i-1"), interaction("c", "d", "i-2")])

    attended = await create_relationships(
        store,
        RelType.ATTENDED,
        Label.PERSON,
        Label.EVENT,
        rows=[attendance("a", "e", "load"), attendance("b", "e", "load")],
        change=CHANGE,
    )
    interacted = await create_relationships(
        store,
        RelType.INTERACTED,
        Label.PERSON,
        Label.PERSON,
        rows=[
            interaction("a", "b", "i-1", "call"),
            interaction("a", "b", "i-2"),
            interaction("b", "c", "i-3"),
        ],
        change=CHANGE,
    )

    assert attended == Outcome(created=1, updated=1)
    assert interacted == Outcome(created=1, updated=1, conflicts=1)
    assert await ties(store) == [
        ("ATTENDED", "a", "e", None),
        ("ATTENDED", "b", "e", None),
        ("INTERACTED", "a", "b", "i-1"),
        ("INTERACTED", "c", "d", "i-2"),
        ("INTERACTED", "b", "c", "i-3"),
    ]
    (kind,) = await store.read("MATCH ()-[r:INTERACTED {id: 'i-1'}]->() RETURN r.kind AS kind")
    assert kind == {"kind": "call"}


@contextmanager
def without_unique_ties(settings: Settings) -> Iterator[None]:
    """The embedded engine without its unique constraints on ties, as a graph written before
    there were any: duplicates can be planted."""
    with redis.Redis(unix_socket_path=str(EngineFiles(settings.data_dir.resolve()).socket)) as raw:
        for target in load_schema().unique_relationships:
            raw.execute_command(*FALKORDB.unique_constraint(target, settings.graph_name, "DROP"))
    yield


PLANTED = """
MATCH (a:Person {id: 'a'}), (b:Person {id: 'b'}), (c:Person {id: 'c'}), (e:Event {id: 'e'})
CREATE (a)-[:INTERACTED {id: 'i-1', kind: 'meeting', date: '2021-01-01', source: 'first',
        createdAt: '2021-01-02T00:00:00Z', updatedAt: '2021-01-02T00:00:00Z'}]->(b),
       (a)-[:INTERACTED {id: 'i-1', kind: 'call', date: '2021-01-01', source: 'second',
        createdAt: '2021-01-03T00:00:00Z', updatedAt: '2021-03-01T00:00:00Z'}]->(b),
       (c)-[:INTERACTED {id: 'i-1', kind: 'email', date: '2021-01-01', source: 'third',
        createdAt: '2021-01-01T00:00:00Z', updatedAt: '2021-02-01T00:00:00Z'}]->(b),
       (a)-[:INTERACTED {id: 'i-2', kind: 'call', date: '2021-01-01', source: 'only',
        createdAt: '2021-01-01T00:00:00Z', updatedAt: '2021-01-01T00:00:00Z'}]->(c),
       (a)-[:ATTENDED {source: 'old', createdAt: '2020-01-01T00:00:00Z',
        updatedAt: '2020-01-01T00:00:00Z'}]->(e),
       (a)-[:ATTENDED {source: 'new', createdAt: '2020-05-01T00:00:00Z',
        updatedAt: '2020-06-01T00:00:00Z'}]->(e),
       (b)-[:ATTENDED {source: 'alone', createdAt: '2020-01-01T00:00:00Z',
        updatedAt: '2020-01-01T00:00:00Z'}]->(e)
"""


@pytest.mark.falkordb_only
async def test_duplicate_ties_merge_into_the_latest_with_the_earliest_creation(
    settings: Settings, store: GraphStore
) -> None:
    await store.write(PEOPLE + " WITH count(*) AS _ CREATE (:Event {id: 'e'})")
    with without_unique_ties(settings):
        await store.write(PLANTED)

    merged = await merge_all_duplicate_ties(store)

    assert merged == {RelType.INTERACTED: (1, 2), RelType.ATTENDED: (1, 1)}
    rows = await store.read(
        "MATCH (x)-[r]->(y) WHERE type(r) <> 'CHANGE' "
        "RETURN type(r) AS type, x.id AS x, y.id AS y, properties(r) AS r "
        "ORDER BY type, x, y, r.id"
    )
    assert [(row["type"], row["x"], row["y"], row["r"]) for row in rows] == [
        (
            "ATTENDED",
            "a",
            "e",
            {
                "source": "new",
                "createdAt": "2020-01-01T00:00:00Z",
                "updatedAt": "2020-06-01T00:00:00Z",
            },
        ),
        (
            "ATTENDED",
            "b",
            "e",
            {
                "source": "alone",
                "createdAt": "2020-01-01T00:00:00Z",
                "updatedAt": "2020-01-01T00:00:00Z",
            },
        ),
        (
            "INTERACTED",
            "a",
            "b",
            {
                "id": "i-1",
                "kind": "call",
                "date": "2021-01-01",
                "source": "second",
                "createdAt": "2021-01-01T00:00:00Z",
                "updatedAt": "2021-03-01T00:00:00Z",
            },
        ),
        (
            "INTERACTED",
            "a",
            "c",
            {
                "id": "i-2",
                "kind": "call",
                "date": "2021-01-01",
                "source": "only",
                "createdAt": "2021-01-01T00:00:00Z",
                "updatedAt": "2021-01-01T00:00:00Z",
            },
        ),
    ]
    assert await merge_duplicate_ties(store, RelType.INTERACTED) == (0, 0)  # nothing left


@pytest.mark.falkordb_only
async def test_a_graph_with_duplicate_ids_opens_with_a_warning_and_is_constrained_once_merged(
    settings: Settings, store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    await store.write(PEOPLE + " WITH count(*) AS _ CREATE (:Event {id: 'e'})")
    with without_unique_ties(settings):
        await store.write(PLANTED)

    with caplog.at_level(logging.WARNING):
        reopened = await open_store(settings)  # alongside ``store``: the same engine
    try:
        warned = [record.getMessage() for record in caplog.records]
        # without the constraint, the writes' own checks still refuse a new duplicate
        refused = await write_interactions(reopened, [interaction("a", "d", "i-2")])
    finally:
        await reopened.close()

    assert any("INTERACTED relationships share id values" in line for line in warned), warned
    assert refused == Outcome(conflicts=1)
    constraints = await store.read(
        "CALL db.constraints() YIELD label, status WHERE label = 'INTERACTED' RETURN status"
    )
    assert constraints == []  # dropped, to be tried again

    await merge_all_duplicate_ties(store)
    await store.ensure_schema(load_schema())

    constraints = await store.read(
        "CALL db.constraints() YIELD label, status WHERE label = 'INTERACTED' RETURN status"
    )
    assert constraints == [{"status": "OPERATIONAL"}]
