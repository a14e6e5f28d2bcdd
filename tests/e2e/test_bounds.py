"""Every question bounded and fair, on a real ``crm serve`` over the InTra-Net demo: a request
asking for the whole network thirty times over (seconds of work on any machine) is stopped by
each role's time budget with a typed error, a flood of anonymous network questions is
refused beyond its cap while cheap reads answer, and ``/metrics`` counts what happened. The
server logs JSON lines carrying the request id."""

import json
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from crm.keys import Role
from graph_loader.datasets import INTRANET
from tests.e2e.test_cli import crm
from tests.e2e.test_live import make_key
from tests.e2e.test_serve import Running, free_port

CLUSTERS = [cluster["id"] for cluster in yaml.safe_load(INTRANET.read_text())["nodes"]["Cluster"]]
VIEWS = " ".join(
    f'view{year}: network(centers: {json.dumps(CLUSTERS)}, depth: 3, asOf: "{year}-12-31") '
    "{ nodes { id } edges { id strength crossesBorder since } }"
    for year in range(1995, 2025)
)
SLOW = f"{{{VIEWS}}}"
"""The whole network (three levels from every cluster) as it stood at thirty ends of year: several
times every budget below on this graph, and within the limits on aliases and tokens."""
CHEAP = "query Count { people { totalCount } }"
PEOPLE = 172
ANONYMOUS_MS = 1000
READER_MS = 1500
FLOOD = 6


@dataclass
class Served:
    server: Running
    keys: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("bounds")
    data_dir = str(folder / "crm-data")
    loaded = crm("load", str(INTRANET), "--data-dir", data_dir)
    assert loaded.returncode == 0, loaded.stderr
    keys = {}
    for role in (Role.READER, Role.ADMIN):
        keys[role.value] = make_key(Path(data_dir), role)
    port = free_port()
    env = {
        "CRM_PORT": str(port),
        "CRM_ANONYMOUS_ROLE": "reader",
        "CRM_BUDGET_ANONYMOUS_MS": str(ANONYMOUS_MS),
        "CRM_BUDGET_READER_MS": str(READER_MS),
        "CRM_MAX_EXPENSIVE_ANONYMOUS": "1",
        "CRM_LOG_FORMAT": "json",
    }
    with Running(["serve", "--data-dir", data_dir], port, folder / "logs", env) as server:
        server.wait_until_ready()
        yield Served(server, keys)
        server.interrupt()


def _error(response: httpx.Response) -> dict[str, object]:
    [error] = response.json()["errors"]
    assert isinstance(error, dict)
    return error


@pytest.mark.parametrize(
    ("role", "budget", "setting"),
    [
        (None, ANONYMOUS_MS, "CRM_BUDGET_ANONYMOUS_MS"),
        ("reader", READER_MS, "CRM_BUDGET_READER_MS"),
    ],
)
def test_a_slow_question_stops_at_its_roles_budget(
    served: Served, role: str | None, budget: int, setting: str
) -> None:
    response = served.server.post(SLOW, None if role is None else served.keys[role])
    after = served.server.query(CHEAP)

    assert response.status_code == 200, response.text
    error = _error(response)
    assert error["extensions"] == {"code": "BUDGET_EXCEEDED", "budgetMs": budget, "limit": setting}
    assert setting in str(error["message"])
    assert after == {"data": {"people": {"totalCount": PEOPLE}}}
    assert "Traceback" not in served.server.stderr


def test_a_flood_of_anonymous_network_questions_leaves_cheap_reads_answering(
    served: Served,
) -> None:
    with ThreadPoolExecutor(FLOOD + 1) as pool:
        flood = [pool.submit(served.server.post, SLOW) for _ in range(FLOOD)]
        cheap = [served.server.post(CHEAP) for _ in range(5)]
        with_key = pool.submit(served.server.post, SLOW, served.keys["reader"])
        answers = [future.result() for future in flood]

    refused = [r for r in answers if r.status_code == 429]
    assert refused, [r.text for r in answers]
    for response in refused:
        assert int(response.headers["retry-after"]) == ANONYMOUS_MS // 1000
        error = _error(response)
        assert error["extensions"]["code"] == "TOO_MANY_REQUESTS"  # type: ignore[index]
        assert error["extensions"]["limit"] == "CRM_MAX_EXPENSIVE_ANONYMOUS"  # type: ignore[index]
    ran = [r for r in answers if r.status_code != 429]
    assert all(_error(r)["extensions"]["code"] == "BUDGET_EXCEEDED" for r in ran)  # type: ignore[index]
    assert [r.json() for r in cheap] == [{"data": {"people": {"totalCount": PEOPLE}}}] * 5
    # a key's network questions are counted in its own pool, not the anonymous one
    assert _error(with_key.result())["extensions"]["code"] == "BUDGET_EXCEEDED"  # type: ignore[index]


def _metrics(served: Served, key: str | None) -> httpx.Response:
    headers = {} if key is None else {"authorization": f"Bearer {key}"}
    return httpx.get(f"{served.server.base}/metrics", headers=headers, timeout=30)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_for_admins_and_count_what_happened(served: Served) -> None:
    anonymous = _metrics(served, None)
    reader = _metrics(served, served.keys["reader"])
    before = _samples(_metrics(served, served.keys["admin"]).text)
    served.server.query(CHEAP)
    with ThreadPoolExecutor(2) as pool:  # one runs, one is refused
        list(pool.map(served.server.post, [SLOW, SLOW]))
    admin = _metrics(served, served.keys["admin"])
    after = _samples(admin.text)

    assert anonymous.status_code == 403
    assert reader.status_code == 403
    assert admin.status_code == 200
    assert admin.headers["content-type"].startswith("text/plain")

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert moved("crm_requests_total", operation="Count", outcome="ok") == 1
    assert moved("crm_request_duration_seconds_count", operation="Count") == 1
    assert moved("crm_errors_total", code="BUDGET_EXCEEDED") == 1
    assert moved("crm_store_statements_total", kind="read", outcome="ok") >= 1
    assert moved("crm_store_statements_total", kind="read", outcome="timeout") >= 1
    assert moved("crm_store_statement_duration_seconds_count", kind="read") >= 2
    assert moved("crm_errors_total", code="TOO_MANY_REQUESTS") == 1
    assert moved("crm_rate_limit_refusals_total", limit="expensive") == 1
    assert moved("crm_requests_total", operation="(unnamed)", outcome="refused") == 1
    assert ("crm_engine_restarts_total", ()) in after
    assert ("crm_compiled_read_failures_total", ()) in after


def test_log_lines_are_json_with_the_request_id(served: Served) -> None:
    response = served.server.post(CHEAP)
    request_id = response.headers["x-request-id"]

    lines = [json.loads(line) for line in served.server.stderr.splitlines() if line.startswith("{")]
    assert lines
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    access = [line for line in lines if line["request_id"] == request_id]
    assert access, lines[-3:]
    assert access[0]["logger"] == "uvicorn.access"
    assert "POST /graphql" in access[0]["message"]


def test_metrics_on_their_own_port(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    env = {"CRM_PORT": str(port), "CRM_METRICS_PORT": str(metrics_port)}
    data_dir = str(tmp_path / "crm-data")
    with Running(["serve", "--data-dir", data_dir], port, tmp_path / "logs", env) as server:
        server.wait_until_ready()
        on_api = httpx.get(f"{server.base}/metrics")
        served = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics")
        server.interrupt()

    assert on_api.status_code != 200
    assert served.status_code == 200
    names = {family.name for family in text_string_to_metric_families(served.text)}
    assert {"crm_requests", "crm_store_statements", "crm_rate_limit_refusals"} <= names


def test_a_key_may_run_two_network_questions_at_once(served: Served) -> None:
    reader = served.keys["reader"]
    with ThreadPoolExecutor(6) as pool:  # three times the cap: some overlap on a busy machine
        answers = list(pool.map(lambda _: served.server.post(SLOW, reader), range(6)))

    refused = [r for r in answers if r.status_code == 429]
    assert refused, [r.text for r in answers]
    assert {_error(r)["extensions"]["limit"] for r in refused} == {"CRM_MAX_EXPENSIVE_PER_KEY"}  # type: ignore[index]
    assert {int(r.headers["retry-after"]) for r in refused} == {math.ceil(READER_MS / 1000)}
