"""Helpers for contract tests: a raw snapshot of a graph, and a store that counts round trips."""

from typing import Any, LiteralString

from crm.domain import NODE_MODELS, RELATIONSHIPS
from crm.graph.dialect import Dialect
from crm.graph.schema import GraphSchema
from crm.graph.store import GraphStore, Parameters, Record
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


class CountingStore:
    """A ``GraphStore`` that passes every call on and counts the round trips."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.reads = 0
        self.writes = 0

    @property
    def dialect(self) -> Dialect:
        return self.inner.dialect

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        self.reads += 1
        return await self.inner.read(query, parameters)

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        self.writes += 1
        return await self.inner.write(query, parameters)

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        return await self.inner.explain(query, parameters)

    async def ensure_schema(self, schema: GraphSchema) -> None:
        await self.inner.ensure_schema(schema)

    async def ping(self) -> None:
        await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()
