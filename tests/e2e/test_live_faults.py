"""A SIGKILL of the embedded engine between a change and its delivery to a subscriber: after the
engine is back, the change arrives (on the subscription, or on resuming `after` the last one
received), once."""

import asyncio
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
import websockets

from crm.keys import Role
from tests.e2e.test_live import (
    create_topic,
    data_dir,  # noqa: F401 (a fixture)
    keys,  # noqa: F401 (a fixture)
    subscribed,
)
from tests.e2e.test_serve import Running, free_port
from tests.faults import kill_engine

POLL_MS = 4000
"""Long enough that the engine is killed before the change log is read on."""


@pytest.fixture
def server(data_dir: Path, tmp_path: Path) -> Iterator[Running]:  # noqa: F811
    port = free_port()
    env = {"CRM_PORT": str(port), "CRM_LIVE_KEEP_ALIVE_S": "1", "CRM_LIVE_POLL_MS": str(POLL_MS)}
    with Running(["serve", "--data-dir", str(data_dir)], port, tmp_path / "server", env) as running:
        running.wait_until_ready()
        yield running
        running.interrupt()


async def test_a_change_committed_before_the_engine_is_killed_is_delivered_once(
    server: Running,
    keys: dict[Role, str],  # noqa: F811
    data_dir: Path,  # noqa: F811
) -> None:
    admin = keys[Role.ADMIN]
    sequences: list[int] = []
    async with subscribed(server, admin) as live:
        await asyncio.to_thread(create_topic, server, admin, "t-before")
        [before] = await live.events(1)
        await asyncio.to_thread(create_topic, server, admin, "t-killed")
        await asyncio.to_thread(kill_engine, data_dir)
        # If the subscription ends while the engine is gone, it is resumed below.
        with suppress(AssertionError, websockets.ConnectionClosed):
            sequences += [event["sequence"] for event in await live.events(1)]
    last = sequences[-1] if sequences else before["sequence"]
    async with subscribed(server, admin, after=last) as resumed:
        await asyncio.to_thread(create_topic, server, admin, "t-after")
        while not sequences or sequences[-1] < before["sequence"] + 2:
            [event] = await resumed.events(1)
            sequences.append(event["sequence"])

    assert sequences == [before["sequence"] + 1, before["sequence"] + 2]
