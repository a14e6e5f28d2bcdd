"""Brokers: the people (and organisations) that the network's shortest paths run through.

A person's score is their betweenness centrality among people joined by interactions dated up
to ``asOf`` (either way): for every pair of others, the share of the pair's shortest paths that
pass through them; when asked, only pairs in different countries count. One statement reads who
has interacted with whom by then (``pairs.contacts``: each person's contacts once, however often
they met), and Brandes' algorithm (``betweenness.py``) follows the shortest paths: exactly up to
``exact_up_to`` people (``CRM_BROKERS_EXACT_UP_TO``), and above that an estimate from
``sample`` sources drawn with a fixed seed (``CRM_BROKERS_SAMPLE``), which the answer says
(``Ranking.estimated``, ``Ranking.sample_size``); the benchmark measures its top ten against
the exact one.
Where the engine has an exact algorithm for the same question (``Dialect.betweenness``: Neo4j
with Graph Data Science), the plain question (no ``asOf``, all pairs) takes its scores instead.
An organisation's score is the sum of its people's on that day. ``bridges`` are pairs of a
broker's contacts (an organisation's: its people's, outside it) who had not interacted with each
other (across the border, when asked so), counted exactly and the first few shown by id; they
are worked out from the same contacts, so no statement walks the pairs.
"""

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.network.betweenness import betweenness, sources
from crm.queries.network.pairs import contacts
from crm.queries.network.strength import active

BRIDGES_SHOWN = 5

_COUNTRIES: LiteralString = "MATCH (p:Person) RETURN p.id AS id, p.country AS country"

_ORGANIZATIONS: LiteralString = (
    """
UNWIND $scores AS row
MATCH (x:Person {id: row.id})-[w:WORKS_AT]->(o:Organization) WHERE """
    + active("w")
    + """
WITH o, sum(row.score) AS score
ORDER BY score DESC, o.id LIMIT $first
OPTIONAL MATCH (p:Person)-[v:WORKS_AT]->(o) WHERE """
    + active("v")
    + """
WITH o, score, collect(p.id) AS staff
RETURN properties(o) AS organization, score, staff
ORDER BY score DESC, o.id
"""
)
"""The ``$first`` organisations whose people (on ``$asOf``) score most, with those people."""

_PEOPLE: LiteralString = (
    "MATCH (p:Person) WHERE p.id IN $ids RETURN p.id AS id, properties(p) AS person"
)


@dataclass(frozen=True, slots=True)
class Broker:
    """A person (or an organisation) and its score; ``bridged`` pairs of its contacts had not
    interacted, ``bridges`` the first few of them (the people's properties)."""

    person: Record | None
    organization: Record | None
    score: float
    bridged: int
    bridges: list[tuple[Record, Record]]


@dataclass(frozen=True, slots=True)
class _Ranked:
    """A person or organisation ranked, with the people whose contacts it bridges."""

    person: str | None
    organization: Record | None
    score: float
    staff: list[str]


@dataclass(frozen=True)
class Contacts:
    """Who has interacted with whom: people by index (in the order of their ids)."""

    ids: list[str]
    near: list[set[int]]
    countries: list[str] | None
    """Each person's country, when only pairs across the border count."""

    @classmethod
    def of(cls, met: list[tuple[str, list[str]]], countries: dict[str, str] | None) -> "Contacts":
        """From each person who had reached out to others, with those others."""
        ids = sorted({person for person, _ in met} | {other for _, near in met for other in near})
        index = {person: k for k, person in enumerate(ids)}
        near: list[set[int]] = [set() for _ in ids]
        for person, others in met:
            a = index[person]
            for other in others:
                b = index[other]
                near[a].add(b)
                near[b].add(a)
        return cls(ids, near, None if countries is None else [countries[p] for p in ids])

    def scores(self, starts: list[int]) -> dict[str, float]:
        """Each person's betweenness from the paths that start at ``starts`` (indexes), where
        positive."""
        found = betweenness([sorted(c) for c in self.near], starts, self.countries)
        return {self.ids[k]: score for k, score in enumerate(found) if score > 0}

    def bridges(self, staff: Iterable[str]) -> tuple[int, list[tuple[str, str]]]:
        """How many pairs of the staff's contacts outside the staff had not interacted (across
        the border, if so asked), and the first ``BRIDGES_SHOWN`` of them by id."""
        index = {person: k for k, person in enumerate(self.ids)}
        inside = {index[person] for person in staff if person in index}
        contacts = sorted({c for m in inside for c in self.near[m]} - inside)
        countries = self.countries
        if countries is None:
            pairs = len(contacts) * (len(contacts) - 1) // 2
        else:
            sizes = Counter(countries[c] for c in contacts).values()
            pairs = (len(contacts) ** 2 - sum(n * n for n in sizes)) // 2
        among = set(contacts)
        met = sum(
            1
            for a in contacts
            for b in self.near[a]
            if b > a and b in among and (countries is None or countries[a] != countries[b])
        )
        shown: list[tuple[str, str]] = []
        for k, a in enumerate(contacts):
            for b in contacts[k + 1 :]:
                if len(shown) == BRIDGES_SHOWN:
                    return pairs - met, shown
                if b in self.near[a] or (countries is not None and countries[a] == countries[b]):
                    continue
                shown.append((self.ids[a], self.ids[b]))
        return pairs - met, shown


async def read_contacts(store: GraphStore, as_of: str, *, cross_border: bool) -> Contacts:
    """Who had interacted with whom by ``as_of`` (with their countries, if ``cross_border``)."""
    met = await contacts(store, as_of)
    countries = (
        {row["id"]: row["country"] for row in await store.read(_COUNTRIES)}
        if cross_border
        else None
    )
    return Contacts.of(met, countries)


@dataclass(frozen=True, slots=True)
class Ranking:
    """The brokers, and how their scores were found."""

    brokers: list[Broker]
    estimated: bool
    """Whether the scores are an estimate from a sample of sources (else exact)."""
    sample_size: int
    """How many people the shortest paths were followed from (all of them when exact)."""
    people: int
    """How many people had interacted with someone."""


async def brokers(
    store: GraphStore,
    *,
    organizations: bool,
    first: int,
    cross_border: bool,
    as_of: str | None,
    today: str,
    exact_up_to: int,
    sample: int,
) -> Ranking:
    """The ``first`` people (or organisations) with the highest scores, highest first: exact
    scores on up to ``exact_up_to`` people, else estimated from ``sample`` sources."""
    day = as_of or today
    contacts = await read_contacts(store, day, cross_border=cross_border)
    engine = store.dialect.betweenness()
    people = len(contacts.ids)
    starts = sources(people, exact_up_to=exact_up_to, sampled=sample)
    if engine is not None and as_of is None and not cross_border:
        found = await store.read(engine)
        scores = {row["id"]: row["score"] for row in found if row["score"] > 0}
        starts = list(range(people))
    else:
        scores = await asyncio.to_thread(contacts.scores, starts)
    ranked = (
        await _organizations(store, scores, first, day)
        if organizations
        else [
            _Ranked(p, None, s, [p])
            for p, s in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:first]
        ]
    )
    bridged = [(row, *contacts.bridges(row.staff)) for row in ranked]
    named = {p for _, _, shown in bridged for pair in shown for p in pair}
    named |= {row.person for row in ranked if row.person is not None}
    found = await store.read(_PEOPLE, {"ids": sorted(named)})
    named_people = {row["id"]: row["person"] for row in found}
    return Ranking(
        [
            Broker(
                person=None if row.person is None else named_people[row.person],
                organization=row.organization,
                score=row.score,
                bridged=count,
                bridges=[(named_people[a], named_people[b]) for a, b in shown],
            )
            for row, count, shown in bridged
        ],
        estimated=len(starts) < people,
        sample_size=len(starts),
        people=people,
    )


async def _organizations(
    store: GraphStore, scores: dict[str, float], first: int, day: str
) -> list[_Ranked]:
    """The ``first`` organisations whose people score most on ``day``."""
    rows = await store.read(
        _ORGANIZATIONS,
        {"scores": [{"id": p, "score": s} for p, s in scores.items()], "first": first, "asOf": day},
    )
    return [_Ranked(None, row["organization"], row["score"], row["staff"]) for row in rows]
