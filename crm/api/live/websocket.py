"""GraphQL over WebSocket (``graphql-transport-ws``) at ``/graphql``, for subscriptions, with
strawberry's protocol handler and keep-alive pings. The key comes in the ``connection_init``
payload (``{"Authorization": "Bearer <key>"}``) or in the handshake's ``Authorization`` header;
a bad or revoked key closes the connection with 4403, no ``connection_init`` in time with 4408,
a malformed message with the protocol's 4400."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import uuid4

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from crm.api.access import address_of, caller_of_header
from crm.api.context import Context
from crm.api.http import RequestRefused
from crm.api.key_checks import FailedKeyChecks
from crm.api.live.feed import ChangeFeed
from crm.api.schema import SCHEMA
from crm.config import Settings
from crm.graph.store import GraphStore


class LiveEndpoint(GraphQL[Context, None]):
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
            keep_alive=True,
            keep_alive_interval=settings.live_keep_alive_s,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=settings.live_subscriptions_per_key,
        )
        self.settings = settings
        self.store_of = store_of
        self.feed_of = feed_of
        self.failures = failures

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

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params: dict[str, Any] = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        header = header if isinstance(header, str) else context.authorization
        try:
            context.caller = await caller_of_header(
                header, context.store, self.settings, context.address, self.failures
            )
        except RequestRefused as refused:
            raise ConnectionRejectionError({"message": str(refused)}) from None
        return {"role": context.caller.role.value}
