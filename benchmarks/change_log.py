"""What writing the change log in the same statement costs, each figure against a baseline in
the same run: the same statements without their log tail (``changes.logged`` replaced by a
plain ``WITH`` before the statements are built).

- The load of a generated dataset: each variant in a process of its own, alternately, on a
  fresh embedded engine; the median of the rounds counts.
- One bare ``patch_node`` statement (a person's title): the two loaded graphs open side by
  side in this process, the logged statement and the plain one sent in turns.
- Mutations through the API over HTTP: a ``crm serve`` process on each graph (the baseline's
  with the plain statements), ``updatePerson`` (a title) and ``recordInteraction`` sent to the
  two servers in turns, one request at a time.

The statements' and mutations' figures are medians of all the rounds' requests: taking turns
within a moment keeps the shared machine's swings (the fsync of every write) out of the ratio.

    uv run python -m benchmarks.change_log [--size small] [--rounds 3] [--updates 1000]
        [--mutations 300]

The target: the log costs at most 10 % (a ratio of at most 1.10).
"""

import asyncio
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, LiteralString

import typer

import graph_loader.load
from benchmarks.serving import client, crm_server, server_env
from crm.config import load_settings
from crm.domain import Label
from crm.domain.values import now_timestamp
from crm.graph.connect import open_store
from crm.graph.cypher import render
from crm.graph.store import GraphStore
from crm.keys import Role
from crm.queries import changes, edit
from crm.queries.changes import Change
from graph_loader.synthetic import SIZES, write_dataset

TARGET = 1.10
VARIANTS = ("logged", "unlogged")
TITLES = {
    "load_s": "load of `{size}`, wall time (s)",
    "statement_ms": "one `patch_node` statement (a person's title), median (ms)",
    "update_person_ms": "`updatePerson` (a title) over HTTP, median (ms)",
    "record_interaction_ms": "`recordInteraction` over HTTP, median (ms)",
}
UNLOGGED_SERVER = "import benchmarks.change_log as b; b.without_log(); "
"""What the baseline's server process runs before ``crm serve``."""

UPDATE_PERSON = """mutation($id: ID!, $title: String) {
  updatePerson(id: $id, input: {title: $title}) { errors { message } } }"""
RECORD_INTERACTION = """mutation($from: ID!, $to: ID!, $note: String) {
  recordInteraction(from: $from, to: $to, interaction: {kind: CALL, date: "2026-01-02",
    note: $note}) { errors { message } } }"""
PLAIN_PATCH: LiteralString = render(
    edit._PATCH_NODE.replace(changes.logged("n"), "WITH n "), label=Label.PERSON
)
"""The bare statement without its log tail."""

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def without_log() -> None:
    """Make ``logged`` a plain ``WITH`` and build the statements of every module that built
    them with it again: the baseline. (The modules' functions read their statements from the
    module at each call, so whoever imported a function by name runs the new statements.)"""
    original = changes.logged

    def plain(carry: LiteralString, ids: LiteralString = "", fields: LiteralString = "") -> str:
        return "WITH " + carry + " "

    changes.logged = plain
    for module in list(sys.modules.values()):
        if getattr(module, "logged", None) is original:
            importlib.reload(module)


def in_turns(n: int) -> Iterable[str]:
    """The variants in the order of turn ``n``: each goes first as often as the other."""
    return VARIANTS if n % 2 == 0 else reversed(VARIANTS)


async def _load(dataset: Path, data_dir: Path) -> float:
    store = await open_store(load_settings(data_dir=data_dir))
    try:
        started = time.perf_counter()
        report = await graph_loader.load.load([dataset], store, batch_size=1000)
        elapsed = time.perf_counter() - started
    finally:
        await store.close()
    assert report.summary is not None
    assert not report.problems
    return elapsed


async def _statements(
    data_dirs: dict[str, Path], updates: int
) -> tuple[list[float], list[float], list[str]]:
    """Each variant's statement times (s), taking turns, and the people's ids."""
    stores = {name: await open_store(load_settings(data_dir=d)) for name, d in data_dirs.items()}
    try:
        rows = await stores["logged"].read(
            "MATCH (p:Person) RETURN p.id AS id ORDER BY id LIMIT $n", {"n": updates}
        )
        ids = [row["id"] for row in rows]
        timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for n, person_id in enumerate(ids):
            for name in in_turns(n):
                started = time.perf_counter()
                await _patch(stores[name], name, person_id, f"T{n}")
                timings[name].append(time.perf_counter() - started)
        return timings["logged"], timings["unlogged"], ids
    finally:
        for store in stores.values():
            await store.close()


async def _patch(store: GraphStore, variant: str, person_id: str, title: str) -> None:
    change = Change("updatePerson", "bench", now_timestamp())
    if variant == "logged":
        await edit.patch_node(store, Label.PERSON, person_id, {"title": title}, change)
    else:
        parameters = {"id": person_id, "changes": {"title": title}, "now": change.at}
        await store.write(PLAIN_PATCH, parameters)


async def _mutations(bases: dict[str, str], ids: list[str], count: int) -> dict[str, list[float]]:
    """Each variant's times (s) per mutation, taking turns."""
    timings: dict[str, list[float]] = {}
    https = {name: client(base) for name, base in bases.items()}
    try:
        for n in range(count):
            requests = {
                "update_person_ms": (UPDATE_PERSON, {"id": ids[n], "title": f"M{n}"}),
                "record_interaction_ms": (
                    RECORD_INTERACTION,
                    {"from": ids[n], "to": ids[n + 1], "note": str(n)},
                ),
            }
            for name in in_turns(n):
                for figure, (document, variables) in requests.items():
                    started = time.perf_counter()
                    response = await https[name].post(
                        "/graphql", json={"query": document, "variables": variables}
                    )
                    timings.setdefault(f"{name} {figure}", []).append(time.perf_counter() - started)
                    body = response.json()
                    errors = body.get("errors") or [
                        error for payload in body["data"].values() for error in payload["errors"]
                    ]
                    assert response.status_code == 200, body
                    assert not errors, body
    finally:
        for http in https.values():
            await http.aclose()
    return timings


async def _api_entries(data_dir: Path) -> int:
    """How many entries the API's (anonymous) requests made."""
    store = await open_store(load_settings(data_dir=data_dir))
    try:
        rows = await store.read("MATCH ()-[e:CHANGE {keyId: 'anonymous'}]->() RETURN count(e) AS n")
        return int(rows[0]["n"])
    finally:
        await store.close()


def _round(root: Path, n: int, updates: int, mutations: int) -> dict[str, list[float]]:
    """One round's samples, by ``"<variant> <figure>"``."""
    data_dirs = {name: root / f"{name}-{n}" for name in VARIANTS}
    samples: dict[str, list[float]] = {}
    for name in in_turns(n):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.change_log", "--variant", name,
             "--dataset", str(root / "dataset"), "--data-dir", str(data_dirs[name])],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"the {name} load failed:\n{out.stderr}")
        samples[f"{name} load_s"] = [float(out.stdout.strip().splitlines()[-1])]
    logged, unlogged, ids = asyncio.run(_statements(data_dirs, max(updates, mutations + 1)))
    samples["logged statement_ms"] = [1000 * t for t in logged[:updates]]
    samples["unlogged statement_ms"] = [1000 * t for t in unlogged[:updates]]

    settings = {
        name: load_settings(data_dir=data_dirs[name], anonymous_role=Role.EDITOR)
        for name in VARIANTS
    }
    with (
        crm_server(["serve"], server_env(settings["logged"]), root / f"logged-{n}.log") as one,
        crm_server(
            ["serve"],
            server_env(settings["unlogged"]),
            root / f"unlogged-{n}.log",
            prelude=UNLOGGED_SERVER,
        ) as other,
    ):
        bases = {"logged": one.base, "unlogged": other.base}
        for key, times in asyncio.run(_mutations(bases, ids, mutations)).items():
            samples[key] = [1000 * t for t in times]
    for name, expected in (("logged", 2 * mutations), ("unlogged", 0)):
        made = asyncio.run(_api_entries(data_dirs[name]))
        # Else the baseline measured the product, or the product did not log.
        assert made == expected, f"{name}: the mutations made {made} entries, not {expected}"
    return samples


@app.command()
def main(  # noqa: PLR0917 (typer's options)
    size: Annotated[str, typer.Option(help="The generated dataset's size.")] = "small",
    rounds: Annotated[int, typer.Option(min=1)] = 3,
    updates: Annotated[int, typer.Option(min=1, help="Per variant and round.")] = 1000,
    mutations: Annotated[int, typer.Option(min=1, help="Of each kind, variant, round.")] = 300,
    variant: Annotated[str | None, typer.Option(hidden=True)] = None,
    dataset: Annotated[Path | None, typer.Option(hidden=True)] = None,
    data_dir: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    if variant is not None:  # one load, in a process of its own
        if dataset is None or data_dir is None:
            raise typer.BadParameter("a load needs --dataset and --data-dir")
        if variant == "unlogged":
            without_log()
        print(json.dumps(asyncio.run(_load(dataset, data_dir))))
        return

    with tempfile.TemporaryDirectory(prefix="crm-bench-log-") as scratch:
        root = Path(scratch)
        write_dataset(SIZES[size], root / "dataset")
        samples: dict[str, list[float]] = {}
        for n in range(rounds):
            for key, values in _round(root, n, updates, mutations).items():
                samples.setdefault(key, []).extend(values)
        for figure, title in TITLES.items():
            logged = statistics.median(samples[f"logged {figure}"])
            plain = statistics.median(samples[f"unlogged {figure}"])
            ratio = logged / plain
            verdict = "yes" if ratio <= TARGET else "**no**"
            print(
                f"| change log | {title.format(size=size)} | {logged:.2f} "
                f"| without the log: {plain:.2f} | {ratio:.2f}x | <= {TARGET:.2f}x | {verdict} |"
            )
        # An fsync ends on the kernel's clock tick, so a write's time comes in steps: the mean
        # shows how often the log's extra work crosses one, which a median may not.
        for figure in TITLES:
            logged = statistics.mean(samples[f"logged {figure}"])
            plain = statistics.mean(samples[f"unlogged {figure}"])
            print(f"mean {figure}: {logged:.2f} against {plain:.2f} ({logged / plain:.2f}x)")


if __name__ == "__main__":
    app()
