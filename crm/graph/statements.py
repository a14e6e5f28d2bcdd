"""What every statement an adapter sends goes through: the engine timeout it gets (the rest of
the request's time budget, when one is set, else ``CRM_QUERY_TIMEOUT_MS``), and the metrics of
statements (count by kind and outcome, latency).

The API sets a budget per request (``crm.api.budgets``) with ``within``; the store reads it here,
so a shared store gives each request's statements that request's timeout.
"""

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from prometheus_client import Counter, Histogram

from crm.errors import BudgetExceeded, QueryTimeout

Kind = Literal["read", "write"]

STATEMENTS = Counter(
    "crm_store_statements",
    "Statements sent to the graph engine, by kind (read, write) and outcome (ok, timeout, error).",
    ["kind", "outcome"],
)
STATEMENT_SECONDS = Histogram(
    "crm_store_statement_duration_seconds",
    "How long statements took, from sending to the last row, by kind.",
    ["kind"],
)
ENGINE_RESTARTS = Counter(
    "crm_engine_restarts", "Times the embedded engine was started again after it died."
)


@dataclass(frozen=True)
class Budget:
    """A request's time budget: ``ms`` from ``start`` (``time.monotonic``), set by ``setting``."""

    ms: int
    setting: str
    start: float

    def left_ms(self) -> int:
        """What is left of it, in whole milliseconds (0 or less: spent)."""
        return self.ms - int((time.monotonic() - self.start) * 1000)

    def exceeded(self) -> BudgetExceeded:
        return BudgetExceeded(self.ms, self.setting)


_BUDGET: ContextVar[Budget | None] = ContextVar("crm_budget", default=None)


@contextmanager
def within(budget: Budget) -> Iterator[None]:
    """Statements sent in this context (its tasks and threads too) keep within ``budget``."""
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


@asynccontextmanager
async def statement(kind: Kind, timeout_ms: int) -> AsyncIterator[int]:
    """Around one statement: gives the engine timeout to send it with (``timeout_ms``, or the
    budget left when that is less: a spent budget raises ``BudgetExceeded`` before sending), makes
    an engine timeout that the budget set a ``BudgetExceeded``, and counts the statement."""
    budget = _BUDGET.get()
    if budget is not None and budget.left_ms() >= timeout_ms:
        budget = None  # the statement's own timeout comes first
    if budget is not None:
        timeout_ms = budget.left_ms()
        if timeout_ms <= 0:
            STATEMENTS.labels(kind, "timeout").inc()
            raise budget.exceeded()
    began = time.perf_counter()
    outcome = "error"
    try:
        yield timeout_ms
        outcome = "ok"
    except QueryTimeout as error:
        outcome = "timeout"
        if budget is not None:
            raise budget.exceeded() from error
        raise
    finally:
        STATEMENTS.labels(kind, outcome).inc()
        STATEMENT_SECONDS.labels(kind).observe(time.perf_counter() - began)
