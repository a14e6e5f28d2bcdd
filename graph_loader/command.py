"""The load command, as ``crm load`` and ``python -m graph_loader`` run it: its options, the
load, and its report (problems, the summary, the exit code)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crm.console import (
    EXIT_PROBLEMS,
    EXIT_SKIPPED,
    BatchSize,
    DataDir,
    GraphUrl,
    err,
    out,
    run,
    settings,
)
from crm.graph.store import GraphStore
from crm.queries.upsert import Outcome
from graph_loader.load import LoadReport
from graph_loader.load import load as load_paths
from graph_loader.matching import MatchKey
from graph_loader.progress import progress_for
from graph_loader.validate import Plan
from graph_loader.writer import Summary

LoadProcesses = Annotated[
    int | None,
    typer.Option(
        "--processes",
        min=1,
        max=256,
        help="Processes that validate the records; 1: this one alone \\[env: CRM_LOAD_PROCESSES; "
        "default: 1].",
        show_default=False,
    ),
]

MATCH_HELP = (
    "Map incoming records to stored ones with the same natural key: any of vat, email, name "
    "(comma-separated); without it such a record is a problem."
)


def load(
    paths: Annotated[
        list[Path],
        typer.Argument(help="YAML or JSON files, or folders of CSV files.", show_default=False),
    ],
    skip_invalid: Annotated[
        bool, typer.Option(help="Write the valid records and report the others.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Only validate (against the graph too); write nothing.")
    ] = False,
    batch_size: BatchSize = None,
    processes: LoadProcesses = None,
    match: Annotated[str | None, typer.Option(help=MATCH_HELP, show_default=False)] = None,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Load records into the graph: everything is validated first; by default one problem means
    nothing is written."""
    chosen = settings(
        data_dir=data_dir, graph_url=graph_url, batch_size=batch_size, load_processes=processes
    )
    keys = parse_match(match)

    async def work(store: GraphStore) -> LoadReport:
        with progress_for(err) as progress:
            return await load_paths(
                paths,
                store,
                batch_size=chosen.batch_size,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                progress=progress,
                match=keys,
                announce=announce,
                processes=chosen.load_processes,
            )

    report = run(chosen, work)
    print_problems(report)
    if dry_run:
        err.print(
            f"{report.valid} records are valid, {report.invalid} have problems; "
            "nothing was written (dry run).",
            highlight=False,
        )
        raise typer.Exit(EXIT_PROBLEMS if report.problems else 0)
    if report.summary is None:
        err.print(
            f"{len(report.problems)} problems in {report.invalid} records; nothing was written.",
            highlight=False,
        )
        raise typer.Exit(EXIT_PROBLEMS)
    print_summary(report.summary)
    total = report.summary.relationship_total
    if total.missing:
        err.print(
            f"{total.missing} relationships were not written: an end was deleted while loading."
        )
    if total.conflicts:
        err.print(
            f"{total.conflicts} relationships were not written: another writer recorded their "
            "ids between other ends while loading."
        )
    if total.missing or total.conflicts:
        raise typer.Exit(EXIT_SKIPPED)
    if report.problems:
        err.print(
            f"{len(report.problems)} problems: {report.invalid} records were skipped.",
            highlight=False,
        )
        raise typer.Exit(EXIT_SKIPPED)


def print_problems(report: LoadReport) -> None:
    """One line per problem, with its file, line or row, record and field."""
    for problem in report.problems:
        err.print(str(problem), highlight=False, markup=False, soft_wrap=True)


def print_summary(summary: Summary) -> None:
    """What a load wrote, by label and type, with the totals."""
    table = Table("written", "created", "updated", "unchanged")
    rows: list[tuple[str, Outcome]] = [
        *summary.nodes.items(),
        ("nodes", summary.node_total),
        *summary.relationships.items(),
        ("relationships", summary.relationship_total),
    ]
    for name, outcome in rows:
        style = "bold" if name in ("nodes", "relationships") else None
        table.add_row(
            str(name),
            str(outcome.created),
            str(outcome.updated),
            str(outcome.unchanged),
            style=style,
        )
    out.print(table)


def parse_match(value: str | None) -> frozenset[MatchKey]:
    """``vat,email,name`` -> the keys; a word that is not one is a usage error."""
    if not value:
        return frozenset()
    keys = set()
    for word in value.split(","):
        try:
            keys.add(MatchKey(word.strip()))
        except ValueError:
            raise typer.BadParameter(
                f"{word.strip()!r} is not a key to match by; use {', '.join(MatchKey)}"
            ) from None
    return frozenset(keys)


def announce(plan: Plan) -> None:
    """Say what a load matched and, when the graph holds records already, what it will touch."""
    for match in plan.matches:
        err.print(str(match), highlight=False, markup=False, soft_wrap=True)
    if not any(touch.held for touch in plan.touched.values()):
        return
    parts = [
        f"{label}: {touch.new} new, {touch.stored} stored" for label, touch in plan.touched.items()
    ]
    new = sum(touch.new for touch in plan.touched.values())
    stored = sum(touch.stored for touch in plan.touched.values())
    err.print(
        f"The graph holds records already: of this input, {new} records are new and {stored} "
        f"stored ones are updated or kept as they are ({'; '.join(parts)}).",
        highlight=False,
        soft_wrap=True,
    )
