"""Upgrading a graph written by an earlier version to the current schema version
(``crm.graph.schema_version``), as ``crm migrate`` and ``crm demo`` run it.

From version 1 (before versions were recorded): duplicate ties are merged
(``crm.queries.repair``), the constraints they kept away are created, and every record is
written back through the loader from an export of the graph, which stores what each write stores
since (the search keys, the natural keys) and leaves the rest as it was (an unchanged record is
not written; timestamps come from the export). From version 2: the change log's entries, nodes
until then, become ties on its counter (``crm.queries.changes``). The version is recorded last,
so a migration cut short is run again from the start (every step is idempotent).
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from crm.domain import RelType
from crm.errors import InvalidInput
from crm.graph.schema import load_schema
from crm.graph.schema_version import CURRENT, graph_version, record_version, require_current
from crm.graph.store import GraphStore
from crm.queries.changes import move_entry_nodes
from crm.queries.repair import merge_all_duplicate_ties
from graph_loader.export import export_graph, write_document
from graph_loader.load import load
from graph_loader.writer import Summary


@dataclass(frozen=True)
class Migration:
    """What a migration did: the versions before and after, the duplicate ties merged (groups
    and ties removed, by type), what writing the records back changed, and the change log's
    entries turned into ties."""

    before: int
    after: int
    merged: dict[RelType, tuple[int, int]] = field(default_factory=dict)
    rewritten: Summary | None = None
    moved_entries: int = 0

    @property
    def done(self) -> bool:
        return self.before != self.after


async def migrate(store: GraphStore, batch_size: int) -> Migration:
    """Upgrade the graph to ``CURRENT``; nothing to do when it has that version already.
    ``InvalidInput`` when the stored records do not load back (the problems are named)."""
    before = await graph_version(store)
    if before > CURRENT:
        await require_current(store)  # refuses it, saying so
    if before == CURRENT:
        return Migration(before, before)
    merged = await merge_all_duplicate_ties(store) if before < 2 else {}
    await store.ensure_schema(load_schema())
    moved = await move_entry_nodes(store, batch_size)
    rewritten = await _rewrite_records(store, batch_size) if before < 2 else None
    await record_version(store, CURRENT)
    return Migration(before, CURRENT, merged, rewritten, moved)


async def _rewrite_records(store: GraphStore, batch_size: int) -> Summary:
    """Write every record back through the loader from an export of the graph."""
    with tempfile.TemporaryDirectory(prefix="crm-migrate-") as folder:
        path = Path(folder) / "graph.json"
        write_document(await export_graph(store, batch_size), path)
        report = await load([path], store, batch_size=batch_size)
    if report.summary is None:
        problems = "; ".join(str(problem) for problem in report.problems[:5])
        raise InvalidInput(f"the stored records do not load back as they are: {problems}")
    return report.summary
