"""Cross-border ties (pairs of people in different countries who interacted), counted and
grouped, and the gaps: cluster members with no tie across the border, and pairs of clusters in
one sector on both sides that have never met."""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import active


@dataclass(frozen=True, slots=True)
class TieFilter:
    """Which cross-border ties count: interactions up to ``as_of``, and only those from
    ``date_from``, up to ``date_to``, of ``kind``, with either person working in ``sector`` (its
    id) on ``as_of``, where given."""

    as_of: str
    date_from: str | None = None
    date_to: str | None = None
    kind: str | None = None
    sector: str | None = None

    def parameters(self) -> dict[str, str | None]:
        return {
            "asOf": self.as_of,
            "dateFrom": self.date_from,
            "dateTo": self.date_to,
            "kind": self.kind,
            "sector": self.sector,
        }


@dataclass(frozen=True, slots=True)
class CrossBorderTie:
    """Two people in different countries (``a`` has the smaller id) and their interactions."""

    a: Record
    b: Record
    interactions: int
    first_contact: str
    last_contact: str


@dataclass(frozen=True, slots=True)
class TieTotals:
    ties: int
    interactions: int


@dataclass(frozen=True, slots=True)
class TiesInYear:
    year: int
    interactions: int
    new_ties: int
    """Pairs who first interacted that year."""


@dataclass(frozen=True, slots=True)
class TiesBySectorPair:
    sectors: list[str | None]
    """The two sectors' names, in order; ``None`` where a side works in none."""
    sector_ids: list[str | None]
    """Their ids, in the same order."""
    ties: int


@dataclass(frozen=True, slots=True)
class LonelyMember:
    organization: Record
    people: list[Record]
    """Its people on the day, by family name."""


@dataclass(frozen=True, slots=True)
class UnmetClusters:
    first: Record
    second: Record
    sectors: list[Record]
    """The sectors both are active in, by name."""


_PAIRS: LiteralString = """
MATCH (a:Person)-[i:INTERACTED]-(b:Person)
WHERE a.id < b.id AND a.country <> b.country AND i.date <= $asOf
  AND ($dateFrom IS NULL OR i.date >= $dateFrom) AND ($dateTo IS NULL OR i.date <= $dateTo)
  AND ($kind IS NULL OR i.kind = $kind)
WITH a, b, collect(i) AS meetings
"""

_TIES: LiteralString = (
    _PAIRS
    + """OPTIONAL MATCH (a)-[wa:WORKS_AT]->()-[:ACTIVE_IN]->(sa:Sector) WHERE """
    + active("wa")
    + """
WITH a, b, meetings, collect(DISTINCT sa) AS aSectors
OPTIONAL MATCH (b)-[wb:WORKS_AT]->()-[:ACTIVE_IN]->(sb:Sector) WHERE """
    + active("wb")
    + """
WITH a, b, meetings, aSectors, collect(DISTINCT sb) AS bSectors
WHERE ($sector IS NULL OR any(s IN aSectors + bSectors WHERE s.id = $sector))
"""
)
"""One row per pair of people ``a``, ``b`` in different countries with the ``meetings``
that match the filters, and each side's sectors (of where they work on ``$asOf``)."""

_PAGE_END: LiteralString = """
AND ($afterA IS NULL OR a.id > $afterA OR (a.id = $afterA AND b.id > $afterB))
RETURN properties(a) AS a, properties(b) AS b, size(meetings) AS interactions,
       reduce(d = null, m IN meetings | CASE WHEN d IS NULL OR m.date < d THEN m.date ELSE d END)
       AS firstContact,
       reduce(d = null, m IN meetings | CASE WHEN d IS NULL OR m.date > d THEN m.date ELSE d END)
       AS lastContact
ORDER BY a.id, b.id LIMIT $limit
"""

_PAGE: LiteralString = _TIES + _PAGE_END

_PAGE_ANY_SECTOR: LiteralString = _PAIRS + "WITH a, b, meetings WHERE $sector IS NULL" + _PAGE_END
"""``_PAGE`` without a sector: nobody's employers are read (on ``medium``, 55 s spent on them)."""

_COUNT: LiteralString = _TIES + "RETURN count(*) AS ties, sum(size(meetings)) AS interactions"

_COUNT_ANY_SECTOR: LiteralString = """
MATCH (a:Person)-[i:INTERACTED]->(b:Person)
WHERE a.country <> b.country AND i.date <= $asOf
  AND ($dateFrom IS NULL OR i.date >= $dateFrom) AND ($dateTo IS NULL OR i.date <= $dateTo)
  AND ($kind IS NULL OR i.kind = $kind)
WITH CASE WHEN a.id < b.id THEN [a.id, b.id] ELSE [b.id, a.id] END AS pair, count(i) AS meetings
RETURN count(*) AS ties, sum(meetings) AS interactions
"""
"""``_COUNT`` without a sector: each interaction read once, and nobody's employers (on
``medium``, 2-4 s against 55 s)."""

_BY_YEAR: LiteralString = (
    _TIES
    + """
WITH a, b, meetings,
     reduce(d = null, m IN meetings | CASE WHEN d IS NULL OR m.date < d THEN m.date ELSE d END)
     AS first
UNWIND meetings AS m
WITH substring(m.date, 0, 4) AS year, m,
     CASE WHEN m.date = first THEN a.id + ' ' + b.id END AS newPair
RETURN year, count(m) AS interactions, count(DISTINCT newPair) AS newTies ORDER BY year
"""
)

_BY_SECTOR_PAIR: LiteralString = (
    _TIES
    + """
UNWIND (CASE WHEN size(aSectors) = 0 THEN [null] ELSE aSectors END) AS sa
UNWIND (CASE WHEN size(bSectors) = 0 THEN [null] ELSE bSectors END) AS sb
WITH a, b, CASE WHEN coalesce(sa.name, '') <= coalesce(sb.name, '') THEN [sa, sb]
     ELSE [sb, sa] END AS pair
WITH [s IN pair | s.name] AS names, [s IN pair | s.id] AS ids, count(DISTINCT [a.id, b.id]) AS ties
RETURN names, ids, ties ORDER BY ties DESC, names

"""
)


async def cross_border_ties(
    store: GraphStore, filters: TieFilter, *, first: int, after: tuple[str, str] | None
) -> list[CrossBorderTie]:
    """Up to ``first + 1`` pairs after the cursor, by the ids of their ends."""
    parameters = filters.parameters() | {
        "limit": first + 1,
        "afterA": after[0] if after else None,
        "afterB": after[1] if after else None,
    }
    rows = await store.read(_PAGE_ANY_SECTOR if filters.sector is None else _PAGE, parameters)
    return [
        CrossBorderTie(
            row["a"], row["b"], row["interactions"], row["firstContact"], row["lastContact"]
        )
        for row in rows
    ]


async def count_cross_border_ties(store: GraphStore, filters: TieFilter) -> TieTotals:
    statement = _COUNT_ANY_SECTOR if filters.sector is None else _COUNT
    rows = await store.read(statement, filters.parameters())
    return TieTotals(rows[0]["ties"], int(rows[0]["interactions"] or 0))


async def cross_border_ties_by_year(store: GraphStore, filters: TieFilter) -> list[TiesInYear]:
    """Interactions across the border per year, and the pairs who met across it for the first
    time that year."""
    rows = await store.read(_BY_YEAR, filters.parameters())
    return [TiesInYear(int(row["year"]), row["interactions"], row["newTies"]) for row in rows]


async def cross_border_ties_by_sector_pair(
    store: GraphStore, filters: TieFilter
) -> list[TiesBySectorPair]:
    """Pairs per pair of sectors (of where the two people work; null where one has none)."""
    rows = await store.read(_BY_SECTOR_PAIR, filters.parameters())
    return [TiesBySectorPair(row["names"], row["ids"], row["ties"]) for row in rows]


_LONELY_MEMBERS: LiteralString = (
    """
MATCH (c:Cluster {id: $cluster})<-[m:MEMBER_OF]-(o:Organization)
WHERE coalesce(m.since, '') <= $asOf
OPTIONAL MATCH (o)<-[w:WORKS_AT]-(p:Person) WHERE """
    + active("w")
    + """
WITH o, collect(p) AS people
OPTIONAL MATCH (q:Person)-[i:INTERACTED]-(x:Person)
WHERE q IN people AND i.date <= $asOf AND x.country <> o.country
WITH o, people, count(i) AS interactions
OPTIONAL MATCH (q:Person)-[:ATTENDED]->(e:Event)<-[:ATTENDED]-(x:Person)
WHERE q IN people AND e.date <= $asOf AND x.country <> o.country
WITH o, people, interactions, count(e) AS events
WHERE interactions = 0 AND events = 0
RETURN properties(o) AS organization, [p IN people | properties(p)] AS people
ORDER BY o.searchName, o.id
"""
)

_UNMET_CLUSTERS: LiteralString = (
    """
MATCH (c:Cluster)
OPTIONAL MATCH (c)<-[m:MEMBER_OF]-(o:Organization) WHERE coalesce(m.since, '') <= $asOf
WITH c, collect(o) + [c] AS units
UNWIND units AS u
OPTIONAL MATCH (u)<-[w:WORKS_AT]-(p:Person) WHERE """
    + active("w")
    + """
WITH c, units, collect(DISTINCT p) AS people
UNWIND units AS u
OPTIONAL MATCH (u)-[:PARTNER_IN|PARTICIPATES_IN]->(x)
OPTIONAL MATCH (x)-[:EMERGED_FROM]->(ev:Event)
WITH c, people, x, min(ev.date) AS born
WITH c, people, collect(DISTINCT CASE
       WHEN x.periodStart IS NOT NULL AND toString(x.periodStart) <= substring($asOf, 0, 4)
       THEN labels(x)[0] + ':' + x.id
       WHEN x.periodStart IS NULL AND coalesce(x.startedOn, born, '') <= $asOf
       THEN labels(x)[0] + ':' + x.id END) AS joint
UNWIND (CASE WHEN size(people) = 0 THEN [null] ELSE people END) AS p
OPTIONAL MATCH (p)-[i:INTERACTED]-(q:Person) WHERE i.date <= $asOf
WITH c, people, joint, p, collect(DISTINCT q.id) AS contacted
OPTIONAL MATCH (p)-[:ATTENDED]->(e:Event) WHERE e.date <= $asOf
WITH c, people, joint, contacted, collect(DISTINCT e.id) AS attended
WITH c, people, joint, collect(contacted) AS contactLists, collect(attended) AS eventLists
WITH c, [p IN people | p.id] AS staff, joint,
     reduce(acc = [], ids IN contactLists | acc + ids) AS contacts,
     reduce(acc = [], ids IN eventLists | acc + ids) AS events
WITH collect({c: c, staff: staff, joint: joint, contacts: contacts, events: events}) AS clusters
UNWIND clusters AS one
UNWIND clusters AS two
WITH one, two, one.c AS c1, two.c AS c2
WHERE c1.id < c2.id AND c1.country <> c2.country
MATCH (c1)-[:ACTIVE_IN]->(s:Sector)<-[:ACTIVE_IN]-(c2)
WHERE $sector IS NULL OR s.id = $sector
WITH one, two, c1, c2, collect(properties(s)) AS sectors
WHERE none(x IN one.joint WHERE x IN two.joint)
  AND none(q IN one.contacts WHERE q IN two.staff)
  AND none(e IN one.events WHERE e IN two.events)
RETURN properties(c1) AS first, properties(c2) AS second, sectors
ORDER BY c1.id, c2.id
"""
)
"""A cluster's people are those working, on ``$asOf``, at the cluster or at an organisation
that was a member by then; its initiatives and projects, those it or such a member is a
partner in (an initiative from its start or its first event, a project from its first year)."""


async def lonely_members(store: GraphStore, cluster: str, as_of: str) -> list[LonelyMember]:
    """Members of ``cluster`` on ``as_of`` none of whose people has interacted with, or
    attended an event with, anyone from another country by then."""
    rows = await store.read(_LONELY_MEMBERS, {"cluster": cluster, "asOf": as_of})
    return [LonelyMember(row["organization"], _by_family_name(row["people"])) for row in rows]


async def unmet_cluster_pairs(
    store: GraphStore, sector: str | None, as_of: str
) -> list[UnmetClusters]:
    """Pairs of clusters in different countries active in a sector in common (``sector``,
    if given) whose people (their own or their members') have never interacted or attended an
    event together by ``as_of``, and that share no initiative or project."""
    rows = await store.read(_UNMET_CLUSTERS, {"sector": sector, "asOf": as_of})
    return [
        UnmetClusters(
            row["first"], row["second"], sorted(row["sectors"], key=lambda s: (s["name"], s["id"]))
        )
        for row in rows
    ]


def _by_family_name(people: list[Record]) -> list[Record]:
    return sorted(people, key=lambda p: (p["familyName"], p["givenName"], p["id"]))
