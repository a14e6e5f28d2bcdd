"""Warm introductions: chains of people who have met, from one person to a target, ranked.

A hop joins two people who have interacted up to ``asOf`` (so they demonstrably know each
other); its weight is their tie strength by the full formula (``strength.py``), and a path's
score is the product of its hops' strengths, so a path through strong ties beats a shorter one
through weak ties.

The routes are found from both ends (meet in the middle): the routes of up to ``ceil(maxHops /
2)`` hops from the source and of up to ``floor(maxHops / 2)`` hops from the targets, and every
simple route of up to ``maxHops`` hops is one from each side that meet at a person; so nothing
walks ``maxHops`` hops out of a well-connected person. Each side is walked a step at a time over
pairs of people (``pairs.near``: one statement a step, the interactions between two people
collapsed into one pair), so two people who met 2,000 times cost what two who met once do.
Limits: each side keeps at most ``MAX_SIDE_ROUTES`` routes (the first by ids; beyond that,
routes through the rest of a very connected end are not considered), and at most
``MAX_ROUTES`` routes, the shortest first, are scored; a last statement computes each distinct
pair's strength once, and ranks.
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.domain import Label
from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.network.pairs import near
from crm.queries.network.strength import PARAMETERS, Shared, TieStrength, active, tie_strength

MAX_HOPS = 4
MAX_ROUTES = 5000
"""Distinct routes scored per request, at most (the shortest first): bounds the work on dense
graphs."""
MAX_SIDE_ROUTES = 20_000
"""Routes read from each end, at most."""

_TARGETS: dict[Label, LiteralString] = {
    label: render(
        "MATCH (t:Person)-[w:WORKS_AT]->(:%label% {id: $target}) WHERE "
        + active("w")
        + " RETURN collect(DISTINCT t.id) AS targets",
        label=label,
    )
    for label in (Label.ORGANIZATION, Label.CLUSTER)
}
"""Who an organisation or cluster as a target stands for: the people working there."""


def _rank(dialect: Dialect) -> LiteralString:
    """Each route's hops rated (each distinct pair once) and joined with the people reached and
    where they work; the best ``$first`` routes."""
    return (
        """
UNWIND $routes AS route
UNWIND range(0, size(route) - 2) AS k
WITH route, k, route[k] AS x, route[k + 1] AS y
WITH CASE WHEN x < y THEN x ELSE y END AS aid, CASE WHEN x < y THEN y ELSE x END AS bid,
     collect([route, k]) AS uses
MATCH (a:Person {id: aid})
MATCH (b:Person {id: bid})
"""
        + tie_strength(dialect, "uses")
        + """
OPTIONAL MATCH (a)-[wa:WORKS_AT]->(oa) WHERE """
        + active("wa")
        + """
WITH uses, a, b, tie, collect(CASE WHEN oa IS NULL THEN null
     ELSE {label: labels(oa)[0], id: oa.id, name: oa.name} END) AS aJobs
OPTIONAL MATCH (b)-[wb:WORKS_AT]->(ob) WHERE """
        + active("wb")
        + """
WITH uses, a, b, tie, aJobs, collect(CASE WHEN ob IS NULL THEN null
     ELSE {label: labels(ob)[0], id: ob.id, name: ob.name} END) AS bJobs
UNWIND uses AS use
WITH use[0] AS route, use[1] AS k, tie, a.country <> b.country AS crosses,
     CASE WHEN use[0][use[1] + 1] = a.id THEN a ELSE b END AS far,
     CASE WHEN use[0][use[1] + 1] = a.id THEN aJobs ELSE bJobs END AS farJobs
WITH route, collect({k: k, person: properties(far), jobs: farJobs,
                     crosses: crosses, tie: tie}) AS hops
WITH route, hops, reduce(score = 1.0, h IN hops | score * h.tie.strength) AS score
ORDER BY score DESC, size(route), reduce(key = '', id IN route | key + id + ' ')
LIMIT $first
RETURN route, score, hops
"""
    )


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: the person reached, where they work (the first by name), whether the
    step crosses the border, and the tie it follows."""

    person: Record
    employer: Shared | None
    crosses: bool
    tie: TieStrength


@dataclass(frozen=True, slots=True)
class IntroductionPath:
    route: list[str]
    """The people's ids, from the source."""
    score: float
    """The product of the hops' strengths."""
    hops: list[Hop]
    """In order, from the source."""


def routes(
    near: list[list[str]], targets: list[str], far: list[list[str]], source: str, max_hops: int
) -> list[list[str]]:
    """Every simple route of up to ``max_hops`` hops from ``source`` to one of ``targets``
    made of a route ``near`` the source and one ``far`` (from a target), each found once: a
    route of ``n`` hops is split after ``min(n, ceil(max_hops / 2))`` hops. The shortest first,
    then by ids; at most ``MAX_ROUTES``."""
    half = (max_hops + 1) // 2
    ending: dict[str, list[list[str]]] = {}
    for far_route in [[t] for t in targets] + far:
        ending.setdefault(far_route[-1], []).append(far_route)
    found: set[tuple[str, ...]] = set()
    for left in [[source], *near]:
        hops = len(left) - 1
        for right in ending.get(left[-1], []):
            if hops < half and len(right) > 1:
                continue
            if hops + len(right) - 1 > max_hops or hops + len(right) - 1 == 0:
                continue
            joined = (*left, *reversed(right[:-1]))
            if len(set(joined)) == len(joined):
                found.add(joined)
    ranked = sorted(found, key=lambda route: (len(route), route))
    return [list(route) for route in ranked[:MAX_ROUTES]]


async def side(store: GraphStore, ends: list[str], hops: int, as_of: str) -> list[list[str]]:
    """The routes (person ids) of 1 to ``hops`` hops from the people ``ends`` through people
    who had interacted by ``as_of``, without repeating a person; at most ``MAX_SIDE_ROUTES``,
    the first by ids. A statement a step, each reading the next people of the routes' ends."""
    found: list[list[str]] = []
    frontier = [[end] for end in sorted(set(ends))]
    for _ in range(hops):
        reached = await near(store, sorted({route[-1] for route in frontier}), as_of)
        frontier = [
            [*route, person]
            for route in frontier
            for person in reached.get(route[-1], [])
            if person not in route
        ][: MAX_SIDE_ROUTES - len(found)]
        found += frontier
        if not frontier:
            break
    return found


async def introduction_paths(
    store: GraphStore,
    source: str,
    target: str,
    target_label: Label,
    *,
    max_hops: int,
    first: int,
    as_of: str,
) -> list[IntroductionPath]:
    """The best ``first`` paths from person ``source`` to ``target`` (a person, or anyone
    working at an organisation or cluster on ``as_of``), best first."""
    parameters = PARAMETERS | {
        "source": source,
        "target": target,
        "asOf": as_of,
        "first": first,
    }
    if target_label is Label.PERSON:
        targets = [target]
    else:
        [row] = await store.read(_TARGETS[target_label], parameters)
        targets = row["targets"]
    half = (max_hops + 1) // 2
    from_source = await side(store, [source], half, as_of)
    far: list[list[str]] = []
    if targets and max_hops > half:
        far = await side(store, targets, max_hops - half, as_of)
    found = routes(from_source, targets, far, source, max_hops)
    if not found:
        return []
    rows = await store.read(_rank(store.dialect), parameters | {"routes": found})
    return [
        IntroductionPath(
            row["route"],
            row["score"],
            [
                Hop(hop["person"], _first(hop["jobs"]), hop["crosses"], TieStrength.of(hop["tie"]))
                for hop in sorted(row["hops"], key=lambda hop: hop["k"])
            ],
        )
        for row in rows
    ]


def _first(jobs: list[Record]) -> Shared | None:
    """Of the organisations and clusters someone works at, the first by name (then id)."""
    if not jobs:
        return None
    job = min(jobs, key=lambda job: (job["name"], job["id"]))
    return Shared(job["label"], job["id"], job["name"])
