"""Limits on what one request may ask, masked errors with a request id, and production mode,
through the real app on the real engine."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, LiteralString

import pytest
from graphql import get_introspection_query, parse

from crm.api.limits import estimated_cost
from crm.api.schema import SCHEMA
from crm.config import load_settings
from crm.graph.counting import CountingStore
from crm.graph.store import Parameters, Record
from graph_loader.datasets import INTRANET
from tests.api.conftest import GRAPHQL_RESPONSE, Api, serve
from tests.conftest import load_files


def limit_of(api: Api, document: str, variables: dict[str, Any] | None = None) -> str:
    """The limit a refused document went over; it must be refused before running (400)."""
    response = api.post(document, variables)
    body = response.json()
    assert response.status_code == 400, body
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error
    limit: str = error["extensions"]["limit"]
    return limit


@pytest.fixture(scope="module")
def small_limits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("limits") / "crm-data",
        max_depth=5,
        max_aliases=2,
        max_tokens=60,
        max_cost=1000,
        max_body_bytes=1000,
    )
    load_files(settings, INTRANET)
    yield from serve(settings)


def test_depth(small_limits: Api) -> None:
    within = "{ clusters(first: 1) { nodes { members(first: 1) { nodes { name } } } } }"
    over = (
        "{ clusters(first: 1) { nodes { members(first: 1) { nodes { "
        "people(first: 1) { nodes { givenName } } } } } } }"
    )

    assert small_limits.data(within)
    assert limit_of(small_limits, over) == "CRM_MAX_DEPTH"


def test_depth_counts_fragments(small_limits: Api) -> None:
    over = (
        "{ clusters(first: 1) { nodes { ...M } } } "
        "fragment M on Cluster { members(first: 1) { nodes { ...P } } } "
        "fragment P on Organization { people(first: 1) { nodes { givenName } } }"
    )

    assert limit_of(small_limits, over) == "CRM_MAX_DEPTH"


def test_aliases(small_limits: Api) -> None:
    assert small_limits.data("{ a: topics { totalCount } b: topics { totalCount } }")
    assert (
        limit_of(
            small_limits, "{ a: topics { totalCount } b: topics { totalCount } c: __typename }"
        )
        == "CRM_MAX_ALIASES"
    )


def test_tokens_count_fragments_too(small_limits: Api) -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(12))
    spreads = " ".join(f"...F{i}" for i in range(12))

    assert limit_of(small_limits, "{ " + spreads + " } " + fragments) == "CRM_MAX_TOKENS"


def test_cost_from_page_sizes_and_nesting_also_from_variables(small_limits: Api) -> None:
    document = (
        "query($n: Int) { events(first: $n) { nodes { attendees(first: 20) { totalCount } } } }"
    )

    assert small_limits.data(document, {"n": 40})  # 40 + 40 * 20 = 840 rows at most
    response = small_limits.post(document, {"n": 50})  # 50 + 50 * 20 = 1050
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": "CRM_MAX_COST", "cost": 1051}
    assert "1051" in error["message"]


def test_the_cost_of_a_fragment_is_counted_where_it_is_spread() -> None:
    document = """
    { a: events(first: 10) { nodes { ...Attendees } }
      b: events(first: 3) { nodes { ...Attendees } } }
    fragment Attendees on Event { attendees(first: 5) { nodes { recordId } } }
    """
    cost = estimated_cost(SCHEMA._schema, parse(document), {}, 1000)

    assert cost == 2 + (10 + 10 * 5) + (3 + 3 * 5)


def test_fragments_nested_many_times_are_costed_quickly() -> None:
    """A 'billion laughs' of fragments: the estimate is computed once per fragment."""
    levels = 30
    fragments = "fragment L0 on Event { attendees(first: 2) { nodes { recordId } } } " + " ".join(
        f"fragment L{i} on Event {{ initiatives(first: 2) {{ nodes {{ events(first: 1) "
        f"{{ nodes {{ ...L{i - 1} ...L{i - 1} }} }} }} }} }}"
        for i in range(1, levels)
    )
    document = parse(f"{{ events(first: 1) {{ nodes {{ ...L{levels - 1} }} }} }} {fragments}")

    assert estimated_cost(SCHEMA._schema, document, {}, 1000) > 2**levels


def test_body_size_is_a_setting(small_limits: Api) -> None:
    padding = " " * 1000
    response = small_limits.post("{ __typename }" + padding)

    assert response.status_code == 413
    assert "1000 bytes" in response.json()["errors"][0]["message"]


def test_a_batch_is_refused_with_400(intranet: Api) -> None:
    response = intranet.client.post(
        "/graphql",
        json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}],
        headers={"accept": GRAPHQL_RESPONSE, **intranet.headers},
    )

    assert response.status_code == 400
    assert "batches are not supported" in response.json()["errors"][0]["message"]


def test_page_size(intranet: Api) -> None:
    errors = intranet.errors("{ topics(first: 1001) { totalCount } }")

    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "1000" in errors[0]["message"]


# --- masked errors and request ids ---


class BrokenTopics(CountingStore):
    """The real store, except that reading topics fails as a bug of ours would."""

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        if ":Topic" in query:
            raise RuntimeError("secret internals: /srv/crm/queries.py line 42")
        return await super().read(query, parameters)


def test_an_internal_error_is_masked_with_a_request_id_in_answer_and_log(
    broken: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = broken.post('{ topic(id: "t-1") { name } regions { totalCount } }')

    body = response.json()
    request_id = response.headers["x-request-id"]
    assert response.status_code == 200
    assert body["data"] == {"topic": None, "regions": {"totalCount": 0}}
    assert body["errors"][0]["message"] == "internal error"
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert body["extensions"]["requestId"] == request_id
    assert "secret" not in response.text
    logged = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert logged
    assert request_id in logged[0].getMessage()
    assert "secret internals" in str(logged[0].exc_info)


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[Api]:
    """An app whose store fails on topics."""
    yield from serve(load_settings(data_dir=tmp_path / "crm-data"), counting_store=BrokenTopics)


def test_every_answer_names_its_request(intranet: Api) -> None:
    first = intranet.post("{ __typename }")
    second = intranet.post("{ __typename }")
    refused = intranet.as_role(None).post("{ __typename }")

    ids = {r.headers["x-request-id"] for r in (first, second, refused)}
    assert len(ids) == 3


# --- production mode ---


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    data_dir = tmp_path_factory.mktemp("production") / "crm-data"
    yield from serve(load_settings(data_dir=data_dir, env="production", session_secret="s" * 32))


@pytest.fixture(scope="module")
def development(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve(load_settings(data_dir=tmp_path_factory.mktemp("development") / "crm-data"))


INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ topcs { totalCount } }"
ENUM_TYPO = "query($k: EventKind) { events(where: {kind: $k}) { totalCount } }"


def messages(api: Api, document: str, variables: dict[str, Any] | None = None) -> str:
    response = api.post(document, variables)
    assert response.status_code == 400, response.text
    return " ".join(error["message"] for error in response.json()["errors"])


def test_production_refuses_introspection(production: Api, development: Api) -> None:
    assert development.data(INTROSPECTION) == {"__schema": {"queryType": {"name": "Query"}}}
    assert "introspection" in messages(production, INTROSPECTION)


def test_production_hides_suggestions(production: Api, development: Api) -> None:
    assert "Did you mean" in messages(development, TYPO)
    assert "Did you mean" in messages(development, ENUM_TYPO, {"k": "WORKSHP"})
    assert "Did you mean" not in messages(production, TYPO)
    assert "Did you mean" not in messages(production, ENUM_TYPO, {"k": "WORKSHP"})
    assert "topcs" in messages(production, TYPO)


def test_graphiql_s_introspection_fits_the_default_limits(development: Api) -> None:
    schema = development.data(get_introspection_query(descriptions=True))["__schema"]

    assert schema["queryType"]["name"] == "Query"
