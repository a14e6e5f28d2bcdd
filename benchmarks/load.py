"""A bounded load test of the GraphQL API: concurrent clients on loopback for a fixed time.

    uv run python -m benchmarks.load --clients 8 --seconds 10 [--write-share 0.2] [--json]

Without ``--url`` it starts ``crm demo`` on a free loopback port with a data folder of its own
(a temporary one unless ``--data-dir`` is given), waits until ``/readyz`` answers, runs the
clients, and stops the server. With ``--url`` it targets a server that runs already (it must be
on this machine: loopback addresses only). Each client sends one request at a time, a mix of
reads and writes, until the time is up; the report gives requests per second, latency
percentiles and errors, overall and per operation. Not a test: the numbers depend on the machine.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx

READY_WAIT_S = 120.0
STOP_WAIT_S = 60.0
LOOPBACK = ("127.", "localhost", "[::1]", "::1")

Variables = Callable[[random.Random, list[str]], dict[str, Any]]


@dataclass(frozen=True)
class Operation:
    name: str
    document: str
    variables: Variables
    writes: bool = False


READS = (
    Operation(
        "impact",
        '{ project(id: "intranet") { impact { workshops initiatives conferenceAttendees '
        "totalInvestmentEur cofinancingRate } } }",
        lambda rng, people: {},
    ),
    Operation(
        "people",
        "{ people(first: 20) { totalCount nodes { givenName familyName "
        "employers { edges { role node { __typename } } } } } }",
        lambda rng, people: {},
    ),
    Operation(
        "search",
        "query($text: String) { people(where: {nameContains: $text}, first: 10) "
        "{ totalCount nodes { recordId } } }",
        lambda rng, people: {"text": rng.choice(["sen", "berg", "mann", "ø", "eks"])},
    ),
    Operation(
        "person",
        "query($id: ID!) { person(id: $id) { givenName events { nodes { title } } "
        "interactions(first: 5) { edges { kind date } } } }",
        lambda rng, people: {"id": rng.choice(people)},
    ),
)
WRITES = (
    Operation(
        "recordInteraction",
        "mutation($from: ID!, $to: ID!, $i: InteractionInput!) { recordInteraction(from: $from, "
        "to: $to, interaction: $i) { interactionId errors { code } } }",
        lambda rng, people: {
            "from": rng.choice(people),
            "to": rng.choice(people),
            "i": {"kind": "CALL", "date": date.today().isoformat(), "source": "load test"},
        },
        writes=True,
    ),
    Operation(
        "createTopic",
        'mutation($name: String!) { createTopic(input: {name: $name, source: "load test"}) '
        "{ created errors { code } } }",
        lambda rng, people: {"name": f"Load test topic {rng.randrange(10**9)}"},
        writes=True,
    ),
)


@dataclass
class Tally:
    """What one operation (or all) met: latencies in seconds, and errors."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def add(self, seconds: float, failed: bool) -> None:
        self.latencies.append(seconds)
        self.errors += failed

    def summary(self, seconds: float) -> dict[str, Any]:
        cuts = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else []
        percentiles = {
            f"p{p}": round(cuts[p - 1] * 1000, 2) if cuts else None for p in (50, 95, 99)
        }
        return {
            "requests": len(self.latencies),
            "rps": round(len(self.latencies) / seconds, 1),
            "errors": self.errors,
            "latency_ms": percentiles,
        }


async def run_clients(
    base: str,
    clients: int,
    seconds: float,
    write_share: float,
    *,
    api_key: str | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    """``clients`` concurrent clients against ``base`` for ``seconds``; the report."""
    headers = {"accept": "application/graphql-response+json"}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:
        people = await _people(http)
        tallies: dict[str, Tally] = {op.name: Tally() for op in (*READS, *WRITES)}
        deadline = time.monotonic() + seconds
        started = time.monotonic()

        async def client(number: int) -> None:
            rng = random.Random(seed + number)
            while time.monotonic() < deadline:
                operation = rng.choice(WRITES if rng.random() < write_share else READS)
                begin = time.perf_counter()
                failed = await _send(http, operation, operation.variables(rng, people))
                tallies[operation.name].add(time.perf_counter() - begin, failed)

        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.monotonic() - started
    every = Tally()
    reads, writes = Tally(), Tally()
    for operation in (*READS, *WRITES):
        tally = tallies[operation.name]
        for group in (every, writes if operation.writes else reads):
            group.latencies += tally.latencies
            group.errors += tally.errors
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "write_share": write_share,
        **every.summary(elapsed),
        "reads": reads.summary(elapsed),
        "writes": writes.summary(elapsed),
        "operations": {
            name: tally.summary(elapsed) for name, tally in tallies.items() if tally.latencies
        },
    }


async def _people(http: httpx.AsyncClient) -> list[str]:
    response = await http.post(
        "/graphql", json={"query": "{ people(first: 200) { nodes { recordId } } }"}
    )
    response.raise_for_status()
    people = [node["recordId"] for node in response.json()["data"]["people"]["nodes"]]
    if len(people) < 2:
        raise SystemExit("the graph needs at least two people (load the InTra-Net demo)")
    return people


async def _send(http: httpx.AsyncClient, operation: Operation, variables: dict[str, Any]) -> bool:
    """Send one request; whether it failed (HTTP error, GraphQL errors, refused input)."""
    try:
        response = await http.post(
            "/graphql", json={"query": operation.document, "variables": variables}
        )
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return True
    if response.status_code != 200 or body.get("errors"):
        return True
    payload = next(iter((body.get("data") or {}).values()), None)
    return isinstance(payload, dict) and bool(payload.get("errors"))


@contextmanager
def demo_server(data_dir: Path | None) -> Iterator[str]:
    """``crm demo`` on a free loopback port; its base URL while it runs. Requests without a key
    may write there (``CRM_ANONYMOUS_ROLE=editor``): the server is this run's own, on loopback."""
    with tempfile.TemporaryDirectory(prefix="crm-load-") as scratch:
        folder = data_dir or Path(scratch) / "crm-data"
        port = _free_port()
        command = [sys.executable, "-c", "from crm.cli import main; main()"]
        args = ["demo", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(folder)]
        log = Path(scratch) / "server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [*command, *args],
                stdout=output,
                stderr=output,
                env={**os.environ, "CRM_ANONYMOUS_ROLE": "editor"},
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_ready(base, server, log)
            yield base
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WAIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"crm demo exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"crm demo was not ready within {READY_WAIT_S:g} s:\n{log.read_text()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _print(report: dict[str, Any]) -> None:
    print(
        f"{report['clients']} clients, {report['seconds']} s, "
        f"{report['write_share']:.0%} writes: {report['requests']} requests, "
        f"{report['rps']} per second, {report['errors']} errors"
    )
    rows = [("all", report), ("reads", report["reads"]), ("writes", report["writes"])]
    rows += list(report["operations"].items())
    heads = ("requests", "rps", "errors", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'':>18} " + " ".join(f"{head:>8}" for head in heads))
    for name, row in rows:
        latency = row["latency_ms"]
        cells = [latency[p] if latency[p] is not None else "-" for p in ("p50", "p95", "p99")]
        print(
            f"{name:>18} {row['requests']:>8} {row['rps']:>8} {row['errors']:>8} "
            + " ".join(f"{cell:>8}" for cell in cells)
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long (default 10)")
    parser.add_argument("--write-share", type=float, default=0.2, help="share of writes (0.2)")
    parser.add_argument("--url", help="a running server on this machine (default: start one)")
    parser.add_argument("--data-dir", type=Path, help="data folder of the server it starts")
    parser.add_argument("--api-key", default=os.environ.get("CRM_LOAD_API_KEY"), help="Bearer key")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.clients < 1 or not 0 < args.seconds <= 3600 or not 0 <= args.write_share <= 1:
        parser.error("--clients >= 1, 0 < --seconds <= 3600, 0 <= --write-share <= 1")
    if args.url and not urlsplit(args.url).netloc.startswith(LOOPBACK):
        parser.error("--url must be on this machine (a loopback address)")

    def measure(base: str) -> dict[str, Any]:
        return asyncio.run(
            run_clients(
                base,
                args.clients,
                args.seconds,
                args.write_share,
                api_key=args.api_key,
                seed=args.seed,
            )
        )

    if args.url:
        report = measure(args.url.rstrip("/"))
    else:
        with demo_server(args.data_dir) as base:
            report = measure(base)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)


if __name__ == "__main__":
    main()
