"""The change log on the real engine: every batch a load writes, and every write statement, logs
itself in the same statement, so an entry is there if and only if its change committed."""

import pytest

from crm.domain import Label
from crm.domain.global_ids import global_id
from crm.errors import CrmError
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore
from crm.queries.changes import LOADER, Change, ChangeEntry, entries_after
from crm.queries.stats import count_nodes
from crm.queries.upsert import upsert_nodes
from graph_loader.datasets import INTRANET
from graph_loader.load import load
from tests.contract.graphs import snapshot

BATCH = 100
CHANGE = Change("test", LOADER, "2026-01-01T00:00:00.000Z")


async def change_log(store: GraphStore) -> list[ChangeEntry]:
    return await entries_after(store, 0, 100_000)


async def test_every_batch_of_a_load_is_one_entry_naming_what_it_wrote(store: GraphStore) -> None:
    counting = CountingStore(store)

    report = await load([INTRANET], counting, batch_size=BATCH)

    logged = await change_log(store)
    graph = await snapshot(store)
    assert report.summary is not None
    assert len(logged) == counting.writes  # each batch wrote something, and logged it
    assert [entry.sequence for entry in logged] == list(range(1, len(logged) + 1))
    assert {(entry.operation, entry.key_id) for entry in logged} == {("load", "loader")}
    named = {name for entry in logged for name in entry.ids}
    for label in Label:
        assert {global_id(label, node["id"]) for node in graph[label]} <= named
    assert all(entry.fields for entry in logged)


async def test_a_load_that_changes_nothing_logs_nothing(store: GraphStore) -> None:
    await load([INTRANET], store, batch_size=BATCH)
    before = await change_log(store)

    again = await load([INTRANET], store, batch_size=BATCH)

    assert again.summary is not None
    assert again.summary.node_total.unchanged > 0
    assert await change_log(store) == before


async def test_an_update_names_the_rows_and_fields_it_changed(store: GraphStore) -> None:
    rows = [
        {"id": f"t-{n}", "props": {"name": f"Topic {n}"}, "createdAt": None, "updatedAt": None}
        for n in range(3)
    ]
    await upsert_nodes(store, Label.TOPIC, rows=rows, change=CHANGE)
    renamed = [rows[0], rows[1] | {"props": {"name": "Renamed"}}, rows[2]]

    outcome = await upsert_nodes(store, Label.TOPIC, rows=renamed, change=CHANGE)

    first, second = await change_log(store)
    assert (outcome.updated, outcome.unchanged) == (1, 2)
    assert first.ids == [global_id(Label.TOPIC, f"t-{n}") for n in range(3)]
    assert (second.ids, second.fields) == ([global_id(Label.TOPIC, "t-1")], ["name"])
    assert "Renamed" not in str(second)


async def test_a_batch_the_engine_refuses_leaves_neither_its_rows_nor_an_entry(
    store: GraphStore,
) -> None:
    """Two new organisations with one VAT id: the unique constraint fails the statement."""
    rows = [
        {
            "id": f"o-{n}",
            "props": {"name": f"Org {n}", "kind": "company", "country": "DE", "vatId": "DE1"},
            "createdAt": None,
            "updatedAt": None,
        }
        for n in range(2)
    ]

    with pytest.raises(CrmError):
        await upsert_nodes(store, Label.ORGANIZATION, rows=rows, change=CHANGE)

    assert (await count_nodes(store))[Label.ORGANIZATION] == 0
    assert await change_log(store) == []
