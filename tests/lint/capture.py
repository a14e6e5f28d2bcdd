"""Every statement the code sends through a store during the tests, as Neo4j would receive it.

``install`` wraps the FalkorDB adapter (which every test store is) so that each ``read`` and
``write`` is remembered with its parameters and the module that sent it. The store's dialect is
a recording proxy over FalkorDB's: every fragment it hands out is remembered together with the
Neo4j rendering of the same call, so a captured statement can be rewritten into exactly what the
Neo4j adapter sends. Statements that tests write themselves, and the FalkorDB adapter's own
housekeeping (its index and constraint listings), are not captured: only the code's.
"""

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from crm.graph.dialect import FALKORDB, NEO4J
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
    """FALKORDB's renderings, remembering NEO4J's rendering of every fragment handed out."""

    def __init__(self) -> None:
        self.neo4j: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        falkordb = getattr(FALKORDB, name)
        if not callable(falkordb):
            return falkordb

        def render(*args: Any, **kwargs: Any) -> Any:
            fragment = falkordb(*args, **kwargs)
            counterpart = getattr(NEO4J, name, None)
            if isinstance(fragment, str) and counterpart is not None:
                # TypeError: an adapter-only helper whose signature differs between the engines
                with suppress(TypeError):
                    self.neo4j[fragment] = counterpart(*args, **kwargs)
            return fragment

        return render

    def rewrite(self, query: str) -> str:
        """``query`` with every FalkorDB fragment in it replaced by its Neo4j rendering."""
        for fragment in sorted(self.neo4j, key=len, reverse=True):
            if fragment != self.neo4j[fragment]:
                query = query.replace(fragment, self.neo4j[fragment])
        return query


class Recorder:
    """What the code sent during this session, with the dialect that rewrites it."""

    def __init__(self) -> None:
        self.dialect = RecordingDialect()
        self.sent: dict[tuple[str, tuple[str, ...]], tuple[str, Parameters]] = {}

    def statements(self) -> Iterator[Statement]:
        for (query, _), (source, parameters) in self.sent.items():
            yield Statement(self.dialect.rewrite(query), _sample(parameters), source)

    def remember(self, query: str, parameters: Parameters | None, caller: FrameType | None) -> None:
        source = _source(caller)
        if source is not None:
            key = (query, tuple(sorted(parameters or {})))
            self.sent.setdefault(key, (source, dict(parameters or {})))


RECORDER = Recorder()


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
