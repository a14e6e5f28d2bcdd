"""GraphQL over HTTP: the endpoint in a real Starlette app around a small real schema."""

import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx2 as httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from crm.api.execution import Executor
from crm.api.http import GraphQLEndpoint
from crm.config import Settings
from crm.keys import Caller, Role

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass
class Context:
    serial: int
    who: str | None
    recorded: list[str]
    settings: Settings = field(default_factory=Settings)
    caller: Caller = field(default_factory=lambda: Caller(None, Role.READER))
    """What the executor reads of every context: the caller's budget and caps."""
    request_id: str = "test"


@strawberry.type
class Query:
    @strawberry.field
    def serial(self, info: strawberry.Info[Context, None]) -> int:
        return info.context.serial

    @strawberry.field
    def caller(self, info: strawberry.Info[Context, None]) -> str | None:
        return info.context.who

    @strawberry.field
    def echo(self, text: str) -> str:
        return text

    @strawberry.field
    def fail(self) -> str:
        raise RuntimeError("the resolver failed")


@strawberry.type
class Mutation:
    @strawberry.mutation
    def record(self, info: strawberry.Info[Context, None], text: str) -> list[str]:
        info.context.recorded.append(text)
        return info.context.recorded


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)
ContextFactory = Callable[[Request], Awaitable[Any]]


class MakeClient(Protocol):
    def __call__(
        self,
        *,
        graphiql: bool = False,
        max_body_bytes: int = 1_000_000,
        context: ContextFactory | None = None,
    ) -> TestClient: ...


@pytest.fixture
def recorded() -> list[str]:
    """What the ``record`` mutation wrote: proof that an operation did or did not run."""
    return []


@pytest.fixture
def make_client(recorded: list[str]) -> Iterator[MakeClient]:
    """A client of an app with the endpoint both as a Route (/graphql) and a Mount (/mounted)."""
    clients: list[TestClient] = []

    def make(
        *,
        graphiql: bool = False,
        max_body_bytes: int = 1_000_000,
        context: ContextFactory | None = None,
    ) -> TestClient:
        serials = itertools.count(1)

        async def new_context(request: Request) -> Context:
            return Context(next(serials), request.headers.get("x-caller"), recorded)

        endpoint = GraphQLEndpoint(
            Executor(SCHEMA),
            context or new_context,
            graphiql=_graphiql_page if graphiql else None,
            max_body_bytes=max_body_bytes,
        )
        app = Starlette(
            routes=[Route("/graphql", endpoint, methods=None), Mount("/mounted", app=endpoint)]
        )
        client = TestClient(app)
        del client.headers["accept"]  # httpx sends */* by default; a test names its own
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def post(
    client: TestClient,
    body: Any,
    *,
    accept: str | None = GRAPHQL_RESPONSE,
    content_type: str | None = JSON,
    path: str = "/graphql",
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response: httpx.Response = client.post(
        path, content=content, headers=headers(accept, content_type)
    )
    return response


def get(
    client: TestClient, params: dict[str, str], *, accept: str | None = GRAPHQL_RESPONSE
) -> httpx.Response:
    response: httpx.Response = client.get("/graphql", params=params, headers=headers(accept))
    return response


def headers(accept: str | None, content_type: str | None = None) -> dict[str, str]:
    named = {"accept": accept, "content-type": content_type}
    return {name: value for name, value in named.items() if value is not None}


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


# POST


def test_post_runs_the_named_operation_with_its_variables(client: TestClient) -> None:
    body = {
        "query": "query A { serial } query B($t: String!) { echo(text: $t) }",
        "variables": {"t": "hi"},
        "operationName": "B",
        "extensions": {"client": "test"},
    }

    response = post(client, body)

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"echo": "hi"}}


def test_post_runs_a_mutation(client: TestClient, recorded: list[str]) -> None:
    response = post(client, {"query": 'mutation { record(text: "x") }'})

    assert response.status_code == 200
    assert response.json() == {"data": {"record": ["x"]}}
    assert recorded == ["x"]


def test_a_charset_parameter_is_accepted_and_text_is_utf8_both_ways(client: TestClient) -> None:
    text = "Grüße aus 東京"
    body = json.dumps({"query": f'{{ echo(text: "{text}") }}'}, ensure_ascii=False).encode()

    response = post(client, body, content_type="application/json; charset=UTF-8")

    assert response.status_code == 200
    assert text.encode() in response.content
    assert response.json() == {"data": {"echo": text}}


@pytest.mark.parametrize(
    "media_type",
    [
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "application/json; charset=iso-8859-1",
        None,
    ],
)
def test_a_body_of_another_media_type_is_refused_with_415(
    client: TestClient, media_type: str | None
) -> None:
    response = post(client, {"query": "{ serial }"}, content_type=media_type)

    assert response.status_code == 415
    assert response.headers["content-type"] == content_type(GRAPHQL_RESPONSE)
    assert response.json() == {
        "errors": [{"message": "the body must be application/json in UTF-8"}]
    }


def body_of(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes."""
    body = json.dumps({"query": "{ serial }", "extensions": {"pad": ""}}).encode()
    return body.replace(b'"pad": ""', b'"pad": "' + b"x" * (size - len(body)) + b'"')


def test_a_body_at_the_limit_is_read(make_client: MakeClient) -> None:
    response = post(make_client(max_body_bytes=100), body_of(100))

    assert response.status_code == 200


def test_a_body_declared_larger_than_the_limit_is_refused_with_413_unread(
    make_client: MakeClient,
) -> None:
    client = make_client(max_body_bytes=100)
    declared = headers(GRAPHQL_RESPONSE, JSON) | {"content-length": "101"}

    response = client.post("/graphql", content=body_of(50), headers=declared)

    assert response.status_code == 413
    assert response.json() == {"errors": [{"message": "the body is larger than 100 bytes"}]}


def test_a_body_streamed_past_the_limit_is_refused_with_413(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=100)
    body = body_of(101)
    chunks = iter([body[:50], body[50:]])

    response = client.post("/graphql", content=chunks, headers=headers(GRAPHQL_RESPONSE, JSON))

    assert "content-length" not in response.request.headers
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"NONSENSE", "the body is not valid UTF-8 JSON"),
        (b'{"query":', "the body is not valid UTF-8 JSON"),
        (b'{"query": "\xff"}', "the body is not valid UTF-8 JSON"),
        (b"[" * 100_000, "the body is not valid UTF-8 JSON"),
        (b'["{ serial }"]', "batches are not supported: send one operation per request"),
        (b'[{"query": "{ serial }"}]', "batches are not supported: send one operation per request"),
        (b'"{ serial }"', "the body must be a JSON object"),
        (b'{"qeury": "{ serial }"}', 'the request has no "query"'),
        (b'{"query": null}', 'the request has no "query"'),
        (b'{"query": 7}', '"query" must be a string'),
        (b'{"query": {"text": "{ serial }"}}', '"query" must be a string'),
        (b'{"query": "{ serial }", "variables": [7]}', '"variables" must be an object or null'),
        (b'{"query": "{ serial }", "variables": "{}"}', '"variables" must be an object or null'),
        (
            b'{"query": "{ serial }", "operationName": 7}',
            '"operationName" must be a string or null',
        ),
        (b'{"query": "{ serial }", "extensions": []}', '"extensions" must be an object or null'),
    ],
)
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_a_malformed_post_is_refused_with_400(
    client: TestClient, body: bytes, message: str, accept: str
) -> None:
    response = post(client, body, accept=accept)

    assert response.status_code == 400
    assert response.headers["content-type"] == content_type(accept)
    assert response.json() == {"errors": [{"message": message}]}


def test_null_optional_parameters_are_absent_ones(client: TestClient) -> None:
    body = {"query": "{ serial }", "variables": None, "operationName": None, "extensions": None}

    response = post(client, body)

    assert response.status_code == 200
    assert response.json() == {"data": {"serial": 1}}


# GET


def test_get_runs_a_query_from_the_url(client: TestClient) -> None:
    params = {
        "query": "query A { serial } query B($t: String!) { echo(text: $t) }",
        "variables": '{"t": "hi"}',
        "operationName": "B",
        "extensions": '{"client": "test"}',
    }

    response = get(client, params)

    assert response.status_code == 200
    assert response.json() == {"data": {"echo": "hi"}}


def test_get_takes_an_empty_operation_name_for_none(client: TestClient) -> None:
    response = get(client, {"query": "query Q { serial }", "operationName": ""})

    assert response.status_code == 200
    assert response.json() == {"data": {"serial": 1}}


@pytest.mark.parametrize(
    "params",
    [
        {"query": 'mutation { record(text: "x") }'},
        {"query": 'query Q { serial } mutation M { record(text: "x") }', "operationName": "M"},
    ],
)
def test_get_refuses_a_mutation_with_405_and_does_not_run_it(
    client: TestClient, recorded: list[str], params: dict[str, str]
) -> None:
    response = get(client, params)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"errors": [{"message": "mutations are not allowed when using GET"}]}
    assert recorded == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, 'the request has no "query"'),
        ({"query": "{ serial }", "variables": "{"}, '"variables" is not valid UTF-8 JSON'),
        ({"query": "{ serial }", "variables": "[1]"}, '"variables" must be an object or null'),
        ({"query": "{ serial }", "extensions": "nope"}, '"extensions" is not valid UTF-8 JSON'),
    ],
)
def test_a_malformed_get_is_refused_with_400(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    response = get(client, params)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": message}]}


# GraphiQL


async def _graphiql_page(_: Request) -> Response:
    return HTMLResponse("<!doctype html><title>GraphiQL</title>")


def test_graphiql_is_served_to_a_browser(make_client: MakeClient) -> None:
    response = make_client(graphiql=True).get("/graphql", headers=headers(BROWSER_ACCEPT))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "GraphiQL" in response.text


def test_without_graphiql_a_browser_gets_400(client: TestClient) -> None:
    response = client.get("/graphql", headers=headers(BROWSER_ACCEPT))

    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": 'the request has no "query"'}]}


def test_graphiql_is_not_served_for_a_query_or_to_a_graphql_client(
    make_client: MakeClient,
) -> None:
    client = make_client(graphiql=True)

    with_query = get(client, {"query": "{ serial }"}, accept=BROWSER_ACCEPT)
    graphql_client = client.get("/graphql", headers=headers(GRAPHQL_RESPONSE))

    assert with_query.status_code == 200
    assert with_query.json() == {"data": {"serial": 1}}
    assert graphql_client.status_code == 400


# Methods


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_other_methods_are_refused_with_405(client: TestClient, method: str) -> None:
    response = client.request(method, "/graphql", headers=headers(GRAPHQL_RESPONSE))

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


# Accept


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),  # legacy clients: the spec says a server SHOULD use application/json
        ("", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (JSON, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (f"{GRAPHQL_RESPONSE}; charset=utf-8, {JSON}; charset=utf-8", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),
        (f"{JSON};q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.1, {JSON}", JSON),
        (f"{GRAPHQL_RESPONSE};q=0.5, */*;q=0.4", GRAPHQL_RESPONSE),
        (f"{JSON};q=0, */*", GRAPHQL_RESPONSE),
        (f"{JSON}; charset=iso-8859-1, {GRAPHQL_RESPONSE};q=0.2", GRAPHQL_RESPONSE),
        (f"{JSON};q=bad, {GRAPHQL_RESPONSE};q=0.2", GRAPHQL_RESPONSE),
        ("text/html, application/*;q=0.1", JSON),
    ],
)
def test_the_response_media_type_follows_accept(
    client: TestClient, accept: str | None, chosen: str
) -> None:
    response = post(client, {"query": "{ serial }"}, accept=accept)

    assert response.request.headers.get("accept") == accept
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type(chosen)
    assert response.json() == {"data": {"serial": 1}}


@pytest.mark.parametrize(
    "accept",
    ["text/html", "application/xml", f"{JSON};q=0", f"{JSON}; charset=iso-8859-1", "*/*;q=0"],
)
def test_nothing_acceptable_is_refused_with_406(client: TestClient, accept: str) -> None:
    response = post(client, {"query": "{ serial }"}, accept=accept)

    assert response.status_code == 406


# Status codes and bodies


REQUEST_ERRORS = {
    "does not parse": {"query": "{"},
    "does not validate": {"query": "{ nope }"},
    "variable missing": {"query": "query($t: String!) { echo(text: $t) }"},
    "variable null": {"query": "query($t: String!) { echo(text: $t) }", "variables": {"t": None}},
    "variable of a wrong type": {
        "query": "query($t: String!) { echo(text: $t) }",
        "variables": {"t": 7},
    },
    "unknown operation": {"query": "query A { serial }", "operationName": "B"},
    "ambiguous operation": {"query": "query A { serial } query B { serial }"},
    "no operation": {"query": "fragment F on Query { serial }"},
    "empty document": {"query": ""},
}


@pytest.mark.parametrize("body", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE, 400), (JSON, 200)])
def test_a_request_error_has_no_data_and_its_status_follows_the_media_type(
    client: TestClient, body: dict[str, Any], accept: str, status: int
) -> None:
    response = post(client, body, accept=accept)

    assert response.status_code == status
    assert response.headers["content-type"] == content_type(accept)
    payload = response.json()
    assert "data" not in payload
    assert payload["errors"]
    assert all(error["message"] for error in payload["errors"])


def test_a_mutation_whose_variables_cannot_be_coerced_does_not_run(
    client: TestClient, recorded: list[str]
) -> None:
    response = post(client, {"query": "mutation($t: String!) { record(text: $t) }"})

    assert response.status_code == 400
    assert recorded == []


def test_errors_are_formatted_by_graphql_core(client: TestClient) -> None:
    response = post(client, {"query": "{ nope }"})

    assert response.json() == {
        "errors": [
            {
                "message": "Cannot query field 'nope' on type 'Query'.",
                "locations": [{"line": 1, "column": 3}],
            }
        ],
        "extensions": {"requestId": response.headers["x-request-id"]},
    }


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
def test_a_field_error_after_execution_started_is_200_with_null_data(
    client: TestClient, accept: str
) -> None:
    response = post(client, {"query": "{ fail }"}, accept=accept)

    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "the resolver failed",
                "locations": [{"line": 1, "column": 3}],
                "path": ["fail"],
            }
        ],
        "extensions": {"requestId": response.headers["x-request-id"]},
    }


def test_an_unexpected_error_is_500_logged_and_never_shown(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_context(request: Request) -> Context:
        raise RuntimeError("the context could not be built: secret detail")

    client = make_client(context=broken_context)
    body = {"query": "query Sensitive($t: String!) { echo(text: $t) }", "variables": {"t": "pw"}}

    with caplog.at_level(logging.ERROR, logger="crm.api.http"):
        response = post(client, body)

    assert response.status_code == 500
    assert response.headers["content-type"] == content_type(JSON)
    request_id = response.headers["x-request-id"]
    assert response.json() == {
        "errors": [{"message": "internal error"}],
        "extensions": {"requestId": request_id},
    }
    assert "secret" not in response.text
    [record] = [r for r in caplog.records if r.name == "crm.api.http"]
    assert record.levelno == logging.ERROR
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "Sensitive" not in caplog.text
    assert '"pw"' not in caplog.text


# Context and mounting


def test_each_request_gets_a_fresh_context_built_from_it(client: TestClient) -> None:
    first = post(client, {"query": "{ serial caller }"})
    second = client.post(
        "/graphql", json={"query": "{ serial caller }"}, headers={"x-caller": "ada"}
    )

    assert first.json() == {"data": {"serial": 1, "caller": None}}
    assert second.json() == {"data": {"serial": 2, "caller": "ada"}}


def test_the_endpoint_also_serves_under_a_mount(client: TestClient) -> None:
    response = post(client, {"query": "{ serial }"}, path="/mounted/")

    assert response.status_code == 200
    assert response.json() == {"data": {"serial": 1}}


def test_a_websocket_under_a_mount_is_closed(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/mounted/"):
        pass
