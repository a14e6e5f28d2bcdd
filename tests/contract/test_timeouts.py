"""``CRM_QUERY_TIMEOUT_MS`` reaches the engine: it stops reads and writes that run longer, and
a stopped write writes nothing. A request's budget, when shorter, is the engine's timeout."""

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from crm.config import load_settings
from crm.errors import BudgetExceeded, QueryTimeout
from crm.graph.connect import open_store
from crm.graph.statements import Budget, within
from crm.graph.store import GraphStore

TIMEOUT_MS = 300
# A billion combinations of 1,000 nodes: minutes of work, unless the engine stops it.
_SLOW_MATCH = "MATCH (a:Slow), (b:Slow), (c:Slow) WHERE a.x + b.x + c.x > 2 "


@pytest.fixture
async def slow_store(tmp_path: Path) -> AsyncIterator[GraphStore]:
    settings = load_settings(data_dir=tmp_path / "crm-data", query_timeout_ms=TIMEOUT_MS)
    store = await open_store(settings)
    try:
        await store.write("UNWIND range(1, 1000) AS x CREATE (:Slow {x: x})")
        yield store
    finally:
        await store.close()


async def test_a_long_read_is_stopped(slow_store: GraphStore) -> None:
    with pytest.raises(QueryTimeout, match="CRM_QUERY_TIMEOUT_MS"):
        await slow_store.read(_SLOW_MATCH + "RETURN count(*) AS n")


async def test_a_long_write_is_stopped_and_writes_nothing(slow_store: GraphStore) -> None:
    with pytest.raises(QueryTimeout, match="CRM_QUERY_TIMEOUT_MS"):
        await slow_store.write(_SLOW_MATCH + "CREATE (:Written) RETURN count(*) AS n")

    rows = await slow_store.read("MATCH (n:Written) RETURN count(n) AS n")
    assert rows == [{"n": 0}]
    assert await slow_store.read("MATCH (n:Slow) RETURN count(n) AS n") == [{"n": 1000}]


async def test_a_budget_shorter_than_the_timeout_stops_a_read_in_the_engine(
    slow_store: GraphStore,
) -> None:
    budget = Budget(TIMEOUT_MS // 2, "CRM_BUDGET_READER_MS", time.monotonic())
    with within(budget), pytest.raises(BudgetExceeded, match="CRM_BUDGET_READER_MS") as raised:
        await slow_store.read(_SLOW_MATCH + "RETURN count(*) AS n")

    # the engine stopped it: its own timeout error is the cause
    assert isinstance(raised.value.__cause__, QueryTimeout)
    assert not isinstance(raised.value.__cause__, BudgetExceeded)
    assert raised.value.budget_ms == TIMEOUT_MS // 2


async def test_a_spent_budget_sends_nothing(slow_store: GraphStore) -> None:
    spent = Budget(1, "CRM_BUDGET_ANONYMOUS_MS", time.monotonic() - 1)
    sent = REGISTRY.get_sample_value(
        "crm_store_statements_total", {"kind": "write", "outcome": "ok"}
    )

    with within(spent), pytest.raises(BudgetExceeded):
        await slow_store.write("CREATE (:Written)")

    assert await slow_store.read("MATCH (n:Written) RETURN count(n) AS n") == [{"n": 0}]
    after = REGISTRY.get_sample_value(
        "crm_store_statements_total", {"kind": "write", "outcome": "ok"}
    )
    assert after == sent
