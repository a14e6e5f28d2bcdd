"""Which of a set of ids the graph already holds."""

from collections.abc import Iterable
from itertools import batched

from crm.domain import Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore

CHUNK = 10_000
"""Ids per lookup statement: one round trip per chunk, not per id, and no giant parameter."""

_EXISTING = "UNWIND $ids AS id MATCH (n:%label% {id: id}) RETURN n.id AS id"
_ANY_NODE = "MATCH (n:%label%) RETURN n.id AS id LIMIT 1"
_ANY_RELATIONSHIP = "MATCH ()-[r:%type%]->() RETURN 1 AS found LIMIT 1"
_KEYED_ENDS = """
UNWIND $ids AS id MATCH (a)-[r:%type% {id: id}]->(b)
RETURN r.id AS id, a.id AS from, b.id AS to
"""


async def existing_ids(store: GraphStore, label: Label, ids: Iterable[str]) -> set[str]:
    """The ids among ``ids`` of nodes labelled ``label``."""
    statement = render(_EXISTING, label=label)
    found: set[str] = set()
    for chunk in batched(sorted(set(ids)), CHUNK):
        found.update(row["id"] for row in await store.read(statement, {"ids": list(chunk)}))
    return found


async def keyed_relationship_ends(
    store: GraphStore, rel_type: RelType, ids: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """For the relationships of ``rel_type`` with these ids: the ids of their two ends."""
    statement = render(_KEYED_ENDS, type=rel_type)
    ends: dict[str, tuple[str, str]] = {}
    for chunk in batched(sorted(set(ids)), CHUNK):
        rows = await store.read(statement, {"ids": list(chunk)})
        ends.update((row["id"], (row["from"], row["to"])) for row in rows)
    return ends


async def holds_label(store: GraphStore, label: Label) -> bool:
    """Whether the graph holds any node labelled ``label``."""
    return bool(await store.read(render(_ANY_NODE, label=label)))


async def holds_type(store: GraphStore, rel_type: RelType) -> bool:
    """Whether the graph holds any relationship of ``rel_type``."""
    return bool(await store.read(render(_ANY_RELATIONSHIP, type=rel_type)))
