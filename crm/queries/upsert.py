"""Idempotent upserts of nodes and relationships, a batch per statement.

Each row is compared with what the graph holds before it is written, in the same statement, so
the counts are exact and a row equal to the stored one is not written at all (its ``updatedAt``
stays). ``createdAt`` and ``updatedAt`` come from the row when it carries them (an export being
restored), else from the statement's ``$now``.

Into a label (or relationship type) the graph holds nothing of yet, rows whose ids are known to
be unique are created without comparing anything: the bulk path of a first import, several times
faster, with the same counts (every row is created).

A relationship is one per id (``INTERACTED``) or one per pair of ends (every other type), on
every path: each statement looks for the tie it would write in the same statement that writes
it, and writes it by ``MERGE``. FalkorDB runs write statements one at a time, so no other writer
comes in between; on Neo4j, ``MERGE`` between two bound nodes locks both before it creates, and
a uniqueness constraint (``schema/graph.yaml``) refuses a second tie with the id between other
ends. A row whose id is held by a tie between other ends is not written: the ends of a keyed
tie never change.
"""

from dataclasses import dataclass, replace
from typing import Any, LiteralString

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.domain.global_ids import global_id, tie_ids
from crm.graph.cypher import render
from crm.graph.store import GraphStore
from crm.queries.changes import Change, flattened, logged, unwound
from crm.queries.lookup import keyed_relationship_ends

# Shared tail: `diff` names the properties of `row.props` that differ from the stored element's
# (all of them for a new one; a property set to null in the row is removed), `changed` is true
# for a new element or one with a difference; only then are the properties written. The batch
# logs one entry naming what it changed (``crm.queries.changes``).
_COMPARE_AND_SET: LiteralString = """
WITH *, CASE WHEN created THEN [key IN keys(row.props) WHERE row.props[key] IS NOT NULL]
     ELSE [key IN keys(row.props) WHERE NOT coalesce(
         old[key] = row.props[key], old[key] IS NULL AND row.props[key] IS NULL)] END AS diff
WITH *, created OR size(diff) > 0 AS changed
"""
_SET_IF_CHANGED: LiteralString = (
    """
ON CREATE SET e.createdAt = coalesce(row.createdAt, $now)
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
    SET e += row.props, e.updatedAt = coalesce(row.updatedAt, $now))
WITH sum(CASE WHEN created THEN 1 ELSE 0 END) AS created,
     sum(CASE WHEN changed AND NOT created THEN 1 ELSE 0 END) AS updated,
     count(*) AS written,
     collect(CASE WHEN changed THEN row.changeIds END) AS changedIds,
     collect(CASE WHEN changed THEN diff END) AS changedFields
"""
    + unwound("created, updated, written, changedFields", "changedIds", "ids")
    + logged("created, updated, written", ids="ids", fields=flattened("changedFields"))
    + "RETURN created, updated, written"
)

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
# A row whose id a tie between other ends holds is left out (and counted by ``_conflicts``).
_UPSERT_KEYED: LiteralString = (
    _MATCH_ENDS
    + """
OPTIONAL MATCH ()-[old:%type% {id: row.props.id}]->()
WITH a, b, row, old WHERE old IS NULL OR (startNode(old) = a AND endNode(old) = b)
WITH a, b, row, old, old IS NULL AS created
"""
    + _COMPARE_AND_SET
    + "MERGE (a)-[e:%type% {id: row.props.id}]->(b)"
    + _SET_IF_CHANGED
)

# MERGE on the indexed id rather than CREATE, though no id is there yet: the engine then creates
# the nodes in the same internal order as an upsert does, and the answers of graph algorithms
# that depend on that order (label propagation) stay what they were.
_CREATE_NODES: LiteralString = (
    "UNWIND $rows AS row MERGE (e:%label% {id: row.id}) SET e = row WITH count(*) AS created "
    + logged("created", ids="CASE WHEN created > 0 THEN $change.ids ELSE [] END")
    + "RETURN created"
)


def _create_ties(find: LiteralString, tie: LiteralString) -> LiteralString:
    """The bulk path of ties: each row's tie is looked for by ``find`` (binding ``old``) and,
    when none is there, written by ``MERGE`` of ``tie``. A row whose tie another writer has
    written since the type was found empty is left alone here: its number ``row.n`` comes back
    in ``taken``, for the upsert to compare and count."""
    return (
        _MATCH_ENDS
        + find
        + " FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END | MERGE "
        + tie
        + """ ON CREATE SET e = row.props)
WITH count(DISTINCT row.n) AS found,
     collect(DISTINCT CASE WHEN old IS NULL THEN null ELSE row.n END) AS taken,
     collect(CASE WHEN old IS NULL THEN row.changeIds END) AS changedIds
"""
        + unwound("found, taken", "changedIds", "ids")
        + logged("found, taken", ids="ids")
        + "RETURN found, taken"
    )


_CREATE_PAIRS = _create_ties("OPTIONAL MATCH (a)-[old:%type%]->(b)", "(a)-[e:%type%]->(b)")
_CREATE_KEYED = _create_ties(
    "OPTIONAL MATCH ()-[old:%type% {id: row.props.id}]->()",
    "(a)-[e:%type% {id: row.props.id}]->(b)",
)


@dataclass(frozen=True)
class Outcome:
    """What one batch did: rows created, updated, left unchanged, and rows not written at all:
    a relationship whose end no longer exists (``missing``), or whose id a tie between other ends
    holds (``conflicts``: written by another writer since the input was validated)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    conflicts: int = 0

    def __add__(self, other: "Outcome") -> "Outcome":
        return Outcome(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.missing + other.missing,
            self.conflicts + other.conflicts,
        )


def upsert_nodes_statement(label: Label) -> LiteralString:
    return render(_UPSERT_NODES, label=label)


def upsert_relationships_statement(
    rel_type: RelType, source: Label, target: Label
) -> LiteralString:
    template = _UPSERT_KEYED if RELATIONSHIPS[rel_type].keyed else _UPSERT_PAIR
    return render(template, type=rel_type, **{"from": source, "to": target})


async def upsert_nodes(
    store: GraphStore, label: Label, *, rows: list[dict[str, Any]], change: Change
) -> Outcome:
    """Rows: ``{"id", "props", "createdAt", "updatedAt"}``."""
    sent = [row | {"changeIds": [global_id(label, row["id"])]} for row in rows]
    parameters = {"rows": sent, "now": change.at} | change.parameters()
    return _outcome(await store.write(upsert_nodes_statement(label), parameters), len(rows))


async def upsert_relationships(
    store: GraphStore,
    rel_type: RelType,
    source: Label,
    target: Label,
    *,
    rows: list[dict[str, Any]],
    change: Change,
) -> Outcome:
    """Rows: ``{"from", "to", "props", "createdAt", "updatedAt"}``."""
    statement = upsert_relationships_statement(rel_type, source, target)
    sent = [row | {"changeIds": _tie_ids(rel_type, source, target, row)} for row in rows]
    parameters = {"rows": sent, "now": change.at} | change.parameters()
    outcome = _outcome(await store.write(statement, parameters), len(rows))
    if outcome.missing and RELATIONSHIPS[rel_type].keyed:
        conflicts = await _conflicts(store, rel_type, rows)
        outcome = replace(outcome, missing=outcome.missing - conflicts, conflicts=conflicts)
    return outcome


async def _conflicts(store: GraphStore, rel_type: RelType, rows: list[dict[str, Any]]) -> int:
    """How many of ``rows`` name an id that a tie between other ends holds (asked after the
    write, only when some rows were not written)."""
    stored = await keyed_relationship_ends(store, rel_type, [row["props"]["id"] for row in rows])
    return sum(
        1
        for row in rows
        if stored.get(row["props"]["id"], (row["from"], row["to"])) != (row["from"], row["to"])
    )


def _outcome(records: list[dict[str, Any]], sent: int) -> Outcome:
    counts = records[0] if records else {}
    # Engines may sum to a float (FalkorDB) or to null over no rows.
    created, updated, written = (
        int(counts.get(key) or 0) for key in ("created", "updated", "written")
    )
    return Outcome(created, updated, written - created - updated, sent - written)


async def create_nodes(
    store: GraphStore, label: Label, *, rows: list[dict[str, Any]], change: Change
) -> Outcome:
    """Create a node per row, no questions asked: only for a label the graph holds none of yet,
    with rows of distinct ids. Rows as for ``upsert_nodes``."""
    statement = render(_CREATE_NODES, label=label)
    sent = [_stamped(row, change.at) for row in rows]
    logged_as = change.parameters(
        [global_id(label, row["id"]) for row in rows], {key for row in sent for key in row}
    )
    created = _created(await store.write(statement, {"rows": sent} | logged_as))
    return Outcome(created=created, missing=len(rows) - created)


async def create_relationships(
    store: GraphStore,
    rel_type: RelType,
    source: Label,
    target: Label,
    *,
    rows: list[dict[str, Any]],
    change: Change,
) -> Outcome:
    """Create a relationship per row: meant for a type the graph held none of when the load
    began, with rows of distinct pairs of ends (or ids, for a keyed type). A tie that another
    writer has written meanwhile is not written twice: its row is upserted instead. Rows as for
    ``upsert_relationships``."""
    template = _CREATE_KEYED if RELATIONSHIPS[rel_type].keyed else _CREATE_PAIRS
    statement = render(template, type=rel_type, **{"from": source, "to": target})
    sent = [
        {
            "n": n,
            "from": row["from"],
            "to": row["to"],
            "props": _stamped(row, change.at),
            "changeIds": _tie_ids(rel_type, source, target, row),
        }
        for n, row in enumerate(rows)
    ]
    fields = {key for row in sent for key in row["props"]}
    records = await store.write(statement, {"rows": sent} | change.parameters((), fields))
    found, taken = (int(records[0]["found"]), records[0]["taken"]) if records else (0, [])
    outcome = Outcome(created=found - len(taken), missing=len(rows) - found)
    if taken:
        again = [rows[n] for n in taken]
        outcome += await upsert_relationships(
            store, rel_type, source, target, rows=again, change=change
        )
    return outcome


def _tie_ids(rel_type: RelType, source: Label, target: Label, row: dict[str, Any]) -> list[str]:
    key = row["props"].get("id") if RELATIONSHIPS[rel_type].keyed else None
    return tie_ids((source, row["from"]), (target, row["to"]), rel_type, key)


def _stamped(row: dict[str, Any], now: str) -> dict[str, Any]:
    """The row's properties without absent ones, and its timestamps."""
    properties = {key: value for key, value in row["props"].items() if value is not None}
    properties["createdAt"] = row["createdAt"] or now
    properties["updatedAt"] = row["updatedAt"] or now
    return properties


def _created(records: list[dict[str, Any]]) -> int:
    return int(records[0]["created"]) if records else 0
