"""The ASGI app: GraphQL at ``/graphql``, liveness at ``/healthz``, readiness at ``/readyz``,
the metrics at ``/metrics`` (to admin keys, unless ``CRM_METRICS_PORT`` serves them elsewhere),
an explorer's view as a file at ``/export/network.<format>``, and the web site (``crm.web``) at
every other path.

Building the app starts nothing and reads no environment: the caller passes the settings, and
the store is opened in the app's lifespan (when the server starts) and closed when it stops.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from typing import TypedDict, cast

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from crm.api.access import authenticate
from crm.api.compiled import answerer
from crm.api.context import Context
from crm.api.execution import Executor, InProcess
from crm.api.exports import NetworkExportEndpoint
from crm.api.http import GraphQLEndpoint, RequestRefused
from crm.api.key_checks import FailedKeyChecks
from crm.api.live.endpoint import LiveEndpoint
from crm.api.live.feed import ChangeFeed
from crm.api.retention import keep_pruning
from crm.api.schema import SCHEMA
from crm.api.webhooks.delivery import Deliveries
from crm.config import Environment, Settings
from crm.errors import CrmError, StoreUnavailable
from crm.graph import connect
from crm.graph.store import GraphStore
from crm.keys import Role
from crm.web.site import create_site

logger = logging.getLogger(__name__)

READY_TIMEOUT_S = 5.0
"""How long ``/readyz`` waits for the store to answer."""

OpenStore = Callable[[Settings], Awaitable[GraphStore]]


class AppState(TypedDict):
    """What the lifespan hands to every request."""

    store: GraphStore
    feed: ChangeFeed


def create_app(settings: Settings, open_store: OpenStore = connect.open_store) -> Starlette:
    """The API on the store that ``open_store`` opens from ``settings`` at start-up.

    If the store cannot be opened, start-up fails with the store's error (which names the
    setting when one is wrong), so the server exits instead of serving without a store."""

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[AppState]:
        store = await open_store(settings)
        logger.info("the graph store is open (graph %s)", settings.graph_name)
        pruning = asyncio.create_task(keep_pruning(store, settings))
        feed = ChangeFeed(
            store,
            poll_s=settings.live_poll_ms / 1000,
            queue_size=settings.live_queue_size,
            per_key=settings.live_subscriptions_per_key,
            per_process=settings.live_subscriptions,
        )
        deliveries = Deliveries(store, settings)
        deliveries.start()
        try:
            yield {"store": store, "feed": feed}
        finally:
            await deliveries.close()
            await feed.close()
            pruning.cancel()
            with suppress(asyncio.CancelledError):
                await pruning
            await store.close()
            logger.info("the graph store is closed (graph %s)", settings.graph_name)

    failures = FailedKeyChecks(settings)

    async def context(request: Request) -> Context:
        store = _store(request)
        caller = await authenticate(request, store, settings, failures)
        return Context(store, settings, caller=caller, request_id=request.state.request_id)

    async def metrics(request: Request) -> Response:
        """The metrics, to admin keys (``CRM_METRICS_PORT`` unset)."""
        try:
            caller = await authenticate(request, _store(request), settings, failures)
        except RequestRefused as refused:
            return PlainTextResponse(str(refused), refused.status, refused.headers)
        if caller.key_id is None or not caller.role.allows(Role.ADMIN):
            return PlainTextResponse("/metrics needs an admin key", 403)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    executor = Executor(SCHEMA, answerer(SCHEMA))
    site = create_site(InProcess(executor, settings, failures))
    live = LiveEndpoint(settings, _store, _feed, failures)
    graphql = GraphQLEndpoint(
        executor,
        context=context,
        graphiql=site.graphiql if settings.env == Environment.DEVELOPMENT else None,
        max_body_bytes=settings.max_body_bytes,
        streams=live,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=None),
            WebSocketRoute("/graphql", live),
            Route("/healthz", _healthz, methods=["GET"]),
            Route("/readyz", _readyz, methods=["GET"]),
            *(
                [Route("/metrics", metrics, methods=["GET"])]
                if settings.metrics_port is None
                else []
            ),
            Route("/export/network.{format}", NetworkExportEndpoint(executor, context)),
            Mount("", app=site.app()),
        ],
        lifespan=lifespan,
    )


def _store(connection: HTTPConnection) -> GraphStore:
    return cast("HTTPConnection[AppState]", connection).state["store"]


def _feed(connection: HTTPConnection) -> ChangeFeed:
    return cast("HTTPConnection[AppState]", connection).state["feed"]


async def _healthz(_: Request) -> JSONResponse:
    """The process is alive; the store is not asked."""
    return JSONResponse({"status": "ok"})


async def _readyz(request: Request) -> JSONResponse:
    """The store answers within ``READY_TIMEOUT_S``."""
    try:
        await asyncio.wait_for(_store(request).ping(), READY_TIMEOUT_S)
    except TimeoutError:
        reason = f"the graph store did not answer within {READY_TIMEOUT_S:g} s"
    except StoreUnavailable as error:
        reason = f"the graph store is unavailable: {error}"
    except CrmError as error:
        reason = f"the graph store failed ({type(error).__name__})"
    else:
        return JSONResponse({"status": "ready"})
    logger.warning("not ready: %s", reason)
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
