"""The loader on the real embedded engine: idempotent, round-tripping, batched, all-or-nothing."""

from pathlib import Path

import pytest

from crm.domain import Label, RelType
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore
from crm.queries.impact import project_impact
from crm.queries.stats import count_nodes, count_relationships
from graph_loader.datasets import INTRANET
from graph_loader.export import export_graph, write_document
from graph_loader.load import load
from tests.contract.graphs import snapshot

BATCH = 1000


async def test_loading_the_dataset_twice_changes_nothing_the_second_time(store: GraphStore) -> None:
    first = await load([INTRANET], store, batch_size=BATCH)
    graph = await snapshot(store)

    second = await load([INTRANET], store, batch_size=BATCH)

    assert first.problems == []
    assert first.summary is not None
    assert first.summary.node_total.created >= 60 + 150 + 12
    assert second.summary is not None
    for total in (second.summary.node_total, second.summary.relationship_total):
        assert (total.created, total.updated) == (0, 0)
    assert second.summary.node_total.unchanged == first.summary.node_total.created
    assert await snapshot(store) == graph


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
async def test_an_export_loaded_into_an_empty_store_gives_an_identical_graph(
    store: GraphStore, tmp_path: Path, suffix: str
) -> None:
    await load([INTRANET], store, batch_size=BATCH)
    exported = tmp_path / f"export{suffix}"
    write_document(await export_graph(store, page_size=100), exported)
    original = await snapshot(store)
    await store.write("MATCH (n) DETACH DELETE n")

    report = await load([exported], store, batch_size=BATCH)

    assert report.problems == []
    assert await snapshot(store) == original


async def test_rows_are_written_in_batches_not_one_by_one(store: GraphStore) -> None:
    counting = CountingStore(store)

    report = await load([INTRANET], counting, batch_size=100)

    assert report.summary is not None
    written = report.summary.node_total.created + report.summary.relationship_total.created
    assert written > 1500
    assert counting.writes <= 40  # one statement per batch of 100 and per label or type


async def test_the_dataset_holds_the_articles_figures(store: GraphStore) -> None:
    await load([INTRANET], store, batch_size=BATCH)

    impact = await project_impact(store, "intranet")
    sectors = await store.read(
        "MATCH (:Project {id: 'intranet'})-[:ACTIVE_IN]->(s:Sector) RETURN s.name AS name"
    )

    assert impact.workshops == 3
    assert impact.network_meetings == 2
    assert impact.initiatives == 7
    assert impact.conference_attendees == 171
    assert impact.total_investment_eur == 295578
    assert impact.eu_contribution_eur == 192126
    assert float(impact.cofinancing_rate) == 0.65
    assert impact.topics == 4
    assert impact.sectors == 4
    assert sorted(row["name"] for row in sectors) == [
        "Energy",
        "Experience economy",
        "Health",
        "Social services",
    ]


async def test_the_dataset_is_a_living_demo_and_marks_what_is_invented(store: GraphStore) -> None:
    await load([INTRANET], store, batch_size=BATCH)

    nodes = await count_nodes(store)
    relationships = await count_relationships(store)
    clusters = await store.read(
        "MATCH (c:Cluster) RETURN c.country AS country, count(c) AS n ORDER BY country"
    )
    sources = await store.read(
        "MATCH (n) WHERE n.source <> 'synthetic' RETURN DISTINCT n.source AS source"
    )
    sectors = await store.read(
        "MATCH (:Cluster)-[:ACTIVE_IN]->(s:Sector) RETURN count(DISTINCT s) AS n"
    )

    assert nodes[Label.CLUSTER] >= 12
    assert nodes[Label.ORGANIZATION] >= 60
    assert nodes[Label.PERSON] >= 150
    assert relationships[RelType.INTERACTED] > 0
    assert relationships[RelType.ATTENDED] > 0
    assert {row["country"] for row in clusters} == {"DE", "DK"}
    assert sectors[0]["n"] >= 4
    assert [row["source"] for row in sources] == [
        "article: InTra-Net (EU Regional Policy, 2015-12-16)"
    ]
