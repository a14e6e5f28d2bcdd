"""The API app as the server runs it: the real lifespan, the real store, the real schema."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import Settings, load_settings
from crm.errors import InvalidInput
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore
from crm.keys import Role
from graph_loader.load import load
from tests.conftest import wait_for_engine_exit

GRAPHQL_RESPONSE = "application/graphql-response+json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def anonymous_reader(settings: Settings) -> Settings:
    """``settings`` with anonymous requests let in as readers (these tests are not about keys)."""
    return settings.model_copy(update={"anonymous_role": Role.READER})


def graphql(client: TestClient, query: str) -> dict[str, object]:
    response = client.post("/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_building_the_app_starts_nothing(settings: Settings) -> None:
    create_app(settings)

    assert not settings.data_dir.exists()
    assert engine_processes(settings.data_dir) == []


def test_alive_ready_and_answering_then_the_engine_stops_with_the_app(
    settings: Settings,
) -> None:
    with TestClient(create_app(anonymous_reader(settings))) as client:
        health = client.get("/healthz")
        ready = client.get("/readyz")
        typename = graphql(client, "{ __typename }")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    assert typename == {"data": {"__typename": "Query"}}
    assert wait_for_engine_exit(settings.data_dir) == []


async def test_every_request_reads_afresh(
    settings: Settings, store: GraphStore, tmp_path: Path
) -> None:
    """Loaders live per request: a change made elsewhere shows in the next request."""
    topic = tmp_path / "topic.yaml"
    query = '{ topic(id: "t-1") { name } }'
    with TestClient(create_app(anonymous_reader(settings))) as client:
        topic.write_text("nodes:\n  Topic:\n    - {id: t-1, name: Before}\n", encoding="utf-8")
        await load([topic], store, batch_size=10)
        before = graphql(client, query)
        topic.write_text("nodes:\n  Topic:\n    - {id: t-1, name: After}\n", encoding="utf-8")
        await load([topic], store, batch_size=10)
        after = graphql(client, query)

    assert before == {"data": {"topic": {"name": "Before"}}}
    assert after == {"data": {"topic": {"name": "After"}}}


def test_a_bad_graph_url_fails_the_start_up_naming_the_setting(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "crm-data", graph_url="http://x")
    app = create_app(settings)

    with pytest.raises(InvalidInput, match="CRM_GRAPH_URL"), TestClient(app):
        pass  # pragma: no cover


@pytest.mark.parametrize(("env", "served"), [("development", True), ("production", False)])
def test_graphiql_only_in_development(tmp_path: Path, env: str, served: bool) -> None:
    secret = "s" * 32 if env == "production" else None  # production needs a session secret
    settings = load_settings(data_dir=tmp_path / "crm-data", env=env, session_secret=secret)

    with TestClient(create_app(settings)) as client:
        page = client.get("/graphql", headers={"accept": BROWSER_ACCEPT})

    assert page.headers["content-type"].startswith("text/html") is served
    assert ("graphiql" in page.text.lower()) is served
    assert page.status_code == (200 if served else 401)  # no GraphiQL page; and no key
