"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) for one schema.

Strawberry's own ASGI view cannot answer in ``application/graphql-response+json``, the media type
whose status codes tell a request error (400, no ``data``) from an executed operation (200), so
this endpoint reads the request, negotiates the media type (``negotiation.py``) and runs the
operation through ``execution.Executor`` itself. A request that accepts ``text/event-stream``
asks for a subscription over SSE: it goes to the subscriptions' endpoint (``crm.api.live``).
"""

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from graphql import GraphQLError, OperationDefinitionNode
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.graphql import OperationType

from crm.api.budgets import ran_out, retry_after
from crm.api.execution import QUERIES, QUERIES_AND_MUTATIONS, Executor
from crm.api.limits import parse_document
from crm.api.logs import set_request_id
from crm.api.negotiation import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    accepts_event_stream,
    accepts_html,
    is_json_utf8,
    negotiate,
)

logger = logging.getLogger(__name__)

_NO_OPERATION_NAME = "Must provide operation name if query contains multiple operations."
_OPERATIONS_BY_METHOD = {"GET": QUERIES, "POST": QUERIES_AND_MUTATIONS}


@dataclass(frozen=True)
class _Params:
    """A well-formed GraphQL-over-HTTP request."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


class _BadRequest(Exception):
    """The request is not a well-formed GraphQL-over-HTTP request; ``status`` says how."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class RequestRefused(Exception):
    """Raised by the context factory to answer with ``status`` (and ``headers``) instead of
    executing: a request without a valid key, say. ``code`` goes in the error's extensions."""

    def __init__(
        self, message: str, status: int, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.headers = dict(headers or {})


REQUEST_ID_HEADER = "X-Request-ID"


class GraphQLEndpoint:
    """ASGI app for one GraphQL schema at one path."""

    def __init__(
        self,
        executor: Executor,
        context: Callable[[Request], Awaitable[Any]],
        *,
        graphiql: Callable[[Request], Awaitable[Response]] | None,
        max_body_bytes: int = 1_000_000,
        streams: ASGIApp | None = None,
    ) -> None:
        """``graphiql`` answers browsers that ask for HTML (``None``: no IDE is served);
        ``streams``, requests that accept ``text/event-stream`` (``None``: they get a 406)."""
        self._executor = executor
        self._streams = streams
        self._context = context
        self._graphiql = graphiql
        self._max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # a Mount passes them on; subscriptions are not served
            await WebSocketClose()(scope, receive, send)
            return
        request = Request(scope, receive)
        if self._streams is not None and accepts_event_stream(request.headers.get("accept")):
            await self._streams(scope, receive, send)
            return
        request.state.request_id = request_id = uuid4().hex
        set_request_id(request_id)
        try:
            response = await self._respond(request)
        except Exception:
            logger.exception("GraphQL %s request %s failed", request.method, request_id)
            body = {
                "errors": [{"message": "internal error"}],
                "extensions": {"requestId": request_id},
            }
            response = _json_response(500, body, JSON)
        response.headers[REQUEST_ID_HEADER] = request_id
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if request.method not in _OPERATIONS_BY_METHOD:
            return _error(405, f"{request.method} is not supported", JSON, {"Allow": "GET, POST"})
        accept = request.headers.get("accept")
        if (
            self._graphiql is not None
            and request.method == "GET"
            and "query" not in request.query_params
            and accepts_html(accept)
        ):
            return await self._graphiql(request)
        media_type = negotiate(accept)
        if media_type is None:
            message = f"the response can only be {GRAPHQL_RESPONSE_JSON} or {JSON}"
            return _error(406, message, JSON)
        try:
            context = await self._context(request)
        except RequestRefused as refused:
            error = {"message": str(refused), "extensions": {"code": refused.code}}
            body = {"errors": [error]}
            return _json_response(refused.status, body, media_type, refused.headers)
        try:
            params = _params(await self._read_raw_params(request))
        except _BadRequest as error:
            return _error(error.status, str(error), media_type)
        return await self._execute(request, params, media_type, context)

    async def _read_raw_params(self, request: Request) -> Mapping[str, Any]:
        if request.method == "GET":
            return _query_params(request.query_params)
        if not is_json_utf8(request.headers.get("content-type")):
            raise _BadRequest(f"the body must be {JSON} in UTF-8", status=415)
        body = _loads(await self._read_body(request), "the body")
        if isinstance(body, list):
            raise _BadRequest("batches are not supported: send one operation per request")
        if not isinstance(body, dict):
            raise _BadRequest("the body must be a JSON object")
        return body

    async def _read_body(self, request: Request) -> bytes:
        """The body, refused (413) past ``max_body_bytes`` before or while it is read."""
        too_large = _BadRequest(f"the body is larger than {self._max_body_bytes} bytes", 413)
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self._max_body_bytes:
            raise too_large
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self._max_body_bytes:
                raise too_large
        return bytes(body)

    async def _execute(
        self, request: Request, params: _Params, media_type: str, context: Any
    ) -> Response:
        if _leaves_the_operation_open(params):
            return _request_error(_NO_OPERATION_NAME, media_type)
        try:
            result = await self._result(request, params, context)
        except InvalidOperationTypeError as error:
            message = error.as_http_error_reason(request.method)
            if request.method == "GET" and error.operation_type is OperationType.MUTATION:
                return _error(405, message, media_type, {"Allow": "POST"})
            return _request_error(message, media_type)
        except CannotGetOperationTypeError as error:
            return _request_error(error.as_http_error_reason(), media_type)
        except MissingQueryError as error:  # an empty query string
            return _request_error(str(error), media_type)
        return _result_response(result, media_type, request.state.request_id)

    async def _result(self, request: Request, params: _Params, context: Any) -> ExecutionResult:
        return await self._executor.execute(
            params.query,
            context,
            variables=params.variables,
            operation_name=params.operation_name,
            operation_types=_OPERATIONS_BY_METHOD[request.method],
            extensions=params.extensions,
        )


def _leaves_the_operation_open(params: _Params) -> bool:
    """Whether the document has several operations and no name picks one.

    GraphQL's GetOperation() makes that a request error, but strawberry runs the first one, so
    the document is parsed here too (only when no name is given; strawberry reports bad syntax).
    """
    if params.operation_name is not None:
        return False
    try:
        document = parse_document(params.query)
    except GraphQLError:
        return False
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1


def _params(raw: Mapping[str, Any]) -> _Params:
    query = raw.get("query")
    if query is None:
        raise _BadRequest('the request has no "query"')
    if not isinstance(query, str):
        raise _BadRequest('"query" must be a string')
    return _Params(
        query=query,
        variables=_optional(raw, "variables", dict, "an object"),
        operation_name=_optional(raw, "operationName", str, "a string"),
        extensions=_optional(raw, "extensions", dict, "an object"),
    )


def _optional[T](raw: Mapping[str, Any], name: str, kind: type[T], what: str) -> T | None:
    value = raw.get(name)
    if value is None or isinstance(value, kind):
        return value
    raise _BadRequest(f'"{name}" must be {what} or null')


def _query_params(query_params: QueryParams) -> dict[str, Any]:
    """GET parameters: ``variables`` and ``extensions`` are JSON text, and an empty
    ``operationName`` is no operation name (both by the spec)."""
    raw: dict[str, Any] = {
        "query": query_params.get("query"),
        "operationName": query_params.get("operationName") or None,
    }
    for name in ("variables", "extensions"):
        if text := query_params.get(name):
            raw[name] = _loads(text.encode(), f'"{name}"')
    return raw


def _loads(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode())
    except (ValueError, RecursionError):  # bad UTF-8 or JSON; nesting too deep
        raise _BadRequest(f"{what} is not valid UTF-8 JSON") from None


def _is_request_error(result: ExecutionResult) -> bool:
    """Whether the operation never started executing, so the response must have no ``data``.

    Strawberry marks parse and validation errors; graphql-core answers variables it cannot
    coerce with no data and errors that have no path (a field error always has one).
    """
    if isinstance(result, PreExecutionError):
        return True
    if ran_out(result):  # it ran, and was stopped
        return False
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def _request_error_status(media_type: str) -> int:
    """400 in the spec's own media type; 200 in ``application/json``, where a client can only
    trust a 200 to come from the GraphQL server rather than from an intermediary."""
    return 400 if media_type == GRAPHQL_RESPONSE_JSON else 200


def _result_response(result: ExecutionResult, media_type: str, request_id: str) -> Response:
    """The result; when it has errors, ``extensions.requestId`` names the request in the log.
    A request refused by a cap is a 429 with ``Retry-After``."""
    wait = retry_after(result)
    request_error = wait is not None or _is_request_error(result)
    body: dict[str, Any] = {} if request_error else {"data": result.data}
    extensions = dict(result.extensions or {})
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
        extensions["requestId"] = request_id
    if extensions:
        body["extensions"] = extensions
    if wait is not None:
        return _json_response(429, body, media_type, {"Retry-After": str(wait)})
    return _json_response(
        _request_error_status(media_type) if request_error else 200, body, media_type
    )


def _request_error(message: str, media_type: str) -> Response:
    return _error(_request_error_status(media_type), message, media_type)


def _error(
    status: int, message: str, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    return _json_response(status, {"errors": [{"message": message}]}, media_type, headers)


def _json_response(
    status: int, body: Any, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    content = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content.encode(), status, headers, media_type=f"{media_type}; charset=utf-8")
