"""Who has interacted with whom: each pair of people once, however many interactions they had.

The network questions that follow people (brokers, communities, introduction paths) walk
these pairs, not the interactions: two people who met 2,000 times are one pair, so what the
questions cost follows the number of people who know each other, not how often they met. A
pair carries its weight: how many interactions, and the first and last day of them, up to the
day asked about.
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore

_PAIRS: LiteralString = """
MATCH (a:Person)-[i:INTERACTED]->(b:Person) WHERE i.date <= $asOf AND a <> b
WITH CASE WHEN a.id < b.id THEN a.id ELSE b.id END AS a,
     CASE WHEN a.id < b.id THEN b.id ELSE a.id END AS b, i.date AS date
RETURN a, b, count(date) AS interactions, min(date) AS first, max(date) AS last
"""
"""Each pair of people who had interacted by ``$asOf`` (either way), the smaller id first."""

_NEAR: LiteralString = """
MATCH (s:Person)-[i:INTERACTED]-(b:Person) WHERE s.id IN $ends AND i.date <= $asOf AND b <> s
RETURN s.id AS id, collect(DISTINCT b.id) AS near
"""
"""Each of the people ``$ends`` with whom they had interacted by ``$asOf``: one step out, the
interactions collapsed into the people they reach."""


@dataclass(frozen=True, slots=True)
class Pair:
    """Two people (``a`` before ``b`` by id) and their interactions up to the day asked about."""

    a: str
    b: str
    interactions: int
    first: str
    last: str


async def pairs(store: GraphStore, as_of: str) -> list[Pair]:
    """Every pair of people who had interacted by ``as_of``."""
    rows = await store.read(_PAIRS, {"asOf": as_of})
    return [
        Pair(row["a"], row["b"], row["interactions"], row["first"], row["last"]) for row in rows
    ]


async def near(store: GraphStore, ends: list[str], as_of: str) -> dict[str, list[str]]:
    """For each of ``ends``, the people they had interacted with by ``as_of`` (sorted by id)."""
    if not ends:
        return {}
    rows = await store.read(_NEAR, {"ends": ends, "asOf": as_of})
    return {row["id"]: sorted(row["near"]) for row in rows}
