"""The web site's pages: each page's server time against running its GraphQL operations
directly, and what the home page and a cluster profile weigh on the wire.

The app (``crm.api.app.create_app``, the site mounted in it) answers in this process through
httpx's ASGI transport, and a page's time is the server's, measured around the app's call:
routing, the visitor, its operations, the template, gzip; not the client's work (building the
request, decompressing the answer) and no network. A page whose operations answer what they
answered before is sent as it was rendered then (``crm.web.kept``); runs of their own time
the page rendered afresh (its kept pages dropped first), as after a write, reported beside it.
The site's ``InProcess`` runner is wrapped to record each operation a page runs (its
document, name, variables and caller); the baseline runs exactly those through the same
runner, one after the other. The target (issue 13): each page within 1.25x of its operations.
Pages and operations alternate, after a warm-up, and the medians are compared.

The weight is what a first visit transfers, compressed (``Accept-Encoding: gzip``): the page
and the stylesheet and scripts it links; the target is under 100 KB each for the home page and
a cluster profile.
"""

import gc
import gzip
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, LiteralString

import httpx2 as httpx
from strawberry.types import ExecutionResult

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure, Target
from crm.api.app import create_app
from crm.api.execution import InProcess
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Caller, Role

SECTION = "web"
RUNS, QUICK_RUNS = 20, 3
WARM_UP = 2
TARGET = Target(1.25, "within 1.25x of running its operations directly")
WEIGHT_TARGET_BYTES = 100_000
LANG = "en"

_FIRST: dict[str, LiteralString] = {
    "cluster": "MATCH (x:Cluster)<-[:MEMBER_OF]-() WITH DISTINCT x RETURN x.id AS id ORDER BY id",
    "organisation": "MATCH (x:Organization)<-[:WORKS_AT]-() WITH DISTINCT x "
    "RETURN x.id AS id ORDER BY id",
    "person": "MATCH (x:Person)-[:INTERACTED]-() WITH DISTINCT x RETURN x.id AS id ORDER BY id",
    "event": "MATCH (x:Event)<-[:ATTENDED]-() WITH DISTINCT x RETURN x.id AS id ORDER BY id",
    "project": "MATCH (x:Project) RETURN x.id AS id ORDER BY id",
}
"""Records with ties, one of each drawn with the run's seed for the record pages."""

_RECORD_PAGES = {
    "cluster": "/clusters/{}",
    "organisation": "/organisations/{}",
    "person": "/people/{}",
    "event": "/events/{}",
    "project": "/projects/{}",
}


@dataclass(frozen=True)
class Call:
    caller: Caller
    document: str
    operation_name: str | None
    variables: dict[str, Any] | None


@dataclass(frozen=True)
class Recording(InProcess):
    """The site's runner, recording what it runs (while ``calls`` is not empty), and how long
    each run took (``seconds``)."""

    calls: list[list[Call]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    async def run(
        self,
        store: GraphStore,
        caller: Caller,
        request_id: str,
        document: str,
        *,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        mutation: bool = False,
    ) -> ExecutionResult:
        if self.calls:
            self.calls[-1].append(Call(caller, document, operation_name, variables))
        began = time.perf_counter()
        result = await super().run(
            store,
            caller,
            request_id,
            document,
            operation_name=operation_name,
            variables=variables,
            mutation=mutation,
        )
        self.seconds.append(time.perf_counter() - began)
        return result


ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


@dataclass(frozen=True)
class Timed:
    """The app with ``store`` in each request's state, as its lifespan would put it; each
    request's server time (from the app's call to its return) appended to ``seconds``."""

    app: ASGIApp
    store: GraphStore
    seconds: list[float] = field(default_factory=list)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        began = time.perf_counter()
        await self.app({**scope, "state": {"store": self.store}}, receive, send)
        self.seconds.append(time.perf_counter() - began)


async def run(bench: Bench) -> list[Figure]:
    settings = bench.settings(anonymous_role=Role.READER)
    store = await open_store(settings)
    try:
        app = create_app(settings)
        site = _site(app)
        runner = Recording(site.runner.executor, settings, site.runner.failures)
        site.runner = runner
        server = Timed(app, store)
        transport = httpx.ASGITransport(app=server)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            pages = await _pages(store, bench)
            client = Client(http, server, runner, site)
            figures = [
                figure
                for name, path in pages.items()
                for figure in await _page_figures(client, name, path, bench)
            ]
            figures += [
                await _weight(http, name, pages[name]) for name in ("home", "cluster profile")
            ]
    finally:
        await store.close()
    return figures


def _site(app: Any) -> Any:
    """The site mounted in the app (``crm.web.site.Site``)."""
    for route in app.routes:
        state = getattr(getattr(route, "app", None), "state", None)
        if state is not None and hasattr(state, "site"):
            return state.site
    raise RuntimeError("the app mounts no site")


async def _pages(store: GraphStore, bench: Bench) -> dict[str, str]:
    rnd = random.Random(bench.seed)
    pages = {
        "home": "/",
        "cluster directory": "/clusters",
        "search": "/search?q=energy",
        "dashboard": "/dashboard",
    }
    for kind, statement in _FIRST.items():
        ids = [row["id"] for row in await store.read(statement)]
        if ids:
            name = "cluster profile" if kind == "cluster" else kind
            pages[name] = _RECORD_PAGES[kind].format(rnd.choice(ids))
    return {name: f"/{LANG}{path}" for name, path in pages.items()}


@dataclass(frozen=True)
class Client:
    """What a page's measurement uses: the app's HTTP client, the app, its runner."""

    http: httpx.AsyncClient
    server: Timed
    runner: Recording
    site: Any


async def _page_figures(client: Client, name: str, path: str, bench: Bench) -> list[Figure]:
    """The page as served (kept, its answers unchanged) and rendered afresh, each against its
    operations, in runs of their own."""
    runner = client.runner
    runner.calls.append([])
    response = await client.http.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    calls = runner.calls.pop()
    runs = QUICK_RUNS if bench.quick else RUNS
    full_collections = _full_collections()
    served = await _timings(client, path, calls, runs, afresh=False)
    collections = _full_collections() - full_collections
    rendered = await _timings(client, path, calls, runs, afresh=True)
    shown = re.sub(r"/[\w-]+$", "/{id}", path) if name in _PAGE_KINDS else path
    return [
        Figure(
            section=SECTION,
            name=f"page {name}: server time, median",
            value=statistics.median(served.page_s),
            unit="s",
            better=Better.LOWER,
            baseline=BASELINE,
            baseline_value=statistics.median(served.operations_s),
            target=TARGET,
            details={
                "path": shown,
                "operations": [call.operation_name for call in calls],
                **served.details(),
                "full_collections": collections,
            },
        ),
        Figure(
            section=SECTION,
            name=f"page {name}: rendered afresh (as after a write), server time, median",
            value=statistics.median(rendered.page_s),
            unit="s",
            better=Better.LOWER,
            baseline=BASELINE,
            baseline_value=statistics.median(rendered.operations_s),
            details={"path": shown, **rendered.details()},
        ),
    ]


BASELINE = "its GraphQL operations run directly (in-process), median"


@dataclass(frozen=True)
class Timings:
    page_s: list[float]
    operations_s: list[float]
    within_s: list[float]
    """The page's operations' time within the page."""

    def details(self) -> dict[str, Any]:
        """Runs, maxima and where the page's time went: its operations within it, and the
        rest (the visitor, the template, gzip)."""
        return {
            "runs": len(self.page_s),
            "max_s": round(max(self.page_s), 4),
            "baseline_max_s": round(max(self.operations_s), 4),
            "operations_within_page_s": round(statistics.median(self.within_s), 5),
            "rest_of_page_s": round(
                statistics.median(p - w for p, w in zip(self.page_s, self.within_s, strict=True)),
                5,
            ),
            # each run's page against its own operations in it: what the page adds, free of
            # the noise between two runs of the same operations on a shared machine
            "page_over_its_operations": round(
                statistics.median(p / w for p, w in zip(self.page_s, self.within_s, strict=True)),
                3,
            ),
        }


async def _timings(
    client: Client, path: str, calls: list[Call], runs: int, *, afresh: bool
) -> Timings:
    """``runs`` of the page (with ``afresh``, its kept pages dropped first), each followed by
    its operations run directly, after a warm-up."""
    http, server, runner = client.http, client.server, client.runner
    timings = Timings([], [], [])
    for index in range(WARM_UP + runs):
        if afresh:
            client.site.kept.clear()
        ran = len(runner.seconds)
        await http.get(path)
        page = server.seconds[-1]
        within = sum(runner.seconds[ran:])
        began = time.perf_counter()
        for call in calls:
            result = await runner.run(
                server.store,
                call.caller,
                "bench",
                call.document,
                operation_name=call.operation_name,
                variables=call.variables,
            )
            if result.errors:
                raise RuntimeError(f"{call.operation_name} failed: {result.errors[0]}")
        if index >= WARM_UP:
            timings.page_s.append(page)
            timings.operations_s.append(time.perf_counter() - began)
            timings.within_s.append(within)
    return timings


def _full_collections() -> int:
    """How many times Python's garbage collector has gone through every object so far."""
    return int(gc.get_stats()[2]["collections"])


_PAGE_KINDS = {"cluster profile", "organisation", "person", "event", "project"}


async def _weight(http: httpx.AsyncClient, name: str, path: str) -> Figure:
    """What a first visit to ``path`` transfers, compressed: the page and the stylesheets and
    scripts it links."""
    html, page_bytes = await _compressed(http, path)
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="(/static/[^"]+)"', html)
    sizes = {asset: (await _compressed(http, asset))[1] for asset in assets}
    total = page_bytes + sum(sizes.values())
    return Figure(
        section=SECTION,
        name=f"{name}: transferred on a first visit, compressed (page, CSS, scripts)",
        value=total,
        unit="B",
        better=Better.LOWER,
        details={
            "page_bytes": page_bytes,
            "assets": {re.sub(r"\.[0-9a-f]{8,}\.", ".", a): b for a, b in sizes.items()},
            "target_bytes": WEIGHT_TARGET_BYTES,
            "within_target": total < WEIGHT_TARGET_BYTES,
        },
    )


async def _compressed(http: httpx.AsyncClient, path: str) -> tuple[str, int]:
    """The body of ``path`` as text, and how many bytes it took on the wire (gzip asked)."""
    async with http.stream("GET", path, headers={"accept-encoding": "gzip"}) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        encoding = response.headers.get("content-encoding")
    body = gzip.decompress(raw) if encoding == "gzip" else raw
    return body.decode("utf-8", errors="replace"), len(raw)
