"""Running one GraphQL operation in-process: the compiled path where it answers, else the schema.

The HTTP endpoint and the web pages both run operations through ``Executor.execute``, so the
same validation, limits, access policy and compiled reads apply to both. ``InProcess`` is the
web's one way into the API: it builds a request's context for a caller, checks API keys, and
keeps the web sessions' keys honest (a revoked key or a signed-out session signs no one in).
"""

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import HTTPConnection
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from crm.api.budgets import Gate, bounded, ran_out, retry_after
from crm.api.context import Context
from crm.api.key_checks import FailedKeyChecks
from crm.api.live.feed import ChangeFeed
from crm.api.logs import request_id_logged
from crm.api.metrics import observe, operation_label
from crm.config import Settings
from crm.domain.values import now_timestamp
from crm.graph.store import GraphStore
from crm.keys import Caller
from crm.queries.sessions import end_session, key_of_session

Compiled = Callable[
    [str, dict[str, Any] | None, str | None, Any], Awaitable[ExecutionResult | None]
]
"""A faster path for some queries: (query, variables, operation name, context) to the result,
or ``None`` to let the schema execute the request (``crm.api.compiled``)."""

QUERIES = frozenset({OperationType.QUERY})
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


@dataclass(frozen=True)
class Executor:
    """The schema, the compiled path tried before it, and the network questions running now."""

    schema: strawberry.Schema
    compiled: Compiled | None = None
    gate: Gate = field(default_factory=Gate)

    async def execute(
        self,
        query: str,
        context: Any,
        *,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        operation_types: frozenset[OperationType] = QUERIES,
        extensions: dict[str, Any] | None = None,
        wait: bool = False,
    ) -> ExecutionResult:
        """The result of one operation of ``query`` run with ``context`` (its caller's role),
        within the caller's budget and caps (``budgets.bounded``: over a cap, refused at once,
        or with ``wait`` once the budget has passed without a place), counted in the metrics.

        Raises strawberry's ``InvalidOperationTypeError`` for an operation of a type not in
        ``operation_types``, as ``schema.execute`` does."""

        async def run() -> ExecutionResult:
            if self.compiled is not None:
                compiled = await self.compiled(query, variables, operation_name, context)
                if compiled is not None:
                    return compiled
            return await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=operation_types,
                operation_extensions=extensions,
            )

        began = time.perf_counter()
        with request_id_logged(context.request_id):
            result = await bounded(
                run,
                schema=self.schema._schema,
                query=query,
                settings=context.settings,
                caller=context.caller,
                gate=self.gate,
                wait=wait,
            )
        label = operation_label(operation_name, query, context.settings.max_tokens)
        observe(label, _outcome(result), time.perf_counter() - began, result.errors or ())
        return result


def _outcome(result: ExecutionResult) -> str:
    if retry_after(result) is not None:
        return "refused"
    if ran_out(result):
        return "budget_exceeded"
    return "error" if result.errors else "ok"


@dataclass(frozen=True)
class SessionKey:
    """The key a web session signed in with: its caller, and its name for the user menu."""

    caller: Caller
    name: str


@dataclass(frozen=True)
class InProcess:
    """Runs operations for callers inside this process (the web pages), exactly as
    ``POST /graphql`` would for a request with the same caller: same executor, same context."""

    executor: Executor
    settings: Settings
    failures: FailedKeyChecks
    """Failed key checks, counted with the API's own (``crm.api.key_checks``)."""

    def context(self, store: GraphStore, caller: Caller, request_id: str) -> Context:
        """A request's context: the app's store and settings, fresh loaders, the caller."""
        return Context(store, self.settings, caller=caller, request_id=request_id)

    async def run(
        self,
        store: GraphStore,
        caller: Caller,
        request_id: str,
        document: str,
        *,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        mutation: bool = False,
    ) -> ExecutionResult:
        """The result of the operation ``operation_name`` of ``document`` run as ``caller``: a
        query, or with ``mutation`` also a mutation (as ``POST /graphql`` allows)."""
        context = self.context(store, caller, request_id)
        return await self.executor.execute(
            document,
            context,
            variables=variables,
            operation_name=operation_name,
            operation_types=QUERIES_AND_MUTATIONS if mutation else QUERIES,
            wait=True,
        )

    async def subscribe(
        self,
        store: GraphStore,
        feed: ChangeFeed,
        caller: Caller,
        request_id: str,
        document: str,
        *,
        operation_name: str,
        variables: dict[str, Any] | None = None,
    ) -> AsyncIterator[ExecutionResult]:
        """The results of the subscription ``operation_name`` of ``document`` run as
        ``caller``, as ``/graphql`` streams them (one result with errors if it cannot start)."""
        context = Context(store, self.settings, caller=caller, request_id=request_id, feed=feed)
        results = await self.executor.schema.subscribe(
            document, variables, context, operation_name=operation_name
        )
        if isinstance(results, ExecutionResult):
            yield results
            return
        async for result in results:
            yield result

    async def caller_for_key(
        self, store: GraphStore, token: str, request: HTTPConnection
    ) -> Caller | None:
        """The caller of an API key (``crm_<id>_<secret>``) sent with ``request``; ``None`` for
        a key that is malformed, unknown or revoked. Raises ``TooManyFailures`` when the
        client's address or the key id has failed too often lately (the key is not checked),
        ``StoreUnavailable`` when it cannot be checked."""
        # Here, not at the top: access imports the HTTP endpoint, which imports this module.
        from crm.api.access import Unauthenticated, address_of, checked_caller  # noqa: PLC0415

        try:
            return await checked_caller(store, token, address_of(request), self.failures)
        except Unauthenticated:
            return None

    async def session_key(
        self, store: GraphStore, key_id: str, session_id: str
    ) -> SessionKey | None:
        """The key of a web session, checked as the API checks a key on every request (one
        read); ``None`` when the key is unknown or revoked or the session was signed out.
        Raises ``StoreUnavailable`` when it cannot be checked."""
        found = await key_of_session(store, key_id, session_id)
        if found is None or found.ended or found.key.revoked_at is not None:
            return None
        return SessionKey(Caller(key_id, found.key.role), found.key.name)

    async def end_session(self, store: GraphStore, session_id: str, until: str) -> None:
        """Sign a web session out for good: its cookie (valid ``until``) no longer signs in."""
        await end_session(store, session_id, until, now_timestamp())
