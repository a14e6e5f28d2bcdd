"""``crm serve --workers 2``: two API processes on one port sharing the embedded engine; what one
writes, the other reads (and the brokers one keeps are dropped by the other's write)."""

import http.client
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psutil
import pytest

from benchmarks.serving import Server, crm_server, server_env
from crm.config import load_settings
from crm.keys import Role


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Server]:
    settings = load_settings(data_dir=tmp_path / "crm-data", anonymous_role=Role.EDITOR)
    env = server_env(settings) | {"CRM_WORKERS": "2"}
    with crm_server(["serve"], env, tmp_path / "server.log") as server:
        yield server


def _post(connection: http.client.HTTPConnection, document: str) -> dict[str, Any]:
    body = json.dumps({"query": document})
    connection.request("POST", "/graphql", body, {"content-type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


def _connected(stack: ExitStack, host: str, port: str) -> http.client.HTTPConnection:
    """A connection that has been answered once (so a worker holds it), closed with ``stack``."""
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    stack.callback(connection.close)
    _post(connection, "{ __typename }")
    return connection


def _worker(workers: list[psutil.Process], connection: http.client.HTTPConnection) -> int:
    """The pid of the worker holding ``connection`` (the one with its far end)."""
    assert connection.sock is not None
    port = connection.sock.getsockname()[1]
    for worker in workers:
        if any(c.raddr and c.raddr.port == port for c in worker.net_connections("tcp")):
            return worker.pid
    raise AssertionError(f"no worker holds the connection from port {port}")


def test_a_write_through_one_worker_is_read_through_the_other(served: Server) -> None:
    workers = [
        w for w in psutil.Process(served.pid).children(recursive=True) if w.name() != "redis-server"
    ]
    host, port = served.base.removeprefix("http://").split(":")
    with ExitStack() as stack:
        one = _connected(stack, host, port)
        first = psutil.Process(_worker(workers, one))
        first.suspend()  # the kernel hands the next connection to a worker that can take it
        try:
            other = _connected(stack, host, port)
        finally:
            first.resume()
        assert _worker(workers, other) != first.pid
        brokers = "{ brokers(first: 1) { bridged } }"
        assert _post(other, brokers) == {"brokers": []}  # kept by the other worker
        for number, (writer, reader) in enumerate(((one, other), (other, one))):
            record = f"org-{number}"
            _post(
                writer,
                f'mutation {{ createOrganization(input: {{recordId: "{record}", name: "Org '
                f'{number}", kind: COMPANY, country: "DK"}}) {{ created }} }}',
            )
            read = _post(reader, f'{{ organization(id: "{record}") {{ name }} }}')
            assert read == {"organization": {"name": f"Org {number}"}}
        for person, country in (("a", "DK"), ("b", "DK"), ("c", "DE")):
            _post(
                one,
                f'mutation {{ createPerson(input: {{recordId: "{person}", givenName: "{person}", '
                f'familyName: "Test", country: "{country}", consent: {{basis: CONSENT, '
                f'date: "2019-01-01"}}}}) {{ created }} }}',
            )
        for a, b in (("a", "b"), ("b", "c")):
            _post(
                one,
                f'mutation {{ recordInteraction(from: "{a}", to: "{b}", interaction: '
                f'{{kind: MEETING, date: "2020-01-01"}}) {{ outcome }} }}',
            )
        assert _post(other, brokers) == {"brokers": [{"bridged": 1}]}
