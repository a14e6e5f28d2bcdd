"""The API in a server process of its own, and clients that drive it over HTTP: what the load
script and the benchmark sections share."""

import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psutil

from crm.config import Settings

READY_WAIT_S = 120.0
STOP_WAIT_S = 60.0
GRAPHQL_RESPONSE = "application/graphql-response+json"

Request = tuple[str, str, dict[str, Any]]
"""One GraphQL request of a mix: a name to tally it under, the document, its variables."""


@dataclass(frozen=True)
class Server:
    """A running API server: its base URL and its process id."""

    base: str
    pid: int


@dataclass
class Tally:
    """What one operation (or all) met: latencies in seconds, and errors."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, seconds: float, failed: bool) -> None:
        self.latencies.append(seconds)
        self.errors += failed

    def merge(self, other: "Tally") -> None:
        self.latencies += other.latencies
        self.errors += other.errors

    def summary(self, seconds: float) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "rps": round(len(self.latencies) / seconds, 1),
            "errors": self.errors,
            "latency_ms": latency_ms(self.latencies),
        }


def latency_ms(latencies: list[float]) -> dict[str, float | None]:
    """The 50th, 95th and 99th percentiles of ``latencies`` (seconds), in milliseconds."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else []
    if len(latencies) == 1:
        cuts = [latencies[0]] * 99
    return {f"p{p}": round(cuts[p - 1] * 1000, 2) if cuts else None for p in (50, 95, 99)}


def client(base: str, connections: int = 1, api_key: str | None = None) -> httpx.AsyncClient:
    """An HTTP client of the API at ``base`` with up to ``connections`` connections."""
    headers = {"accept": GRAPHQL_RESPONSE}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=600)


async def send(http: httpx.AsyncClient, document: str, variables: Mapping[str, Any]) -> bool:
    """Send one request; whether it failed (HTTP error, GraphQL errors, refused input)."""
    try:
        response = await http.post("/graphql", json={"query": document, "variables": variables})
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return True
    if response.status_code != 200 or body.get("errors"):
        return True
    payload = next(iter((body.get("data") or {}).values()), None)
    return isinstance(payload, dict) and bool(payload.get("errors"))


async def drive(
    http: httpx.AsyncClient,
    clients: int,
    seconds: float,
    choose: Callable[[random.Random], Request],
    *,
    seed: int = 1,
) -> tuple[dict[str, Tally], float]:
    """``clients`` concurrent clients, each sending one request at a time (``choose`` picks it)
    until ``seconds`` are up; the tally per request name and the seconds it took."""
    tallies: dict[str, Tally] = {}
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def one(number: int) -> None:
        rng = random.Random(seed + number)
        while time.monotonic() < deadline:
            name, document, variables = choose(rng)
            begin = time.perf_counter()
            failed = await send(http, document, variables)
            tallies.setdefault(name, Tally()).add(time.perf_counter() - begin, failed)

    await asyncio.gather(*(one(n) for n in range(clients)))
    return tallies, time.monotonic() - started


def processes_of(server: Server) -> list[psutil.Process]:
    """The server's process and every process it started (uvicorn's workers)."""
    process = psutil.Process(server.pid)
    return [process, *process.children(recursive=True)]


def cpu_seconds(groups: Mapping[str, Sequence[psutil.Process]]) -> dict[str, float]:
    """The CPU time (user and system) each group of processes has used so far; a process that
    has ended counts nothing. Two readings' difference is what a measurement cost where, on a
    machine whose CPUs the clients, the API and the engine share."""
    used: dict[str, float] = {}
    for name, processes in groups.items():
        used[name] = 0.0
        for process in processes:
            with suppress(psutil.NoSuchProcess):
                times = process.cpu_times()
                used[name] += times.user + times.system
    return used


def cpu_per_request(
    before: Mapping[str, float], after: Mapping[str, float], requests: int
) -> dict[str, float]:
    """Milliseconds of CPU a request cost in each group, between two ``cpu_seconds`` readings."""
    return {
        name: round((after[name] - before[name]) * 1000 / max(requests, 1), 3) for name in after
    }


def server_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a ``crm`` process ``settings``' engine, graph, limits and
    anonymous budget and cap."""
    values = {
        "CRM_DATA_DIR": str(settings.data_dir),
        "CRM_GRAPH_NAME": settings.graph_name,
        "CRM_FSYNC": settings.fsync.value,
        "CRM_MAX_PAGE_SIZE": str(settings.max_page_size),
        "CRM_QUERY_TIMEOUT_MS": str(settings.query_timeout_ms),
        "CRM_BUDGET_ANONYMOUS_MS": str(settings.budget_anonymous_ms),
        "CRM_MAX_EXPENSIVE_ANONYMOUS": str(settings.max_expensive_anonymous),
    }
    if settings.graph_url is not None:
        values["CRM_GRAPH_URL"] = settings.graph_url
    if settings.anonymous_role is not None:
        values["CRM_ANONYMOUS_ROLE"] = settings.anonymous_role.value
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("CRM_")}
    return inherited | values


@contextmanager
def crm_server(
    args: list[str], env: Mapping[str, str], log: Path, prelude: str = ""
) -> Iterator[Server]:
    """``crm <args>`` (``serve`` or ``demo``) on a free loopback port, its output in ``log``;
    the server while it runs. It is stopped with Ctrl-C (SIGINT) at the end. ``prelude``:
    Python the process runs first (a benchmark's change to the product, for a baseline)."""
    port = free_port()
    command = [sys.executable, "-c", prelude + "from crm.cli import main; main()"]
    where = ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, *args, *where], stdout=output, stderr=output, env=dict(env)
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process, log)
        yield Server(base, process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerFailed(RuntimeError):
    """The server exited, or did not get ready in time."""


def wait_until_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WAIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"crm exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerFailed(f"crm was not ready within {READY_WAIT_S:g} s:\n{log.read_text()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
