"""Warm introductions: chains of people who have met, from one person to a target, ranked.

A hop joins two people who have interacted up to ``asOf`` (so they demonstrably know each
other); its weight is their tie strength by the full formula (``strength.py``), and a path's
score is the product of its hops' strengths, so a path through strong ties beats a shorter one
through weak ties. The engine enumerates the paths (up to ``MAX_HOPS`` hops, at most
``MAX_ROUTES`` distinct routes), computes each distinct pair's strength once, and ranks.
"""

from typing import Any, LiteralString

from crm.domain import Label
from crm.graph.cypher import render
from crm.graph.store import GraphStore
from crm.queries.network.strength import PARAMETERS, active, tie_strength

MAX_HOPS = 4
MAX_ROUTES = 5000
"""Distinct routes scored per request, at most: bounds the work on dense graphs."""

_LENGTHS: dict[int, LiteralString] = {1: "*1..1", 2: "*1..2", 3: "*1..3", 4: "*1..4"}

_TARGETS: dict[Label, LiteralString] = {
    Label.PERSON: "WITH s, [$target] AS targets",
    **{
        label: render(
            "OPTIONAL MATCH (t0:Person)-[w:WORKS_AT]->(:%label% {id: $target}) WHERE "
            + active("w")
            + " WITH s, collect(t0.id) AS targets",
            label=label,
        )
        for label in (Label.ORGANIZATION, Label.CLUSTER)
    },
}

_RANK: LiteralString = (
    """
WITH DISTINCT [n IN nodes(p) | n.id] AS route
LIMIT $maxRoutes
UNWIND range(0, size(route) - 2) AS k
WITH route, k, route[k] AS x, route[k + 1] AS y
WITH CASE WHEN x < y THEN x ELSE y END AS aid, CASE WHEN x < y THEN y ELSE x END AS bid,
     collect([route, k]) AS uses
MATCH (a:Person {id: aid})
MATCH (b:Person {id: bid})
"""
    + tie_strength("uses")
    + """
OPTIONAL MATCH (a)-[wa:WORKS_AT]->(oa) WHERE """
    + active("wa")
    + """
WITH uses, a, b, tie, min(oa.name) AS aWorksAt
OPTIONAL MATCH (b)-[wb:WORKS_AT]->(ob) WHERE """
    + active("wb")
    + """
WITH uses, a, b, tie, aWorksAt, min(ob.name) AS bWorksAt
UNWIND uses AS use
WITH use[0] AS route, use[1] AS k, tie, a.country <> b.country AS crosses,
     CASE WHEN use[0][use[1] + 1] = a.id THEN a ELSE b END AS far,
     CASE WHEN use[0][use[1] + 1] = a.id THEN aWorksAt ELSE bWorksAt END AS farWorksAt
WITH route, collect({k: k, person: properties(far), organization: farWorksAt,
                     crosses: crosses, tie: tie}) AS hops
WITH route, hops, reduce(score = 1.0, h IN hops | score * h.tie.strength) AS score
ORDER BY score DESC, size(route), reduce(key = '', id IN route | key + id + ' ')
LIMIT $first
RETURN route, score, hops
"""
)


def _statement(target: Label, max_hops: int) -> LiteralString:
    return (
        "MATCH (s:Person {id: $source}) "
        + _TARGETS[target]
        + " MATCH p = (s)-[:INTERACTED"
        + _LENGTHS[max_hops]
        + "]-(t:Person) "
        "WHERE t.id IN targets AND t <> s "
        "AND all(r IN relationships(p) WHERE r.date <= $asOf) "
        "AND all(k IN range(0, length(p) - 1) WHERE NOT nodes(p)[k] IN nodes(p)[k + 1..])" + _RANK
    )


async def introduction_paths(
    store: GraphStore,
    source: str,
    target: str,
    target_label: Label,
    *,
    max_hops: int,
    first: int,
    as_of: str,
) -> list[dict[str, Any]]:
    """The best ``first`` paths from person ``source`` to ``target`` (a person, or anyone
    working at an organisation or cluster on ``as_of``): ``route`` (person ids), ``score``,
    ``hops`` (``k`` its place, the reached ``person``, the ``organization`` they work at,
    ``crosses`` the border, and the ``tie``), best first."""
    parameters = PARAMETERS | {
        "source": source,
        "target": target,
        "asOf": as_of,
        "first": first,
        "maxRoutes": MAX_ROUTES,
    }
    rows = await store.read(_statement(target_label, max_hops), parameters)
    for row in rows:
        row["hops"].sort(key=lambda hop: hop["k"])
    return rows
