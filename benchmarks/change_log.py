"""What writing the change log in the same statement costs: a load of a generated dataset and a
run of single-record updates, each timed with the product's statements and, as the baseline in
the same run, with the same statements without their log tail (``changes.logged`` replaced by a
plain ``WITH`` before the query modules build their statements). Each variant runs in a process
of its own, alternately, on a fresh embedded engine; the median of the rounds counts.

    uv run python -m benchmarks.change_log [--size small] [--rounds 3] [--updates 2000]

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
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, LiteralString

import typer

import graph_loader.load
import graph_loader.writer
from crm.config import load_settings
from crm.domain import Label
from crm.graph.connect import open_store
from crm.queries import changes, edit, upsert
from crm.queries.changes import Change
from graph_loader.synthetic import SIZES, write_dataset

TARGET = 1.10
VARIANTS = ("logged", "unlogged")

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _without_log() -> None:
    """Make ``logged`` a plain ``WITH`` and build the statements (and what imported them by
    name) again: the baseline."""

    def plain(carry: LiteralString, ids: LiteralString = "", fields: LiteralString = "") -> str:
        return "WITH " + carry + " "

    changes.logged = plain
    for module in (edit, upsert, graph_loader.writer, graph_loader.load):
        importlib.reload(module)


@dataclass(frozen=True)
class Run:
    """One measurement's inputs."""

    dataset: Path
    data_dir: Path
    updates: int


async def _measure(run: Run) -> dict[str, float]:
    store = await open_store(load_settings(data_dir=run.data_dir))
    try:
        started = time.perf_counter()
        report = await graph_loader.load.load([run.dataset], store, batch_size=1000)
        load_s = time.perf_counter() - started
        assert report.summary is not None
        assert not report.problems
        rows = await store.read("MATCH (p:Person) RETURN p.id AS id LIMIT $n", {"n": run.updates})
        ids = [row["id"] for row in rows]
        started = time.perf_counter()
        for n, person_id in enumerate(ids):
            change = Change("updatePerson", "bench", f"2026-01-01T00:00:{n % 60:02d}.000Z")
            await edit.patch_node(store, Label.PERSON, person_id, {"title": f"T{n}"}, change)
        update_s = time.perf_counter() - started
        return {"load_s": load_s, "update_ms": 1000 * update_s / max(len(ids), 1)}
    finally:
        await store.close()


@app.command()
def main(  # noqa: PLR0917 (typer's options)
    size: Annotated[str, typer.Option(help="The generated dataset's size.")] = "small",
    rounds: Annotated[int, typer.Option(min=1)] = 3,
    updates: Annotated[int, typer.Option(min=1)] = 2000,
    variant: Annotated[str | None, typer.Option(hidden=True)] = None,
    dataset: Annotated[Path | None, typer.Option(hidden=True)] = None,
    data_dir: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    if variant is not None:  # one measurement, in a process of its own
        if dataset is None or data_dir is None:
            raise typer.BadParameter("a measurement needs --dataset and --data-dir")
        if variant == "unlogged":
            _without_log()
        print(json.dumps(asyncio.run(_measure(Run(dataset, data_dir, updates)))))
        return

    with tempfile.TemporaryDirectory(prefix="crm-bench-log-") as scratch:
        root = Path(scratch)
        write_dataset(SIZES[size], root / "dataset")
        results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
        for n in range(rounds):
            for name in VARIANTS:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.change_log",
                        "--variant",
                        name,
                        "--dataset",
                        str(root / "dataset"),
                        "--data-dir",
                        str(root / f"{name}-{n}"),
                        "--updates",
                        str(updates),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
        for figure in ("load_s", "update_ms"):
            logged = statistics.median(r[figure] for r in results["logged"])
            plain = statistics.median(r[figure] for r in results["unlogged"])
            ratio = logged / plain
            verdict = "yes" if ratio <= TARGET else "**no**"
            print(
                f"| change log | {figure} | {logged:.3f} | without the log: {plain:.3f} "
                f"| {ratio:.2f}x | <= {TARGET:.2f}x | {verdict} |"
            )


if __name__ == "__main__":
    app()
