"""Read the whole graph back, page by page, in a stable order (for export and comparison)."""

from collections.abc import AsyncIterator
from typing import TypedDict

from crm.domain import Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore, Record

DumpedTie = TypedDict("DumpedTie", {"from": str, "to": str, "properties": Record})
"""A relationship: the ids of its ends and its properties."""

_NODES = (
    "MATCH (n:%label%) WHERE n.id > $after "
    "RETURN n.id AS id, properties(n) AS properties ORDER BY n.id LIMIT $limit"
)
_RELATIONSHIPS = (
    "MATCH (a:%from%)-[r:%type%]->(b:%to%) "
    "RETURN a.id AS from, b.id AS to, properties(r) AS properties "
    "ORDER BY a.id, b.id, r.id SKIP $skip LIMIT $limit"
)


async def dump_nodes(store: GraphStore, label: Label, page_size: int) -> AsyncIterator[Record]:
    """Every node of ``label`` as its properties, by id."""
    after = ""
    while True:
        rows = await store.read(render(_NODES, label=label), {"after": after, "limit": page_size})
        for row in rows:
            yield row["properties"]
        if len(rows) < page_size:
            return
        after = rows[-1]["id"]


async def dump_relationships(
    store: GraphStore, rel_type: RelType, source: Label, target: Label, page_size: int
) -> AsyncIterator[DumpedTie]:
    """Every ``source -[rel_type]-> target`` relationship, by the ids of its ends."""
    statement = render(_RELATIONSHIPS, type=rel_type, **{"from": source, "to": target})
    skip = 0
    while True:
        rows = await store.read(statement, {"skip": skip, "limit": page_size})
        for row in rows:
            yield {"from": row["from"], "to": row["to"], "properties": row["properties"]}
        if len(rows) < page_size:
            return
        skip += page_size
