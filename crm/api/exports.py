"""``GET /export/network.{gexf,graphml,nodes.csv,edges.csv}``: an explorer's view as a file, for
scripts (``curl -O``) and download links. A thin layer: it reads the query string, runs the
GraphQL field ``networkExport`` in-process through the same executor, context (the API key and
its role), limits and access policy as ``/graphql``, and answers the document it returns.

Query string: ``center`` (repeated for several), ``depth``, ``asOf``, ``crossBorderOnly``,
``minStrength``, ``sector``, ``tieKind`` and ``interactionKind`` (each repeated), ``limit``; the
names and meanings of ``network``'s arguments. Errors are JSON like GraphQL's (``errors`` with
``extensions.code``), with a status by code: 400 bad input or a limit, 401 no valid key, 403,
404 an unknown node, 503 the store away, 500 a fault of ours (logged with the request id).
"""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from crm.api.budgets import BUDGET_EXCEEDED, TOO_MANY_REQUESTS, retry_after
from crm.api.execution import Executor
from crm.api.http import REQUEST_ID_HEADER, RequestRefused
from crm.api.logs import set_request_id
from crm.api.network.export import NetworkExportFormat
from crm.web.view_query import BadQuery, view_variables

logger = logging.getLogger(__name__)

DOCUMENT = """
query NetworkExport($format: NetworkExportFormat!, $centers: [ID!]!, $depth: Int! = 1,
    $asOf: Date, $crossBorderOnly: Boolean! = false, $minStrength: Float, $sectors: [ID!],
    $tieKinds: [NetworkTieKind!], $interactionKinds: [InteractionKind!], $limit: Int) {
  networkExport(format: $format, centers: $centers, depth: $depth, asOf: $asOf,
      crossBorderOnly: $crossBorderOnly, minStrength: $minStrength, sectors: $sectors,
      tieKinds: $tieKinds, interactionKinds: $interactionKinds, limit: $limit) {
    mediaType fileName content
  }
}
"""

_STATUS = {
    "BAD_USER_INPUT": 400,
    "GRAPHQL_VALIDATION_FAILED": 400,
    "LIMIT_EXCEEDED": 400,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "STORE_UNAVAILABLE": 503,
    TOO_MANY_REQUESTS: 429,
    BUDGET_EXCEEDED: 503,
}

Context = Callable[[Request], Awaitable[Any]]


class NetworkExportEndpoint:
    """The route's ASGI app (any method reaches it: all but GET get a 405); ``context`` builds a
    request's context as ``/graphql`` does."""

    def __init__(self, executor: Executor, context: Context) -> None:
        self._executor = executor
        self._context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request.state.request_id = request_id = uuid4().hex
        set_request_id(request_id)
        try:
            response = await _respond(self._executor, self._context, request)
        except Exception:
            logger.exception("network export request %s failed", request_id)
            response = _error(500, "internal error", "INTERNAL_SERVER_ERROR")
        response.headers[REQUEST_ID_HEADER] = request_id
        await response(scope, receive, send)


async def _respond(executor: Executor, context: Context, request: Request) -> Response:
    if request.method != "GET":
        return _error(
            405, f"{request.method} is not supported", "METHOD_NOT_ALLOWED", {"Allow": "GET"}
        )
    try:
        export_format = NetworkExportFormat(request.path_params["format"])
    except ValueError:
        names = ", ".join(f"network.{f.value}" for f in NetworkExportFormat)
        return _error(404, f"no such export; there are {names}", "NOT_FOUND")
    try:
        variables = view_variables(request.query_params) | {"format": export_format.name}
    except BadQuery as bad:
        return _error(400, str(bad), "BAD_USER_INPUT")
    try:
        graphql_context = await context(request)
    except RequestRefused as refused:
        return _error(refused.status, str(refused), refused.code, refused.headers)
    result = await executor.execute(DOCUMENT, graphql_context, variables=variables)
    if result.errors:
        first = result.errors[0]
        extensions = dict(first.extensions or {})
        code = str(extensions.pop("code", "GRAPHQL_VALIDATION_FAILED"))
        wait = retry_after(result)
        headers = None if wait is None else {"Retry-After": str(wait)}
        status = _STATUS.get(code, 500)
        return _error(status, first.message, code, headers, extensions=extensions)
    assert result.data is not None
    found = result.data["networkExport"]
    return Response(
        found["content"].encode(),
        headers={
            "Content-Type": found["mediaType"],
            "Content-Disposition": f'attachment; filename="{found["fileName"]}"',
            "Cache-Control": "no-store",
        },
    )


def _error(
    status: int,
    message: str,
    code: str,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}
    return Response(
        json.dumps(body, ensure_ascii=False).encode(),
        status,
        headers,
        media_type="application/json",
    )
