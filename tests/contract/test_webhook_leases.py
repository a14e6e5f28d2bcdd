"""Webhook endpoints on the real engine: one process at a time holds an endpoint's lease, only
the holder's results are written, and an endpoint failing past its window is paused."""

import asyncio

from crm.graph.store import GraphStore
from crm.queries.changes import CLI, Change
from crm.queries.webhooks import (
    Failure,
    NewWebhook,
    create_webhook,
    pause_webhook,
    record_delivered,
    record_failed,
    release_lease,
    take_lease,
    webhook_by_id,
)

CHANGE = Change("registerWebhook", CLI, "2026-01-01T00:00:00.000Z")
NOW = 1_800_000_000.0
LEASE = 30.0


async def registered(store: GraphStore) -> str:
    webhook = NewWebhook("w1", "http://127.0.0.1:9/hook", "whsec_c2VjcmV0", None, None)
    return (await create_webhook(store, webhook, CHANGE)).webhook_id


async def mine(store: GraphStore, webhook_id: str, holder: str, now: float) -> bool:
    taken = await take_lease(store, webhook_id, holder, now, now + LEASE)
    assert taken is not None
    return taken[1]


async def test_one_holder_at_a_time_until_the_lease_expires(store: GraphStore) -> None:
    webhook_id = await registered(store)

    at_once = await asyncio.gather(*(mine(store, webhook_id, f"p{n}", NOW) for n in range(8)))
    [first] = [f"p{n}" for n, won in enumerate(at_once) if won]
    renewed = await mine(store, webhook_id, first, NOW + 10)
    other_before = await mine(store, webhook_id, "other", NOW + 10 + LEASE - 1)
    other_after = await mine(store, webhook_id, "other", NOW + 10 + LEASE + 1)
    late = await record_delivered(
        store, webhook_id, first, cursor=5, at="2026-01-01T00:01:00.000Z", status=200
    )
    written = await record_delivered(
        store, webhook_id, "other", cursor=6, at="2026-01-01T00:01:00.000Z", status=204
    )
    await release_lease(store, webhook_id, "other")
    after_release = await mine(store, webhook_id, first, NOW + 10 + LEASE + 2)
    stored = await webhook_by_id(store, webhook_id)

    assert at_once.count(True) == 1
    assert (renewed, other_before, other_after) == (True, False, True)
    assert (late, written, after_release) == (False, True, True)
    assert stored is not None
    assert (stored.cursor, stored.delivered, stored.last_status) == (6, 1, 204)


async def test_failing_past_the_window_pauses_and_a_paused_endpoint_is_not_leased(
    store: GraphStore,
) -> None:
    webhook_id = await registered(store)
    assert await mine(store, webhook_id, "p", NOW)

    first = await record_failed(
        store, webhook_id, "p", Failure("t1", NOW, NOW + 1, 500, "HTTP 500"), 60
    )
    second = await record_failed(
        store, webhook_id, "p", Failure("t2", NOW + 61, NOW + 63, None, "ConnectTimeout"), 60
    )
    leased_paused = await mine(store, webhook_id, "p", NOW + 62)

    assert first is not None
    assert (first.attempts, first.paused_at, first.next_attempt_at) == (1, None, NOW + 1)
    assert second is not None
    assert (second.attempts, second.failures, second.paused_at) == (2, 2, "t2")
    assert second.last_status is None
    assert second.pause_reason == "deliveries failed for 60 s; last error: ConnectTimeout"
    assert leased_paused is False


async def test_pausing_twice_keeps_the_first_moment(store: GraphStore) -> None:
    webhook_id = await registered(store)
    first = await pause_webhook(store, webhook_id, "first", CHANGE)
    later = Change("pauseWebhook", CLI, "2026-01-02T00:00:00.000Z")
    second = await pause_webhook(store, webhook_id, "second", later)

    assert first is not None
    assert second is not None
    assert (second.paused_at, second.pause_reason) == (CHANGE.at, "first")
