"""Idempotent upserts of nodes and relationships, a batch per statement.

Each row is compared with what the graph holds before it is written, in the same statement, so
the counts are exact and a row equal to the stored one is not written at all (its ``updatedAt``
stays). ``createdAt`` and ``updatedAt`` come from the row when it carries them (an export being
restored), else from the statement's ``$now``.

Into a label (or relationship type) the graph holds nothing of yet, rows whose ids are known to
be unique are created without comparing anything: the bulk path of a first import, several times
faster, with the same counts (every row is created).
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore

# Shared tail: `changed` is true for a new element or one whose properties differ from `row.props`
# (a property set to null in the row is removed); only then are the properties written.
_COMPARE_AND_SET: LiteralString = """
WITH *,
     created OR any(key IN keys(row.props) WHERE NOT coalesce(
         old[key] = row.props[key], old[key] IS NULL AND row.props[key] IS NULL)) AS changed
"""
_SET_IF_CHANGED: LiteralString = """
ON CREATE SET e.createdAt = coalesce(row.createdAt, $now)
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
    SET e += row.props, e.updatedAt = coalesce(row.updatedAt, $now))
RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated,
       count(*) AS written
"""

_UPSERT_NODES: LiteralString = (
    """
UNWIND $rows AS row
OPTIONAL MATCH (old:%label% {id: row.id})
WITH row, old, old IS NULL AS created
"""
    + _COMPARE_AND_SET
    + "MERGE (e:%label% {id: row.id})"
    + _SET_IF_CHANGED
)

_MATCH_ENDS: LiteralString = """
UNWIND $rows AS row
MATCH (a:%from% {id: row.from})
MATCH (b:%to% {id: row.to})
"""
_UPSERT_PAIR: LiteralString = (
    _MATCH_ENDS
    + """
OPTIONAL MATCH (a)-[old:%type%]->(b)
WITH a, b, row, old, old IS NULL AS created
"""
    + _COMPARE_AND_SET
    + "MERGE (a)-[e:%type%]->(b)"
    + _SET_IF_CHANGED
)
_UPSERT_KEYED: LiteralString = (
    _MATCH_ENDS
    + """
OPTIONAL MATCH (a)-[old:%type% {id: row.props.id}]->(b)
WITH a, b, row, old, old IS NULL AS created
"""
    + _COMPARE_AND_SET
    + "MERGE (a)-[e:%type% {id: row.props.id}]->(b)"
    + _SET_IF_CHANGED
)

# MERGE on the indexed id rather than CREATE, though no id is there yet: the engine then creates
# the nodes in the same internal order as an upsert does, and the answers of graph algorithms
# that depend on that order (label propagation) stay what they were.
_CREATE_NODES: LiteralString = """
UNWIND $rows AS row
MERGE (e:%label% {id: row.id})
SET e = row
RETURN count(*) AS created
"""
_CREATE_RELATIONSHIPS: LiteralString = (
    _MATCH_ENDS
    + """
CREATE (a)-[e:%type%]->(b)
SET e = row.props
RETURN count(*) AS created
"""
)


@dataclass(frozen=True)
class Outcome:
    """What one batch did: rows created, updated, left unchanged, and rows not written at all
    (a relationship whose end no longer exists)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0

    def __add__(self, other: "Outcome") -> "Outcome":
        return Outcome(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.missing + other.missing,
        )


def upsert_nodes_statement(label: Label) -> LiteralString:
    return render(_UPSERT_NODES, label=label)


def upsert_relationships_statement(
    rel_type: RelType, source: Label, target: Label
) -> LiteralString:
    template = _UPSERT_KEYED if RELATIONSHIPS[rel_type].keyed else _UPSERT_PAIR
    return render(template, type=rel_type, **{"from": source, "to": target})


async def upsert_nodes(
    store: GraphStore, label: Label, *, rows: list[dict[str, Any]], now: str
) -> Outcome:
    """Rows: ``{"id", "props", "createdAt", "updatedAt"}``."""
    return _outcome(
        await store.write(upsert_nodes_statement(label), {"rows": rows, "now": now}), len(rows)
    )


async def upsert_relationships(
    store: GraphStore,
    rel_type: RelType,
    source: Label,
    target: Label,
    *,
    rows: list[dict[str, Any]],
    now: str,
) -> Outcome:
    """Rows: ``{"from", "to", "props", "createdAt", "updatedAt"}``."""
    statement = upsert_relationships_statement(rel_type, source, target)
    return _outcome(await store.write(statement, {"rows": rows, "now": now}), len(rows))


def _outcome(records: list[dict[str, Any]], sent: int) -> Outcome:
    counts = records[0] if records else {}
    # Engines may sum to a float (FalkorDB) or to null over no rows.
    created, updated, written = (
        int(counts.get(key) or 0) for key in ("created", "updated", "written")
    )
    return Outcome(created, updated, written - created - updated, sent - written)


async def create_nodes(
    store: GraphStore, label: Label, *, rows: list[dict[str, Any]], now: str
) -> Outcome:
    """Create a node per row, no questions asked: only for a label the graph holds none of yet,
    with rows of distinct ids. Rows as for ``upsert_nodes``."""
    statement = render(_CREATE_NODES, label=label)
    created = _created(await store.write(statement, {"rows": [_stamped(row, now) for row in rows]}))
    return Outcome(created=created, missing=len(rows) - created)


async def create_relationships(
    store: GraphStore,
    rel_type: RelType,
    source: Label,
    target: Label,
    *,
    rows: list[dict[str, Any]],
    now: str,
) -> Outcome:
    """Create a relationship per row: only for a type the graph holds none of yet, with rows of
    distinct pairs of ends (or ids, for a keyed type). Rows as for ``upsert_relationships``."""
    statement = render(_CREATE_RELATIONSHIPS, type=rel_type, **{"from": source, "to": target})
    sent = [{"from": row["from"], "to": row["to"], "props": _stamped(row, now)} for row in rows]
    created = _created(await store.write(statement, {"rows": sent}))
    return Outcome(created=created, missing=len(rows) - created)


def _stamped(row: dict[str, Any], now: str) -> dict[str, Any]:
    """The row's properties without absent ones, and its timestamps."""
    properties = {key: value for key, value in row["props"].items() if value is not None}
    properties["createdAt"] = row["createdAt"] or now
    properties["updatedAt"] = row["updatedAt"] or now
    return properties


def _created(records: list[dict[str, Any]]) -> int:
    return int(records[0]["created"]) if records else 0
