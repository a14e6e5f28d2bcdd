"""The benchmark suite: one command that loads a dataset into a scratch engine, runs every
section on it and writes ``results.json`` and ``results.md``.

    uv run python -m benchmarks --size small [--seed 7] [--out benchmarks/results/small]
        [--quick] [--section api ...] [--dataset PATH] [--keep]

The dataset is generated at ``--size`` with ``--seed`` (``graph_loader.synthetic``), unless
``--dataset`` names any loader input to measure on instead.

A section is a module of this package with ``run(bench) -> list[Figure]`` (async, or sync where
async makes no sense: a sync one runs in a worker thread). A section that fails is reported as
failed (its error in both files, and exit code 1); the others' figures are kept.
"""

import asyncio
import inspect
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer
from rich.console import Console

from benchmarks import (
    api,
    duplicates,
    explorer,
    explorer_browser,
    imports,
    live,
    memory,
    network,
    pairs,
    round_trips,
    throughput,
    web,
)
from benchmarks.bench import Bench, SectionFailed
from benchmarks.report import Report, SectionRun, markdown_table
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from graph_loader.load import load
from graph_loader.matching import MatchKey
from graph_loader.synthetic import SIZES, write_dataset
from graph_loader.synthetic.duplicates import SOURCE_FOLDER
from graph_loader.writer import Summary

SECTIONS: tuple[ModuleType, ...] = (
    memory,
    api,
    round_trips,
    throughput,
    network,
    pairs,
    duplicates,
    explorer,
    explorer_browser,
    web,
    live,
    imports,
)
"""Every section, in the order they run: memory before the sections whose queries leave the
engine's allocator holding more than the graph needs; imports last, as its graphs of its own
would count in the engine's memory."""

EXIT_FAILED = 1

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
err = Console(stderr=True)


def section_name(section: ModuleType) -> str:
    return section.__name__.rpartition(".")[2]


class LoadFailed(RuntimeError):
    """The dataset has problems; nothing was measured."""


@app.command()
def main(
    *,
    size: Annotated[
        str, typer.Option(help=f"The generated dataset's size ({', '.join(SIZES)}).")
    ] = "small",
    seed: Annotated[int, typer.Option(help="Seed of the dataset and of every random pick.")] = 7,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where results.json and results.md go \\[default: benchmarks/results/SIZE]."
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            help="Fewer runs, shorter throughput windows (the output's shape, not precision)."
        ),
    ] = False,
    section: Annotated[
        list[str] | None,
        typer.Option(
            help="Run only this section (repeatable): " + ", ".join(map(section_name, SECTIONS))
        ),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(
            help="Measure on this loader input (YAML/JSON file or CSV folder) instead of a "
            "generated dataset; --size then only names the run.",
            exists=True,
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option(help="Keep the scratch folder (engine data, logs).")
    ] = False,
    plant: Annotated[
        float,
        typer.Option(
            "--duplicates",
            min=0,
            max=0.5,
            help="Plant duplicates of this share of the people and organisations in the "
            "generated dataset, a second source loaded after it (the duplicates section "
            "measures against them).",
        ),
    ] = 0.02,
) -> None:
    """Run the benchmark suite and write its results as JSON and as a Markdown table."""
    known = {section_name(module): module for module in SECTIONS}
    unknown = sorted(set(section or []) - set(known))
    if unknown:
        raise typer.BadParameter(
            f"no section {', '.join(unknown)}; the sections are {', '.join(known)}",
            param_hint="--section",
        )
    chosen = [module for name, module in known.items() if not section or name in section]
    if dataset is None and size not in SIZES:
        raise typer.BadParameter(
            f"no size {size!r}; the sizes are {', '.join(SIZES)}", param_hint="--size"
        )
    folder = out or Path("benchmarks") / "results" / size
    workdir = Path(tempfile.mkdtemp(prefix=f"crm-bench-{size}-"))
    if dataset is None:
        err.print(f"generating the {size} dataset (seed {seed})", highlight=False)
        dataset = write_dataset(SIZES[size], workdir / "dataset", seed=seed, duplicates=plant).path
    bench = Bench(size, seed, workdir, dataset.resolve(), quick, plant)
    report = Report(" ".join(["python -m benchmarks", *sys.argv[1:]]), size, seed, {})
    try:
        asyncio.run(_run(bench, chosen, report))
    except LoadFailed as failure:
        err.print(f"[red]error:[/red] {failure}", highlight=False)
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        if keep:
            err.print(f"the scratch folder is kept: {workdir}", highlight=False)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    json_path, table_path = report.write(folder)
    typer.echo(markdown_table(report.figures))
    err.print(f"wrote {json_path} and {table_path}", highlight=False)
    failed = [run for run in report.sections if run.error]
    for run in failed:
        err.print(f"[red]{run.name} failed:[/red] {run.error}", highlight=False, markup=True)
    if failed:
        raise typer.Exit(EXIT_FAILED)


async def _run(bench: Bench, sections: list[ModuleType], report: Report) -> None:
    """Load the dataset, then run ``sections`` in order. A store stays open all along, so the
    embedded engine runs (and keeps the graph in memory) from the load to the last section."""
    store = await open_store(bench.settings())
    try:
        report.dataset = await _load(bench, store)
        for section in sections:
            report.sections.append(await _section(bench, section, report))
    finally:
        await store.close()


async def _load(bench: Bench, store: GraphStore) -> dict[str, Any]:
    err.print(f"loading {bench.dataset}", highlight=False)
    began = time.perf_counter()
    loaded = await load([bench.dataset], store, batch_size=bench.settings().batch_size)
    if loaded.summary is not None and bench.duplicates:
        # The planted duplicates, a second source; those a natural key identifies are matched
        # to their originals.
        second = await load(
            [bench.dataset / SOURCE_FOLDER],
            store,
            batch_size=bench.settings().batch_size,
            match=frozenset(MatchKey),
        )
        if second.summary is None:
            loaded = second
    if loaded.summary is None:
        problems = "\n".join(str(problem) for problem in loaded.problems[:20])
        raise LoadFailed(f"{bench.dataset} has {len(loaded.problems)} problems:\n{problems}")
    return _dataset(bench, loaded.summary, time.perf_counter() - began)


def _dataset(bench: Bench, summary: Summary, seconds: float) -> dict[str, Any]:
    def rows(outcomes: dict[Any, Any]) -> dict[str, int]:
        return {str(name): o.created + o.updated + o.unchanged for name, o in outcomes.items()}

    nodes, relationships = rows(summary.nodes), rows(summary.relationships)
    return {
        "path": str(bench.dataset),
        "nodes": nodes,
        "relationships": relationships,
        "node_total": sum(nodes.values()),
        "relationship_total": sum(relationships.values()),
        "load_seconds": round(seconds, 2),
    }


async def _section(bench: Bench, section: ModuleType, report: Report) -> SectionRun:
    """Run one section; its figures go into ``report``, its failure into the outcome."""
    name = section_name(section)
    err.print(f"[bold]{name}[/bold] ...", highlight=False)
    began = time.perf_counter()
    error = None
    try:
        if inspect.iscoroutinefunction(section.run):
            figures = await section.run(bench)
        else:
            figures = await asyncio.to_thread(section.run, bench)
    except SectionFailed as failure:
        figures, error = failure.figures, str(failure)
    except Exception as failure:  # a failed section must not lose the others' figures
        figures, error = [], f"{type(failure).__name__}: {failure}"
    report.figures += figures
    seconds = round(time.perf_counter() - began, 2)
    status = "failed" if error else f"{len(figures)} figures"
    err.print(f"[bold]{name}[/bold] {status} in {seconds:g} s", highlight=False)
    return SectionRun(name, seconds, error)


if __name__ == "__main__":
    app()
