"""``crm demo`` and ``crm serve`` as a user runs them: real processes, real HTTP, Ctrl-C."""

import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx2 as httpx
import pytest

from crm.config import Settings
from tests.conftest import wait_for_engine_exit
from tests.e2e.test_cli import CRM, ROOT, crm

READY_WAIT_S = 60.0
STOP_WAIT_S = 60.0
GRAPHQL_RESPONSE = "application/graphql-response+json"
IMPACT_QUERY = (
    '{ project(id: "intranet") { impact { workshops networkMeetings conferences initiatives '
    "conferenceAttendees topics totalInvestmentEur euContributionEur cofinancingRate } } }"
)
IMPACT = {
    "workshops": 3,
    "networkMeetings": 2,
    "conferences": 1,
    "initiatives": 7,
    "conferenceAttendees": 171,
    "topics": 4,
    "totalInvestmentEur": 295578,
    "euContributionEur": 192126,
    "cofinancingRate": 0.65,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Running:
    """A ``crm`` process that serves until it is interrupted; killed on exit if it still runs."""

    def __init__(
        self, args: list[str], port: int, logs: Path, env: dict[str, str] | None = None
    ) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        self.base = f"http://127.0.0.1:{port}"
        self._stderr = logs / "stderr"
        with (logs / "stdout").open("wb") as stdout, self._stderr.open("wb") as stderr:
            self.process = subprocess.Popen(
                [*CRM, *args],
                cwd=ROOT,
                stdout=stdout,
                stderr=stderr,
                env={**os.environ, **(env or {})},
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_WAIT_S)

    @property
    def stderr(self) -> str:
        return self._stderr.read_text(encoding="utf-8")

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_WAIT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"crm exited with {self.process.returncode}:\n{self.stderr}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"not ready within {READY_WAIT_S:g} s:\n{self.stderr}")

    def post(self, query: str, key: str | None = None) -> httpx.Response:
        """POST ``query``, with ``key`` as its bearer token if given."""
        authorization = {} if key is None else {"authorization": f"Bearer {key}"}
        return httpx.post(
            f"{self.base}/graphql",
            json={"query": query},
            headers={"accept": GRAPHQL_RESPONSE, **authorization},
            timeout=30,
        )

    def query(self, query: str, key: str | None = None) -> Any:
        response = self.post(query, key)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        return response.json()

    def interrupt(self) -> int:
        """Ctrl-C, and the exit code."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_WAIT_S)


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_dir


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_serve_and_demo_explain_themselves(command: str) -> None:
    result = crm(command, "--help")

    assert result.returncode == 0
    assert "--port" in result.stdout
    assert "--data-dir" in result.stdout


def test_demo_loads_once_serves_the_impact_and_stops_on_ctrl_c(
    data_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    args = ["demo", "--port", str(port), "--data-dir", str(data_dir)]

    with Running(args, port, tmp_path / "first") as first:
        first.wait_until_ready()
        impact = first.query(IMPACT_QUERY)
        key = re.search(r"Bearer (crm_\S+)", first.stderr)
        assert key is not None, first.stderr
        as_admin = first.query(
            '{ load: auditLog(keyId: "loader") { totalCount } '
            'key: auditLog(operation: "createKey") { totalCount } '
            'mutations: auditLog(keyId: "anonymous") { totalCount } }',
            key.group(1),
        )
        anonymous_audit = first.post("{ auditLog { totalCount } }").json()
        first_exit = first.interrupt()
    engines_after_first = wait_for_engine_exit(data_dir)
    with Running(args, port, tmp_path / "second") as second:
        second.wait_until_ready()
        impact_again = second.query(IMPACT_QUERY)
        second_exit = second.interrupt()

    assert impact == {"data": {"project": {"impact": IMPACT}}}
    assert "anonymous requests get the reader role" in first.stderr
    assert "sign in with it on the web site (/en/sign-in)" in first.stderr
    # the demo's load (its batches) and its key are in the trail; no mutation is
    assert as_admin["data"]["load"]["totalCount"] > 0
    assert as_admin["data"]["key"] == {"totalCount": 1}
    assert as_admin["data"]["mutations"] == {"totalCount": 0}
    assert anonymous_audit["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert first_exit == 0, first.stderr
    assert engines_after_first == []
    assert re.search(r"loaded the InTra-Net demo: \d+ nodes, \d+ relationships", first.stderr)
    assert f"http://127.0.0.1:{port}/graphql" in first.stderr
    site = first.stderr.index(f"the web site: http://127.0.0.1:{port}/\n")
    assert site < first.stderr.index(f"serving the GraphQL API at http://127.0.0.1:{port}/graphql")
    assert 'project(id: "intranet")' in first.stderr  # the hint's example query
    assert "Traceback" not in first.stderr
    assert impact_again == impact
    assert second_exit == 0, second.stderr
    assert "the InTra-Net demo is already loaded" in second.stderr
    assert "loaded the InTra-Net demo:" not in second.stderr
    assert f"the local user's admin key is {key.group(1)[4:16]}" in second.stderr
    assert "Bearer" not in second.stderr
    assert wait_for_engine_exit(data_dir) == []


def test_serve_listens_where_the_environment_says(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {"CRM_HOST": "localhost", "CRM_PORT": str(port), "CRM_ANONYMOUS_ROLE": "reader"}

    with Running(["serve", "--data-dir", str(data_dir)], port, tmp_path, env) as server:
        server.wait_until_ready()
        typename = server.query("{ __typename }")
        exit_code = server.interrupt()

    assert typename == {"data": {"__typename": "Query"}}
    assert exit_code == 0, server.stderr
    assert f"http://localhost:{port}/graphql" in server.stderr
    assert "Traceback" not in server.stderr
    assert wait_for_engine_exit(data_dir) == []


def test_serve_names_a_wrong_graph_url_and_does_not_start(data_dir: Path) -> None:
    result = crm("serve", "--graph-url", "http://x", "--data-dir", str(data_dir))

    assert result.returncode == 2
    assert "CRM_GRAPH_URL: unsupported scheme http://" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Uvicorn running" not in result.stderr


def test_keys_are_made_listed_used_and_revoked(data_dir: Path, tmp_path: Path) -> None:
    made = crm("keys", "create", "editor", "--name", "ci", "--data-dir", str(data_dir))
    token = made.stdout.strip()
    key_id = token.split("_")[1]
    listed = crm("keys", "list", "--json", "--data-dir", str(data_dir))
    port = free_port()
    env = {"CRM_PORT": str(port)}

    with Running(["serve", "--data-dir", str(data_dir)], port, tmp_path, env) as server:
        server.wait_until_ready()
        anonymous = server.post("{ __typename }")
        with_key = server.post("{ __typename }", token)
        revoked = crm("keys", "revoke", key_id, "--data-dir", str(data_dir))
        after = server.post("{ __typename }", token)
        server.interrupt()

    assert made.returncode == 0, made.stderr
    assert token.startswith("crm_")
    assert f"created editor key {key_id}" in made.stderr
    [row] = json.loads(listed.stdout)
    assert row["keyId"] == key_id
    assert (row["role"], row["name"], row["revokedAt"]) == ("editor", "ci", None)
    assert token.split("_", 2)[2] not in listed.stdout
    assert anonymous.status_code == 401
    assert with_key.status_code == 200
    assert revoked.returncode == 0, revoked.stderr
    assert after.status_code == 401
    assert wait_for_engine_exit(data_dir) == []


def test_revoking_an_unknown_key_exits_1(data_dir: Path) -> None:
    result = crm("keys", "revoke", "000000000000", "--data-dir", str(data_dir))

    assert result.returncode == 1
    assert "no key with id" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CRM_ANONYMOUS_ROLE": "editor"}, "anonymous_role editor is not allowed in production"),
        ({"CRM_GRAPH_URL": "falkordb://crm:changeme@localhost:1"}, "placeholder password"),
        ({}, "session_secret must be set in production"),
    ],
)
def test_production_refuses_to_start_unsafe(
    data_dir: Path, env: dict[str, str], message: str
) -> None:
    result = crm("serve", "--data-dir", str(data_dir), env={"CRM_ENV": "production", **env})

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_says_when_it_cannot_keep_the_session_secret(tmp_path: Path) -> None:
    """In development without CRM_SESSION_SECRET, the secret is kept in the data folder."""
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")

    result = crm("serve", "--data-dir", str(not_a_folder / "crm-data"), "--port", "0")

    assert result.returncode == 2
    assert "cannot keep the session secret" in result.stderr
    assert "CRM_SESSION_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
