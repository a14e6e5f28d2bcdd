"""The generator's output on the real loader and engine: valid, and loaded exactly."""

from pathlib import Path

from crm.graph.store import GraphStore
from crm.queries.stats import count_nodes, count_relationships
from graph_loader.load import load
from graph_loader.synthetic import generate, write_dataset
from tests.synthetic_specs import TINY

BATCH = 1000


async def test_a_generated_dataset_loads_without_a_problem_and_completely(
    store: GraphStore, tmp_path: Path
) -> None:
    dataset = write_dataset(TINY, tmp_path / "tiny", seed=7)

    report = await load([dataset.path], store, batch_size=BATCH)

    assert report.problems == []
    assert report.summary is not None
    assert report.summary.node_total.created == dataset.node_total
    assert report.summary.relationship_total.created == dataset.relationship_total
    nodes = {label.value: count for label, count in (await count_nodes(store)).items() if count}
    relationships = {
        rel_type.value: count
        for rel_type, count in (await count_relationships(store)).items()
        if count
    }
    assert nodes == dataset.nodes
    assert relationships == dataset.relationships


async def test_the_small_dataset_passes_validation(store: GraphStore, tmp_path: Path) -> None:
    dataset = generate("small", tmp_path / "small")

    report = await load([dataset.path], store, batch_size=BATCH, dry_run=True)

    assert report.problems == []
    assert report.valid == dataset.node_total + dataset.relationship_total
    assert 8_000 <= dataset.node_total <= 12_000
