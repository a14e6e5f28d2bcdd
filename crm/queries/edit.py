"""Changing single records and ties, each change one atomic statement that logs itself
(``crm.queries.changes``).

Callers validate the whole record with the domain model first; these statements only write.
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.domain.global_ids import global_id
from crm.graph.cypher import render
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged

_PATCH_NODE: LiteralString = (
    "MATCH (n:%label% {id: $id}) SET n += $changes, n.updatedAt = $now "
    + logged("n")
    + "RETURN properties(n) AS n"
)
_DELETE_NODE: LiteralString = (
    "MATCH (n:%label% {id: $id}) OPTIONAL MATCH (n)-[r]-() WITH n, count(r) AS ties "
    "DETACH DELETE n " + logged("ties") + "RETURN ties"
)

_PAIR: LiteralString = "MATCH (a:%from% {id: $from})-[r:%type%]->(b:%to% {id: $to}) "
_KEYED: LiteralString = "MATCH (a)-[r:%type% {id: $id}]->(b) "
_READ_TIE: LiteralString = "RETURN properties(r) AS r, a.id AS from, b.id AS to"
_PATCH_TIE: LiteralString = "SET r += $changes, r.updatedAt = $now " + logged("a, b, r") + _READ_TIE
_DELETE_TIE: LiteralString = (
    "DELETE r WITH count(*) AS deleted "
    + logged("deleted", ids="CASE WHEN deleted > 0 THEN $change.ids ELSE [] END")
    + "RETURN deleted"
)


@dataclass(frozen=True)
class End:
    """One end of a tie: a node's label and id."""

    label: Label
    id: str


@dataclass(frozen=True)
class TieRef:
    """Which tie: a keyed tie by its own id; any other by its type and two ends."""

    rel_type: RelType
    source: End | None = None
    target: End | None = None
    id: str | None = None

    def _statement(self, tail: LiteralString) -> tuple[LiteralString, dict[str, Any]]:
        if RELATIONSHIPS[self.rel_type].keyed:
            return render(_KEYED + tail, type=self.rel_type), {"id": self.id}
        if self.source is None or self.target is None:
            raise ValueError(f"a {self.rel_type} tie is identified by its two ends")
        slots: dict[str, Label | RelType] = {
            "type": self.rel_type,
            "from": self.source.label,
            "to": self.target.label,
        }
        return render(_PAIR + tail, **slots), {"from": self.source.id, "to": self.target.id}


async def patch_node(
    store: GraphStore, label: Label, record_id: str, changes: Record, change: Change
) -> Record | None:
    """Set ``changes`` (``None`` removes a property); the stored node after, or ``None`` if it
    does not exist."""
    rows = await store.write(
        render(_PATCH_NODE, label=label),
        {"id": record_id, "changes": changes, "now": change.at}
        | change.parameters([global_id(label, record_id)], changes),
    )
    return rows[0]["n"] if rows else None


async def delete_node(
    store: GraphStore, label: Label, record_id: str, change: Change
) -> int | None:
    """Delete the node and its ties; how many ties went with it, or ``None`` if there was none."""
    rows = await store.write(
        render(_DELETE_NODE, label=label),
        {"id": record_id} | change.parameters([global_id(label, record_id)]),
    )
    return int(rows[0]["ties"]) if rows else None


async def read_tie(store: GraphStore, tie: TieRef) -> Record | None:
    """``{"r": properties, "from": id, "to": id}``, or ``None`` if there is no such tie."""
    statement, parameters = tie._statement(_READ_TIE)
    rows = await store.read(statement, parameters)
    return rows[0] if rows else None


async def patch_tie(
    store: GraphStore, tie: TieRef, changes: Record, change: Change, ids: list[str]
) -> Record | None:
    """Set ``changes`` on the tie; ``ids``: how the log names it."""
    statement, parameters = tie._statement(_PATCH_TIE)
    rows = await store.write(
        statement,
        parameters | {"changes": changes, "now": change.at} | change.parameters(ids, changes),
    )
    return rows[0] if rows else None


async def delete_tie(store: GraphStore, tie: TieRef, change: Change, ids: list[str]) -> int:
    """Delete the tie; how many were deleted (0 when there was none); ``ids``: how the log
    names it."""
    statement, parameters = tie._statement(_DELETE_TIE)
    rows = await store.write(statement, parameters | change.parameters(ids))
    return int(rows[0]["deleted"]) if rows else 0
