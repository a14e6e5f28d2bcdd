"""Write the whole graph as a YAML or JSON document that ``crm load`` reads back unchanged."""

import json
from pathlib import Path
from typing import Any

import yaml

from crm.domain import NODE_MODELS, RELATIONSHIPS
from crm.graph.properties import from_properties
from crm.graph.store import GraphStore
from crm.queries.dump import dump_nodes, dump_relationships
from graph_loader.readers import YAML_SUFFIXES


async def export_graph(store: GraphStore, page_size: int) -> dict[str, Any]:
    """The graph in the loader's document format, records in a stable order."""
    nodes: dict[str, list[dict[str, Any]]] = {}
    for label, model in NODE_MODELS.items():
        records = [
            _record(from_properties(model, properties))
            async for properties in dump_nodes(store, label, page_size)
        ]
        if records:
            nodes[label.value] = records
    relationships: dict[str, list[dict[str, Any]]] = {}
    for rel_type, spec in RELATIONSHIPS.items():
        records = []
        for source in spec.sources:
            for target in spec.targets:
                async for row in dump_relationships(store, rel_type, source, target, page_size):
                    ends: dict[str, Any] = {"from": row["from"], "to": row["to"]}
                    if len(spec.sources) > 1:
                        ends["fromLabel"] = source.value
                    if len(spec.targets) > 1:
                        ends["toLabel"] = target.value
                    tie = from_properties(spec.properties, row["properties"])
                    records.append(ends | _record(tie))
        if records:
            relationships[rel_type.value] = records
    return {"nodes": nodes, "relationships": relationships}


def write_document(document: dict[str, Any], path: Path) -> None:
    """Write ``document`` as YAML or JSON, by the file's suffix."""
    if path.suffix.lower() in YAML_SUFFIXES:
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    elif path.suffix.lower() == ".json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        raise ValueError(f"{path}: export writes .yaml, .yml or .json")
    path.write_text(text, encoding="utf-8")


def _record(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data
