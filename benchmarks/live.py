"""How soon subscribers hear of a change: 100 subscribers (10 in a quick run) of ``changes`` over
WebSocket (``graphql-transport-ws``) on one ``crm serve`` process on the embedded engine, while
a client creates a topic every half second; each event's delay is the time from the mutation's
response to the event's arrival at a subscriber. The figure is the share of (event, subscriber)
pairs that arrive within 250 ms (the target: 95 %), with the delays' percentiles; one subscriber
alone is measured first, as the delay that the feed's polling gives without the load."""

import asyncio
import json
import time
from typing import Any

import websockets

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure, Target
from benchmarks.serving import client, crm_server, latency_ms, server_env
from crm.keys import Role

SECTION = "live"
SUBSCRIBERS = 100
QUICK_SUBSCRIBERS = 10
WITHIN_S = 0.25
TARGET = Target(0.95, "95 % within 250 ms")
CHANGES = 20
QUICK_CHANGES = 3
SPACING_S = 0.5
WAIT_S = 30.0
SUBSCRIPTION = (
    'subscription { changes(labels: ["Topic"]) { sequence nodes { id ... on Topic { name } } } }'
)
CREATE = (
    "mutation ($id: String!, $name: String!) "
    "{ createTopic(input: {recordId: $id, name: $name}) { created errors { message } } }"
)


async def _subscriber(url: str, ready: asyncio.Event, arrivals: dict[str, float]) -> None:
    """Subscribe, set ``ready``, and note when each topic's event arrives, until cancelled."""
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
        await socket.send(json.dumps(subscribe))
        ready.set()
        async for raw in socket:
            message = json.loads(raw)
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next":
                for node in message["payload"]["data"]["changes"]["nodes"]:
                    arrivals.setdefault(node["name"], time.perf_counter())
            elif message["type"] in {"error", "complete"}:
                raise RuntimeError(f"the subscription ended: {message}")


async def _delays(base: str, subscribers: int, changes: int, tag: str) -> list[float]:
    """Each (change, subscriber) pair's delay in seconds; a missing event counts as infinite."""
    url = base.replace("http://", "ws://") + "/graphql"
    arrivals: list[dict[str, float]] = [{} for _ in range(subscribers)]
    readies = [asyncio.Event() for _ in range(subscribers)]
    tasks = [
        asyncio.create_task(_subscriber(url, ready, seen))
        for ready, seen in zip(readies, arrivals, strict=True)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), WAIT_S)
        await asyncio.sleep(1.0)  # every subscription registered with the feed
        responded: dict[str, float] = {}
        async with client(base) as http:
            for n in range(changes):
                name = f"Live {tag} {n}"
                variables = {"id": f"live-{tag}-{n}", "name": name}
                answer = await http.post("/graphql", json={"query": CREATE, "variables": variables})
                responded[name] = time.perf_counter()
                assert answer.json()["data"]["createTopic"]["created"] is True, answer.text
                await asyncio.sleep(SPACING_S)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and any(len(seen) < changes for seen in arrivals):
            await asyncio.sleep(0.1)
    finally:
        for task in tasks:
            task.cancel()
        failed = [r for r in await asyncio.gather(*tasks, return_exceptions=True) if r]
        if any(not isinstance(r, asyncio.CancelledError) for r in failed):
            raise next(r for r in failed if not isinstance(r, asyncio.CancelledError))
    return [
        seen.get(name, float("inf")) - at for seen in arrivals for name, at in responded.items()
    ]


def _summary(delays: list[float]) -> dict[str, Any]:
    arrived = [delay for delay in delays if delay != float("inf")]
    return {
        "events": len(delays),
        "missing": len(delays) - len(arrived),
        "within_250ms_pct": round(100 * sum(d <= WITHIN_S for d in delays) / len(delays), 1),
        "delay_ms": latency_ms(arrived) if arrived else None,
    }


async def run(bench: Bench) -> list[Figure]:
    settings = bench.settings(anonymous_role=Role.EDITOR)
    subscribers, changes = (
        (QUICK_SUBSCRIBERS, QUICK_CHANGES) if bench.quick else (SUBSCRIBERS, CHANGES)
    )
    env = server_env(settings) | {"CRM_LIVE_SUBSCRIPTIONS_PER_KEY": str(subscribers)}
    with crm_server(["serve"], env, bench.workdir / "live-server.log") as server:
        alone = _summary(await _delays(server.base, 1, changes, "alone"))
        loaded = _summary(await _delays(server.base, subscribers, changes, "many"))
    return [
        Figure(
            SECTION,
            f"events within 250 ms of the mutation's response, {subscribers} subscribers",
            loaded["within_250ms_pct"],
            "%",
            Better.HIGHER,
            baseline="every event",
            baseline_value=100.0,
            target=TARGET,
            details={"subscribers": subscribers, **loaded, "one_subscriber": alone},
        )
    ]
