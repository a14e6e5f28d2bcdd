"""Running the app under uvicorn: until Ctrl-C, with a clear failure when it cannot start."""

import asyncio
import gc
import logging
import os
import socket
from collections.abc import Callable

import uvicorn
from prometheus_client import start_http_server
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from crm.api import logs
from crm.api.app import create_app
from crm.config import LogFormat, Settings, environment, load_settings
from crm.errors import CrmError
from crm.graph.connect import open_store
from crm.graph.schema_version import require_current
from crm.graph.store import GraphStore
from crm.web.session import session_secret


class StartupFailed(Exception):
    """The server did not start; ``cause`` is the store's error, or None when it could not
    listen."""

    def __init__(self, message: str, cause: Exception | None) -> None:
        super().__init__(message)
        self.cause = cause


def run(settings: Settings, ready: Callable[[str], None]) -> None:
    """Serve until Ctrl-C; ``ready`` gets the GraphQL URL once the server listens. The app opens
    the store at start-up and closes it (stopping the embedded engine unless another process
    uses it) when the server stops."""
    failures: list[Exception] = []

    async def open_recorded(settings: Settings) -> GraphStore:
        try:
            return await _open_current(settings)
        except Exception as error:
            failures.append(error)
            raise

    try:
        session_secret(settings)  # made now (in development) rather than on the first sign-in
    except CrmError as error:
        raise StartupFailed(str(error), error) from None
    if settings.workers > 1:
        if settings.metrics_port is not None:
            raise StartupFailed(
                "CRM_METRICS_PORT serves one process's metrics: with CRM_WORKERS above 1, read"
                " /metrics on the API port (each answer is the worker's own)",
                None,
            )
        _run_workers(settings, ready)
        return
    app = create_app(settings, open_recorded)
    freeze_start_up_objects()
    json_logs = settings.log_format == LogFormat.JSON
    if json_logs:
        logs.use_json()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        lifespan="on",
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
    )
    metrics = None
    if settings.metrics_port is not None:
        metrics, _ = start_http_server(settings.metrics_port, addr=settings.host)
    server = uvicorn.Server(config)
    quiet = _ExpectedStartupFailure(failures)
    uvicorn_logger = logging.getLogger("uvicorn.error")
    uvicorn_logger.addFilter(quiet)
    access_logger = logging.getLogger("uvicorn.access")
    without_query = _WithoutQuery()
    access_logger.addFilter(without_query)
    try:
        asyncio.run(_serve_until_stopped(server, settings, ready))
    except KeyboardInterrupt:
        return  # Ctrl-C: uvicorn has shut down and the app has closed the store
    except SystemExit:  # uvicorn's way to say that it could not start
        if failures:
            raise StartupFailed(str(failures[0]), failures[0]) from None
        address = f"{settings.host}:{settings.port}"
        raise StartupFailed(f"cannot listen on {address} (see above)", None) from None
    finally:
        if metrics is not None:
            metrics.shutdown()
        uvicorn_logger.removeFilter(quiet)
        access_logger.removeFilter(without_query)


def worker_app() -> Starlette:
    """The app of one of ``crm serve --workers N``'s processes: the settings come from the
    environment the supervisor set (``environment``)."""
    settings = load_settings()
    if settings.log_format == LogFormat.JSON:
        logs.use_json()
    logging.getLogger("uvicorn.access").addFilter(_WithoutQuery())
    app = create_app(settings, _open_current)
    freeze_start_up_objects()
    return app


def freeze_start_up_objects() -> None:
    """Put every object alive now (the modules, the GraphQL schema, the app) out of the
    garbage collector's sight, so that its collections look only at what requests make: the
    API's CPU a request fell by 15-30 % (BENCHMARKS.md)."""
    gc.collect()
    gc.freeze()


async def _check_current(settings: Settings) -> None:
    store = await _open_current(settings)
    await store.close()


async def _open_current(settings: Settings) -> GraphStore:
    """Open the store, refusing a graph an earlier version wrote (`crm migrate` upgrades it)."""
    store = await open_store(settings)
    try:
        await require_current(store)
    except BaseException:
        await store.close()
        raise
    return store


def _run_workers(settings: Settings, ready: Callable[[str], None]) -> None:
    """Serve with ``settings.workers`` processes on one socket, under uvicorn's supervisor
    (which starts a worker again when one dies and stops them all on Ctrl-C). Each worker opens
    the store itself: the embedded engine is shared by every process that opens its folder (a
    lease each), a server by URL is connected to by each."""
    try:  # refused here once, rather than by every worker the supervisor would start again
        asyncio.run(_check_current(settings))
    except CrmError as error:
        raise StartupFailed(str(error), error) from None
    os.environ.update(environment(settings))
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="info",
        lifespan="on",
    )
    try:
        sock = tcp_socket(config.bind_socket())
    except SystemExit:
        address = f"{settings.host}:{settings.port}"
        raise StartupFailed(f"cannot listen on {address} (see above)", None) from None
    try:
        port = sock.getsockname()[1]
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        ready(f"http://{host}:{port}/graphql")
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def tcp_socket(sock: socket.socket) -> socket.socket:
    """``sock`` (a listening socket uvicorn bound) saying that it speaks TCP.

    uvicorn's ``bind_socket`` leaves the protocol number at 0, accepted connections inherit it,
    and asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on a socket that says TCP:
    without this, every response after the first on a kept-alive connection to one of several
    workers waits about 40 ms for the client's delayed acknowledgement (uvicorn issue 3149)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


async def _serve_until_stopped(
    server: uvicorn.Server, settings: Settings, ready: Callable[[str], None]
) -> None:
    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        ready(f"http://{host}:{port}/graphql")

    announcer = asyncio.create_task(announce())
    try:
        await server.serve()
    finally:
        announcer.cancel()


class _ExpectedStartupFailure(logging.Filter):
    """Leaves out the traceback uvicorn logs when the store could not be opened for a reason
    the CRM names itself (a wrong setting, an unreachable engine): the command prints it."""

    def __init__(self, failures: list[Exception]) -> None:
        super().__init__()
        self._failures = failures

    def filter(self, record: logging.LogRecord) -> bool:
        expected = any(isinstance(failure, CrmError) for failure in self._failures)
        return not (expected and record.getMessage().startswith("Traceback"))


class _WithoutQuery(logging.Filter):
    """Leaves the query string out of uvicorn's access log: it holds what visitors typed
    (search text), which is no business of a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?")[0], version, status)
        return True
