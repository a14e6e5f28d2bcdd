"""The storage port: the only way the rest of the code reaches a graph engine.

Every call is one Cypher statement with parameters and one round trip, atomic on every engine
(FalkorDB has no multi-statement transactions); batches go through ``UNWIND $rows AS row``.
Results are plain Python values: dicts, lists, str, int, float, bool, None.
"""

from collections.abc import Mapping
from typing import Any, LiteralString, Protocol

from crm.graph.dialect import Dialect
from crm.graph.schema import GraphSchema

Record = dict[str, Any]
Parameters = Mapping[str, Any]
GraphVersion = tuple[str, int]
"""Which graph (its engine and name), and its version number there."""


class GraphStore(Protocol):
    """An open connection to one graph on one engine."""

    @property
    def dialect(self) -> Dialect:
        """What this engine renders differently."""
        ...

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        """Run a read-only statement (refused if it writes) and return its rows."""
        ...

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        """Run a statement that may write, atomically, and return its rows."""
        ...

    async def version(self) -> GraphVersion | None:
        """The graph's version: which graph, and a number every write through any store on it
        (in any process) changes; ``None`` where the engine keeps none (answers computed from
        the graph are then not kept)."""
        ...

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        """The engine's plan for a statement, without running it."""
        ...

    async def ensure_schema(self, schema: GraphSchema) -> None:
        """Create the constraints and indexes that are missing; leave the others alone."""
        ...

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` unless the engine answers."""
        ...

    async def compact(self) -> None:
        """Rewrite the engine's files so that data deleted before the call is in none of them;
        return when that is done (where the engine can do it: see each adapter)."""
        ...

    async def close(self) -> None:
        """Let go of the engine; an embedded engine stops when its last user closes."""
        ...
