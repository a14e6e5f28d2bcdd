"""Subscriptions over SSE and the end of a subscription whose key is revoked, as a client sees
them: a real ``crm serve`` process, a real SSE client (httpx, streaming) and a real WebSocket
client."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import websockets

from crm.keys import Role
from tests.e2e.test_cli import crm
from tests.e2e.test_live import (
    CHANGES,
    EVENT_WAIT_S,
    create_topic,
    data_dir,  # noqa: F401 (a fixture)
    keys,  # noqa: F401 (a fixture)
    subscribed,
)
from tests.e2e.test_serve import Running, free_port

BURST = 5
STATS = "subscription { statsChanged(sections: [TOTALS]) { totals { topics } } }"


@pytest.fixture
def server(data_dir: Path, tmp_path: Path) -> Iterator[Running]:  # noqa: F811
    port = free_port()
    env = {"CRM_PORT": str(port), "CRM_LIVE_KEEP_ALIVE_S": "1"}
    with Running(["serve", "--data-dir", str(data_dir)], port, tmp_path / "server", env) as running:
        running.wait_until_ready()
        yield running
        running.interrupt()


class EventStream:
    """The events and comments of one SSE response, line by line."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()
        self.comments = 0

    async def next(self) -> tuple[str, Any]:
        """The next event: its name and its data (JSON, or ``None`` when empty)."""
        name, data = "", ""
        while True:
            line = await asyncio.wait_for(anext(self.lines), EVENT_WAIT_S)
            if line.startswith(":"):
                self.comments += 1
            elif line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data = line.removeprefix("data:").strip()
            elif not line and name:
                return name, json.loads(data) if data else None


@asynccontextmanager
async def over_sse(
    server: Running, key: str | None, query: str = CHANGES, **variables: Any
) -> AsyncIterator[EventStream]:
    headers = {"accept": "text/event-stream"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    async with (
        httpx.AsyncClient(timeout=EVENT_WAIT_S) as client,
        client.stream(
            "POST",
            server.base + "/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
        ) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        await asyncio.sleep(0.5)  # the subscription is registered before the test writes
        yield EventStream(response)


async def test_changes_arrive_over_sse_with_keep_alives_and_resume_after_a_sequence(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
) -> None:
    admin = keys[Role.ADMIN]
    async with over_sse(server, admin) as live:
        await asyncio.sleep(2.5)  # keep-alives every second
        await asyncio.to_thread(create_topic, server, admin, "t-sse")
        name, first = await live.next()
        kept_alive = live.comments
    await asyncio.to_thread(create_topic, server, admin, "t-missed")
    sequence = first["data"]["changes"]["sequence"]
    async with over_sse(server, admin, after=sequence) as resumed:
        _, missed = await resumed.next()

    assert name == "next"
    assert first["data"]["changes"]["nodes"] == [
        {"id": first["data"]["changes"]["ids"][0], "name": "Live t-sse"}
    ]
    assert kept_alive >= 2
    assert missed["data"]["changes"]["sequence"] == sequence + 1
    assert missed["data"]["changes"]["nodes"][0]["name"] == "Live t-missed"


async def test_a_bad_key_over_sse_is_a_401_and_a_query_is_not_streamed(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
) -> None:
    async with httpx.AsyncClient(timeout=EVENT_WAIT_S) as client:
        refused = await client.post(
            server.base + "/graphql",
            json={"query": CHANGES},
            headers={"accept": "text/event-stream", "authorization": "Bearer crm_x_y"},
        )
    async with over_sse(server, keys[Role.ADMIN], "{ stats { totals { topics } } }") as query:
        name, answer = await query.next()

    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert name == "next"
    assert "data" not in answer or answer["data"] is None
    assert answer["errors"]


async def test_unknown_filters_are_refused_and_relationship_types_filter(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
) -> None:
    admin = keys[Role.ADMIN]
    query = 'subscription { changes(relationshipTypes: ["LIKES"]) { sequence } }'
    async with over_sse(server, admin, query) as unknown:
        _, refusal = await unknown.next()
    ties = 'subscription { changes(relationshipTypes: ["ACTIVE_IN"]) { operation ids } }'
    async with over_sse(server, admin, ties) as live:
        await asyncio.to_thread(create_topic, server, admin, "t-not-a-tie")
        for body in (
            'mutation { createOrganization(input: {recordId: "o-sse", name: "Org", '
            'kind: COMPANY, country: "DE"}) { created } }',
            'mutation { createSector(input: {recordId: "s-sse", name: "Sea"}) { created } }',
            'mutation { linkActiveIn(from: "o-sse", to: "s-sse") { outcome } }',
        ):
            answer = await asyncio.to_thread(server.query, body, admin)
            assert "errors" not in answer, answer
        _, tie = await live.next()

    [error] = refusal["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "unknown relationshipType 'LIKES'" in error["message"]
    assert tie["data"]["changes"]["operation"] == "linkActiveIn"
    assert "ACTIVE_IN" in tie["data"]["changes"]["ids"]


async def test_a_key_revoked_during_a_subscription_ends_it_on_both_transports(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
    data_dir: Path,  # noqa: F811
) -> None:
    reader = keys[Role.READER]
    key_id = reader.split("_")[1]
    async with over_sse(server, reader) as sse, subscribed(server, reader) as socket:
        revoked = await asyncio.to_thread(
            crm, "keys", "revoke", key_id, "--data-dir", str(data_dir)
        )
        assert revoked.returncode == 0, revoked.stderr
        over_sse_events = [await sse.next(), await sse.next()]
        over_ws = await socket.next()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.next()

    [(name, ended), (last, _)] = over_sse_events
    assert name == "next"
    assert ended["errors"][0]["extensions"]["code"] == "KEY_REVOKED"
    assert last == "complete"
    assert over_ws["payload"]["errors"][0]["extensions"]["code"] == "KEY_REVOKED"
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert "revoked" in closed.value.rcvd.reason


async def test_stats_changed_pushes_the_figures_now_and_when_they_change(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
) -> None:
    admin = keys[Role.ADMIN]
    async with over_sse(server, admin, STATS) as stats:
        _, now = await stats.next()
        for n in range(3):
            await asyncio.to_thread(create_topic, server, admin, f"t-stats-{n}")
        pushed = [now]
        while pushed[-1]["data"]["statsChanged"]["totals"]["topics"] < 3:
            pushed.append((await stats.next())[1])

    counts = [push["data"]["statsChanged"]["totals"]["topics"] for push in pushed]
    assert counts[0] == 0
    assert counts == sorted(set(counts))  # each push a change


async def test_a_subscriber_that_falls_behind_is_ended_with_its_last_sequence_and_resumes(
    keys: dict[Role, str],  # noqa: F811
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    admin = keys[Role.ADMIN]
    port = free_port()
    # A queue of one, and a poll slow enough that two of the changes arrive in one read.
    env = {"CRM_PORT": str(port), "CRM_LIVE_QUEUE_SIZE": "1", "CRM_LIVE_POLL_MS": "3000"}
    with Running(["serve", "--data-dir", str(data_dir)], port, tmp_path / "slow", env) as slow:
        slow.wait_until_ready()
        received: list[dict[str, Any]] = []
        async with over_sse(slow, admin) as behind:
            for n in range(BURST):
                await asyncio.to_thread(create_topic, slow, admin, f"t-burst-{n}")
            while "errors" not in (event := (await behind.next())[1]):
                received.append(event["data"]["changes"])
        [error] = event["errors"]
        after = error["extensions"]["after"]
        async with over_sse(slow, admin, after=after) as resumed:
            while len(received) < BURST:
                received.append((await resumed.next())[1]["data"]["changes"])
        slow.interrupt()

    assert error["extensions"]["code"] == "SUBSCRIBER_LAGGING"
    assert f"resume with after: {after}" in error["message"]
    assert [event["nodes"][0]["name"] for event in received] == [
        f"Live t-burst-{n}" for n in range(BURST)
    ]
    sequences = [event["sequence"] for event in received]
    assert sequences == list(range(sequences[0], sequences[0] + BURST))
