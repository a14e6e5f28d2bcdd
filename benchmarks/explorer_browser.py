"""The explorer page in headless Chromium: views laid out and drawn, and the ``asOf`` replay
(the slider moved a year at a time), against the issue's targets (drawn under 3 s, a replay
step under 500 ms, for a view of 2,000 nodes and 10,000 ties).

The app (API and web site) runs in this process on a free port over the run's store, anonymous
visitors reading. Two views are drawn:

- **the largest real view**: people with interactions as centres, drawn with the run's seed,
  added in batches while the view stays within ``CRM_MAX_GRAPH_NODES`` (2,000 nodes, ten times
  as many ties; a quick run stops after the first batch); the figure's details give the nodes
  and ties drawn. Its baseline is the same page with the first centre alone.
- **2,000 nodes and 10,000 ties exactly** (the issue's shape, which the generated datasets'
  views do not reach: they hold three to four ties a node): the largest real view's page with
  its view topped up to that size by copies of its nodes (same since, country, community) and
  ties between random nodes (kind, strength and since of a random real tie), served to the
  browser in place of the server's answer. Its baseline is the largest real view.

The page's HTML is fetched once per view (the server's time is not measured here) and served to
Chromium from the benchmark; scripts, styles and the vendored libraries come from the app.
"Drawn" is the page's own measure (``crmExplorer.timings.drawnMs``): from its script's start (the
view read from the page) to the layout's last positions drawn. A replay step is
``crmExplorer.setYear``, for every year from the view's first tie to today; the figure is the
slowest step, its baseline the median step.
"""

import json
import random
import re
import socket
import statistics
import threading
import time
from typing import Any

import httpx2 as httpx
import uvicorn
from playwright.sync_api import Page, Route, sync_playwright

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure
from crm.api.app import create_app
from crm.keys import Role

SECTION = "explorer_browser"
CHROMIUM = "/usr/bin/chromium"
BATCH, QUICK_BATCH = 40, 10
DRAW_TARGET_S, REPLAY_TARGET_S = 3.0, 0.5
TARGET_NODES, TARGET_TIES = 2000, 10_000
VIEW_DATA = re.compile(r'<script type="application/json" id="explorer-data">(.*?)</script>', re.S)
Served = tuple[str, str]
"""An explorer page as served: its Content-Security-Policy and its HTML."""
READY = """async () => {
  while (!window.crmExplorer) await new Promise((wake) => setTimeout(wake, 50));
  await window.crmExplorer.ready;
}"""
PEOPLE = "query ($first: Int!) { people(first: $first) { nodes { id } } }"
SIZE = """query ($c: [ID!]!) { network(centers: $c) { limit } }"""


def run(bench: Bench) -> list[Figure]:
    settings = bench.settings(anonymous_role=Role.READER)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        while not server.started:
            time.sleep(0.05)
        centers = _largest_view(base, bench)
        one = _page(base, centers[:1])
        largest = _page(base, centers)
        exact = _topped_up(largest, random.Random(bench.seed))
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            small, _ = _drawn(page, base, one)
            real, real_size = _drawn(page, base, largest)
            real_steps = _replay(page)
            shaped, exact_size = _drawn(page, base, exact)
            exact_steps = _replay(page)
            browser.close()
    finally:
        server.should_exit = True
        thread.join()
    real_details = {"nodes": real_size[0], "ties": real_size[1], "centres": len(centers)}
    exact_details = {
        "nodes": exact_size[0],
        "ties": exact_size[1],
        "real_nodes": real_size[0],
        "real_ties": real_size[1],
    }
    return [
        _draw_figure(
            "explorer page: the largest real view laid out and drawn (Chromium)",
            real,
            "the same page with one centre",
            small,
            real_details,
        ),
        _replay_figure(
            "explorer page: asOf replay of the largest real view", real_steps, real_details
        ),
        _draw_figure(
            "explorer page: 2,000 nodes and 10,000 ties laid out and drawn (Chromium)",
            shaped,
            "the largest real view",
            real,
            exact_details,
        ),
        _replay_figure(
            "explorer page: asOf replay of 2,000 nodes and 10,000 ties", exact_steps, exact_details
        ),
    ]


def _draw_figure(
    name: str, value: float, baseline: str, baseline_value: float, details: dict[str, Any]
) -> Figure:
    return Figure(
        section=SECTION,
        name=name,
        value=value,
        unit="s",
        better=Better.LOWER,
        baseline=baseline,
        baseline_value=baseline_value,
        details=details | {"target_s": DRAW_TARGET_S, "within_target": value <= DRAW_TARGET_S},
    )


def _replay_figure(name: str, steps: list[float], details: dict[str, Any]) -> Figure:
    return Figure(
        section=SECTION,
        name=f"{name}, slowest step (Chromium)",
        value=max(steps),
        unit="s",
        better=Better.LOWER,
        baseline="the median step",
        baseline_value=statistics.median(steps),
        details=details
        | {
            "steps": len(steps),
            "target_s": REPLAY_TARGET_S,
            "within_target": max(steps) <= REPLAY_TARGET_S,
        },
    )


def _largest_view(base: str, bench: Bench) -> list[str]:
    """Centres in batches while the view stays within the limits."""
    people = _graphql(base, PEOPLE, {"first": 5000})["people"]["nodes"]
    order = [person["id"] for person in people]
    random.Random(bench.seed).shuffle(order)
    batch = QUICK_BATCH if bench.quick else BATCH
    centers: list[str] = []
    for start in range(0, batch if bench.quick else len(order), batch):  # quick: one batch
        trying = centers + order[start : start + batch]
        found = _graphql(base, SIZE, {"c": trying}, refused_ok=True)
        if found is None:
            break
        centers = trying
    if not centers:
        raise RuntimeError("no view of the dataset fits the limits")
    return centers


def _graphql(base: str, query: str, variables: dict[str, Any], *, refused_ok: bool = False) -> Any:
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, timeout=600
    )
    body = response.json()
    errors = body.get("errors") or []
    if refused_ok and {e.get("extensions", {}).get("code") for e in errors} == {"LIMIT_EXCEEDED"}:
        return None
    if errors:
        raise RuntimeError(f"the benchmark's query failed: {errors[0]}")
    return body["data"]


def _page(base: str, centers: list[str]) -> Served:
    """The explorer's page for these centres as the server answers it: its policy and HTML."""
    response = httpx.get(f"{base}/en/explore", params=[("center", c) for c in centers], timeout=600)
    response.raise_for_status()
    return response.headers["content-security-policy"], response.text


def _topped_up(page: Served, rnd: random.Random) -> Served:
    """``page`` with its view topped up to ``TARGET_NODES`` and ``TARGET_TIES`` (never cut)."""
    policy, html = page
    found = VIEW_DATA.search(html)
    if found is None:
        raise RuntimeError("the explorer's page holds no view")
    view = json.loads(found.group(1))
    nodes, edges = view["nodes"], view["edges"]
    real_nodes, real_edges = list(nodes), list(edges)
    for number in range(len(nodes), TARGET_NODES):
        copy = dict(rnd.choice(real_nodes), id=f"copy-{number}", href=None)
        nodes.append(copy | {"name": f"{copy['name']} (copy {number})"})
    ids = [node["id"] for node in nodes]
    for number in range(len(edges), TARGET_TIES):
        source, target = rnd.sample(ids, 2)
        tie = rnd.choice(real_edges)
        edges.append(
            tie | {"id": f"copy-{number}", "source": source, "target": target, "evidence": None}
        )
    data = json.dumps(view)
    for character in "<>&'":
        data = data.replace(character, f"\\u{ord(character):04x}")
    return policy, html[: found.start(1)] + data + html[found.end(1) :]


def _drawn(page: Page, base: str, served: Served) -> tuple[float, tuple[int, int]]:
    """``served`` (an explorer page) opened, laid out and drawn: the page's time, its nodes and
    ties."""
    policy, html = served

    def serve(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"content-security-policy": policy},
            body=html,
        )

    page.route(f"{base}/en/explore", serve)
    page.goto(f"{base}/en/explore", timeout=600_000)
    page.unroute(f"{base}/en/explore")
    page.evaluate(READY)
    drawn: float = page.evaluate("window.crmExplorer.timings.drawnMs")
    size = page.evaluate("[window.crmExplorer.graph.order, window.crmExplorer.graph.size]")
    return drawn / 1000, (size[0], size[1])


def _replay(page: Page) -> list[float]:
    """Every year from the view's first to the last (the last being the whole view)."""
    low, high = (int(page.locator("#explorer-year").get_attribute(a) or 0) for a in ("min", "max"))
    steps = [
        page.evaluate("y => window.crmExplorer.setYear(y)", year) / 1000
        for year in range(low, high + 1)
    ]
    return steps or [0.0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
