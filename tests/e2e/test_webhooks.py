"""Webhooks as a receiving system meets them: a real ``crm serve`` delivering to a small HTTP
server of the test's own, signatures checked with the Standard Webhooks library."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from standardwebhooks.webhooks import Webhook

from crm.keys import Role
from tests.e2e import test_serve
from tests.e2e.test_cli import crm
from tests.e2e.test_live import create_topic, make_key
from tests.e2e.test_serve import Running, free_port

WAIT_S = 30.0
REGISTER = """
mutation ($url: String!, $labels: [String!]) {
  registerWebhook(url: $url, labels: $labels) { webhook { id } secret errors { code message } }
}
"""
LOG = """{ webhooks { id url delivery { status sequence delivered attempts failures
  lastStatusCode lastError lastAttemptAt pausedAt pauseReason } } }"""
LOGS = "{ webhooks { url delivery { status delivered failures lastError } } }"
PERSONAL = ("lena@webhook.example", "+496990009123", "met at the fair")
"""E-mail, phone and note of the records the tests write: no payload may hold them."""


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    """What the receiving server got, and how it answers: ``failures`` answers of 500 first,
    or 500 always; each after ``delay_s``."""

    url: str
    failures: int = 0
    always_fail: bool = False
    delay_s: float = 0
    started: int = 0
    requests: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            failing = self.always_fail or len(self.requests) < self.failures
            status = 500 if failing else 204
            self.requests.append(Delivery(headers, body, status))
            return status

    def delivered(self) -> list[Delivery]:
        with self.lock:
            return [request for request in self.requests if request.answered < 300]

    def wait(self, done: Callable[["Receiver"], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not done(self):
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {WAIT_S:g} s; got {self.requests}")
            time.sleep(0.05)


@contextmanager
def receiving() -> Iterator[Receiver]:
    port = free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}/hook")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            with receiver.lock:
                receiver.started += 1
            time.sleep(receiver.delay_s)
            status = receiver.answer(dict(self.headers.items()), body)
            with suppress(OSError):  # the sender may have given up
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

        def log_message(self, *_: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def data_dir(settings: Any) -> Path:
    path: Path = settings.data_dir
    return path


@pytest.fixture
def admin(data_dir: Path) -> str:
    return make_key(data_dir, Role.ADMIN)


@contextmanager
def serving(data_dir: Path, logs: Path, **settings: str) -> Iterator[Running]:
    port = free_port()
    env = {
        "CRM_PORT": str(port),
        "CRM_WEBHOOKS_ALLOW_PRIVATE": "true",
        "CRM_WEBHOOKS_POLL_MS": "100",
        "CRM_WEBHOOKS_FIRST_RETRY_S": "0.2",
    } | {f"CRM_{name.upper()}": value for name, value in settings.items()}
    with Running(["serve", "--data-dir", str(data_dir)], port, logs, env) as server:
        server.wait_until_ready()
        yield server
        assert server.interrupt() == 0


def register(server: Running, key: str, url: str, labels: list[str] | None = None) -> Any:
    response = httpx.post(
        f"{server.base}/graphql",
        json={"query": REGISTER, "variables": {"url": url, "labels": labels}},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    )
    body = response.json()
    assert body["data"]["registerWebhook"]["errors"] == [], body
    return body["data"]["registerWebhook"]


def delivery_log(server: Running, key: str) -> dict[str, Any]:
    body = server.query(LOG, key)
    [webhook] = body["data"]["webhooks"]
    log: dict[str, Any] = webhook["delivery"]
    return log


def logs_by_url(server: Running, key: str) -> dict[str, dict[str, Any]]:
    webhooks = server.query(LOGS, key)["data"]["webhooks"]
    return {webhook["url"]: webhook["delivery"] for webhook in webhooks}


def verified(secret: str, delivery: Delivery) -> dict[str, Any]:
    """The payload, once its signature is checked (the library raises on a bad one)."""
    payload: dict[str, Any] = Webhook(secret).verify(delivery.body, delivery.headers)
    return payload


def test_changes_by_mutation_and_by_load_arrive_signed_in_order_without_personal_data(
    data_dir: Path, admin: str, tmp_path: Path
) -> None:
    people = tmp_path / "people.yaml"
    people.write_text(
        "nodes:\n  Person:\n"
        "    - {id: p-loaded, givenName: Lena, familyName: Loaded, country: DE,"
        f" email: {PERSONAL[0]}, phone: '{PERSONAL[1]}',"
        " consent: {basis: consent, date: 2024-01-02}, source: test}\n"
        "    - {id: p-other, givenName: Ole, familyName: Other, country: DK,"
        " consent: {basis: consent, date: 2024-01-02}, source: test}\n"
        "relationships:\n  INTERACTED:\n"
        f"    - {{id: i-w1, from: p-loaded, to: p-other, kind: meeting, date: 2024-02-03,"
        f" note: {PERSONAL[2]}, source: test}}\n",
        "utf-8",
    )
    with receiving() as receiver, serving(data_dir, tmp_path / "server") as server:
        registered = register(server, admin, receiver.url)
        create_topic(server, admin, "t-hook")
        loaded = crm("load", str(people), "--data-dir", str(data_dir))
        assert loaded.returncode == 0, loaded.stderr
        create_topic(server, admin, "t-after")
        receiver.wait(lambda got: len(got.delivered()) >= 4, "four deliveries")
        log = delivery_log(server, admin)

    payloads = [verified(registered["secret"], delivery) for delivery in receiver.delivered()]
    operations = [payload["data"]["operation"] for payload in payloads]
    sequences = [payload["data"]["sequence"] for payload in payloads]
    assert operations[0] == "createTopic"
    assert operations[-1] == "createTopic"
    assert set(operations[1:-1]) == {"load"}
    assert sequences == sorted(set(sequences))
    assert all(payload["type"] == "change" for payload in payloads)
    assert {"fields", "ids", "at"} <= set(payloads[0]["data"])
    assert "email" in {name for payload in payloads for name in payload["data"]["fields"]}
    sent = b"".join(request.body for request in receiver.requests).decode()
    assert not [value for value in PERSONAL if value in sent]
    assert log["status"] == "ACTIVE"
    assert log["sequence"] == sequences[-1]
    assert log["delivered"] == len(payloads)
    assert (log["failures"], log["lastStatusCode"]) == (0, 204)


def test_a_failing_receiver_gets_retries_then_every_change_in_order(
    data_dir: Path, admin: str, tmp_path: Path
) -> None:
    with receiving() as receiver, serving(data_dir, tmp_path / "server") as server:
        receiver.failures = 3
        registered = register(server, admin, receiver.url, ["Topic"])
        for n in range(3):
            create_topic(server, admin, f"t-retried-{n}")
        receiver.wait(lambda got: len(got.delivered()) == 3, "three deliveries")
        log = delivery_log(server, admin)

    ids = [request.headers["webhook-id"] for request in receiver.requests]
    answered = [request.answered for request in receiver.requests]
    payloads = [verified(registered["secret"], request) for request in receiver.requests]
    assert answered == [500, 500, 500, 204, 204, 204]
    assert ids[:4] == [ids[0]] * 4  # the same message, retried
    assert len(set(ids[3:])) == 3
    sequences = [payload["data"]["sequence"] for payload in payloads[3:]]
    assert sequences == sorted(sequences)
    assert len({tuple(payload["data"]["ids"]) for payload in payloads[3:]}) == 3
    assert (log["status"], log["attempts"], log["failures"]) == ("ACTIVE", 0, 3)
    assert log["delivered"] == 3
    assert log["lastError"].startswith("HTTP 500")


def test_an_endpoint_failing_past_the_retry_window_is_paused_and_resumes(
    data_dir: Path, admin: str, tmp_path: Path
) -> None:
    with (
        receiving() as receiver,
        serving(data_dir, tmp_path / "server", webhooks_retry_hours="0.0005") as server,
    ):
        receiver.always_fail = True
        registered = register(server, admin, receiver.url, ["Topic"])
        webhook_id = registered["webhook"]["id"]
        create_topic(server, admin, "t-paused")
        deadline = time.monotonic() + WAIT_S
        while (log := delivery_log(server, admin))["status"] != "PAUSED":
            assert time.monotonic() < deadline, log
            time.sleep(0.2)
        tried = len(receiver.requests)
        time.sleep(1)
        assert len(receiver.requests) == tried  # nothing is sent to a paused endpoint
        receiver.always_fail = False
        resumed = server.query(
            f'mutation {{ resumeWebhook(id: "{webhook_id}") {{ webhook {{ delivery '
            "{ status } } errors { code } } }",
            admin,
        )
        receiver.wait(lambda got: len(got.delivered()) == 1, "the delivery after resuming")

    assert tried >= 2
    assert log["pauseReason"].startswith("deliveries failed for 1.8 s")
    assert log["lastError"].startswith("HTTP 500")
    assert resumed["data"]["resumeWebhook"]["webhook"]["delivery"]["status"] == "ACTIVE"
    [delivery] = receiver.delivered()
    assert verified(registered["secret"], delivery)["data"]["operation"] == "createTopic"
    assert delivery.headers["webhook-id"] == receiver.requests[0].headers["webhook-id"]


def test_two_workers_deliver_each_change_once_and_a_restart_resumes_at_the_cursor(
    data_dir: Path, admin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(test_serve, "READY_WAIT_S", 240.0)  # two processes start
    topics = tmp_path / "topics.yaml"
    topics.write_text(
        "nodes:\n  Topic:\n    - {id: t-while-stopped, name: Stopped, source: test}\n", "utf-8"
    )
    with receiving() as receiver:
        with serving(data_dir, tmp_path / "first", workers="2") as server:
            registered = register(server, admin, receiver.url, ["Topic"])
            for n in range(4):
                create_topic(server, admin, f"t-worker-{n}")
            receiver.wait(lambda got: len(got.delivered()) == 4, "four deliveries")
            time.sleep(1)  # room for a second delivery of any of them, which must not come
        loaded = crm("load", str(topics), "--data-dir", str(data_dir))
        assert loaded.returncode == 0, loaded.stderr
        with serving(data_dir, tmp_path / "second") as server:
            receiver.wait(lambda got: len(got.delivered()) == 5, "the change made while stopped")
            time.sleep(1)

    ids = [request.headers["webhook-id"] for request in receiver.requests]
    payloads = [verified(registered["secret"], request) for request in receiver.requests]
    sequences = [payload["data"]["sequence"] for payload in payloads]
    assert len(ids) == len(set(ids)) == 5
    assert sequences == sorted(sequences)
    assert [payload["data"]["operation"] for payload in payloads] == ["createTopic"] * 4 + ["load"]


def test_a_slow_endpoint_holds_up_neither_the_others_nor_the_api(
    data_dir: Path, admin: str, tmp_path: Path
) -> None:
    with (
        receiving() as slow,
        receiving() as fast,
        serving(data_dir, tmp_path / "server", webhooks_timeout_s="3") as server,
    ):
        slow.delay_s = 6
        register(server, admin, slow.url, ["Topic"])
        register(server, admin, fast.url, ["Topic"])
        create_topic(server, admin, "t-slow")
        slow.wait(lambda got: got.started == 1, "the slow endpoint's first attempt")
        fast.wait(lambda got: len(got.delivered()) == 1, "the other endpoint's delivery")
        in_flight = not slow.requests
        during = logs_by_url(server, admin)
        deadline = time.monotonic() + WAIT_S
        while (logs := logs_by_url(server, admin))[slow.url]["failures"] == 0:
            assert time.monotonic() < deadline, logs
            time.sleep(0.2)

    assert in_flight  # the other endpoint got its delivery while the slow one was still called
    assert (during[slow.url]["delivered"], during[fast.url]["delivered"]) == (0, 1)
    assert logs[slow.url]["lastError"] == "no answer within 3 s"
    assert logs[slow.url]["status"] == "RETRYING"
