"""Who has interacted with whom: each person's contacts once, however many interactions they had.

The network questions that follow people (brokers, introduction paths) walk
these contacts, not the interactions: two people who met 2,000 times are one pair, so what the
questions cost follows the number of people who know each other, not how often they met. They
need only who met whom, not how often or when (the pairs' weights): a list of contacts per
person is a few times cheaper to read than a row per pair.
"""

from typing import LiteralString

from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore

_CONTACTS: LiteralString = """
MATCH (a:Person)-[i:INTERACTED]->(b:Person) WHERE i.date <= $asOf AND a <> b
WITH a, collect(DISTINCT b.id) AS contacts
RETURN a.id AS person, contacts
"""
"""Each person who had reached out to others by ``$asOf``, and those others (each once): one
way, which the engine collects faster than both (the other way is the same lists turned round)."""


def _near(dialect: Dialect) -> LiteralString:
    """Each of the people ``$ends`` with whom they had interacted by ``$asOf``: one step out,
    the interactions collapsed into the people they reach. Each pair's interactions are read
    until one dated by ``$asOf`` turns up (``LIMIT 1``), not all: the pattern without a
    relationship variable reaches each neighbour once on FalkorDB, however often they met."""
    return (
        """
MATCH (s:Person)-[:INTERACTED]-(b:Person) WHERE s.id IN $ends AND b <> s
WITH DISTINCT s, b
"""
        + dialect.subquery("s, b")
        + """MATCH (s)-[i:INTERACTED]-(b) WHERE i.date <= $asOf RETURN i.date AS met LIMIT 1 }
RETURN s.id AS id, collect(b.id) AS near
"""
    )


async def contacts(store: GraphStore, as_of: str) -> list[tuple[str, list[str]]]:
    """Each person who had reached out to others by ``as_of``, with those others (each once):
    whom others reached out to is in their lists, not in a row of their own."""
    rows = await store.read(_CONTACTS, {"asOf": as_of})
    return [(row["person"], row["contacts"]) for row in rows]


async def near(store: GraphStore, ends: list[str], as_of: str) -> dict[str, list[str]]:
    """For each of ``ends``, the people they had interacted with by ``as_of`` (sorted by id)."""
    if not ends:
        return {}
    rows = await store.read(_near(store.dialect), {"ends": ends, "asOf": as_of})
    return {row["id"]: sorted(row["near"]) for row in rows}
