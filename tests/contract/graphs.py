"""Helpers for contract tests: a raw snapshot of a graph."""

from typing import Any

from crm.domain import NODE_MODELS, RELATIONSHIPS
from crm.graph.store import GraphStore
from crm.queries.dump import dump_nodes, dump_relationships

Snapshot = dict[str, list[Any]]


async def snapshot(store: GraphStore) -> Snapshot:
    """Every node and relationship with all its stored properties, in a stable order."""
    graph: Snapshot = {}
    for label in NODE_MODELS:
        graph[label] = [properties async for properties in dump_nodes(store, label, 500)]
    for rel_type, spec in RELATIONSHIPS.items():
        graph[rel_type] = [
            (source, target, row)
            for source in spec.sources
            for target in spec.targets
            async for row in dump_relationships(store, rel_type, source, target, 500)
        ]
    return graph
