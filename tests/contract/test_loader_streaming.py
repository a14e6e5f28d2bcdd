"""Large CSV input on the real engine: streamed, all-or-nothing, bulk-created into an empty
label with exact counts, and idempotent (twice, or again after an interruption)."""

from pathlib import Path
from typing import LiteralString

import pytest

from crm.domain import Label, RelType
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore, Parameters, Record
from crm.queries.stats import count_nodes, count_relationships
from graph_loader.load import load
from tests.contract.csv_input import people_and_interactions
from tests.contract.graphs import snapshot

PEOPLE = 1500
INTERACTIONS = 2500
BATCH = 400


class _Interrupted(CountingStore):
    """A store whose writes fail after ``limit`` of them, as when a load is cut short."""

    def __init__(self, inner: GraphStore, limit: int) -> None:
        super().__init__(inner)
        self.limit = limit

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        if self.writes >= self.limit:
            raise ConnectionError("the load was interrupted")
        return await super().write(query, parameters)


async def test_a_large_csv_folder_is_created_with_exact_counts_and_loads_again_unchanged(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = people_and_interactions(tmp_path / "in", PEOPLE, INTERACTIONS)

    first = await load([folder], store, batch_size=BATCH)
    graph = await snapshot(store)
    second = await load([folder], store, batch_size=BATCH)

    assert first.problems == []
    assert first.summary is not None
    assert first.summary.nodes[Label.PERSON].created == PEOPLE
    assert first.summary.relationships[RelType.INTERACTED].created == INTERACTIONS
    assert (await count_nodes(store))[Label.PERSON] == PEOPLE
    assert (await count_relationships(store))[RelType.INTERACTED] == INTERACTIONS
    assert second.summary is not None
    assert second.summary.node_total.unchanged == PEOPLE
    assert second.summary.relationship_total.unchanged == INTERACTIONS
    assert (second.summary.node_total.created, second.summary.relationship_total.created) == (0, 0)
    assert await snapshot(store) == graph


@pytest.mark.parametrize("writes", [2, 6])
async def test_a_load_interrupted_in_nodes_or_ties_completes_on_the_next_run(
    store: GraphStore, tmp_path: Path, writes: int
) -> None:
    folder = people_and_interactions(tmp_path / "in", PEOPLE, INTERACTIONS)
    interrupted = _Interrupted(store, limit=writes)
    with pytest.raises(ConnectionError):
        await load([folder], interrupted, batch_size=BATCH)

    report = await load([folder], store, batch_size=BATCH)

    assert report.summary is not None
    nodes, ties = report.summary.node_total, report.summary.relationship_total
    assert (nodes.created + nodes.unchanged, nodes.updated) == (PEOPLE, 0)
    assert (ties.created + ties.unchanged, ties.updated) == (INTERACTIONS, 0)
    assert 0 < nodes.created + ties.created < PEOPLE + INTERACTIONS
    assert (await count_nodes(store))[Label.PERSON] == PEOPLE
    assert (await count_relationships(store))[RelType.INTERACTED] == INTERACTIONS


async def test_a_bad_row_near_the_end_of_a_large_file_writes_nothing_and_is_named(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = people_and_interactions(tmp_path / "in", PEOPLE, INTERACTIONS)
    people = folder / "Person.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines[-2] = lines[-2].replace(",DK,", ",Denmark,")
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = await load([folder], store, batch_size=BATCH)

    first, *others = report.problems
    assert (first.location.file, first.location.line, first.field) == (
        str(people),
        PEOPLE,
        "country",
    )
    assert str(first).startswith(f"{people}:{PEOPLE} row {PEOPLE}, field 'country'")
    # The interactions of that person are refused with it.
    assert others
    assert all(f"Person 'p{PEOPLE - 2}' is itself invalid" in p.message for p in others)
    assert report.summary is None
    assert await count_nodes(store) == dict.fromkeys(Label, 0)
