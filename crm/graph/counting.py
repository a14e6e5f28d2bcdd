"""A store that counts round trips: how tests and benchmarks see how many statements a request
costs."""

from typing import LiteralString

from crm.graph.dialect import Dialect
from crm.graph.schema import GraphSchema
from crm.graph.store import GraphStore, GraphVersion, Parameters, Record


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

    async def version(self) -> GraphVersion | None:
        """Not counted: it reads no graph."""
        return await self.inner.version()

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        return await self.inner.explain(query, parameters)

    async def ensure_schema(self, schema: GraphSchema) -> None:
        await self.inner.ensure_schema(schema)

    async def ping(self) -> None:
        await self.inner.ping()

    async def compact(self) -> None:
        await self.inner.compact()

    async def close(self) -> None:
        await self.inner.close()
