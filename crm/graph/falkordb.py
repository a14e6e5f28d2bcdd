"""The FalkorDB adapter: embedded or a server, through falkordb-py's async client."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date, datetime, time
from typing import Any, LiteralString, Self
from urllib.parse import urlsplit

import redis.exceptions
from falkordb.asyncio import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as GraphPath

from crm.config import Settings
from crm.errors import Conflict, QueryTimeout, StoreError, StoreUnavailable
from crm.graph.dialect import FALKORDB, FalkorDBDialect
from crm.graph.embedded import EmbeddedEngine
from crm.graph.schema import GraphSchema
from crm.graph.store import Parameters, Record

URL_SCHEMES = {"falkordb": "redis", "falkordbs": "rediss"}
_CONSTRAINT_WAIT_S = 60.0
_ALREADY_THERE = ("already indexed", "already exists")


class FalkorDBStore:
    """A ``GraphStore`` on one FalkorDB graph."""

    def __init__(
        self,
        db: FalkorDB,
        graph_name: str,
        timeout_ms: int,
        engine: EmbeddedEngine | None = None,
    ) -> None:
        self._db = db
        self._graph = db.select_graph(graph_name)
        self._graph_name = graph_name
        self._timeout_ms = timeout_ms
        self._engine = engine

    @classmethod
    async def open(cls, settings: Settings) -> Self:
        """Connect to ``settings.graph_url``, or start (or join) the embedded engine."""
        if settings.graph_url is None:
            engine = EmbeddedEngine(
                settings.data_dir,
                settings.fsync,
                settings.start_timeout_s,
                settings.query_timeout_ms,
            )
            await asyncio.to_thread(engine.acquire)
            try:
                db = await _connect(FalkorDB, unix_socket_path=str(engine.socket))
            except BaseException:
                await asyncio.to_thread(engine.release)
                raise
            return cls(db, settings.graph_name, settings.query_timeout_ms, engine)
        parts = urlsplit(settings.graph_url)
        url = URL_SCHEMES[parts.scheme] + settings.graph_url[len(parts.scheme) :]
        db = await _connect(FalkorDB.from_url, url)
        return cls(db, settings.graph_name, settings.query_timeout_ms)

    @property
    def dialect(self) -> FalkorDBDialect:
        return FALKORDB

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        async with _translated():
            result = await self._graph.ro_query(
                query, dict(parameters or {}), timeout=self._timeout_ms
            )
        return _records(result.header, result.result_set)

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        async with _translated():
            result = await self._graph.query(
                query, dict(parameters or {}), timeout=self._timeout_ms
            )
        return _records(result.header, result.result_set)

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        # GRAPH.EXPLAIN plans without running; an "EXPLAIN" prefix sent as a query would run it.
        async with _translated():
            plan = await self._graph.explain(query, dict(parameters or {}))
        return str(plan)

    async def ensure_schema(self, schema: GraphSchema) -> None:
        # Through write: GRAPH.QUERY creates the graph if it is new, GRAPH.RO_QUERY would refuse.
        indexes = await self.write(
            "CALL db.indexes() YIELD label, properties, entitytype "
            "RETURN label, properties, entitytype"
        )
        have = {
            (row["entitytype"], row["label"], prop) for row in indexes for prop in row["properties"]
        }
        for target in dict.fromkeys((*schema.unique, *schema.node_indexes)):
            if ("NODE", target.label.value, target.property) not in have:
                await self._create(self.dialect.node_index(target))
        for edge in schema.relationship_indexes:
            if ("RELATIONSHIP", edge.type.value, edge.property) not in have:
                await self._create(self.dialect.relationship_index(edge))
        await self._ensure_unique(schema)

    async def _create(self, *command: str) -> None:
        """Run a schema statement (or command); another process may have just run it too."""
        try:
            async with _translated():
                if len(command) == 1:
                    await self._graph.query(command[0])
                else:
                    await self._db.connection.execute_command(*command)
        except StoreError as error:
            if not any(marker in str(error) for marker in _ALREADY_THERE):
                raise

    async def _ensure_unique(self, schema: GraphSchema) -> None:
        """Unique constraints build in the background; wait until they hold."""
        wanted = {(target.label.value, target.property): target for target in schema.unique}
        deadline = asyncio.get_running_loop().time() + _CONSTRAINT_WAIT_S
        while True:
            rows = await self.read(
                "CALL db.constraints() YIELD type, label, properties, status "
                "RETURN type, label, properties, status"
            )
            status = {
                (row["label"], row["properties"][0]): row["status"]
                for row in rows
                if row["type"] == "UNIQUE" and len(row["properties"]) == 1
            }
            for key, target in wanted.items():
                if key not in status:
                    await self._create(*self.dialect.unique_constraint(target, self._graph_name))
                elif status[key] == "FAILED":
                    raise Conflict(
                        f"{key[0]}.{key[1]} is not unique in the stored graph; "
                        "remove the duplicates and start again"
                    )
            if all(status.get(key) == "OPERATIONAL" for key in wanted):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise StoreUnavailable("the unique constraints did not come up in time")
            await asyncio.sleep(0.05)

    async def ping(self) -> None:
        async with _translated():
            await self._db.connection.ping()

    async def close(self) -> None:
        await self._db.connection.aclose()
        await self._db.connection.connection_pool.disconnect()  # from_url hands over its pool
        if self._engine is not None:
            await asyncio.to_thread(self._engine.release)


async def _connect(factory: Callable[..., FalkorDB], *args: Any, **kwargs: Any) -> FalkorDB:
    """falkordb-py probes the server synchronously while it connects: keep that off the loop."""
    async with _translated():
        return await asyncio.to_thread(factory, *args, **kwargs)


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    """Engine and connection errors as the project's own."""
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        raise StoreUnavailable(f"the graph engine is unavailable: {error}") from error
    except redis.exceptions.BusyLoadingError as error:
        raise StoreUnavailable("the graph engine is still loading its data") from error
    except redis.exceptions.ResponseError as error:
        message = str(error)
        if "unique constraint violation" in message:
            raise Conflict(message) from error
        if "timed out" in message:
            raise QueryTimeout("the statement ran longer than CRM_QUERY_TIMEOUT_MS") from error
        raise StoreError(message) from error


def _records(header: Iterable[Any], rows: Iterable[list[Any]]) -> list[Record]:
    names = [column[1] for column in header]
    return [dict(zip(names, (_plain(value) for value in row), strict=True)) for row in rows]


def _plain(value: Any) -> Any:
    """Engine values as plain Python: entities as their properties, dates as ISO text."""
    match value:
        case Node() | Edge():
            return {key: _plain(item) for key, item in value.properties.items()}
        case GraphPath():
            return [_plain(node) for node in value.nodes()]
        case dict():
            return {key: _plain(item) for key, item in value.items()}
        case list():
            return [_plain(item) for item in value]
        case datetime() | date() | time():
            return value.isoformat()
        case _:
            return value
