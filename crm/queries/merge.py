"""Merging duplicates into one record, in one statement.

Every tie of the duplicates moves to the kept record. Ties of a type that joins a pair of records
once (a job, a membership) collapse when the kept record has one to the same other end, or when
two duplicates had one: the kept tie keeps its properties and the earliest ``since`` of them all.
Interactions are each their own tie, so every one moves. Ties between the records being merged
would join the kept record to itself: they go. Then the duplicates are deleted, their ids are
added to the kept record's ``mergedIds`` (so that they still resolve: ``crm.queries.merged``)
and the kept record's empty fields are filled (the caller works out with what).
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain import RELATIONSHIPS, Label
from crm.domain.global_ids import global_id
from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged
from crm.queries.merged import MERGED_IDS


def _other_end(label: Label, others: tuple[Label, ...]) -> LiteralString:
    """Ties between the merged records themselves are left to be deleted with the duplicates:
    the condition that leaves them out (none where the other end cannot be of ``label``)."""
    if label not in others:
        return ""
    if others == (label,):
        return "WHERE NOT o.id IN $ids "
    return "WHERE NOT (o:%label% AND o.id IN $ids) "


_EARLIEST: LiteralString = (
    "reduce(m = null, s IN [x IN rs | x.since] + [old.since] | "
    "CASE WHEN s IS NULL THEN m WHEN m IS NULL OR s < m THEN s ELSE m END)"
)


def _pairs(outgoing: bool, has_since: bool, other_end: LiteralString) -> LiteralString:
    """Move the ties of one pair type in one direction; one row (a count) comes out."""
    match: LiteralString = (
        "UNWIND ds AS d MATCH (d)-[r:%type%]->(o) "
        if outgoing
        else "UNWIND ds AS d MATCH (o)-[r:%type%]->(d) "
    )
    merge: LiteralString = (
        "MERGE (k)-[e:%type%]->(o) " if outgoing else "MERGE (o)-[e:%type%]->(k) "
    )
    existing: LiteralString = (
        "OPTIONAL MATCH (k)-[old:%type%]->(o) "
        if outgoing
        else "OPTIONAL MATCH (o)-[old:%type%]->(k) "
    )
    since: LiteralString = "SET e.since = " + _EARLIEST + " " if has_since else ""
    return (
        match
        + other_end
        + "WITH k, o, collect(r) AS rs "
        + existing
        + "WITH k, o, rs, old "
        + merge
        + "ON CREATE SET e = properties(head(rs)) "
        + since
        + "SET e.updatedAt = $now "
        + "RETURN count(*) AS n } WITH k, ds, moved + n AS moved "
    )


def _keyed(outgoing: bool, other_end: LiteralString) -> LiteralString:
    """Move every tie of a keyed type (interactions) in one direction. Each is deleted before its
    copy is made: its id is unique (a constraint), so the two may not exist at once."""
    match: LiteralString = (
        "UNWIND ds AS d MATCH (d)-[r:%type%]->(o) "
        if outgoing
        else "UNWIND ds AS d MATCH (o)-[r:%type%]->(d) "
    )
    create: LiteralString = (
        "CREATE (k)-[e:%type%]->(o) " if outgoing else "CREATE (o)-[e:%type%]->(k) "
    )
    return (
        match
        + other_end
        + "WITH k, o, r, properties(r) AS kept DELETE r "
        + create
        + "SET e = kept, e.updatedAt = $now "
        "RETURN count(*) AS n } WITH k, ds, moved + n AS moved "
    )


def merge_statement(label: Label, dialect: Dialect) -> LiteralString:
    subquery = dialect.subquery("k, ds")
    statement: LiteralString = render(
        "MATCH (k:%label% {id: $keep}) "
        "UNWIND $duplicates AS did MATCH (d:%label% {id: did}) "
        "WITH k, collect(d) AS ds WHERE size(ds) = size($duplicates) "
        "WITH k, ds, 0 AS moved ",
        label=label,
    )
    for rel_type, spec in RELATIONSHIPS.items():
        for outgoing, ends, others in (
            (True, spec.sources, spec.targets),
            (False, spec.targets, spec.sources),
        ):
            if label not in ends:
                continue
            other_end = _other_end(label, others)
            if spec.keyed:
                part = _keyed(outgoing, other_end)
            else:
                has_since = "since" in spec.properties.model_fields
                part = _pairs(outgoing, has_since, other_end)
            statement += subquery + render(part, type=rel_type, label=label)
    return (
        statement + "UNWIND ds AS d DETACH DELETE d "
        "WITH k, moved, count(*) AS deleted "
        "SET k += $fill, k." + MERGED_IDS + " = coalesce(k." + MERGED_IDS + ", []) + $merged, "
        "k.updatedAt = $now "
        + logged("k, moved, deleted")
        + "RETURN properties(k) AS k, moved, deleted"
    )


@dataclass(frozen=True)
class Merged:
    """The kept record after a merge, and how many ties moved to it."""

    kept: Record
    moved: int


async def merge_records(
    store: GraphStore,
    label: Label,
    keep: str,
    duplicates: list[str],
    *,
    fill: dict[str, Any],
    merged_ids: list[str],
    change: Change,
) -> Merged | None:
    """Merge ``duplicates`` into ``keep``; ``None`` (nothing written) when any of them is gone."""
    rows = await store.write(
        merge_statement(label, store.dialect),
        {
            "keep": keep,
            "duplicates": duplicates,
            "ids": [keep, *duplicates],
            "fill": fill,
            "merged": merged_ids,
            "now": change.at,
        }
        | change.parameters(
            [global_id(label, record_id) for record_id in (keep, *duplicates)],
            [*fill, MERGED_IDS],
        ),
    )
    if not rows:
        return None
    return Merged(rows[0]["k"], int(rows[0]["moved"]))
