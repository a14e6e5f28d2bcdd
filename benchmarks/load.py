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
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx

from benchmarks.serving import Request, ServerFailed, Tally, client, crm_server, drive

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
    async with client(base, clients, api_key) as http:
        people = await _people(http)
        operations = {op.name: op for op in (*READS, *WRITES)}

        def choose(rng: random.Random) -> Request:
            operation = rng.choice(WRITES if rng.random() < write_share else READS)
            return operation.name, operation.document, operation.variables(rng, people)

        found, elapsed = await drive(http, clients, seconds, choose, seed=seed)
    tallies = {name: found.get(name, Tally()) for name in operations}
    every = Tally()
    reads, writes = Tally(), Tally()
    for operation in (*READS, *WRITES):
        for group in (every, writes if operation.writes else reads):
            group.merge(tallies[operation.name])
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


@contextmanager
def demo_server(data_dir: Path | None) -> Iterator[str]:
    """``crm demo`` on a free loopback port; its base URL while it runs. Requests without a key
    may write there (``CRM_ANONYMOUS_ROLE=editor``): the server is this run's own, on loopback.
    Their network questions (the impact report) are not capped: the clients measure the API,
    not the cap (``CRM_MAX_EXPENSIVE_ANONYMOUS``)."""
    with tempfile.TemporaryDirectory(prefix="crm-load-") as scratch:
        folder = data_dir or Path(scratch) / "crm-data"
        env = os.environ | {"CRM_ANONYMOUS_ROLE": "editor", "CRM_MAX_EXPENSIVE_ANONYMOUS": "1000"}
        log = Path(scratch) / "server.log"
        try:
            with crm_server(["demo", "--data-dir", str(folder)], env, log) as server:
                yield server.base
        except ServerFailed as failure:
            raise SystemExit(str(failure)) from None


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
