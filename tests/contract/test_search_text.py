"""Every node write stores the folded search text the full-text indexes hold; a graph written
before it existed gets it by loading its files (or its export) again."""

import json
from pathlib import Path

from crm.domain import Label
from crm.graph.schema import load_schema
from crm.graph.store import GraphStore
from crm.queries.search import search
from graph_loader.load import load
from tests.api.tiny_network import network


async def test_loading_again_fills_the_search_text_of_an_older_graph(
    store: GraphStore, tmp_path: Path
) -> None:
    document = tmp_path / "network.json"
    document.write_text(json.dumps(network()), encoding="utf-8")
    await load([document], store, batch_size=100)
    found = await search(store, "Sudwerk", list(Label), 5)
    assert [hit.properties["id"] for hit in found] == ["suedwerk"]

    await store.write("MATCH (n) REMOVE n.searchText")  # as an earlier version left it
    assert await search(store, "Sudwerk", list(Label), 5) == []

    report = await load([document], store, batch_size=100)
    assert not report.problems
    found = await search(store, "Sudwerk", list(Label), 5)
    assert [hit.properties["id"] for hit in found] == ["suedwerk"]


async def test_the_full_text_indexes_are_made_once(store: GraphStore) -> None:
    await store.ensure_schema(load_schema())
    await store.ensure_schema(load_schema())
    rows = await store.read(
        "CALL db.indexes() YIELD label, types RETURN label, types ORDER BY label"
    )
    fulltext = [row["label"] for row in rows if "FULLTEXT" in row["types"].get("searchText", [])]
    assert fulltext == sorted(label.value for label in Label)
