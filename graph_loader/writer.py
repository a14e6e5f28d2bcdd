"""Write a validated plan: nodes first, then relationships, one ``UNWIND`` statement per batch.

Each batch is one atomic statement: a load that is interrupted leaves whole batches behind, never
half of one, and running it again completes it without duplicates. A label or type the graph
holds nothing of when its first batch is written gets the bulk path (no comparison with stored
data: validation has proven the rows' ids unique; a tie that another writer wrote meanwhile is
still found, in the statement that would write it, and upserted instead of written twice); any
other gets upserts, so a re-run after an interruption finds the label written so far and
upserts it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from crm.domain import Label, RelType
from crm.domain.values import format_timestamp
from crm.graph.store import GraphStore
from crm.queries.changes import LOADER, Change
from crm.queries.lookup import holds_label, holds_type
from crm.queries.upsert import (
    Outcome,
    create_nodes,
    create_relationships,
    upsert_nodes,
    upsert_relationships,
)
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
    store: GraphStore,
    plan: Plan,
    batch_size: int,
    progress: Progress | None = None,
    operation: str = "load",
) -> Summary:
    """Write every row of ``plan``; ``progress`` hears of each batch when it is written. Each
    batch logs itself as ``operation`` by ``loader`` (``crm.queries.changes``)."""
    change = Change(operation, LOADER, format_timestamp(datetime.now(UTC)))
    summary = Summary()
    if progress:
        progress.start(plan.rows)
    fresh: dict[Label | RelType, bool] = {}
    for label, rows in plan.node_batches(batch_size):
        if label not in fresh:
            fresh[label] = not await holds_label(store, label)
        write_nodes = create_nodes if fresh[label] else upsert_nodes
        outcome = await write_nodes(store, label, rows=rows, change=change)
        summary.nodes[label] = summary.nodes.get(label, Outcome()) + outcome
        if progress:
            progress.advance(label, len(rows))
    for (rel_type, source, target), rows in plan.link_batches(batch_size):
        if rel_type not in fresh:
            fresh[rel_type] = not await holds_type(store, rel_type)
        write_links = create_relationships if fresh[rel_type] else upsert_relationships
        outcome = await write_links(store, rel_type, source, target, rows=rows, change=change)
        summary.relationships[rel_type] = summary.relationships.get(rel_type, Outcome()) + outcome
        if progress:
            progress.advance(rel_type, len(rows))
    return summary
