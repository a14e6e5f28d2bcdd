"""The graph's schema version on each engine: a new graph records the current one, a graph with
records and none is the previous release's and is refused until ``migrate`` has upgraded it."""

import pytest

from crm.domain import Label
from crm.errors import OutdatedGraph
from crm.graph.schema_version import (
    CURRENT,
    UNRECORDED,
    graph_version,
    record_version,
    require_current,
    stamp_if_new,
    stored_version,
)
from crm.graph.store import GraphStore
from crm.queries.changes import LOADER, Change, ChangeFilter, entries_after, page_entries
from crm.queries.upsert import upsert_nodes
from graph_loader.datasets import INTRANET
from graph_loader.load import load
from graph_loader.migrate import migrate

MISSING = (
    "MATCH (n:Person) WHERE n.searchText IS NULL OR n.sortFamilyName IS NULL "
    "RETURN count(n) AS missing"
)


async def test_an_older_graph_is_refused_until_migrated(store: GraphStore) -> None:
    await stamp_if_new(store)  # what opening does (Neo4j's shared graph was cleared since)
    assert await stored_version(store) == CURRENT
    await load([INTRANET], store, batch_size=500)
    await require_current(store)

    await store.write("MATCH (v:SchemaVersion) DELETE v")
    await store.write("MATCH (n:Person) REMOVE n.searchText, n.sortFamilyName")
    await stamp_if_new(store)  # records in the graph: not new, so not stamped

    assert await graph_version(store) == UNRECORDED
    with pytest.raises(OutdatedGraph, match="run `crm migrate`"):
        await require_current(store)

    done = await migrate(store, batch_size=500)
    again = await migrate(store, batch_size=500)

    assert (done.before, done.after) == (UNRECORDED, CURRENT)
    assert done.rewritten is not None
    assert done.rewritten.nodes[Label.PERSON].updated == 172
    assert done.rewritten.nodes[Label.CLUSTER].updated == 0  # unchanged records stay unwritten
    assert await store.read(MISSING) == [{"missing": 0}]
    assert await stored_version(store) == CURRENT
    assert not again.done
    await require_current(store)


async def test_a_newer_graph_is_refused_by_serve_and_migrate(store: GraphStore) -> None:
    await record_version(store, CURRENT + 1)

    with pytest.raises(OutdatedGraph, match="newer than this version"):
        await require_current(store)
    with pytest.raises(OutdatedGraph, match="newer than this version"):
        await migrate(store, batch_size=500)


async def test_a_change_log_of_nodes_becomes_ties_on_its_counter(store: GraphStore) -> None:
    """Schema version 2 kept the log's entries as ``:Change`` nodes: migrating keeps every one,
    as it was, and the log goes on from its last sequence."""
    change = Change("test", LOADER, "2026-01-01T00:00:00.000Z", "req")
    for name in ("a", "b", "c"):
        row = {"id": name, "props": {"name": name}, "createdAt": None, "updatedAt": None}
        await upsert_nodes(store, Label.TOPIC, rows=[row], change=change)
    entries = await page_entries(store, ChangeFilter(), 10)
    await store.write(
        "MATCH (:ChangeSequence)-[e:CHANGE]->() CREATE (n:Change) SET n = properties(e) DELETE e"
    )
    await record_version(store, 2)
    with pytest.raises(OutdatedGraph, match="run `crm migrate`"):
        await require_current(store)

    done = await migrate(store, batch_size=2)
    row = {"id": "d", "props": {"name": "d"}, "createdAt": None, "updatedAt": None}
    await upsert_nodes(store, Label.TOPIC, rows=[row], change=change)

    assert (done.before, done.after, done.moved_entries, done.rewritten) == (2, CURRENT, 3, None)
    assert await store.read("MATCH (n:Change) RETURN count(n) AS n") == [{"n": 0}]
    assert [entry.sequence for entry in entries] == [3, 2, 1]
    assert await page_entries(store, ChangeFilter(before=4), 10) == entries
    assert [entry.sequence for entry in await entries_after(store, 3, 10)] == [4]
