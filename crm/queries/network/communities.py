"""Communities: groups of organisations tied through their people's interactions.

Without ``asOf``, the engine's algorithms (``Dialect.communities``: FalkorDB's ``algo.WCC`` and
``algo.labelPropagation``, Neo4j's Graph Data Science) run on the organisations, their people
and the interactions. As of a day, or on an engine without them, the connected components are
worked out in the API process from who had interacted with whom by then (``pairs``: each pair
of people once, however often they met) and who worked where on that day, by union-find: its
cost follows the pairs, not the interactions. A component is named by its smallest
organisation id; label propagation is not run then (a community is its component).
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.network.pairs import pairs
from crm.queries.network.strength import active

_JOBS: LiteralString = (
    """
MATCH (p:Person)-[w:WORKS_AT]->(o:Organization) WHERE """
    + active("w")
    + """
RETURN DISTINCT p.id AS person, o.id AS organization
"""
)
"""Who worked where on ``$asOf``."""

_ORGANIZATIONS: LiteralString = "MATCH (o:Organization) RETURN o.id AS id"

_COMPONENTS: LiteralString = """
UNWIND $components AS row
MATCH (o:Organization {id: row.id})
RETURN o, row.component AS component, row.component AS community
"""
"""A row per organisation, as ``Dialect.communities`` returns them, from the components worked
out in the API process: ``o``, ``component`` and ``community`` (here the same)."""

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
    parameters: dict[str, object] = {"first": first, "membersShown": members_shown}
    if engine is not None and as_of is None:
        scores = engine
    else:
        scores = _COMPONENTS
        parameters["components"] = await components(store, as_of or today)
    rows = await store.read(store.dialect.subquery("") + scores + _GROUPS, parameters)
    return [
        Community(
            row["size"], row["componentSize"], row["members"], row["dk"], row["de"], row["other"]
        )
        for row in rows
    ]


async def components(store: GraphStore, as_of: str) -> list[Record]:
    """Each organisation's connected component on ``as_of`` (``id``, ``component``: the
    smallest organisation id in it), through the people working there that day and who had
    interacted with whom by then."""
    day = {"asOf": as_of}
    organizations = [row["id"] for row in await store.read(_ORGANIZATIONS)]
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(x: tuple[str, str], y: tuple[str, str]) -> None:
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for row in await store.read(_JOBS, day):
        join(("o", row["organization"]), ("p", row["person"]))
    for pair in await pairs(store, as_of):
        join(("p", pair.a), ("p", pair.b))
    lowest: dict[tuple[str, str], str] = {}
    for organization in sorted(organizations):
        lowest.setdefault(root(("o", organization)), organization)
    return [
        {"id": organization, "component": lowest[root(("o", organization))]}
        for organization in organizations
    ]
