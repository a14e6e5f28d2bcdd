"""Load input files into the graph: validate everything (streaming), then write."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crm.graph.store import GraphStore
from graph_loader.matching import MatchKey
from graph_loader.readers import Input
from graph_loader.records import Problem
from graph_loader.validate import Plan, validate
from graph_loader.writer import Progress, Summary, write_plan


@dataclass
class LoadReport:
    """The problems found, how many records they concern and how many are valid, and what was
    written (None when nothing was)."""

    problems: list[Problem] = field(default_factory=list)
    invalid: int = 0
    valid: int = 0
    summary: Summary | None = None


async def plan_load(
    paths: Sequence[Path],
    store: GraphStore,
    match: frozenset[MatchKey] = frozenset(),
    processes: int = 1,
) -> Plan:
    """Read and validate ``paths`` with ``processes`` processes; nothing is written. Close the
    plan when done with it."""
    return await validate(Input(paths), store, match, processes)


async def load(
    paths: Sequence[Path],
    store: GraphStore,
    *,
    batch_size: int,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    match: frozenset[MatchKey] = frozenset(),
    announce: Callable[[Plan], None] | None = None,
    processes: int = 1,
) -> LoadReport:
    """Load ``paths`` all-or-nothing: one problem and nothing is written, unless ``skip_invalid``,
    which writes the valid records and reports the others. ``dry_run`` only validates.
    ``match``: natural keys by which incoming records are mapped to stored ones. ``announce``
    hears the plan (its matches, what it touches) after validation, before anything is written.
    ``processes``: how many processes validate (1: this one alone)."""
    with await plan_load(paths, store, match, processes) as plan:
        report = LoadReport(problems=plan.problems, invalid=plan.invalid, valid=plan.rows)
        if announce is not None:
            announce(plan)
        if not dry_run and (skip_invalid or not plan.problems):
            report.summary = await write_plan(store, plan, batch_size, progress)
    return report
