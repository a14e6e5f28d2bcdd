"""The API when the store goes away: answered fast with STORE_UNAVAILABLE, ``/readyz`` says so,
and the service recovers by itself when the store is back."""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import Settings
from crm.graph.embedded import engine_processes
from crm.keys import Role
from tests.falkordb_server import free_port, start_server
from tests.faults import hold_lock, kill_engine

WAIT_S = 1.0
"""``store_wait_s`` in these tests."""
COUNT = {"query": "{ topics { totalCount } }"}
CREATE = {"query": 'mutation { createTopic(input: {name: "Kept"}) { created errors { code } } }'}
CREATE_AGAIN = {
    "query": 'mutation { createTopic(input: {name: "Kept too"}) { created errors { code } } }'
}


def topics(client: TestClient) -> object:
    return client.post("/graphql", json=COUNT).json()


def codes(answer: dict[str, list[dict[str, dict[str, str]]]]) -> list[str]:
    return [error["extensions"]["code"] for error in answer["errors"]]


@pytest.fixture
def quick(settings: Settings) -> Settings:
    """Settings that wait briefly for the store, and let requests without a key write."""
    return settings.model_copy(update={"store_wait_s": WAIT_S, "anonymous_role": Role.EDITOR})


def restarts() -> float:
    return REGISTRY.get_sample_value("crm_engine_restarts_total") or 0.0


def test_a_killed_engine_is_started_again_and_keeps_every_write(quick: Settings) -> None:
    restarted = restarts()
    with TestClient(create_app(quick)) as client:
        assert client.post("/graphql", json=CREATE).json()["data"]["createTopic"]["created"]
        kill_engine(quick.data_dir)
        answer = topics(client)
        ready = client.get("/readyz")
        kill_engine(quick.data_dir)
        written = client.post("/graphql", json=CREATE_AGAIN).json()
        after = topics(client)

    assert answer == {"data": {"topics": {"totalCount": 1}}}
    assert ready.status_code == 200
    assert written["data"]["createTopic"] == {"created": True, "errors": []}
    assert after == {"data": {"topics": {"totalCount": 2}}}
    assert restarts() == restarted + 2  # counted in the metrics


def test_an_engine_that_cannot_come_back_is_answered_fast_then_recovers(quick: Settings) -> None:
    with TestClient(create_app(quick)) as client:
        assert client.post("/graphql", json=CREATE).json()["data"]["createTopic"]["created"]
        holder = hold_lock(quick.data_dir)
        kill_engine(quick.data_dir)

        started = time.monotonic()
        answer = client.post("/graphql", json=COUNT).json()
        waited = time.monotonic() - started
        ready = client.get("/readyz")
        health = client.get("/healthz")

        holder.kill()
        holder.communicate()
        recovered = _eventually(lambda: client.get("/readyz").status_code == 200)
        after = topics(client)

    assert answer["data"] is None
    assert codes(answer) == ["STORE_UNAVAILABLE"]
    assert waited < WAIT_S + 2  # bounded by the setting, not by the client's own retries
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert health.status_code == 200
    assert recovered
    assert after == {"data": {"topics": {"totalCount": 1}}}


def test_a_server_by_url_that_goes_away_is_unavailable_until_it_returns(
    quick: Settings, tmp_path: Path
) -> None:
    port = free_port()
    folder = tmp_path / "server"
    server = start_server(folder, port)
    settings = quick.model_copy(update={"graph_url": f"falkordb://127.0.0.1:{port}"})
    try:
        with TestClient(create_app(settings)) as client:
            assert client.post("/graphql", json=CREATE).json()["data"]["createTopic"]["created"]
            server.kill()
            server.wait()
            started = time.monotonic()
            gone = client.post("/graphql", json=COUNT).json()
            waited = time.monotonic() - started
            ready = client.get("/readyz")
            server = start_server(folder, port)
            back = topics(client)
            ready_again = client.get("/readyz")
    finally:
        server.kill()
        server.wait()

    assert codes(gone) == ["STORE_UNAVAILABLE"]
    assert waited < WAIT_S + 2
    assert ready.status_code == 503
    assert back == {"data": {"topics": {"totalCount": 1}}}
    assert ready_again.status_code == 200


def _eventually(check: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_an_engine_that_hangs_is_unavailable_until_it_answers_again(quick: Settings) -> None:
    settings = quick.model_copy(update={"query_timeout_ms": 500})
    with TestClient(create_app(settings)) as client:
        assert client.post("/graphql", json=CREATE).json()["data"]["createTopic"]["created"]
        (engine,) = engine_processes(settings.data_dir)
        engine.suspend()
        try:
            started = time.monotonic()
            hung = client.post("/graphql", json=COUNT).json()
            waited = time.monotonic() - started
        finally:
            engine.resume()
        after = topics(client)

    assert codes(hung) == ["STORE_UNAVAILABLE"]
    assert waited < 0.5 + WAIT_S + 2
    assert after == {"data": {"topics": {"totalCount": 1}}}
