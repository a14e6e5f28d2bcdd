"""Communities: groups of organisations tied through their people's interactions.

Without ``asOf``, the engine's algorithms (``Dialect.communities``: FalkorDB's ``algo.WCC`` and
``algo.labelPropagation``, Neo4j's Graph Data Science) run on the organisations, their people
and the interactions, and the API process joins and groups their rows (linear in the
organisations). As of a day, or on an engine without them, the connected components are
worked out in the API process from who had interacted with whom by then and who worked where
on that day (igraph's connected components), read in one statement: its cost follows the
people and their interactions once each (no weights, no walk). A component is named by its
smallest organisation id; label propagation is not run then (a community is its component).
"""

import asyncio
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import LiteralString

import igraph

from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import active


def _ties(dialect: Dialect) -> LiteralString:
    """Who worked where on ``$asOf`` (a row per job), and whom each person had reached out to
    by then (a row per person, a contact as often as they met: a component needs only that
    they met). People by the engine's own keys (``Dialect.node_key``), about a third cheaper
    to read than their ids, and compared only within this one statement."""
    return (
        """
MATCH (p:Person)-[w:WORKS_AT]->(o:Organization) WHERE """
        + active("w")
        + """
RETURN """
        + dialect.node_key("p")
        + """ AS person, o.id AS organization, null AS contacts
UNION ALL
MATCH (a:Person)-[i:INTERACTED]->(b:Person) WHERE i.date <= $asOf
WITH a, collect("""
        + dialect.node_key("b")
        + """) AS contacts
RETURN """
        + dialect.node_key("a")
        + """ AS person, null AS organization, contacts
"""
    )


_ORGANIZATIONS: LiteralString = (
    "MATCH (o:Organization) RETURN o.id AS id, o.country AS country ORDER BY id"
)

_MEMBERS: LiteralString = """
UNWIND $ids AS id MATCH (o:Organization {id: id}) RETURN o.id AS id, properties(o) AS properties
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
    if engine is None or as_of is not None:
        return await _components(store, as_of or today, first, members_shown)
    return await _propagated(store, engine, first, members_shown)


async def _propagated(
    store: GraphStore, engine: LiteralString, first: int, members_shown: int
) -> list[Community]:
    """The ``first`` largest label-propagation communities (then those of the larger
    components, then by the engine's community id), members in label propagation's order."""
    rows = await store.read(engine)
    countries = {row["id"]: row["country"] for row in rows}
    components = {row["id"]: row["component"] for row in rows if row["community"] is None}
    groups: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        if row["community"] is not None and row["id"] in components:
            groups.setdefault((components[row["id"]], row["community"]), []).append(row["id"])
    sizes: Counter[int] = Counter()
    for (component, _), members in groups.items():
        sizes[component] += len(members)

    def rank(group: tuple[tuple[int, int], list[str]]) -> tuple[int, int, int]:
        (component, community), members = group
        return -len(members), -sizes[component], community

    ranked = sorted(groups.items(), key=rank)[:first]
    found = [(members, sizes[component]) for (component, _), members in ranked]
    return await _described(store, found, countries, members_shown)


async def _components(
    store: GraphStore, as_of: str, first: int, members_shown: int
) -> list[Community]:
    """The ``first`` largest connected components on ``as_of`` (largest first, then by their
    smallest organisation id; members by id): both reads at once, the components by igraph (C)
    over who worked where and who met whom."""
    organizations, ties = await asyncio.gather(
        store.read(_ORGANIZATIONS), store.read(_ties(store.dialect), {"asOf": as_of})
    )
    countries = {row["id"]: row["country"] for row in organizations}
    ordered = sorted(countries)
    vertex: dict[tuple[str, object], int] = {
        ("o", organization): n for n, organization in enumerate(ordered)
    }

    def at(node: tuple[str, object]) -> int:
        """A vertex per organisation and person (an organisation made after the list was read
        too: it joins its people, and is not listed)."""
        return vertex.setdefault(node, len(vertex))

    edges = []
    for row in ties:
        person = at(("p", row["person"]))
        if row["organization"] is not None:
            edges.append((at(("o", row["organization"])), person))
        else:
            edges.extend((person, at(("p", contact))) for contact in row["contacts"])
    component = igraph.Graph(n=len(vertex), edges=edges).connected_components().membership
    groups: dict[int, list[str]] = {}
    for n, organization in enumerate(ordered):
        groups.setdefault(component[n], []).append(organization)
    ranked = sorted(groups.values(), key=lambda members: (-len(members), members[0]))[:first]
    found = [(members, len(members)) for members in ranked]
    return await _described(store, found, countries, members_shown)


async def _described(
    store: GraphStore,
    found: list[tuple[list[str], int]],
    countries: Mapping[str, str | None],
    members_shown: int,
) -> list[Community]:
    """Each community of ``found`` (its organisations' ids, its component's size) with its
    country mix and the properties of its first ``members_shown`` organisations."""
    shown = [members[:members_shown] for members, _ in found]
    read = await store.read(_MEMBERS, {"ids": [o for few in shown for o in few]})
    properties = {row["id"]: row["properties"] for row in read}
    return [
        Community(
            size=len(members),
            component_size=component_size,
            members=[properties[o] for o in few],
            dk=sum(countries[o] == "DK" for o in members),
            de=sum(countries[o] == "DE" for o in members),
            other=sum(countries[o] not in ("DK", "DE") for o in members),
        )
        for (members, component_size), few in zip(found, shown, strict=True)
    ]
