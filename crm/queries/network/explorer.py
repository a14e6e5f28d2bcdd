"""The explorer's graph: the ego network of people, organisations and clusters around some
centres, walked a level at a time, as the graph had grown by a day.

The nodes are people, organisations and clusters; the ties between them are of three kinds:

- ``interaction``: two people who interacted, one tie per pair (their interactions collapsed
  into one weighted pair before anything is walked), rated by the one formula of
  ``strength.py`` in the engine;
- ``employment``: a person's job at an organisation or cluster (``WORKS_AT``);
- ``membership``: an organisation's membership of a cluster (``MEMBER_OF``).

*As of* a day, a tie counts once it has begun by then (the first interaction of a pair, a
job's or a membership's ``since``; undated ones always): a job that had ended is kept, with
its ``until``, so that a client holding the answer can replay the network year by year from
the dates alone; strength is the strength on that day.

Each level is one statement that reads the frontier's ties (at most ``ties_limit`` of each kind
and direction: the walk never reads more), one that rates the new pairs of people, and one
that reads the new nodes; a last pair of statements reads the ties among the outermost nodes,
so the answer holds every tie between its nodes (the induced subgraph). The cost follows the
pairs and nodes reached, not the interactions behind them, and the number of statements the
depth. Too many nodes or ties raise ``TooLarge`` instead of reading on.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, LiteralString

from crm.domain import Label
from crm.errors import CrmError, NotFound
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import PARAMETERS, TieStrength, tie_strength

MAX_DEPTH = 3
"""Levels a view may walk out from its centres."""
TIES_PER_NODE = 10
"""A view may hold ten times as many ties as its node limit."""

ACTORS = (Label.PERSON, Label.ORGANIZATION, Label.CLUSTER)
"""The labels of the explorer's nodes."""


class TieKind(StrEnum):
    INTERACTION = "interaction"
    EMPLOYMENT = "employment"
    MEMBERSHIP = "membership"


@dataclass(frozen=True, order=True)
class Ref:
    """A node of the explorer by its label and record id."""

    label: Label
    id: str


class TooLarge(CrmError):
    """The view would hold more nodes (or ties) than its limit allows; nothing more is read.
    ``read`` when the ties read were too many, before ``minStrength`` and ``sectors`` apply."""

    def __init__(self, what: str, maximum: int, found: int, *, read: bool = False) -> None:
        super().__init__(f"more than {maximum} {what}")
        self.what = what
        self.maximum = maximum
        self.found = found
        self.read = read


@dataclass(frozen=True)
class Scope:
    """What a view lets in: ties of ``kinds`` begun by ``as_of``; interactions only of
    ``interaction_kinds`` (``None``: all), only across the border when ``cross_border_only``,
    only pairs at least ``min_strength`` strong; new nodes only in ``sectors`` (``None``: all;
    a person is in the sectors of where they work). The centres are always in."""

    as_of: str
    kinds: frozenset[TieKind] = frozenset(TieKind)
    interaction_kinds: tuple[str, ...] | None = None
    cross_border_only: bool = False
    min_strength: float | None = None
    sectors: frozenset[str] | None = None


@dataclass
class Member:
    """A node of the view: its properties, its sectors (records), and how many hops from the
    nearest centre it was found (0: a centre)."""

    ref: Ref
    properties: Record
    sectors: list[Record]
    depth: int


@dataclass(frozen=True)
class Interaction:
    date: str
    kind: str


@dataclass
class Link:
    """A tie of the view, from ``source`` to ``target`` (a person to their employer, an
    organisation to its cluster, the person with the smaller id to the other)."""

    kind: TieKind
    source: Ref
    target: Ref
    crosses_border: bool
    since: str | None
    until: str | None = None
    role: str | None = None
    interactions: list[Interaction] = field(default_factory=list)
    """Of a pair of people: their interactions (as the scope lets in), oldest first."""
    tie: TieStrength | None = None
    """Of a pair of people: their tie by the formula."""

    @property
    def key(self) -> tuple[TieKind, Ref, Ref]:
        return self.kind, self.source, self.target


@dataclass
class View:
    """The nodes (in the order found) and the ties of a view."""

    centers: list[Ref]
    members: dict[Ref, Member]
    links: dict[tuple[TieKind, Ref, Ref], Link]


_SECTORS_OF_PERSON: LiteralString = (
    "[(b)-[v:WORKS_AT]->()-[:ACTIVE_IN]->(s:Sector) WHERE coalesce(v.since, '') <= $asOf | s.id]"
)
_SECTORS_OF_UNIT: LiteralString = "[(b)-[:ACTIVE_IN]->(s:Sector) | s.id]"


def _walk(in_sectors: bool) -> LiteralString:
    """The walk's statement; ``in_sectors``: with the far ends' sectors (pattern comprehensions
    cost even where a ``CASE`` would not use them, so the plain walk has none)."""
    person: LiteralString = _SECTORS_OF_PERSON if in_sectors else "[]"
    unit: LiteralString = _SECTORS_OF_UNIT if in_sectors else "[]"
    return f"""
UNWIND $interactionPeople AS id
MATCH (a:Person {{id: id}})-[i:INTERACTED]-(b:Person)
WHERE i.date <= $asOf AND ($interactionKinds IS NULL OR i.kind IN $interactionKinds)
  AND (NOT $crossBorderOnly OR a.country <> b.country)
WITH a, b, i WHERE NOT $closing OR b.id IN $withinPeople
WITH a, b, i ORDER BY i.date, i.id
WITH a, b, collect({{date: i.date, kind: i.kind}}) AS met
WITH a, b, met LIMIT $cap
RETURN 'interaction' AS kind, 'Person' AS nearLabel, a.id AS near, 'Person' AS farLabel,
       b.id AS far, b.country AS farCountry, met[0].date AS since, null AS until, null AS role,
       met, {person} AS farSectors
UNION ALL
UNWIND $jobPeople AS id
MATCH (a:Person {{id: id}})-[w:WORKS_AT]->(b)
WHERE coalesce(w.since, '') <= $asOf
WITH a, b, w WHERE NOT $closing OR (b:Organization AND b.id IN $withinOrganizations)
                   OR (b:Cluster AND b.id IN $withinClusters)
WITH a, b, w LIMIT $cap
RETURN 'employment' AS kind, 'Person' AS nearLabel, a.id AS near, labels(b)[0] AS farLabel,
       b.id AS far, b.country AS farCountry, w.since AS since, w.until AS until, w.role AS role,
       [] AS met, {unit} AS farSectors
UNION ALL
UNWIND $jobOrganizations AS id
MATCH (a:Organization {{id: id}})<-[w:WORKS_AT]-(b:Person)
WHERE coalesce(w.since, '') <= $asOf
WITH a, b, w WHERE NOT $closing OR b.id IN $withinPeople
WITH a, b, w LIMIT $cap
RETURN 'employment' AS kind, 'Organization' AS nearLabel, a.id AS near, 'Person' AS farLabel,
       b.id AS far, b.country AS farCountry, w.since AS since, w.until AS until, w.role AS role,
       [] AS met, {person} AS farSectors
UNION ALL
UNWIND $jobClusters AS id
MATCH (a:Cluster {{id: id}})<-[w:WORKS_AT]-(b:Person)
WHERE coalesce(w.since, '') <= $asOf
WITH a, b, w WHERE NOT $closing OR b.id IN $withinPeople
WITH a, b, w LIMIT $cap
RETURN 'employment' AS kind, 'Cluster' AS nearLabel, a.id AS near, 'Person' AS farLabel,
       b.id AS far, b.country AS farCountry, w.since AS since, w.until AS until, w.role AS role,
       [] AS met, {person} AS farSectors
UNION ALL
UNWIND $memberOrganizations AS id
MATCH (a:Organization {{id: id}})-[m:MEMBER_OF]->(b:Cluster)
WHERE coalesce(m.since, '') <= $asOf
WITH a, b, m WHERE NOT $closing OR b.id IN $withinClusters
WITH a, b, m LIMIT $cap
RETURN 'membership' AS kind, 'Organization' AS nearLabel, a.id AS near, 'Cluster' AS farLabel,
       b.id AS far, b.country AS farCountry, m.since AS since, null AS until, null AS role,
       [] AS met, {unit} AS farSectors
UNION ALL
UNWIND $memberClusters AS id
MATCH (a:Cluster {{id: id}})<-[m:MEMBER_OF]-(b:Organization)
WHERE coalesce(m.since, '') <= $asOf
WITH a, b, m WHERE NOT $closing OR b.id IN $withinOrganizations
WITH a, b, m LIMIT $cap
RETURN 'membership' AS kind, 'Cluster' AS nearLabel, a.id AS near, 'Organization' AS farLabel,
       b.id AS far, b.country AS farCountry, m.since AS since, null AS until, null AS role,
       [] AS met, {unit} AS farSectors
"""


_WALKS = {in_sectors: _walk(in_sectors) for in_sectors in (False, True)}
"""The ties of the frontier (by label, in the lists each kind walks), each kind and direction
at most ``$cap``; when ``$closing``, only those to the nodes ``$within…`` (filtered after the
match: FalkorDB plans ``IN`` on an indexed property badly inside an ``OR``). A row per tie: its
``kind``, its near end (on the frontier) and far end, the far end's country and sectors (in
the second statement), and the tie's dates, role and interactions (date and kind, oldest
first)."""


def _rate(dialect: Dialect) -> LiteralString:
    """Each pair's tie by the formula, the pairs at least ``$minStrength`` strong."""
    return (
        """
UNWIND $pairs AS pair
MATCH (a:Person {id: pair[0]})
MATCH (b:Person {id: pair[1]})
"""
        + tie_strength(dialect, "")
        + """
WITH a, b, tie WHERE $minStrength IS NULL OR tie.strength >= $minStrength
RETURN a.id AS a, b.id AS b, tie
"""
    )


_NODES: LiteralString = """
UNWIND $people AS id
MATCH (n:Person {id: id})
RETURN 'Person' AS label, properties(n) AS node,
       [(n)-[w:WORKS_AT]->()-[:ACTIVE_IN]->(s:Sector) WHERE coalesce(w.since, '') <= $asOf
        | properties(s)] AS sectors
UNION ALL
UNWIND $organizations AS id
MATCH (n:Organization {id: id})
RETURN 'Organization' AS label, properties(n) AS node,
       [(n)-[:ACTIVE_IN]->(s:Sector) | properties(s)] AS sectors
UNION ALL
UNWIND $clusters AS id
MATCH (n:Cluster {id: id})
RETURN 'Cluster' AS label, properties(n) AS node,
       [(n)-[:ACTIVE_IN]->(s:Sector) | properties(s)] AS sectors
"""
"""The nodes by label, with their sectors (a person's: of the jobs begun by ``$asOf``)."""


@dataclass(frozen=True)
class _Found:
    """A tie the walk read: from ``near`` (on the frontier) to ``far``."""

    kind: TieKind
    near: Ref
    near_country: str
    far: Ref
    far_country: str
    far_sectors: frozenset[str]
    since: str | None
    until: str | None
    role: str | None
    met: list[Interaction]

    def link(self) -> Link:
        """As a tie of the view, in its direction."""
        if self.kind is TieKind.INTERACTION:
            source, target = sorted((self.near, self.far))
        elif self.kind is TieKind.EMPLOYMENT:
            near_person = self.near.label is Label.PERSON
            source, target = (self.near, self.far) if near_person else (self.far, self.near)
        else:
            near_member = self.near.label is Label.ORGANIZATION
            source, target = (self.near, self.far) if near_member else (self.far, self.near)
        crosses = self.near_country != self.far_country
        return Link(self.kind, source, target, crosses, self.since, self.until, self.role, self.met)


@dataclass
class _Walk:
    """One view being walked."""

    store: GraphStore
    scope: Scope
    node_limit: int
    shown: frozenset[Ref]
    view: View
    rated: dict[tuple[str, str], TieStrength | None] = field(default_factory=dict)
    """Pairs of people already rated (``None``: weaker than the minimum)."""

    @property
    def ties_limit(self) -> int:
        return self.node_limit * TIES_PER_NODE

    def parameters(self) -> dict[str, Any]:
        return PARAMETERS | {
            "asOf": self.scope.as_of,
            "sectors": None if self.scope.sectors is None else sorted(self.scope.sectors),
            "minStrength": self.scope.min_strength,
        }

    async def step(self, frontier: Sequence[Ref], within: frozenset[Ref] | None) -> list[Link]:
        """The ties of the frontier the scope lets in (only to ``within``, when given), the
        pairs of people not rated yet (``rate``)."""
        kinds, scope = self.scope.kinds, self.scope
        people = [r.id for r in frontier if r.label is Label.PERSON]
        organizations = [r.id for r in frontier if r.label is Label.ORGANIZATION]
        clusters = [r.id for r in frontier if r.label is Label.CLUSTER]
        inside = _by_label(within or ())
        parameters = self.parameters() | {
            "interactionPeople": people if TieKind.INTERACTION in kinds else [],
            "jobPeople": people if TieKind.EMPLOYMENT in kinds else [],
            "jobOrganizations": organizations if TieKind.EMPLOYMENT in kinds else [],
            "jobClusters": clusters if TieKind.EMPLOYMENT in kinds else [],
            "memberOrganizations": organizations if TieKind.MEMBERSHIP in kinds else [],
            "memberClusters": clusters if TieKind.MEMBERSHIP in kinds else [],
            "interactionKinds": None
            if scope.interaction_kinds is None
            else list(scope.interaction_kinds),
            "crossBorderOnly": scope.cross_border_only,
            "closing": within is not None,
            "withinPeople": inside["people"],
            "withinOrganizations": inside["organizations"],
            "withinClusters": inside["clusters"],
            "cap": self.ties_limit + 1,
        }
        in_sectors = scope.sectors is not None and within is None
        rows = await self.store.read(_WALKS[in_sectors], parameters)
        countries = {ref: self.view.members[ref].properties["country"] for ref in frontier}
        found = [_found(row, countries) for row in rows]
        self._bounded(found)
        links: dict[tuple[TieKind, Ref, Ref], Link] = {}
        for tie in found:
            if within is None and not self._welcome(tie):
                continue
            link = tie.link()
            links.setdefault(link.key, link)
        return list(links.values())

    def _welcome(self, tie: _Found) -> bool:
        """Whether the far end may join the view (a node of it already always may)."""
        if tie.far in self.view.members or tie.far in self.shown:
            return True
        sectors = self.scope.sectors
        return sectors is None or bool(tie.far_sectors & sectors)

    def _bounded(self, found: list[_Found]) -> None:
        counts: dict[tuple[TieKind, Label], int] = {}
        for tie in found:
            key = (tie.kind, tie.near.label)
            counts[key] = counts.get(key, 0) + 1
        if any(count > self.ties_limit for count in counts.values()):
            raise TooLarge("ties", self.ties_limit, max(counts.values()), read=True)

    async def rate(self, links: list[Link]) -> list[Link]:
        """The links with the interactions' pairs rated, those too weak left out."""
        pairs = sorted(
            {(link.source.id, link.target.id) for link in links if link.kind is TieKind.INTERACTION}
            - set(self.rated)
        )
        if pairs:
            rows = await self.store.read(
                _rate(self.store.dialect), self.parameters() | {"pairs": pairs}
            )
            rated = {(row["a"], row["b"]): TieStrength.of(row["tie"]) for row in rows}
            for pair in pairs:
                self.rated[pair] = rated.get(pair)
        kept = []
        for link in links:
            if link.kind is TieKind.INTERACTION:
                link.tie = self.rated[(link.source.id, link.target.id)]
                if link.tie is None:
                    continue
            kept.append(link)
        return kept

    def add(self, links: Iterable[Link]) -> None:
        for link in links:
            self.view.links.setdefault(link.key, link)


def _found(row: Record, countries: dict[Ref, str]) -> _Found:
    near = Ref(Label(row["nearLabel"]), row["near"])
    return _Found(
        TieKind(row["kind"]),
        near,
        countries[near],
        Ref(Label(row["farLabel"]), row["far"]),
        row["farCountry"],
        frozenset(row["farSectors"]),
        row["since"],
        row["until"],
        row["role"],
        [Interaction(m["date"], m["kind"]) for m in row["met"]],
    )


async def read_nodes(
    store: GraphStore, refs: Iterable[Ref], depth: int, as_of: str
) -> list[Member]:
    """The nodes ``refs`` (those that exist), as found ``depth`` hops out, with their sectors
    on ``as_of``."""
    rows = await store.read(_NODES, {"asOf": as_of} | _by_label(refs))
    found = []
    for row in rows:
        ref = Ref(Label(row["label"]), row["node"]["id"])
        sectors = list({s["id"]: s for s in row["sectors"]}.values())
        found.append(Member(ref, row["node"], sorted(sectors, key=lambda s: s["name"]), depth))
    return found


def _by_label(refs: Iterable[Ref]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {"people": [], "organizations": [], "clusters": []}
    names = {Label.PERSON: "people", Label.ORGANIZATION: "organizations", Label.CLUSTER: "clusters"}
    for ref in refs:
        grouped[names[ref.label]].append(ref.id)
    return grouped


async def find_actors(
    store: GraphStore, refs: Sequence[tuple[Label | None, str]], as_of: str
) -> list[Member]:
    """The nodes named (a label of ``None``: the first of ``ACTORS`` holding the id), in order;
    ``NotFound`` names the first that does not exist."""
    candidates = [
        Ref(label, key) for given, key in refs for label in ACTORS if given in (None, label)
    ]
    found = {member.ref: member for member in await read_nodes(store, candidates, 0, as_of)}
    members: list[Member] = []
    for given, key in refs:
        labels = [label for label in ACTORS if given in (None, label)]
        match = next((found[Ref(label, key)] for label in labels if Ref(label, key) in found), None)
        if match is None:
            names = " or ".join(label.value for label in labels)
            raise NotFound(f"no {names} with id {key!r}")
        members.append(match)
    return members


async def explore(
    store: GraphStore,
    centers: Sequence[Member],
    *,
    depth: int,
    scope: Scope,
    node_limit: int,
    shown: Iterable[Ref] = (),
    expanding: bool = False,
) -> View:
    """The view ``depth`` levels out from ``centers`` (nodes ``find_actors`` found), holding
    every tie the scope lets in between its nodes. With ``shown`` (nodes a client holds
    already), those are not read again and do not count; ties to them are answered. When
    ``expanding``, the centres do not count either. ``TooLarge`` when more than ``node_limit``
    nodes, or ten times as many ties, would be in."""
    uncounted = len(centers) if expanding else 0
    if len(centers) - uncounted > node_limit:
        raise TooLarge("nodes", node_limit, len(centers))
    view = View([c.ref for c in centers], {c.ref: c for c in centers}, {})
    walk = _Walk(store, scope, node_limit, frozenset(shown) - set(view.members), view)
    frontier = list(view.members)

    def new_ends(links: list[Link]) -> list[Ref]:
        ends = {end for link in links for end in (link.source, link.target)}
        new = sorted(ends - set(view.members) - walk.shown)
        if len(view.members) - uncounted + len(new) > node_limit:
            raise TooLarge("nodes", node_limit, len(view.members) - uncounted + len(new))
        return new

    for level in range(1, depth + 1):
        if not frontier:
            break
        links = await walk.step(frontier, None)
        if scope.min_strength is None:  # nothing rating could drop: refuse before rating
            new_ends(links)
        links = await walk.rate(links)
        walk.add(links)
        new = new_ends(links)
        for member in await read_nodes(store, new, level, scope.as_of):
            view.members[member.ref] = member
        frontier = new
    if frontier:  # the ties among the outermost nodes, and to the nodes shown
        within = frozenset(frontier) | walk.shown
        walk.add(await walk.rate(await walk.step(frontier, within)))
    inside = set(view.members) | walk.shown
    view.links = {
        key: link
        for key, link in view.links.items()
        if link.source in inside and link.target in inside
    }
    if len(view.links) > walk.ties_limit:
        raise TooLarge("ties", walk.ties_limit, len(view.links))
    return view
