"""Load input files into the graph: read everything, validate everything, then write."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crm.graph.store import GraphStore
from graph_loader.readers import read_path
from graph_loader.records import Problem, RawInput
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


async def plan_load(paths: Sequence[Path], store: GraphStore) -> Plan:
    """Read and validate ``paths``; nothing is written."""
    raw = RawInput()
    for path in paths:
        raw.extend(read_path(path))
    return await validate(raw, store)


async def load(
    paths: Sequence[Path],
    store: GraphStore,
    *,
    batch_size: int,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Load ``paths`` all-or-nothing: one problem and nothing is written, unless ``skip_invalid``,
    which writes the valid records and reports the others. ``dry_run`` only validates."""
    plan = await plan_load(paths, store)
    report = LoadReport(problems=plan.problems, invalid=plan.invalid, valid=plan.rows)
    if dry_run or (plan.problems and not skip_invalid):
        return report
    report.summary = await write_plan(store, plan, batch_size, progress)
    return report
