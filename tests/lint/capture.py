"""Every statement the code sends through a store during the tests, as Neo4j would receive it.

``install`` wraps the FalkorDB adapter (which every test store is) so that each ``read`` and
``write`` is remembered with its parameters and the module that sent it. The store's dialect is
a recording proxy over FalkorDB's: every fragment it hands out is remembered together with the
Neo4j rendering of the same call, so a captured statement can be rewritten into exactly what the
Neo4j adapter sends. Statements that tests write themselves, and the FalkorDB adapter's own
housekeeping (its index and constraint listings), are not captured: only the code's.

Under pytest-xdist each worker process captures what its own tests sent: ``save`` leaves it in a
file when the worker ends, and ``gather`` adds the other workers' files to the worker that runs
the lint.
"""

import pickle
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from crm.graph.dialect import FALKORDB, NEO4J, NEO4J_GDS, Neo4jDialect
from crm.graph.falkordb import FalkorDBStore
from crm.graph.store import Parameters, Record

ROOT = Path(__file__).resolve().parents[2]
CODE = (ROOT / "crm", ROOT / "graph_loader")
ADAPTERS = ROOT / "crm" / "graph"
PASS_THROUGH = frozenset({"read", "write"})
"""Methods of stores that wrap another store (a counting store, say): not the statement's source."""


@dataclass(frozen=True)
class Statement:
    """One statement as the Neo4j adapter would send it."""

    query: str
    parameters: dict[str, Any]
    """Each parameter the statement was sent with, with a small sample of its value."""
    source: str
    """The module that sent it (``crm.queries.nodes``) or made it (``crm.graph.neo4j``)."""


class RecordingDialect:
    """FALKORDB's renderings, remembering every Neo4j dialect's rendering of every fragment
    handed out (``None`` where that dialect has no such statement: the code then sends another,
    recorded in its own right)."""

    VARIANTS: tuple[Neo4jDialect, ...] = (NEO4J, NEO4J_GDS)
    """Neo4j without plugins, and with Graph Data Science."""

    def __init__(self) -> None:
        self.neo4j: dict[str, tuple[str | None, ...]] = {}

    def __getattr__(self, name: str) -> Any:
        falkordb = getattr(FALKORDB, name)
        if not callable(falkordb):
            return falkordb

        def render(*args: Any, **kwargs: Any) -> Any:
            fragment = falkordb(*args, **kwargs)
            if isinstance(fragment, str) and hasattr(NEO4J, name):
                # TypeError: an adapter-only helper whose signature differs between the engines
                with suppress(TypeError):
                    self.neo4j[fragment] = tuple(
                        getattr(variant, name)(*args, **kwargs) for variant in self.VARIANTS
                    )
            return fragment

        return render

    def rewrite(self, query: str) -> set[str]:
        """``query`` as each Neo4j dialect sends it: every FalkorDB fragment in it replaced by
        that dialect's rendering; none from a dialect that renders one of them as ``None``."""
        fragments = sorted((f for f in self.neo4j if f in query), key=len, reverse=True)
        rewritten = set()
        for index in range(len(self.VARIANTS)):
            text: str | None = query
            for fragment in fragments:
                rendering = self.neo4j[fragment][index]
                text = (
                    None if text is None or rendering is None else text.replace(fragment, rendering)
                )
            if text is not None:
                rewritten.add(text)
        return rewritten


class Recorder:
    """What the code sent during this session, with the dialect that rewrites it."""

    def __init__(self) -> None:
        self.dialect = RecordingDialect()
        self.sent: dict[tuple[str, tuple[str, ...]], tuple[str, Parameters]] = {}

    def statements(self) -> Iterator[Statement]:
        for (query, _), (source, parameters) in self.sent.items():
            for rewritten in self.dialect.rewrite(query):
                yield Statement(rewritten, _sample(parameters), source)

    def remember(self, query: str, parameters: Parameters | None, caller: FrameType | None) -> None:
        source = _source(caller)
        if source is not None:
            key = (query, tuple(sorted(parameters or {})))
            self.sent.setdefault(key, (source, dict(parameters or {})))

    def save(self, path: Path) -> None:
        """Write what was captured (parameters as their samples) to ``path``."""
        sent = {key: (source, _sample(values)) for key, (source, values) in self.sent.items()}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".part").write_bytes(pickle.dumps((sent, self.dialect.neo4j)))
        path.with_suffix(".part").rename(path)  # whole, or not there

    def add(self, path: Path) -> None:
        """Add what another process captured and saved to ``path``."""
        sent, neo4j = pickle.loads(path.read_bytes())
        for key, value in sent.items():
            self.sent.setdefault(key, value)
        self.dialect.neo4j.update(neo4j)


RECORDER = Recorder()


def shared_folder(config: pytest.Config) -> Path:
    """Where the test workers of one pytest-xdist run leave what they captured: beside their
    own temporary folders (each worker's ``--basetemp`` is a folder of the run's)."""
    return Path(config.getoption("basetemp")).parent / "cypher-capture"


def gather(folder: Path, workers: set[str], timeout_s: float) -> None:
    """Add what each of ``workers`` saved to ``folder`` as ``{worker}.pickle``, waiting for the
    ones still running their tests."""
    deadline = time.monotonic() + timeout_s
    while missing := {worker for worker in workers if not (folder / f"{worker}.pickle").exists()}:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no statements from the workers {sorted(missing)} in {timeout_s} s")
        time.sleep(0.5)
    for worker in workers:
        RECORDER.add(folder / f"{worker}.pickle")


def install() -> None:
    """Wrap the FalkorDB adapter for the rest of this process (the test session)."""
    if getattr(FalkorDBStore, "recorded", False):
        return

    def recording(method: Callable[..., Any]) -> Callable[..., Any]:
        async def run(
            store: FalkorDBStore, query: str, parameters: Parameters | None = None
        ) -> list[Record]:
            RECORDER.remember(query, parameters, sys._getframe(1))
            result: list[Record] = await method(store, query, parameters)
            return result

        return run

    FalkorDBStore.read = recording(FalkorDBStore.read)  # type: ignore[method-assign]
    FalkorDBStore.write = recording(FalkorDBStore.write)  # type: ignore[method-assign]
    FalkorDBStore.dialect = property(lambda _: RECORDER.dialect)  # type: ignore[assignment,method-assign]
    FalkorDBStore.recorded = True  # type: ignore[attr-defined]


def _source(frame: FrameType | None) -> str | None:
    """The module of the code that sent a statement; ``None`` for a test's own statement or an
    adapter's housekeeping."""
    while frame is not None and frame.f_code.co_name in PASS_THROUGH:
        frame = frame.f_back
    if frame is None:
        return None
    path = Path(frame.f_code.co_filename).resolve()
    if path.is_relative_to(ADAPTERS) or not any(path.is_relative_to(root) for root in CODE):
        return None
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _sample(value: Any) -> Any:
    """A value of the same type and shape (what the linter's type checks need), the same for
    every call: lists cut to their first item, each scalar a fixed one of its type."""
    if isinstance(value, Mapping):
        return {key: _sample(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_sample(item) for item in value[:1]]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return type(value)(0)
    return ""
