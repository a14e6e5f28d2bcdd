"""The Neo4j adapter offline: URLs and settings, errors, values; an unreachable server is a
quick ``StoreUnavailable`` (a closed local port stands in for it: no Neo4j server runs here)."""

import logging
import socket
import time
from typing import Any

import pytest

# The driver's own hydration, which builds nodes, relationships and paths from the wire.
from neo4j._codec.hydration.bolt.v1.hydration_handler import _GraphHydrator
from neo4j.exceptions import (
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransactionError,
)
from neo4j.time import Date, DateTime, Duration, Time
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import Settings
from crm.errors import (
    Conflict,
    CrmError,
    InvalidInput,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
)
from crm.graph.connect import NEO4J_SCHEMES, open_store
from crm.graph.neo4j import Neo4jStore, plain, records, translate_errors
from crm.graph.store import GraphStore
from crm.keys import Role

SECRET = "s3cr3t-never-shown"
QUICK_S = 3.0
"""A refused connection must end well within this (the retry time is what bounds it)."""


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def settings_for(url: str, **more: object) -> Settings:
    return Settings.model_validate(
        {"graph_url": url, "neo4j_password": SECRET, "neo4j_retry_time_s": 0.5, **more}
    )


@pytest.mark.parametrize("scheme", NEO4J_SCHEMES)
async def test_every_scheme_reaches_neo4j_and_an_unreachable_server_fails_quickly(
    scheme: str, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()

    with pytest.raises(StoreUnavailable, match=r"Neo4j server at .* \(check CRM_GRAPH_URL\)") as e:
        await open_store(settings_for(f"{scheme}://127.0.0.1:{closed_port}"))

    assert time.monotonic() - started < QUICK_S
    assert SECRET not in str(e.value)
    assert SECRET not in caplog.text


async def test_a_statement_on_an_unreachable_server_is_store_unavailable(closed_port: int) -> None:
    store = await Neo4jStore.open(settings_for(f"neo4j://127.0.0.1:{closed_port}"))
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            await store.read("RETURN 1 AS one")
        with pytest.raises(StoreUnavailable):
            await store.write("CREATE (:Topic {id: 'x'})")
        assert time.monotonic() - started < 2 * QUICK_S
    finally:
        await store.close()


def test_the_password_is_never_shown() -> None:
    settings = settings_for("neo4j://db.example:7687")

    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.model_dump())
    assert SECRET not in settings.model_dump_json()
    assert settings.neo4j_password.get_secret_value() == SECRET


async def test_the_store_shows_where_it_points_but_no_password() -> None:
    store = await Neo4jStore.open(settings_for("neo4j://db.example:7687", neo4j_database="crm"))
    try:
        assert repr(store) == "Neo4jStore('neo4j://db.example:7687', database='crm')"
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost", r"CRM_GRAPH_URL: unsupported scheme mysql://; use one of .*neo4j://"),
        ("neo4j+ssc://localhost", r"CRM_GRAPH_URL: unsupported scheme neo4j\+ssc://"),
        ("localhost:7687", r"CRM_GRAPH_URL: unsupported scheme localhost://"),
        ("bolt://neo4j:pw@localhost:7687", r"CRM_GRAPH_URL: put the Neo4j credentials in CRM_NEO"),
        ("neo4j://localhost:port", r"CRM_GRAPH_URL: .* needs a host and an optional port"),
        ("neo4j://", r"CRM_GRAPH_URL: .* needs a host"),
    ],
)
async def test_a_url_that_cannot_work_names_the_setting(url: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        await open_store(settings_for(url))

    assert "pw" not in str(refused.value).replace("put", "")


def server_error(code: str, message: str = "refused") -> Neo4jError:
    """An error as the driver builds it from a server's failure message."""
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(
    ("error", "expected", "message"),
    [
        (ServiceUnavailable("no route"), StoreUnavailable, r"unavailable \(check CRM_GRAPH_URL\)"),
        (SessionExpired("gone"), StoreUnavailable, "CRM_GRAPH_URL"),
        (
            server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized"),
            StoreUnavailable,
            "check CRM_NEO4J_USER and CRM_NEO4J_PASSWORD",
        ),
        (
            server_error("Neo.TransientError.General.DatabaseUnavailable"),
            StoreUnavailable,
            "CRM_GRAPH_URL",
        ),
        (
            server_error(
                "Neo.ClientError.Schema.ConstraintValidationFailed", "already exists with label"
            ),
            Conflict,
            "already exists with label",
        ),
        (
            server_error("Neo.DatabaseError.Schema.ConstraintCreationFailed", "Both Node(1)"),
            Conflict,
            "remove the duplicates",
        ),
        (
            server_error("Neo.TransientError.Transaction.DeadlockDetected", "deadlock"),
            Conflict,
            "deadlock",
        ),
        (
            server_error("Neo.ClientError.Statement.SyntaxError", "Invalid input"),
            StoreError,
            "Invalid input",
        ),
        (
            server_error("Neo.ClientError.Statement.AccessMode", "Writing in read access mode"),
            StoreError,
            "read access mode",
        ),
        (TransactionError(None, "closed"), StoreError, "closed"),
        (
            server_error(
                "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "timed out"
            ),
            QueryTimeout,
            "CRM_QUERY_TIMEOUT_MS",
        ),
        (
            server_error("Neo.TransientError.Transaction.TransactionTimedOut", "timed out"),
            QueryTimeout,
            "CRM_QUERY_TIMEOUT_MS",
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
async def test_driver_errors_become_the_projects_own(
    error: Exception, expected: type[CrmError], message: str
) -> None:
    with pytest.raises(expected, match=message) as translated:
        async with translate_errors("neo4j://db.example"):
            raise error

    assert type(translated.value) is expected
    assert translated.value.__cause__ is error


def test_values_come_back_as_plain_python() -> None:
    hydrator: Any = _GraphHydrator()  # untyped in the driver
    alice = hydrator.hydrate_node(1, ["Person"], {"id": "p1", "tags": ["a"]}, "4:db:1")
    bob = hydrator.hydrate_node(2, ["Person"], {"id": "p2"}, "4:db:2")
    met = hydrator.hydrate_relationship(
        7, 1, 2, "INTERACTED", {"id": "i1", "on": Date(2014, 3, 11)}, "5:db:7", "4:db:1", "4:db:2"
    )
    path = hydrator.hydrate_path([alice, bob], [met], [1, 1])

    rows = records(
        ["node", "tie", "path", "nested", "times", "scalars"],
        [
            [
                alice,
                met,
                path,
                {"people": [bob], "n": None},
                [
                    DateTime(2026, 1, 2, 3, 4, 5),
                    Time(12, 30),
                    Duration(days=3),
                    Date(2014, 3, 11),
                ],
                [1, 1.5, "Ø", True],
            ]
        ],
    )

    assert rows == [
        {
            "node": {"id": "p1", "tags": ["a"]},
            "tie": {"id": "i1", "on": "2014-03-11"},
            "path": [{"id": "p1", "tags": ["a"]}, {"id": "p2"}],
            "nested": {"people": [{"id": "p2"}], "n": None},
            "times": [
                "2026-01-02T03:04:05.000000000",
                "12:30:00.000000000",
                "P3D",
                "2014-03-11",
            ],
            "scalars": [1, 1.5, "Ø", True],
        }
    ]
    assert plain(None) is None


def test_an_app_whose_neo4j_went_away_is_not_ready_and_answers_store_unavailable(
    closed_port: int,
) -> None:
    """A server that vanished after start-up (a closed port; ``Neo4jStore.open`` does not
    connect): ``/readyz`` says why, GraphQL answers STORE_UNAVAILABLE quickly, nothing hangs."""
    settings = settings_for(f"neo4j://127.0.0.1:{closed_port}").model_copy(
        update={"anonymous_role": Role.READER}
    )

    async def without_ping(settings: Settings) -> GraphStore:
        return await Neo4jStore.open(settings)

    with TestClient(create_app(settings, open_store=without_ping)) as client:
        started = time.monotonic()
        ready = client.get("/readyz")
        answer = client.post("/graphql", json={"query": "{ clusters { totalCount } }"}).json()
        waited = time.monotonic() - started

    assert ready.status_code == 503
    assert "CRM_GRAPH_URL" in ready.json()["reason"]
    assert [error["extensions"]["code"] for error in answer["errors"]] == ["STORE_UNAVAILABLE"]
    assert waited < 2 * QUICK_S
