"""Subscriptions as a client sees them: real ``crm serve`` processes on one engine, a real
WebSocket client speaking ``graphql-transport-ws``, changes made through either process and by
``crm load``."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from crm.config import load_settings
from crm.console import run
from crm.domain.values import now_timestamp
from crm.keys import Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key
from tests.e2e import test_serve
from tests.e2e.test_cli import crm
from tests.e2e.test_serve import Running, free_port

PROTOCOL = "graphql-transport-ws"
EVENT_WAIT_S = 20.0
CHANGES = """
subscription ($after: Int, $labels: [String!]) {
  changes(after: $after, labels: $labels) {
    sequence operation ids fields nodes { id ... on Topic { name } }
  }
}
"""


def make_key(data_dir: Path, role: Role) -> str:
    """A key made as ``crm keys create`` makes it (``tests/e2e/test_serve.py`` runs that
    command), in this process: a ``crm`` process more would cost a second or two of CPU."""
    key = new_key()
    change = Change("createKey", CLI, now_timestamp())
    settings = load_settings(data_dir=data_dir)
    run(settings, lambda store: create_key(store, key, role, "live", change))
    return key.token


@pytest.fixture
def data_dir(settings: Any) -> Path:
    path: Path = settings.data_dir
    return path


@pytest.fixture
def keys(data_dir: Path) -> dict[Role, str]:
    return {role: make_key(data_dir, role) for role in (Role.ADMIN, Role.READER)}


@pytest.fixture
def servers(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Running]]:
    """Two API processes on one data folder (given longer to start: two start at once)."""
    monkeypatch.setattr(test_serve, "READY_WAIT_S", 240.0)
    with ExitStack() as stack:
        running = []
        for n in range(2):
            port = free_port()
            server = stack.enter_context(
                Running(
                    ["serve", "--data-dir", str(data_dir)],
                    port,
                    tmp_path / f"server-{n}",
                    {"CRM_PORT": str(port), "CRM_LIVE_KEEP_ALIVE_S": "1"},
                )
            )
            running.append(server)
        for server in running:
            server.wait_until_ready()
        yield running
        for server in running:
            server.interrupt()


class Subscription:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def next(self) -> dict[str, Any]:
        """The next message that is not a ping (answered) or pong."""
        while True:
            message: dict[str, Any] = json.loads(
                await asyncio.wait_for(self.socket.recv(), EVENT_WAIT_S)
            )
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] != "pong":
                return message

    async def events(self, count: int) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        while len(received) < count:
            message = await self.next()
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            received.append(message["payload"]["data"]["changes"])
        return received


@asynccontextmanager
async def subscribed(
    server: Running, key: str | None, query: str = CHANGES, **variables: Any
) -> AsyncIterator[Subscription]:
    url = server.base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        payload = {} if key is None else {"Authorization": f"Bearer {key}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        subscription = Subscription(socket)
        ack = await subscription.next()
        assert ack["type"] == "connection_ack", ack
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        await asyncio.sleep(0.5)  # the subscription is registered before the test writes
        yield subscription


def create_topic(server: Running, key: str, record_id: str) -> None:
    body = server.query(
        f'mutation {{ createTopic(input: {{recordId: "{record_id}", name: "Live {record_id}"}}) '
        "{ created } }",
        key,
    )
    assert body == {"data": {"createTopic": {"created": True}}}, body


async def test_changes_from_either_process_and_a_load_reach_subscribers_on_both(
    servers: list[Running], keys: dict[Role, str], data_dir: Path, tmp_path: Path
) -> None:
    admin = keys[Role.ADMIN]
    topics = tmp_path / "topics.yaml"
    topics.write_text(
        "nodes:\n  Topic:\n    - {id: t-loaded, name: Loaded, source: test}\n", "utf-8"
    )
    async with subscribed(servers[0], admin) as first, subscribed(servers[1], admin) as second:
        await asyncio.to_thread(create_topic, servers[0], admin, "t-first")
        await asyncio.to_thread(create_topic, servers[1], admin, "t-second")
        loaded = await asyncio.to_thread(crm, "load", str(topics), "--data-dir", str(data_dir))
        assert loaded.returncode == 0, loaded.stderr
        on_first = await first.events(3)
        on_second = await second.events(3)

    assert on_first == on_second
    assert [event["operation"] for event in on_first] == ["createTopic", "createTopic", "load"]
    sequences = [event["sequence"] for event in on_first]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    assert [event["nodes"][0]["name"] for event in on_first] == [
        "Live t-first",
        "Live t-second",
        "Loaded",
    ]


async def test_resuming_after_a_sequence_gives_exactly_the_missed_changes(
    servers: list[Running], keys: dict[Role, str]
) -> None:
    admin = keys[Role.ADMIN]
    async with subscribed(servers[0], admin) as live:
        await asyncio.to_thread(create_topic, servers[0], admin, "t-seen")
        [seen] = await live.events(1)
    for n in range(3):  # while disconnected
        await asyncio.to_thread(create_topic, servers[1], admin, f"t-missed-{n}")

    async with subscribed(servers[1], admin, after=seen["sequence"]) as resumed:
        missed = await resumed.events(3)
        await asyncio.to_thread(create_topic, servers[0], admin, "t-after")
        [after] = await resumed.events(1)

    assert [event["sequence"] for event in missed] == [seen["sequence"] + n for n in (1, 2, 3)]
    assert [event["nodes"][0]["name"] for event in missed] == [
        f"Live t-missed-{n}" for n in range(3)
    ]
    assert after["sequence"] == seen["sequence"] + 4


async def test_a_reader_gets_no_e_mail(servers: list[Running], keys: dict[Role, str]) -> None:
    query = (
        'subscription { changes(labels: ["Person"]) '
        "{ sequence nodes { id ... on Person { givenName email } } } }"
    )
    async with subscribed(servers[0], keys[Role.READER], query) as reader:
        body = await asyncio.to_thread(
            servers[0].query,
            'mutation { createPerson(input: {recordId: "p-live", givenName: "Lena", '
            'familyName: "Live", email: "lena@live.example", country: "DE", '
            'consent: {basis: CONSENT, date: "2026-01-01"}}) { created errors { message } } }',
            keys[Role.ADMIN],
        )
        assert body["data"]["createPerson"]["created"] is True, body
        message = await reader.next()

    assert message["type"] == "next"
    assert "lena@live.example" not in json.dumps(message)
    assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_bad_key_is_refused_and_an_unknown_label_is_an_error(
    servers: list[Running], keys: dict[Role, str]
) -> None:
    url = servers[0].base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer crm_x_y"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), EVENT_WAIT_S)
    query = 'subscription { changes(labels: ["Nobody"]) { sequence } }'
    async with subscribed(servers[0], keys[Role.ADMIN], query) as unknown:
        message = await unknown.next()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert message["type"] == "next"
    [error] = message["payload"]["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "unknown label 'Nobody'" in error["message"]
