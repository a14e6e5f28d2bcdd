"""The change feed of one process on the real engine: resuming, the retention's edge, a lagging
subscriber, the limits, a revoked key."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from crm.api.live.feed import ChangeFeed, KeyRevoked, Lagging, TooManySubscriptions
from crm.domain import Label
from crm.errors import InvalidInput
from crm.graph.store import GraphStore
from crm.keys import Role, new_key
from crm.queries.changes import LOADER, Change, ChangeEntry, prune_changes
from crm.queries.keys import create_key, revoke_key
from crm.queries.upsert import upsert_nodes

CHANGE = Change("test", LOADER, "2026-01-01T00:00:00.000Z")


async def write_topics(store: GraphStore, *names: str) -> None:
    for name in names:
        row = {"id": name, "props": {"name": name}, "createdAt": None, "updatedAt": None}
        await upsert_nodes(store, Label.TOPIC, rows=[row], change=CHANGE)


async def drain(stream: AsyncIterator[ChangeEntry], into: list[int]) -> None:
    async for entry in stream:
        into.append(entry.sequence)


async def test_after_resumes_exactly_and_the_retention_edge_is_named(store: GraphStore) -> None:
    await write_topics(store, "a", "b", "c")
    feed = ChangeFeed(store, poll_s=0.01)
    stream = feed.stream(None, after=1)
    resumed = [await anext(stream), await anext(stream)]
    await stream.aclose()
    await prune_changes(store, "2026-01-02T00:00:00.000Z")  # every entry
    await write_topics(store, "d")

    with pytest.raises(InvalidInput, match="the oldest available is 4") as old:
        await anext(feed.stream(None, after=1))
    fresh = feed.stream(None, after=3)
    [latest] = [await anext(fresh)]
    await fresh.aclose()
    await feed.close()

    assert [entry.sequence for entry in resumed] == [2, 3]
    assert "resume with after: 3" in str(old.value)
    assert latest.sequence == 4


async def test_a_subscriber_that_falls_behind_is_ended_with_its_last_sequence(
    store: GraphStore,
) -> None:
    feed = ChangeFeed(store, poll_s=0.01, queue_size=2)
    stream = feed.stream(None, after=None)
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.2)  # subscribed, at the log's end
    await write_topics(store, "a")
    seen = await asyncio.wait_for(first, 10)
    await write_topics(store, "b", "c", "d", "e")
    await asyncio.sleep(0.5)  # the poller fills the queue past its bound

    received: list[int] = []
    with pytest.raises(Lagging) as lagging:
        await drain(stream, received)
    await feed.close()

    assert seen.sequence == 1
    assert received == [2, 3]
    assert lagging.value.last == 3
    assert "resume with after: 3" in str(lagging.value)


async def make_key(store: GraphStore) -> str:
    key = new_key()
    await create_key(store, key, Role.READER, "feed", CHANGE)
    return key.key_id


async def test_subscriptions_per_key_are_limited(store: GraphStore) -> None:
    first_key, second_key = await make_key(store), await make_key(store)
    feed = ChangeFeed(store, poll_s=0.01, per_key=1)
    held = feed.stream(first_key, after=None)
    waiting = asyncio.ensure_future(anext(held))
    await asyncio.sleep(0.2)

    with pytest.raises(TooManySubscriptions):
        await anext(feed.stream(first_key, after=None))
    other = feed.stream(second_key, after=2)
    await write_topics(store, "a")
    [entry] = [await asyncio.wait_for(anext(other), 10)]
    waiting.cancel()
    await other.aclose()
    await feed.close()

    assert entry.sequence == 3


async def test_revoking_the_key_ends_its_subscriptions_and_refuses_new_ones(
    store: GraphStore,
) -> None:
    key_id, other_key = await make_key(store), await make_key(store)
    feed = ChangeFeed(store, poll_s=0.01)
    held = feed.stream(key_id, after=None)
    other = feed.stream(other_key, after=None)
    ended = asyncio.ensure_future(anext(held))
    revocation = asyncio.ensure_future(anext(other))
    await asyncio.sleep(0.2)
    await revoke_key(store, key_id, Change("revokeKey", LOADER, CHANGE.at))

    with pytest.raises(KeyRevoked):
        await asyncio.wait_for(ended, 10)
    with pytest.raises(KeyRevoked):
        await anext(feed.stream(key_id, after=0))
    seen = await asyncio.wait_for(revocation, 10)
    await other.aclose()
    await feed.close()

    assert seen.sequence == 3
    assert seen.operation == "revokeKey"


async def test_latest_hands_only_the_last_of_the_waiting_entries(store: GraphStore) -> None:
    await write_topics(store, "a", "b", "c")
    feed = ChangeFeed(store, poll_s=0.01)
    stream = feed.stream(None, after=0, latest=True)
    backlog = await anext(stream)
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.2)
    await write_topics(store, "d")
    fresh = await asyncio.wait_for(pending, 10)
    await write_topics(store, "e", "f")
    await asyncio.sleep(0.5)  # both wait in the queue
    burst = await asyncio.wait_for(anext(stream), 10)
    await stream.aclose()
    await feed.close()

    assert [backlog.sequence, fresh.sequence, burst.sequence] == [3, 4, 6]
