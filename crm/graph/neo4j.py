"""The Neo4j adapter: a single server, a cluster or Aura, through the official async driver.

Reads go to readers (``routing_=READ``), writes to the leader; both run as managed transactions
that the driver retries on transient failures for up to ``CRM_NEO4J_RETRY_TIME_S``. Every call
goes through ``execute_query``, whose bookmark manager chains the calls of one driver causally:
a read after a write sees the write, whichever cluster member answers it.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any, LiteralString, Self
from urllib.parse import urlsplit

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConstraintError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    NotALeader,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

from crm.config import Settings
from crm.errors import Conflict, InvalidInput, QueryTimeout, StoreError, StoreUnavailable
from crm.graph import statements
from crm.graph.dialect import NEO4J, NEO4J_GDS, Neo4jDialect
from crm.graph.schema import GraphSchema
from crm.graph.store import GraphVersion, Parameters, Record

logger = logging.getLogger(__name__)

_TIMED_OUT = "Transaction.TransactionTimedOut"
"""In the codes of a transaction stopped by its timeout (the request's budget, or
``CRM_QUERY_TIMEOUT_MS``)."""

AWAIT_INDEXES: LiteralString = "CALL db.awaitIndexes($timeoutS)"
"""Indexes and constraints build in the background: wait until they are online."""

GDS_PROBE: LiteralString = (
    "SHOW PROCEDURES YIELD name WHERE name = 'gds.version' RETURN count(*) AS found"
)
"""Whether the Graph Data Science plugin is installed (brokers and communities use it)."""

_INDEX_WAIT_S = 300
_DUPLICATES = "Neo.DatabaseError.Schema.ConstraintCreationFailed"
"""A unique constraint cannot be created over data that already breaks it."""


def schema_statements(schema: GraphSchema) -> list[tuple[LiteralString, Parameters]]:
    """Every statement ``ensure_schema`` sends, in order, with its parameters."""
    ddl: list[tuple[LiteralString, Parameters]] = [
        (statement, {}) for statement in NEO4J.schema_statements(schema)
    ]
    return [*ddl, (AWAIT_INDEXES, {"timeoutS": _INDEX_WAIT_S})]


def fallback_indexes(schema: GraphSchema) -> dict[LiteralString, LiteralString]:
    """For each relationship uniqueness constraint, the plain index ``ensure_schema`` creates
    instead when the constraint cannot be: the stored relationships break it (a graph written
    before relationship ids were unique), or a plain index of an earlier version holds the same
    property (Neo4j allows one or the other)."""
    return {
        NEO4J.unique_relationship_constraint(target): NEO4J.relationship_index(target)
        for target in schema.unique_relationships
    }


class Neo4jStore:
    """A ``GraphStore`` on one Neo4j database."""

    def __init__(self, driver: AsyncDriver, settings: Settings) -> None:
        self._driver = driver
        self._database = settings.neo4j_database
        self._timeout_ms = settings.query_timeout_ms
        self._ping_bound_s = settings.neo4j_connection_timeout_s + 1
        self._where = settings.graph_url or ""  # never with credentials: ``open`` refuses them
        self._dialect = NEO4J

    def __repr__(self) -> str:
        return f"Neo4jStore({self._where!r}, database={self._database!r})"

    @classmethod
    async def open(cls, settings: Settings) -> Self:
        """A driver for ``settings.graph_url``; it connects lazily, so ``ping`` to check."""
        url = settings.graph_url or ""
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            raise InvalidInput(
                "CRM_GRAPH_URL: put the Neo4j credentials in CRM_NEO4J_USER and "
                "CRM_NEO4J_PASSWORD, not in the URL"
            )
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not parts.hostname or port == -1:
            raise InvalidInput(f"CRM_GRAPH_URL: {url} needs a host and an optional port number")
        try:
            driver = AsyncGraphDatabase.driver(
                url,
                auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
                max_connection_pool_size=settings.neo4j_max_pool_size,
                connection_timeout=settings.neo4j_connection_timeout_s,
                connection_acquisition_timeout=settings.neo4j_acquisition_timeout_s,
                max_transaction_retry_time=settings.neo4j_retry_time_s,
            )
        except (ConfigurationError, ValueError) as error:
            raise InvalidInput(f"CRM_GRAPH_URL: {url} is not usable: {error}") from None
        logger.info("Neo4j driver for %s (database %s)", url, settings.neo4j_database)
        return cls(driver, settings)

    @property
    def dialect(self) -> Neo4jDialect:
        return self._dialect

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        return await self._run(query, parameters, RoutingControl.READ)

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        return await self._run(query, parameters, RoutingControl.WRITE)

    async def _run(
        self, query: LiteralString, parameters: Parameters | None, routing: RoutingControl
    ) -> list[Record]:
        kind: statements.Kind = "read" if routing is RoutingControl.READ else "write"
        async with (
            statements.statement(kind, self._timeout_ms) as timeout_ms,
            translate_errors(self._where),
        ):
            result = await self._driver.execute_query(
                neo4j.Query(query, timeout=timeout_ms / 1000),
                dict(parameters or {}),
                routing_=routing,
                database_=self._database,
            )
        return records(result.keys, (record.values() for record in result.records))

    async def version(self) -> GraphVersion | None:
        """None: Neo4j offers no counter of changes that every edition shows, so answers are
        computed anew each time."""
        return None

    async def explain(self, query: LiteralString, parameters: Parameters | None = None) -> str:
        # EXPLAIN plans the statement without running it (unlike FalkorDB's query prefix); on
        # the leader, which may plan a write too.
        async with translate_errors(self._where):
            result = await self._driver.execute_query(
                "EXPLAIN " + query,
                dict(parameters or {}),
                routing_=RoutingControl.WRITE,
                database_=self._database,
            )
        return str(result.summary.plan)

    async def ensure_schema(self, schema: GraphSchema) -> None:
        # Every statement is IF NOT EXISTS: running them again, or from several processes at
        # once, changes nothing.
        fallbacks = fallback_indexes(schema)
        for statement, parameters in schema_statements(schema):
            try:
                await self.write(statement, parameters)
            except (Conflict, StoreError) as error:
                if statement not in fallbacks:
                    raise
                logger.warning(
                    "the server cannot make relationship ids unique (%s: %s); until it can, "
                    "two transactions writing one id at the same instant may both write it "
                    "(merge duplicates with crm.queries.repair)",
                    statement,
                    error,
                )
                await self.write(fallbacks[statement])
        # Opening is also when the server's plugins are learnt: with GDS, its algorithms.
        (probe,) = await self.read(GDS_PROBE)
        self._dialect = NEO4J_GDS if probe["found"] else NEO4J

    async def ping(self) -> None:
        try:
            async with translate_errors(self._where), asyncio.timeout(self._ping_bound_s):
                await self._driver.verify_connectivity()
        except TimeoutError:
            raise StoreUnavailable(
                f"the Neo4j server at {self._where} did not answer within "
                f"{self._ping_bound_s:g} s (check CRM_GRAPH_URL)"
            ) from None

    async def compact(self) -> None:
        """Nothing a client can do: Neo4j deletes logically. A deleted record's bytes stay in
        the store files until its space is reused (``neo4j-admin database copy`` rewrites them
        offline), and the transaction logs keep every change until they are pruned by
        ``db.tx_log.rotation.retention_policy`` (by default two days or 2 GB) after a
        checkpoint. The README says what an operator does about it."""

    async def close(self) -> None:
        await self._driver.close()


@asynccontextmanager
async def translate_errors(where: str) -> AsyncIterator[None]:
    """Driver and server errors as the project's own."""
    try:
        yield
    except AuthError as error:
        raise StoreUnavailable(
            "the Neo4j server refused the credentials: check CRM_NEO4J_USER and "
            f"CRM_NEO4J_PASSWORD ({error.message or type(error).__name__})"
        ) from error
    except (ServiceUnavailable, SessionExpired, DatabaseUnavailable, NotALeader) as error:
        raise StoreUnavailable(
            f"the Neo4j server at {where} is unavailable (check CRM_GRAPH_URL): {error}"
        ) from error
    except ConstraintError as error:
        raise Conflict(error.message or str(error)) from error
    except TransientError as error:
        if _TIMED_OUT in (error.code or ""):  # Neo4j 4's code for a transaction timeout
            raise QueryTimeout("the statement ran longer than CRM_QUERY_TIMEOUT_MS") from error
        # What is left after the driver's retries: a deadlock with a concurrent write.
        raise Conflict(error.message or str(error)) from error
    except Neo4jError as error:
        if error.code == _DUPLICATES:
            raise Conflict(
                f"the stored graph breaks a unique constraint; remove the duplicates and start "
                f"again ({error.message})"
            ) from error
        if _TIMED_OUT in (error.code or ""):  # Neo4j 5's, ...TimedOutClientConfiguration
            raise QueryTimeout("the statement ran longer than CRM_QUERY_TIMEOUT_MS") from error
        raise StoreError(error.message or str(error)) from error
    except DriverError as error:
        raise StoreError(str(error)) from error


def records(keys: list[str], rows: Iterable[list[Any]]) -> list[Record]:
    """Result rows as dicts of plain Python values."""
    return [dict(zip(keys, (plain(value) for value in row), strict=True)) for row in rows]


def plain(value: Any) -> Any:
    """Driver values as plain Python: entities as their properties, a path as its nodes,
    temporal values as ISO 8601 text."""
    match value:
        case Node() | Relationship():
            return {key: plain(item) for key, item in value.items()}
        case Path():
            return [plain(node) for node in value.nodes]
        case dict():
            return {key: plain(item) for key, item in value.items()}
        case list():
            return [plain(item) for item in value]
        case Date() | DateTime() | Time() | Duration():
            return value.iso_format()
        case _:
            return value
