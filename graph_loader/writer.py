"""Write a validated plan: nodes first, then relationships, one ``UNWIND`` statement per batch.

Each batch is one atomic statement: a load that is interrupted leaves whole batches behind, never
half of one, and running it again completes it without duplicates (every write is an upsert).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import batched
from typing import Any, Protocol

from crm.domain import Label, RelType
from crm.domain.values import format_timestamp
from crm.graph.store import GraphStore
from crm.queries.upsert import Outcome, upsert_nodes, upsert_relationships
from graph_loader.validate import Plan


class Progress(Protocol):
    """Hears how many rows there are to write, then of every batch written."""

    def start(self, total: int) -> None: ...

    def advance(self, name: str, rows: int) -> None: ...


@dataclass
class Summary:
    """What a load did, by label and by relationship type."""

    nodes: dict[Label, Outcome] = field(default_factory=dict)
    relationships: dict[RelType, Outcome] = field(default_factory=dict)

    @property
    def node_total(self) -> Outcome:
        return sum(self.nodes.values(), Outcome())

    @property
    def relationship_total(self) -> Outcome:
        return sum(self.relationships.values(), Outcome())


async def write_plan(
    store: GraphStore, plan: Plan, batch_size: int, progress: Progress | None = None
) -> Summary:
    """Upsert every row of ``plan``; ``progress`` hears of each batch when it is written."""
    now = format_timestamp(datetime.now(UTC))
    summary = Summary()
    if progress:
        progress.start(plan.rows)
    for label, rows in plan.nodes.items():
        for batch in _batches(rows, batch_size):
            outcome = await upsert_nodes(store, label, rows=batch, now=now)
            summary.nodes[label] = summary.nodes.get(label, Outcome()) + outcome
            if progress:
                progress.advance(label, len(batch))
    for (rel_type, source, target), rows in plan.links.items():
        for batch in _batches(rows, batch_size):
            outcome = await upsert_relationships(
                store, rel_type, source, target, rows=batch, now=now
            )
            summary.relationships[rel_type] = (
                summary.relationships.get(rel_type, Outcome()) + outcome
            )
            if progress:
                progress.advance(rel_type, len(batch))
    return summary


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    return (list(batch) for batch in batched(rows, size))
