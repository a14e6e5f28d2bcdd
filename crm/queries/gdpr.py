"""A person's data subject rights (GDPR): everything held about them, and erasure.

Erasure moves every tie of the person to an anonymous placeholder (a ``Person`` with no personal
data and an id of its own) and deletes the person, in one statement: it happens whole or not at
all, and running it again finds no person. Ties keep their type, their other end and what the
figures need (an interaction's kind and date, a job's ``since`` and ``until``); what describes
the person goes (an interaction's note, a job's role). So every figure stays: counts, and those
that depend on the day asked about (brokers, ties between organisations, communities as of a
date).
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged, renaming_in_log

PERSONAL_TIE_PROPERTIES: tuple[LiteralString, ...] = ("note", "role")
"""Tie properties that describe the person rather than date or count something: erased with
them (a role at an organisation can single a person out; a job's dates place the tie in time)."""

_HOLDINGS = """
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[r]-(o)
RETURN properties(p) AS person, type(r) AS type, startNode(r) = p AS outgoing,
       properties(r) AS tie, labels(o)[0] AS label, properties(o) AS other
"""

_REMOVE: LiteralString = "REMOVE " + ", ".join(f"copy.{name}" for name in PERSONAL_TIE_PROPERTIES)
# A subquery per direction and type: relationship types cannot be parameters. Each returns one
# row (a count), so the person's row goes on once. (The model refuses a tie from a person to
# themselves, so no tie is seen from both ends.) The old tie is deleted before its copy is
# made: an interaction's id is unique, and the engines check that as each tie is written.
_OUTGOING: LiteralString = (
    "MATCH (p)-[r:%type%]->(o) WITH a, o, r, properties(r) AS kept DELETE r "
    "CREATE (a)-[copy:%type%]->(o) SET copy = kept, copy.updatedAt = $now "
    + _REMOVE
    + " RETURN count(*) AS n } WITH p, a, moved + n AS moved "
)
_INCOMING: LiteralString = (
    "MATCH (o)-[r:%type%]->(p) WITH a, o, r, properties(r) AS kept DELETE r "
    "CREATE (o)-[copy:%type%]->(a) SET copy = kept, copy.updatedAt = $now "
    + _REMOVE
    + " RETURN count(*) AS n } WITH p, a, moved + n AS moved "
)


def _erase_statement(dialect: Dialect) -> LiteralString:
    subquery = dialect.subquery("p, a")
    statement: LiteralString = (
        "MATCH (p:Person {id: $id}) "
        "CREATE (a:Person) SET a = $placeholder, a.createdAt = $now, a.updatedAt = $now "
        "WITH p, a, 0 AS moved "
    )
    for rel_type, spec in RELATIONSHIPS.items():
        if Label.PERSON in spec.sources:
            statement += subquery + render(_OUTGOING, type=rel_type)
        if Label.PERSON in spec.targets:
            statement += subquery + render(_INCOMING, type=rel_type)
    return (
        statement
        + "DETACH DELETE p "
        + renaming_in_log("a, moved")
        + logged("a, moved")
        + "RETURN a.id AS placeholder, moved"
    )


@dataclass(frozen=True)
class Tie:
    """One tie of the person, seen from them."""

    rel_type: RelType
    outgoing: bool
    properties: Record
    other_label: Label
    other: Record


@dataclass(frozen=True)
class Holdings:
    """What the graph holds about one person: their node and their ties."""

    person: Record
    ties: list[Tie]


async def holdings(store: GraphStore, person_id: str) -> Holdings | None:
    """The person's properties and ties in one statement; ``None`` if there is no such person."""
    rows = await store.read(_HOLDINGS, {"id": person_id})
    if not rows:
        return None
    ties = [
        Tie(
            RelType(row["type"]),
            bool(row["outgoing"]),
            row["tie"],
            Label(row["label"]),
            row["other"],
        )
        for row in rows
        if row["type"] is not None
    ]
    return Holdings(rows[0]["person"], ties)


async def erase_person(
    store: GraphStore, person_id: str, placeholder: Record, change: Change, log: tuple[str, str]
) -> tuple[str, int] | None:
    """Replace the person by ``placeholder`` (its properties, with its own id) in every tie and
    delete them, and in the change log put ``log[1]`` (how it names the placeholder) for
    ``log[0]`` (the person); the erasure's own entry names the placeholder. The placeholder's id
    and how many ties moved, or ``None`` if there was no such person."""
    rows: list[dict[str, Any]] = await store.write(
        _erase_statement(store.dialect),
        {
            "id": person_id,
            "placeholder": placeholder,
            "now": change.at,
            "logOld": log[0],
            "logNew": log[1],
        }
        | change.parameters([log[1]]),
    )
    return (rows[0]["placeholder"], int(rows[0]["moved"])) if rows else None
