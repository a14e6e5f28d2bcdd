"""How many nodes of each label and relationships of each type the graph holds."""

from typing import LiteralString

from crm.domain import Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore


def _union(template: LiteralString, slot: str, names: list[Label] | list[RelType]) -> LiteralString:
    parts = [render(template, **{slot: name}) for name in names]
    return " UNION ALL ".join(parts)


# One statement each: a count per label (or type) is answered from the engine's own counters.
_BY_LABEL = _union(
    "MATCH (n:%label%) RETURN '%label%' AS name, count(n) AS count", "label", list(Label)
)
_BY_TYPE = _union(
    "MATCH ()-[r:%type%]->() RETURN '%type%' AS name, count(r) AS count", "type", list(RelType)
)


# FalkorDB answers a count over a label it has never seen with no row at all, hence the zeros.


async def count_nodes(store: GraphStore) -> dict[Label, int]:
    counts = {row["name"]: row["count"] for row in await store.read(_BY_LABEL)}
    return {label: counts.get(label, 0) for label in Label}


async def count_relationships(store: GraphStore) -> dict[RelType, int]:
    counts = {row["name"]: row["count"] for row in await store.read(_BY_TYPE)}
    return {rel_type: counts.get(rel_type, 0) for rel_type in RelType}
