"""The API process keeps a request's budget itself: when the engine does not answer at all (its
server stopped with SIGSTOP), the request is answered ``BUDGET_EXCEEDED`` at its budget instead
of waiting for the engine. The real app on the real embedded engine."""

from pathlib import Path

from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import load_settings
from crm.graph.embedded import engine_processes

BUDGET_MS = 500
COUNT = {"query": "{ people { totalCount } }"}
JSON = {"accept": "application/json"}


def test_the_api_process_stops_waiting_at_the_budget_when_the_engine_hangs(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        data_dir=tmp_path / "crm-data", anonymous_role="reader", budget_anonymous_ms=BUDGET_MS
    )
    with TestClient(create_app(settings)) as client:
        engines = engine_processes(settings.data_dir)
        assert engines
        for engine in engines:
            engine.suspend()
        try:
            stopped = client.post("/graphql", json=COUNT, headers=JSON)
        finally:
            for engine in engines:
                engine.resume()
        after = client.post("/graphql", json=COUNT, headers=JSON)

    assert stopped.status_code == 200
    body = stopped.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "BUDGET_EXCEEDED",
        "budgetMs": BUDGET_MS,
        "limit": "CRM_BUDGET_ANONYMOUS_MS",
    }
    assert after.json() == {"data": {"people": {"totalCount": 0}}}
