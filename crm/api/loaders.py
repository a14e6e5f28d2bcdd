"""Per-request batching: every parent of one level asks at once, in one statement.

Loaders live in the request's context and die with it, so nothing is cached across requests.
"""

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from crm.domain import Label
from crm.graph.store import GraphStore, Record
from crm.queries.impact import Impact, project_impacts
from crm.queries.merged import MERGEABLE, kept_ids
from crm.queries.nodes import nodes_by_id
from crm.queries.ties import Step, Walk, count_neighbours, neighbours


class Loaders:
    """Loaders made on first use, one per kind of question."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._nodes: dict[Label, DataLoader[str, Record | None]] = {}
        self._walks: dict[tuple[Walk, int, tuple[str, str] | None], DataLoader[str, list[Step]]]
        self._walks = {}
        self._counts: dict[Walk, DataLoader[str, int]] = {}
        self._batches: dict[Hashable, DataLoader[str, Any]] = {}
        self.impact = DataLoader(load_fn=self._impacts)
        """Project id -> its impact."""

    def node(self, label: Label) -> DataLoader[str, Record | None]:
        """Record id -> the node's properties, or ``None`` when there is no such node. The id
        of a record merged into another gives the kept one."""
        if label not in self._nodes:

            async def load(ids: Sequence[str]) -> list[Record | None]:
                found = await nodes_by_id(self._store, label, ids)
                missing = [record_id for record_id in ids if record_id not in found]
                if missing and label in MERGEABLE:
                    kept = await kept_ids(self._store, label, missing)
                    stored = await nodes_by_id(self._store, label, list(set(kept.values())))
                    found |= {merged: stored[to] for merged, to in kept.items() if to in stored}
                return [found.get(record_id) for record_id in ids]

            self._nodes[label] = DataLoader(load_fn=load)
        return self._nodes[label]

    def walk(
        self, walk: Walk, first: int, after: tuple[str, str] | None
    ) -> DataLoader[str, list[Step]]:
        """Parent id -> up to ``first + 1`` neighbours after the cursor."""
        key = (walk, first, after)
        if key not in self._walks:

            async def load(ids: Sequence[str]) -> list[list[Step]]:
                found = await neighbours(self._store, walk, ids, first=first, after=after)
                return [found[parent] for parent in ids]

            self._walks[key] = DataLoader(load_fn=load)
        return self._walks[key]

    def count(self, walk: Walk) -> DataLoader[str, int]:
        """Parent id -> how many neighbours the walk reaches."""
        if walk not in self._counts:

            async def load(ids: Sequence[str]) -> list[int]:
                counts = await count_neighbours(self._store, walk, ids)
                return [counts[parent] for parent in ids]

            self._counts[walk] = DataLoader(load_fn=load)
        return self._counts[walk]

    def batch(
        self, key: Hashable, load: Callable[[Sequence[str]], Awaitable[list[Any]]]
    ) -> DataLoader[str, Any]:
        """Record id -> what ``load`` answers for it; one loader per ``key`` (the question and
        its arguments), so every parent asking the same question is answered at once."""
        if key not in self._batches:
            self._batches[key] = DataLoader(load_fn=load)
        return self._batches[key]

    async def _impacts(self, ids: Sequence[str]) -> list[Impact]:
        impacts = await project_impacts(self._store, list(ids))
        return [impacts[project] for project in ids]
