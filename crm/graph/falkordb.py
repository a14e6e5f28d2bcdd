"""The FalkorDB adapter: embedded or a server, through falkordb-py's async client.

A store that goes away is answered fast: the client does not retry on its own (redis-py's
retries took about 1.5 s to give up on a dead engine), connecting waits at most
``Settings.store_wait_s``, and a failure is a ``StoreUnavailable``. When the embedded engine's
server has died, the first caller to notice starts it again (once for all callers, under the
engine's file lock) and waits for it at most ``store_wait_s``: a read is then run once more, and
so is a write that failed while connecting (it never reached the engine); a write that failed
later may have been applied before the engine died, so it answers ``StoreUnavailable`` for the
caller to repeat (the API's writes are idempotent by id). A server reached by URL is
reconnected to on the next call once it is back. A read (or ping) that gets no answer within
the engine's own timeout plus ``store_wait_s`` is a ``StoreUnavailable`` too (a hung engine).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, LiteralString, Self
from urllib.parse import urlsplit

import redis.exceptions
from falkordb.asyncio import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as GraphPath
from redis.backoff import NoBackoff
from redis.retry import Retry

from crm.config import Settings
from crm.errors import Conflict, InvalidInput, QueryTimeout, StoreError, StoreUnavailable
from crm.graph.dialect import FALKORDB, FalkorDBDialect
from crm.graph.embedded import EmbeddedEngine
from crm.graph.schema import GraphSchema, NodeProperty, RelationshipProperty
from crm.graph.statements import ENGINE_RESTARTS, statement
from crm.graph.store import GraphVersion, Parameters, Record

logger = logging.getLogger(__name__)

URL_SCHEMES = {"falkordb": "redis", "falkordbs": "rediss"}
_CONSTRAINT_WAIT_S = 60.0
_COMPACT_WAIT_S = 600.0
"""A rewrite writes the whole graph: seconds on a large one (``medium``), minutes on a huge one."""
_COMPACT_POLL_S = 0.02
_ALREADY_THERE = ("already indexed", "already exists", "no such constraint")
_CONNECTING = " connecting to "
"""In redis-py's message for a connection that could not be made: nothing was sent on it."""


class FalkorDBStore:
    """A ``GraphStore`` on one FalkorDB graph."""

    def __init__(
        self,
        db: FalkorDB,
        graph_name: str,
        timeout_ms: int,
        wait_s: float,
        engine: EmbeddedEngine | None = None,
    ) -> None:
        self._db = db
        self._graph = db.select_graph(graph_name)
        self._graph_name = graph_name
        self._timeout_ms = timeout_ms
        self._wait_s = wait_s
        self._engine = engine
        self._revival: asyncio.Task[None] | None = None
        self._version_key = f"crm-version:{graph_name}"
        server = db.connection.connection_pool.connection_kwargs
        place = server.get("path") or f"{server.get('host')}:{server.get('port')}"
        self._where = f"falkordb:{place}/{server.get('db', 0)}:{graph_name}"

    @classmethod
    async def open(cls, settings: Settings) -> Self:
        """Connect to ``settings.graph_url``, or start (or join) the embedded engine."""
        # No retries of the client's own: a store that is gone is answered at once.
        options = {
            "socket_connect_timeout": settings.store_wait_s,
            "retry": Retry(NoBackoff(), retries=0),
        }
        timeouts = (settings.graph_name, settings.query_timeout_ms, settings.store_wait_s)
        if settings.graph_url is None:
            engine = EmbeddedEngine(
                settings.data_dir,
                settings.fsync,
                settings.start_timeout_s,
                settings.query_timeout_ms,
            )
            await asyncio.to_thread(engine.acquire)
            try:
                db = await _connect(FalkorDB, unix_socket_path=str(engine.socket), **options)
            except BaseException:
                await asyncio.to_thread(engine.release)
                raise
            return cls(db, *timeouts, engine)
        parts = urlsplit(settings.graph_url)
        url = URL_SCHEMES[parts.scheme] + settings.graph_url[len(parts.scheme) :]
        db = await _connect(FalkorDB.from_url, url, **options)
        return cls(db, *timeouts)

    @property
    def data_dir(self) -> Path | None:
        """The embedded engine's data folder; ``None`` for a server reached by URL."""
        return None if self._engine is None else self._engine.files.data_dir

    @property
    def dialect(self) -> FalkorDBDialect:
        return FALKORDB

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        async with statement("read", self._timeout_ms) as timeout_ms:
            result = await self._call(
                lambda: self._answer(
                    self._graph.ro_query(query, dict(parameters or {}), timeout=timeout_ms),
                    timeout_ms,
                ),
                again=True,
            )
        return _records(result.header, result.result_set)

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        try:
            async with statement("write", self._timeout_ms) as timeout_ms:
                result = await self._call(
                    lambda: self._graph.query(query, dict(parameters or {}), timeout=timeout_ms),
                    again=False,
                )
        finally:
            await self._bump()
        return _records(result.header, result.result_set)

    async def version(self) -> GraphVersion | None:
        """A counter beside the graph (the key ``crm-version:<graph>``), raised after every
        write through a store, whether or not the write succeeded (a failed one may have been
        applied before the engine died): shared by every process using the engine."""
        number = await self._call(
            lambda: self._answer(self._db.connection.get(self._version_key), self._timeout_ms),
            again=True,
        )
        return (self._where, int(number or 0))

    async def _bump(self) -> None:
        """Raise the version; an engine that is gone has nothing to say it about (the write's
        own error is the one to report)."""
        with contextlib.suppress(StoreError, StoreUnavailable):
            await self._call(lambda: self._db.connection.incr(self._version_key), again=True)

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        # GRAPH.EXPLAIN plans without running; an "EXPLAIN" prefix sent as a query would run it.
        plan = await self._call(
            lambda: self._answer(
                self._graph.explain(query, dict(parameters or {})), self._timeout_ms
            ),
            again=True,
        )
        return str(plan)

    async def ensure_schema(self, schema: GraphSchema) -> None:
        # Through write: GRAPH.QUERY creates the graph if it is new, GRAPH.RO_QUERY would refuse.
        indexes = await self.write(
            "CALL db.indexes() YIELD label, properties, types, entitytype "
            "RETURN label, properties, types, entitytype"
        )
        have = {
            (row["entitytype"], row["label"], prop) for row in indexes for prop in row["properties"]
        }
        fulltext = {
            (row["label"], prop)
            for row in indexes
            for prop in row["properties"]
            if "FULLTEXT" in row["types"][prop]
        }
        for target in dict.fromkeys((*schema.unique, *schema.node_indexes)):
            if ("NODE", target.label.value, target.property) not in have:
                await self._create(self.dialect.node_index(target))
        for edge in dict.fromkeys((*schema.unique_relationships, *schema.relationship_indexes)):
            if ("RELATIONSHIP", edge.type.value, edge.property) not in have:
                await self._create(self.dialect.relationship_index(edge))
        for target in schema.fulltext:
            if (target.label.value, target.property) not in fulltext:
                await self._create(self.dialect.fulltext_index(target))
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
        """Unique constraints build in the background; wait until they hold.

        Nodes whose ids repeat stop the store from opening. Relationships whose ids repeat (a
        graph written before relationship ids were unique) open with a warning: the constraint
        that failed over them is dropped, to be tried again at the next opening, and until
        they are merged (``crm.queries.repair``) the writes' own checks refuse new duplicates."""
        wanted: dict[tuple[str, str, str], NodeProperty | RelationshipProperty] = {
            ("NODE", target.label.value, target.property): target for target in schema.unique
        }
        for edge in schema.unique_relationships:
            wanted["RELATIONSHIP", edge.type.value, edge.property] = edge
        deadline = asyncio.get_running_loop().time() + _CONSTRAINT_WAIT_S
        while True:
            rows = await self.read(
                "CALL db.constraints() YIELD type, label, properties, entitytype, status "
                "RETURN type, label, properties, entitytype, status"
            )
            status = {
                (row["entitytype"], row["label"], row["properties"][0]): row["status"]
                for row in rows
                if row["type"] == "UNIQUE" and len(row["properties"]) == 1
            }
            for key, target in list(wanted.items()):
                if key not in status:
                    await self._create(*self.dialect.unique_constraint(target, self._graph_name))
                elif status[key] != "FAILED":
                    continue
                elif isinstance(target, NodeProperty):
                    raise Conflict(
                        f"{key[1]}.{key[2]} is not unique in the stored graph; "
                        "remove the duplicates and start again"
                    )
                else:
                    logger.warning(
                        "%s relationships share %s values in the stored graph (written by an "
                        "earlier version); they stay until they are merged, and new writes "
                        "still refuse duplicates",
                        key[1],
                        key[2],
                    )
                    await self._create(
                        *self.dialect.unique_constraint(target, self._graph_name, verb="DROP")
                    )
                    del wanted[key]
            if all(status.get(key) == "OPERATIONAL" for key in wanted):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise StoreUnavailable("the unique constraints did not come up in time")
            await asyncio.sleep(0.05)

    async def ping(self) -> None:
        await self._call(
            lambda: self._answer(self._db.connection.ping(), self._timeout_ms), again=True
        )

    async def compact(self) -> None:
        """Rewrite the append-only file from what the graph holds now (``BGREWRITEAOF``) and
        wait until a rewrite that began after this call has finished; on the embedded engine,
        also until the files it replaced are gone from the data folder. What was deleted before
        the call is then in no file the engine keeps (its log holds no data). The engine's
        record of slow statements (``telemetry{<graph>}``, kept while ``CMD_INFO`` is on, as on
        a server by default) holds their parameters: it is deleted first."""
        connection = self._db.connection
        async with _translated():
            await connection.delete(f"telemetry{{{self._graph_name}}}")
        deadline = asyncio.get_running_loop().time() + _COMPACT_WAIT_S
        while True:
            before = await self._persistence()
            if not before["aof_rewrite_in_progress"]:
                try:
                    async with _translated():
                        await connection.bgrewriteaof()
                    break
                except StoreError as error:  # another rewrite began meanwhile: wait for it
                    if "already in progress" not in str(error):
                        raise
            await self._wait(deadline)
        while True:
            now = await self._persistence()
            busy = now["aof_rewrite_in_progress"] or now["aof_rewrite_scheduled"]
            # ``aof_rewrites`` counts the rewrites begun: one begun since ``before`` and no
            # longer busy has ended, well or not.
            if now["aof_rewrites"] > before["aof_rewrites"] and not busy:
                if now["aof_last_bgrewrite_status"] != "ok":
                    raise StoreError("the graph engine failed to rewrite its append-only file")
                break
            await self._wait(deadline)
        while self._engine is not None and self._engine.files.superseded():
            await self._wait(deadline)

    async def snapshot(self) -> Path:
        """Have the embedded engine write a point-in-time copy of all its data (``BGSAVE``: a
        forked child writes what the engine held at the fork, while writes go on) and return
        the file, ``dump.rdb`` in the data folder, for the caller to move away at once.
        ``InvalidInput`` for a server reached by URL: its own persistence is backed up there."""
        if self._engine is None:
            raise InvalidInput(
                "crm backup copies the embedded engine's store; back a FalkorDB server up by "
                "its own RDB or AOF files"
            )
        connection = self._db.connection
        deadline = asyncio.get_running_loop().time() + _COMPACT_WAIT_S
        before = await self._persistence()
        async with _translated():
            # SCHEDULE: begins after a rewrite of the append-only file in progress, if any.
            await connection.execute_command("BGSAVE", "SCHEDULE")
        while True:
            now = await self._persistence()
            if now["rdb_saves"] > before["rdb_saves"] and not now["rdb_bgsave_in_progress"]:
                if now["rdb_last_bgsave_status"] != "ok":
                    raise StoreError("the graph engine failed to write a snapshot")
                return self._engine.files.snapshot
            await self._wait(deadline)

    async def _persistence(self) -> dict[str, Any]:
        info: dict[str, Any] = await self._call(
            lambda: self._answer(self._db.connection.info("persistence"), self._timeout_ms),
            again=True,
        )
        return info

    async def _wait(self, deadline: float) -> None:
        if asyncio.get_running_loop().time() > deadline:
            raise StoreUnavailable(
                f"the graph engine did not rewrite its files within {_COMPACT_WAIT_S:g} s"
            )
        await asyncio.sleep(_COMPACT_POLL_S)

    async def _answer[T](self, request: Awaitable[T], timeout_ms: int) -> T:
        """A read's answer, due when the engine's own timeout (``timeout_ms``) has passed and
        ``wait_s`` more: an engine that hangs (stopped, overloaded) is unavailable, not waited
        for forever. Writes are not cut short: the engine may still apply them."""
        limit = timeout_ms / 1000 + self._wait_s
        try:
            return await asyncio.wait_for(request, limit)
        except TimeoutError:
            raise StoreUnavailable(f"the graph engine did not answer within {limit:g} s") from None

    async def _call[T](self, run: Callable[[], Awaitable[T]], again: bool) -> T:
        """``run()`` with the engine's errors translated; when the embedded engine's server is
        gone, start it again (a server by URL: connect anew) and run once more if ``again`` or if
        ``run`` never reached it."""
        try:
            async with _translated():
                return await run()
        except StoreUnavailable as error:
            cause = error.__cause__
            if not isinstance(cause, redis.exceptions.ConnectionError):
                raise
            if self._engine is None:
                await self._disconnect()
            else:
                await self._revive(self._engine)
            if not (again or _CONNECTING in str(cause)):
                raise
        async with _translated():
            return await run()

    async def _revive(self, engine: EmbeddedEngine) -> None:
        """Start the engine again, once for all callers; wait for it at most ``wait_s``."""
        if self._revival is None or self._revival.done():
            self._revival = asyncio.create_task(self._restart(engine))
            # Its failure reaches the callers waiting then; none may be left to hear it.
            self._revival.add_done_callback(lambda task: task.cancelled() or task.exception())
        try:
            await asyncio.wait_for(asyncio.shield(self._revival), self._wait_s)
        except TimeoutError:
            raise StoreUnavailable(
                f"the embedded engine did not come back within {self._wait_s:g} s"
            ) from None

    async def _restart(self, engine: EmbeddedEngine) -> None:
        ENGINE_RESTARTS.inc()
        await asyncio.to_thread(engine.revive)
        await self._disconnect()

    async def _disconnect(self) -> None:
        """Drop the pooled connections: after a connection error they lead to a dead server."""
        await self._db.connection.connection_pool.disconnect()

    async def close(self) -> None:
        if self._revival is not None:
            await asyncio.gather(self._revival, return_exceptions=True)
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


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Values given as they are: checked first, as most values of most rows are these."""


def _plain(value: Any) -> Any:
    """Engine values as plain Python: entities as their properties, dates as ISO text."""
    return value if value.__class__ in _SCALARS else _converted(value)


def _converted(value: Any) -> Any:
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
