"""Brokers: the people (and organisations) that the network's shortest paths run through.

A person's score is their betweenness centrality among people joined by interactions (either
way): for every pair of others, the share of the pair's shortest paths that pass through them.
One Cypher statement computes it exactly over the shortest paths of at most ``MAX_HOPS`` hops
(pairs further apart add nothing), with only the interactions dated up to ``asOf`` and, when
asked, only pairs in different countries. On the demo the top two match the unbounded exact
scores' top two, within 7 %, and 7 of the top ten. Where the engine has an exact algorithm
for the same question (``Dialect.betweenness``: Neo4j with Graph Data Science), the plain
question (no ``asOf``, all pairs) goes to it. An organisation's score is the sum of its
people's on that day. ``bridges`` are pairs of a broker's contacts (an organisation's: its
people's, outside it) who had not interacted with each other (across the border, when asked so).
"""

from typing import Any, LiteralString

from crm.graph.store import GraphStore
from crm.queries.network.strength import active

MAX_HOPS = 4
BRIDGES_SHOWN = 5

_BOUNDED: LiteralString = """
MATCH p = (s:Person)-[:INTERACTED*1..4]-(t:Person)
WHERE s.id < t.id AND (NOT $crossBorder OR s.country <> t.country)
  AND all(r IN relationships(p) WHERE r.date <= $asOf)
WITH DISTINCT s, t, [n IN nodes(p) | n] AS route
WITH s, t, collect(route) AS routes, min(size(route)) AS best
WITH s, t, [r IN routes WHERE size(r) = best] AS shortest
UNWIND shortest AS route
UNWIND route[1..-1] AS x
WITH s, t, x, size(shortest) AS paths, count(*) AS through
WITH x, sum(toFloat(through) / paths) AS score
"""

_BRIDGES: LiteralString = """
UNWIND staff AS member
OPTIONAL MATCH (member)-[i:INTERACTED]-(c:Person) WHERE NOT c IN staff AND i.date <= $asOf
WITH broker, score, staff, collect(DISTINCT c) AS contacts
UNWIND (CASE WHEN size(contacts) = 0 THEN [null] ELSE contacts END) AS a
UNWIND (CASE WHEN size(contacts) = 0 THEN [null] ELSE contacts END) AS b
WITH broker, score, staff, a, b,
     a IS NOT NULL AND a.id < b.id AND (NOT $crossBorder OR a.country <> b.country) AS candidate
OPTIONAL MATCH (a)-[met:INTERACTED]-(b) WHERE candidate AND met.date <= $asOf
WITH broker, score, staff, a, b, candidate, count(met) AS meetings
ORDER BY a.id, b.id
WITH broker, score, staff,
     collect(CASE WHEN candidate AND meetings = 0 THEN [properties(a), properties(b)] END) AS pairs
"""
"""For rows of a ``broker`` with its ``score`` and ``staff`` (the people whose contacts count:
the broker, or an organisation's people), the pairs of their contacts outside ``staff`` who had
not interacted by ``$asOf``: the ties the broker bridges."""

_PEOPLE: LiteralString = (
    """
WITH x, score ORDER BY score DESC, x.id LIMIT $first
WITH x AS broker, score, [x] AS staff
"""
    + _BRIDGES
    + """
RETURN properties(broker) AS person, score, size(pairs) AS bridged,
       pairs[0..$bridgesShown] AS bridges
ORDER BY score DESC, broker.id
"""
)

_ORGANIZATIONS: LiteralString = (
    """
MATCH (x)-[w:WORKS_AT]->(o:Organization) WHERE """
    + active("w")
    + """
WITH o, sum(score) AS score
ORDER BY score DESC, o.id LIMIT $first
MATCH (p:Person)-[w:WORKS_AT]->(o) WHERE """
    + active("w")
    + """
WITH o AS broker, score, collect(p) AS staff
"""
    + _BRIDGES
    + """
RETURN properties(broker) AS organization, score, size(pairs) AS bridged,
       pairs[0..$bridgesShown] AS bridges
ORDER BY score DESC, broker.id
"""
)


def _scores(store: GraphStore, as_of: str | None, cross_border: bool) -> LiteralString:
    engine = store.dialect.betweenness()
    return engine if engine is not None and as_of is None and not cross_border else _BOUNDED


async def brokers(
    store: GraphStore,
    *,
    organizations: bool,
    first: int,
    cross_border: bool,
    as_of: str | None,
    today: str,
) -> list[dict[str, Any]]:
    """The ``first`` people (or organisations) with the highest scores, highest first."""
    statement = _scores(store, as_of, cross_border) + (_ORGANIZATIONS if organizations else _PEOPLE)
    parameters = {
        "first": first,
        "crossBorder": cross_border,
        "asOf": as_of or today,
        "bridgesShown": BRIDGES_SHOWN,
    }
    return await store.read(statement, parameters)
