"""Repairs of graphs written by earlier versions, for the migration to run.

Before relationship ids were unique on every path, two writers at the same moment could leave
two ties where there must be one: two ``INTERACTED`` ties with one id, or two ties of another
type between one pair of ends. ``merge_duplicate_ties`` makes each such group one tie again.
"""

from typing import LiteralString

from crm.domain import RELATIONSHIPS, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore

# Which tie of a group stays: the one written last (the latest ``updatedAt``; of equals, the
# latest ``createdAt``), with its properties and ends; it takes the group's earliest ``createdAt``.
_MERGE_TAIL: LiteralString = """
WITH key, r ORDER BY coalesce(r.updatedAt, '') DESC, coalesce(r.createdAt, '') DESC
WITH key, collect(r) AS ties
WITH ties[0] AS kept, ties[1..] AS extra,
     reduce(earliest = null, t IN ties |
            CASE WHEN t.createdAt IS NOT NULL AND (earliest IS NULL OR t.createdAt < earliest)
                 THEN t.createdAt ELSE earliest END) AS earliest
SET kept.createdAt = earliest
WITH kept, extra UNWIND extra AS gone
DELETE gone
RETURN count(DISTINCT kept) AS merged, count(gone) AS removed
"""
_KEYED: LiteralString = (
    """
MATCH ()-[r:%type%]->()
WITH r.id AS key, count(r) AS ties WHERE ties > 1
MATCH ()-[r:%type% {id: key}]->()
"""
    + _MERGE_TAIL
)
_PAIRS: LiteralString = (
    """
MATCH (a)-[r:%type%]->(b)
WITH a, b, count(r) AS ties WHERE ties > 1
MATCH (a)-[r:%type%]->(b)
WITH [a, b] AS key, r
"""
    + _MERGE_TAIL
)


async def merge_duplicate_ties(store: GraphStore, rel_type: RelType) -> tuple[int, int]:
    """Make every group of ``rel_type`` ties that must be one (one id, or one pair of ends for a
    type without ids) a single tie: the one written last stays, with the earliest ``createdAt``
    of the group; the others are deleted. One statement: all or nothing. How many groups were
    merged, and how many ties removed."""
    template = _KEYED if RELATIONSHIPS[rel_type].keyed else _PAIRS
    rows = await store.write(render(template, type=rel_type))
    if not rows:
        return 0, 0
    return int(rows[0]["merged"]), int(rows[0]["removed"])


async def merge_all_duplicate_ties(store: GraphStore) -> dict[RelType, tuple[int, int]]:
    """``merge_duplicate_ties`` for every type, one statement each; only types that had some."""
    merged = {rel_type: await merge_duplicate_ties(store, rel_type) for rel_type in RelType}
    return {rel_type: counts for rel_type, counts in merged.items() if counts != (0, 0)}
