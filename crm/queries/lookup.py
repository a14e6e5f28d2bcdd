"""Which of a set of ids the graph already holds."""

from collections.abc import Iterable

from crm.domain import Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore

_EXISTING = "UNWIND $ids AS id MATCH (n:%label% {id: id}) RETURN n.id AS id"
_KEYED_ENDS = """
UNWIND $ids AS id MATCH (a)-[r:%type% {id: id}]->(b)
RETURN r.id AS id, a.id AS from, b.id AS to
"""


async def existing_ids(store: GraphStore, label: Label, ids: Iterable[str]) -> set[str]:
    """The ids among ``ids`` of nodes labelled ``label``."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    rows = await store.read(render(_EXISTING, label=label), {"ids": wanted})
    return {row["id"] for row in rows}


async def keyed_relationship_ends(
    store: GraphStore, rel_type: RelType, ids: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """For the relationships of ``rel_type`` with these ids: the ids of their two ends."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await store.read(render(_KEYED_ENDS, type=rel_type), {"ids": wanted})
    return {row["id"]: (row["from"], row["to"]) for row in rows}
