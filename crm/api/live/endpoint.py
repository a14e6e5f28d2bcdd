"""Subscriptions at ``/graphql``, with strawberry's protocol handlers and keep-alives:

- GraphQL over WebSocket (``graphql-transport-ws``). The key comes in the ``connection_init``
  payload (``{"Authorization": "Bearer <key>"}``) or in the handshake's ``Authorization``
  header; a bad or revoked key closes the connection with 4403, no ``connection_init`` in time
  with 4408, a malformed message with the protocol's 4400. A key revoked during a subscription:
  its ``KEY_REVOKED`` error, then the connection is closed with 4403. Pings keep it alive.
- GraphQL over SSE (distinct connections mode): a GET or POST that accepts
  ``text/event-stream``, one subscription per request, the key in the ``Authorization``
  header; a bad or revoked key is a 401 before any event. Events are ``next`` and ``complete``;
  a comment line keeps the stream alive. Queries and mutations go over plain HTTP.
"""

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.streaming import HTTPStreamTransport, SSETransport
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL, GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from crm.api.access import address_of, caller_of_header
from crm.api.context import Context
from crm.api.http import RequestRefused
from crm.api.key_checks import FailedKeyChecks
from crm.api.live.feed import ChangeFeed, KeyRevoked
from crm.api.schema import SCHEMA
from crm.config import Settings
from crm.graph.store import GraphStore
from crm.keys import Caller

REVOKED_CLOSE = 4403


def _sse(keep_alive_s: float) -> type[HTTPStreamTransport]:
    class SubscriptionsOverSSE(SSETransport):
        def __init__(self) -> None:
            super().__init__(heartbeat_interval=keep_alive_s)

        def allowed_operation_types(self, _: set[OperationType]) -> tuple[OperationType, ...]:
            return (OperationType.SUBSCRIPTION,)

    return SubscriptionsOverSSE


def _revokes(message: Mapping[str, Any]) -> bool:
    """Whether ``message`` tells that the connection's key has been revoked."""
    errors = message.get("payload", {}).get("errors", []) if message["type"] == "next" else []
    return any(error.get("extensions", {}).get("code") == "KEY_REVOKED" for error in errors)


class _TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """Closes the connection once it has told a subscription that its key was revoked."""

    revoked = False

    async def send_message(self, message: Message) -> None:
        if self.revoked:
            return
        await super().send_message(message)
        if _revokes(cast("Mapping[str, Any]", message)):
            self.revoked = True
            await self.websocket.close(REVOKED_CLOSE, str(KeyRevoked()))


class LiveEndpoint(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = _TransportWS

    def __init__(
        self,
        settings: Settings,
        store_of: Callable[[WebSocket | Request], GraphStore],
        feed_of: Callable[[WebSocket | Request], ChangeFeed],
        failures: FailedKeyChecks,
    ) -> None:
        super().__init__(
            SCHEMA,
            graphql_ide=None,
            allow_queries_via_get=False,
            keep_alive=True,
            keep_alive_interval=settings.live_keep_alive_s,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=settings.live_subscriptions_per_key,
        )
        self.stream_transport_classes_by_protocol = {
            GRAPHQL_SSE_PROTOCOL: _sse(settings.live_keep_alive_s)
        }
        self.settings = settings
        self.store_of = store_of
        self.feed_of = feed_of
        self.failures = failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        context = await self.get_context(request, Response())
        response: Response
        try:
            context.caller = await self._caller(context, context.authorization)
        except RequestRefused as refused:
            body = {"errors": [{"message": str(refused), "extensions": {"code": refused.code}}]}
            response = JSONResponse(body, refused.status, refused.headers)
        else:
            try:
                response = await self.run(request, context=context)
            except HTTPException as error:
                response = PlainTextResponse(error.reason, error.status_code)
        await response(scope, receive, send)

    async def get_context(
        self, request: WebSocket | Request, response: Response | WebSocket
    ) -> Context:
        return Context(
            self.store_of(request),
            self.settings,
            request_id=uuid4().hex,
            feed=self.feed_of(request),
            authorization=request.headers.get("authorization"),
            address=address_of(request),
        )

    async def _caller(self, context: Context, header: str | None) -> Caller:
        return await caller_of_header(
            header, context.store, self.settings, context.address, self.failures
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params: dict[str, Any] = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        header = header if isinstance(header, str) else context.authorization
        try:
            context.caller = await self._caller(context, header)
        except RequestRefused as refused:
            raise ConnectionRejectionError({"message": str(refused)}) from None
        return {"role": context.caller.role.value}
