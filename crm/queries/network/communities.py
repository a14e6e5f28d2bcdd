"""Communities: groups of organisations tied through their people's interactions.

Without ``asOf``, the engine's algorithms (``Dialect.communities``: FalkorDB's ``algo.WCC`` and
``algo.labelPropagation``, Neo4j's Graph Data Science) run on the organisations, their people
and the interactions. As of a day, or on an engine without them, one Cypher statement groups
each organisation by the smallest id it reaches in two rounds of ``MAX_HOPS`` interactions
dated up to ``asOf`` (through people working there on that day): the connected components
wherever they are at most twice that wide; label propagation is not run then.
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import active

MAX_HOPS = 4

_BOUNDED: LiteralString = (
    """
MATCH (o:Organization)
OPTIONAL MATCH p = (o)<-[w:WORKS_AT]-(:Person)-[:INTERACTED*1..4]-(:Person)-[v:WORKS_AT]->
                   (x:Organization)
WHERE """
    + active("w")
    + " AND "
    + active("v")
    + """ AND all(i IN relationships(p)[1..-1] WHERE i.date <= $asOf)
WITH o, collect(DISTINCT x.id) + [o.id] AS reached
WITH o, reached, reduce(low = o.id, id IN reached | CASE WHEN id < low THEN id ELSE low END)
     AS lowest
WITH collect({o: o, reached: reached, lowest: lowest}) AS rows
UNWIND rows AS row
WITH row.o AS o, reduce(low = row.lowest, other IN [r IN rows WHERE r.o.id IN row.reached] |
     CASE WHEN other.lowest < low THEN other.lowest ELSE low END) AS component
RETURN o, component, component AS community
"""
)
"""A row per organisation, as ``Dialect.communities`` returns them: ``o``, ``component`` and
``community`` (here the same)."""

_GROUPS: LiteralString = """
} WITH component, collect({o: o, community: community}) AS inComponent
UNWIND inComponent AS m
WITH m.community AS community, size(inComponent) AS componentSize, collect(m.o) AS orgs
RETURN community, componentSize, size(orgs) AS size,
       [o IN orgs | properties(o)][0..$membersShown] AS members,
       size([o IN orgs WHERE o.country = 'DK']) AS dk, size([o IN orgs WHERE o.country = 'DE'])
       AS de, size(orgs) - size([o IN orgs WHERE o.country IN ['DK', 'DE']]) AS other
ORDER BY size DESC, componentSize DESC, community LIMIT $first
"""


@dataclass(frozen=True, slots=True)
class Community:
    size: int
    component_size: int
    """How many organisations its connected component holds."""
    members: list[Record]
    """The first few, as ``members_shown`` asks."""
    dk: int
    de: int
    other: int
    """How many of its organisations are Danish, German, or elsewhere."""


async def communities(
    store: GraphStore, *, first: int, members_shown: int, as_of: str | None, today: str
) -> list[Community]:
    """The ``first`` largest communities, each with its size, country mix and up to
    ``members_shown`` members."""
    engine = store.dialect.communities()
    scores = engine if engine is not None and as_of is None else _BOUNDED
    parameters = {"first": first, "membersShown": members_shown, "asOf": as_of or today}
    rows = await store.read(store.dialect.subquery("") + scores + _GROUPS, parameters)
    return [
        Community(
            row["size"], row["componentSize"], row["members"], row["dk"], row["de"], row["other"]
        )
        for row in rows
    ]
