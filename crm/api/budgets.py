"""Every question bounded and fair: each request runs within the time budget of its caller's
role (``CRM_BUDGET_<ROLE>_MS``), and the network questions (``EXPENSIVE``) running at once are
capped per key and for all requests without a key together.

The budget holds twice: each statement gets what is left of it as its engine timeout
(``crm.graph.statements``), and the API process stops waiting when it is spent. Either way the
answer is a ``BUDGET_EXCEEDED`` error naming the setting. A network question beyond its pool's
cap is not run: ``TOO_MANY_REQUESTS``, a 429 with ``Retry-After`` over HTTP, while cheap reads
go on. The web's pages (whose home page asks network questions of every visitor) wait for a
place instead, within their budget.
"""

import asyncio
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from strawberry.types.execution import ExecutionResult

from crm.api.limits import parse_document
from crm.api.metrics import REFUSALS
from crm.config import Settings
from crm.errors import BudgetExceeded
from crm.graph.statements import Budget, within
from crm.keys import Caller

BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"

EXPENSIVE = frozenset(
    {
        "Query.introductionPaths",
        "Query.brokers",
        "Query.crossBorderTies",
        "Query.lonelyMembers",
        "Query.unmetClusters",
        "Query.suggestedPartners",
        "Query.communities",
        "Query.network",
        "Query.networkExpansion",
        "Query.networkExport",
        "Query.duplicateCandidates",
        "Query.dataQuality",
        "Project.impact",
    }
)
"""The network questions (``Type.field``): a request selecting any of them, anywhere, counts
against its pool's cap while it runs."""

GRACE_S = 0.25
"""The API process stops waiting this long after the budget: the engine stops a statement at
the budget, and its error, with the answer's other fields, comes first; only a request that is
not waiting for the engine (a hung engine, work in the process) is cut off here."""

_ANONYMOUS = ""
"""The pool of every request without a key."""


@lru_cache(maxsize=256)
def is_expensive(schema: GraphQLSchema, query: str, max_tokens: int) -> bool:
    """Whether ``query`` selects a field of ``EXPENSIVE`` (fragments included); a query that
    does not parse is not (it is refused before it runs)."""
    try:
        document = parse_document(query, max_tokens=max_tokens)
    except GraphQLError:
        return False
    type_info = TypeInfo(schema)
    found = False

    class _Find(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            nonlocal found
            parent = type_info.get_parent_type()
            if parent is not None and f"{parent.name}.{node.name.value}" in EXPENSIVE:
                found = True

    visit(document, TypeInfoVisitor(type_info, _Find()))
    return found


@dataclass
class Gate:
    """The network questions running now, by pool (a key id, or ``_ANONYMOUS``)."""

    running: Counter[str] = field(default_factory=Counter)
    _freed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def enter(self, pool: str, cap: int, wait_s: float) -> bool:
        """Take a place in ``pool`` if fewer than ``cap`` run there, waiting up to ``wait_s`` for
        one to end; false when none came free."""
        if self.running[pool] < cap:
            self.running[pool] += 1
            return True
        if wait_s <= 0:
            return False
        try:
            async with asyncio.timeout(wait_s), self._freed:
                await self._freed.wait_for(lambda: self.running[pool] < cap)
                self.running[pool] += 1
                return True
        except TimeoutError:
            return False

    async def leave(self, pool: str) -> None:
        self.running[pool] -= 1
        if self.running[pool] <= 0:
            del self.running[pool]
        async with self._freed:
            self._freed.notify_all()


async def bounded(
    run: Callable[[], Awaitable[ExecutionResult]],
    *,
    schema: GraphQLSchema,
    query: str,
    settings: Settings,
    caller: Caller,
    gate: Gate,
    wait: bool = False,
) -> ExecutionResult:
    """``run()`` within the caller's budget, and in its pool's cap when ``query`` is expensive.
    A request over the cap is refused at once, or with ``wait`` (the web's pages) waits for a
    place within its budget."""
    started = time.monotonic()
    budget_ms, setting = settings.budget(caller.role if caller.key_id is not None else None)
    pool = caller.key_id if caller.key_id is not None else _ANONYMOUS
    expensive = is_expensive(schema, query, settings.max_tokens)
    if expensive:
        cap, cap_setting = (
            (settings.max_expensive_per_key, "CRM_MAX_EXPENSIVE_PER_KEY")
            if caller.key_id is not None
            else (settings.max_expensive_anonymous, "CRM_MAX_EXPENSIVE_ANONYMOUS")
        )
        if not await gate.enter(pool, cap, budget_ms / 1000 if wait else 0):
            REFUSALS.labels("expensive").inc()
            return _too_many(cap, cap_setting, math.ceil(budget_ms / 1000))
    try:
        with within(Budget(budget_ms, setting, started)):
            timeout = asyncio.timeout(started + budget_ms / 1000 + GRACE_S - time.monotonic())
            try:
                async with timeout:
                    return await run()
            except TimeoutError:
                if not timeout.expired():
                    raise
                return ExecutionResult(data=None, errors=[budget_error(budget_ms, setting)])
    finally:
        if expensive:
            await gate.leave(pool)


def budget_error(budget_ms: int, setting: str) -> GraphQLError:
    return GraphQLError(
        str(BudgetExceeded(budget_ms, setting)),
        extensions={"code": BUDGET_EXCEEDED, "budgetMs": budget_ms, "limit": setting},
    )


def _too_many(cap: int, setting: str, retry_after: int) -> ExecutionResult:
    message = (
        f"{cap} network question(s) of this caller are running ({setting}); "
        f"ask again in {retry_after} s"
    )
    extensions = {"code": TOO_MANY_REQUESTS, "limit": setting, "retryAfter": retry_after}
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


def retry_after(result: ExecutionResult) -> int | None:
    """The seconds to wait of a result refused by a cap, else ``None``."""
    for error in result.errors or ():
        extensions = error.extensions or {}
        if extensions.get("code") == TOO_MANY_REQUESTS:
            return int(extensions["retryAfter"])
    return None


def ran_out(result: ExecutionResult) -> bool:
    """Whether the API process stopped the request at its budget (it has no data at all)."""
    return result.data is None and any(
        (error.extensions or {}).get("code") == BUDGET_EXCEEDED for error in result.errors or ()
    )
