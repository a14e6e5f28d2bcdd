"""Creating a record unless its id or a natural key is taken, and finding records by natural key.

The check and the write are one statement, so two concurrent creates of the same organisation
cannot both succeed; where the engine runs writes side by side (Neo4j), the unique constraints
on the keys (``schema/graph.yaml``) refuse the second.
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain import Label
from crm.domain.global_ids import global_id
from crm.domain.natural_keys import NATURAL_KEYS
from crm.graph.cypher import render
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged


@dataclass(frozen=True)
class Creation:
    """What a create found and did: ``stored`` is the node with the id asked for (created now or
    before), ``None`` when another record holds one of the natural keys (``twins``)."""

    created: bool
    stored: Record | None
    twins: list[Record]


def _twins(label: Label, keys: list[LiteralString]) -> LiteralString:
    """Clauses that collect into ``twins`` the other nodes holding any of ``keys``."""
    clauses: LiteralString = "WITH old, [] AS twins "
    for key in keys:
        clauses += (
            render("OPTIONAL MATCH (t:%label% {", label=label)
            + key
            + ": $keys."
            + key
            + "}) WITH old, twins, collect(t) AS found "
            "WITH old, twins + [x IN found WHERE x.id <> $id] AS twins "
        )
    return clauses


def create_statement(label: Label, keys: list[LiteralString]) -> LiteralString:
    return (
        render("OPTIONAL MATCH (old:%label% {id: $id}) ", label=label)
        + _twins(label, keys)
        + "WITH old, twins, old IS NULL AND size(twins) = 0 AS created "
        "FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END | "
        + render("CREATE (n:%label% {id: $id}) ", label=label)
        + "SET n += $props, n.createdAt = $now, n.updatedAt = $now) "
        + logged("twins, created", ids="CASE WHEN created THEN $change.ids ELSE [] END")
        + render("OPTIONAL MATCH (n:%label% {id: $id}) ", label=label)
        + "RETURN created, properties(n) AS n, [t IN twins | properties(t)] AS twins"
    )


async def create_unless_known(
    store: GraphStore, label: Label, properties: Record, change: Change
) -> Creation:
    """Create the node unless a node of ``label`` has its id or one of its natural keys."""
    keys = [key for key in NATURAL_KEYS.get(label, ()) if properties.get(key) is not None]
    rows = await store.write(
        create_statement(label, keys),
        {
            "id": properties["id"],
            "props": properties,
            "keys": {key: properties[key] for key in keys},
            "now": change.at,
        }
        | change.parameters([global_id(label, properties["id"])], properties),
    )
    row = rows[0]
    twins = list({twin["id"]: twin for twin in row["twins"]}.values())
    return Creation(bool(row["created"]), row["n"], twins)


async def ids_by_key(
    store: GraphStore, label: Label, key: LiteralString, values: list[Any]
) -> dict[Any, str]:
    """The ids of the stored records of ``label`` whose ``key`` is one of ``values``."""
    if not values or key not in NATURAL_KEYS.get(label, ()):
        return {}
    statement = (
        render("UNWIND $values AS value MATCH (n:%label%) WHERE n.", label=label)
        + key
        + " = value RETURN value, n.id AS id"
    )
    rows = await store.read(statement, {"values": values})
    return {row["value"]: row["id"] for row in rows}
