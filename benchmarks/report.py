"""What a benchmark run reports: figures, each a measurement against a baseline measured in the
same run on the same engine, written as JSON (for machines) and as a Markdown table (for people).

A figure's ``ratio`` is ``value / baseline_value``; ``better`` says which way is good, so a
reader (and ``met``) never has to guess whether 3.0 is a win.
"""

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import psutil


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Target:
    """A ratio the figure must reach: at least ``ratio`` when higher is better, at most when
    lower is."""

    ratio: float
    text: str


@dataclass(frozen=True)
class Figure:
    """One measured figure of one section (``import``, ``api``, ``round_trips``, ``throughput``,
    ``memory``, ``network``)."""

    section: str
    name: str
    value: float
    unit: str
    better: Better
    baseline: str | None = None
    """What the value is compared to, in words ("naive MERGE per row")."""
    baseline_value: float | None = None
    target: Target | None = None
    details: dict[str, Any] = field(default_factory=dict)
    """Anything else measured with it (p95, errors, rows, ...)."""

    @property
    def ratio(self) -> float | None:
        if self.baseline_value is None or self.baseline_value == 0:
            return None
        return self.value / self.baseline_value

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        if self.target is None or ratio is None:
            return None
        if self.better is Better.HIGHER:
            return ratio >= self.target.ratio
        return ratio <= self.target.ratio

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = None if self.target is None else asdict(self.target)
        data["ratio"] = self.ratio
        data["met"] = self.met
        return data


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = psutil.virtual_memory().total
    return {
        "cpus": psutil.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }


@dataclass(frozen=True)
class SectionRun:
    """How one section of a run went: how long it took, and why it failed if it did."""

    name: str
    seconds: float
    error: str | None = None


@dataclass
class Report:
    """A whole run: its settings, the machine and every figure, in the order measured."""

    command: str
    size: str
    seed: int
    dataset: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    sections: list[SectionRun] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "crm-benchmarks/1",
            "command": self.command,
            "size": self.size,
            "seed": self.seed,
            "started": self.started,
            "machine": machine(),
            "dataset": self.dataset,
            "sections": [asdict(section) for section in self.sections],
            "figures": [figure.as_json() for figure in self.figures],
        }

    def write(self, folder: Path) -> tuple[Path, Path]:
        """``results.json`` and ``results.md`` in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        json_path, table_path = folder / "results.json", folder / "results.md"
        json_path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")
        failed = [f"\n**{run.name} failed**: {run.error}\n" for run in self.sections if run.error]
        table_path.write_text(markdown_table(self.figures) + "".join(failed), encoding="utf-8")
        return json_path, table_path


def markdown_table(figures: list[Figure]) -> str:
    lines = [
        "| section | figure | value | baseline | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        baseline = (
            ""
            if figure.baseline is None
            else f"{figure.baseline}: {_number(figure.baseline_value)} {figure.unit}"
        )
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}x"
        target = "" if figure.target is None else figure.target.text
        met = {None: "", True: "yes", False: "**no**"}[figure.met]
        value = f"{_number(figure.value)} {figure.unit}"
        lines.append(
            f"| {figure.section} | {figure.name} | {value} | {baseline} | {ratio} | {target} "
            f"| {met} |"
        )
    return "\n".join(lines) + "\n"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"
