"""What every benchmark section is handed: the size, where the engine keeps its files, the
generated dataset and the settings to open stores with."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import Figure
from crm.config import Settings

LOADED_GRAPH = "bench"
"""The graph the import section loads the dataset into, and the later sections read."""


@dataclass(frozen=True)
class Bench:
    size: str
    seed: int
    workdir: Path
    """Scratch space of this run; the embedded engine's data folder is ``workdir / "data"``."""
    dataset: Path
    """The generator's output (a CSV folder in the loader's format)."""
    quick: bool = False
    """Fewer repetitions and shorter runs (CI's smoke run): the shape of the output, not its
    precision."""
    duplicates: float = 0.0
    """The share of people and organisations the generator planted duplicates of (in
    ``dataset / "duplicates"``, loaded after the dataset with ``--match vat,email,name``)."""

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    def settings(self, graph: str = LOADED_GRAPH, **overrides: Any) -> Settings:
        """Settings for the embedded engine of this run, on ``graph``."""
        values: dict[str, Any] = {
            "data_dir": self.data_dir,
            "graph_name": graph,
            "fsync": "everysec",
            "max_page_size": 10_000,
            "query_timeout_ms": 600_000,
            # what a question costs is measured, not the budget that would stop it
            **{f"budget_{role}_ms": 600_000 for role in ("anonymous", "reader", "editor", "admin")},
        }
        return Settings(**(values | overrides))


class SectionFailed(Exception):
    """A section that failed after measuring some figures (an API answer that differs from its
    baseline, say): the run keeps them and reports the failure."""

    def __init__(self, message: str, figures: list[Figure]) -> None:
        super().__init__(message)
        self.figures = figures
