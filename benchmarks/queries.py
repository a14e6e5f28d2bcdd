"""The queries the API sections measure, each with its baseline: the same answer fetched through
the store adapter with hand-written Cypher, mapped to the shape of the API's ``data``.

The parameters (list sizes, the project, pairs of people, a search word) are picked from the
loaded graph, with a fixed seed, so any dataset works.
"""

import math
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from benchmarks.report import Target
from crm.api.ids import global_id
from crm.api.pagination import encode_cursor
from crm.config import Settings
from crm.domain import Label
from crm.domain.nodes import EventKind
from crm.graph.store import GraphStore, Record
from crm.queries.impact import project_impacts
from crm.queries.network.brokers import brokers
from crm.queries.network.paths import introduction_paths
from crm.queries.search import search

Variables = dict[str, Any]
Baseline = Callable[[GraphStore, Variables], Awaitable[dict[str, Any]]]

LIST_SIZES = (10, 100, 1_000, 10_000)
LIST_TARGETS = {1_000: Target(1.5, "within 1.5x"), 10_000: Target(2.0, "within 2x")}
PATH_PAIRS = 3
WORD = re.compile(r"[^\W\d_]{4,}")

LIST = """
query List($first: Int!) {
  people(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id recordId givenName familyName country
      events(first: 5) { edges { node { recordId title date kind
        topics(first: 3) { nodes { recordId name } } } } } } } }
"""

_LIST = """
MATCH (everyone:Person) WITH count(everyone) AS total
MATCH (p:Person)
WITH total, p, coalesce(p.searchName, '') AS key ORDER BY key, p.id LIMIT $first
OPTIONAL MATCH (p)-[:ATTENDED]->(e:Event)
WITH total, p, key, e ORDER BY key, p.id, coalesce(e.date, ''), e.id
WITH total, p, key, collect(e)[0..5] AS events
UNWIND CASE WHEN size(events) = 0 THEN [null] ELSE events END AS e
OPTIONAL MATCH (e)-[:COVERED]->(t:Topic)
WITH total, p, key, e, t
ORDER BY key, p.id, coalesce(e.date, ''), e.id, coalesce(t.searchName, ''), t.id
WITH total, p, key, e, collect(t {.id, .name})[0..3] AS topics
ORDER BY key, p.id, coalesce(e.date, ''), e.id
WITH total, p, key,
     collect(CASE WHEN e IS NULL THEN null
             ELSE e {.id, .title, .date, .kind, topics: topics} END) AS events
ORDER BY key, p.id
RETURN total, key, p {.id, .givenName, .familyName, .country} AS person, events
"""
"""The headline list in one statement: the page of people in the API's order (name, then id),
each one's first five events by date and each event's first three topics by name."""

IMPACT = """
query Impact($id: ID!) {
  project(id: $id) { impact { workshops networkMeetings conferences initiatives
    conferenceAttendees topics sectors totalInvestmentEur euContributionEur cofinancingRate } } }
"""

PATHS = """
query Paths($from: ID!, $to: ID!) {
  introductionPaths(from: $from, to: $to, maxHops: 3, first: 5) {
    score crossesBorder borderCrossings
    hops { person { recordId } country strength crossesBorder } } }
"""

BROKERS = "{ brokers(first: 10) { person { recordId } score bridged } }"

SEARCH = """
query Search($text: String!) { search(text: $text, first: 20) { score node { __typename id } } }
"""


@dataclass(frozen=True)
class Query:
    """A GraphQL document, the variables it is asked with (one set per case; the runs take
    them in turn) and its baseline."""

    name: str
    document: str
    cases: Sequence[Variables]
    baseline: Baseline
    baseline_text: str
    statements: int
    """How many statements the baseline sends."""
    kind: str
    """``list``, ``impact``, ``paths``, ``brokers`` or ``search``."""
    target: Target | None = None
    items: int | None = None
    """For lists: how many items the answer holds."""


async def catalogue(store: GraphStore, seed: int) -> list[Query]:
    """Every query of the API sections, its parameters picked from the graph in ``store``."""
    counted = await store.read("MATCH (n:Person) RETURN count(n) AS n")
    queries = _lists(int(counted[0]["n"]) if counted else 0)
    rows = await store.read(
        "MATCH (p:Project) OPTIONAL MATCH (p)-[:ORGANIZED]->(e:Event) "
        "RETURN p.id AS id, count(e) AS events ORDER BY events DESC, id LIMIT 1"
    )
    if rows:
        queries.append(
            Query(
                f"impact report ({rows[0]['events']} events)",
                IMPACT,
                [{"id": rows[0]["id"]}],
                _impact,
                "the product's impact statement, sent directly",
                1,
                "impact",
            )
        )
    pairs = await _pairs(store, seed)
    if pairs:
        queries.append(
            Query(
                f"intro paths ({len(pairs)} pairs, 3 hops)",
                PATHS,
                pairs,
                _paths,
                "the product's paths statement, sent directly",
                1,
                "paths",
            )
        )
    queries.append(
        Query(
            "brokers (first 10)",
            BROKERS,
            [{}],
            _brokers,
            "the product's brokers statement, sent directly",
            1,
            "brokers",
        )
    )
    word = await _search_word(store)
    if word is not None:
        queries.append(
            Query(
                f"search {word!r}",
                SEARCH,
                [{"text": word}],
                _search,
                "the product's two search statements, sent directly",
                2,
                "search",
            )
        )
    return queries


def _lists(people: int) -> list[Query]:
    """The list at every size; a size the graph cannot fill is measured at what it has, once,
    and without the size's target."""
    queries: list[Query] = []
    measured: set[int] = set()
    for first in LIST_SIZES:
        items = min(first, people)
        if items in measured:
            continue
        measured.add(items)
        name = f"list of {items:,}" + ("" if items == first else f" (first: {first:,})")
        queries.append(
            Query(
                name,
                LIST,
                [{"first": first}],
                _list,
                "one hand-written statement",
                1,
                "list",
                LIST_TARGETS.get(first) if items == first else None,
                items,
            )
        )
    return queries


async def _list(store: GraphStore, variables: Variables) -> dict[str, Any]:
    first: int = variables["first"]
    rows = await store.read(_LIST, {"first": first})
    total = rows[0]["total"] if rows else 0
    last = rows[-1] if rows else None
    return {
        "people": {
            "totalCount": total,
            "pageInfo": {
                "hasNextPage": total > first,
                "endCursor": None
                if last is None
                else encode_cursor("Person.name.asc", last["key"], last["person"]["id"]),
            },
            "nodes": [_person(row["person"], row["events"]) for row in rows],
        }
    }


def _person(person: Record, events: list[Record]) -> dict[str, Any]:
    return {
        "id": global_id(Label.PERSON, person["id"]),
        "recordId": person["id"],
        "givenName": person["givenName"],
        "familyName": person["familyName"],
        "country": person["country"],
        "events": {
            "edges": [
                {
                    "node": {
                        "recordId": event["id"],
                        "title": event["title"],
                        "date": event["date"],
                        "kind": EventKind(event["kind"]).name,
                        "topics": {
                            "nodes": [
                                {"recordId": topic["id"], "name": topic["name"]}
                                for topic in event["topics"]
                            ]
                        },
                    }
                }
                for event in events
            ]
        },
    }


async def _impact(store: GraphStore, variables: Variables) -> dict[str, Any]:
    impact = (await project_impacts(store, [variables["id"]]))[variables["id"]]
    return {
        "project": {
            "impact": {
                "workshops": impact.workshops,
                "networkMeetings": impact.network_meetings,
                "conferences": impact.conferences,
                "initiatives": impact.initiatives,
                "conferenceAttendees": impact.conference_attendees,
                "topics": impact.topics,
                "sectors": impact.sectors,
                "totalInvestmentEur": _money(impact.total_investment_eur),
                "euContributionEur": _money(impact.eu_contribution_eur),
                "cofinancingRate": float(impact.cofinancing_rate),
            }
        }
    }


def _money(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


async def _paths(store: GraphStore, variables: Variables) -> dict[str, Any]:
    rows = await introduction_paths(
        store,
        variables["from"],
        variables["to"],
        Label.PERSON,
        max_hops=3,
        first=5,
        as_of=_today(),
    )
    paths = []
    for row in rows:
        hops = [
            {
                "person": {"recordId": hop.person["id"]},
                "country": hop.person["country"],
                "strength": hop.tie.strength,
                "crossesBorder": hop.crosses,
            }
            for hop in row.hops
        ]
        crossings = [place for place, hop in enumerate(row.hops) if hop.crosses]
        paths.append(
            {
                "score": row.score,
                "crossesBorder": bool(crossings),
                "borderCrossings": crossings,
                "hops": hops,
            }
        )
    return {"introductionPaths": paths}


async def _brokers(store: GraphStore, variables: Variables) -> dict[str, Any]:
    defaults = Settings.model_fields
    ranking = await brokers(
        store,
        organizations=False,
        first=10,
        cross_border=False,
        as_of=None,
        today=_today(),
        exact_up_to=defaults["brokers_exact_up_to"].default,
        sample=defaults["brokers_sample"].default,
    )
    return {
        "brokers": [
            {
                "person": {"recordId": row.person["id"]},
                "score": row.score,
                "bridged": row.bridged,
            }
            for row in ranking.brokers
            if row.person is not None
        ]
    }


async def _search(store: GraphStore, variables: Variables) -> dict[str, Any]:
    hits = await search(store, variables["text"], list(Label), 20)
    return {
        "search": [
            {
                "score": hit.score,
                "node": {
                    "__typename": hit.label.value,
                    "id": global_id(hit.label, hit.properties["id"]),
                },
            }
            for hit in hits
        ]
    }


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


async def _pairs(store: GraphStore, seed: int) -> list[Variables]:
    """A few pairs of people of different countries, both with interactions, picked with
    ``seed``."""
    rows = await store.read(
        "MATCH (p:Person)-[:INTERACTED]-() "
        "RETURN DISTINCT p.id AS id, p.country AS country ORDER BY id"
    )
    by_country: dict[str, list[str]] = {}
    for row in rows:
        by_country.setdefault(row["country"], []).append(row["id"])
    countries = sorted(by_country)
    if len(countries) < 2:
        return []
    rng = random.Random(seed)
    pairs = []
    for _ in range(PATH_PAIRS):
        first, second = rng.sample(countries, 2)
        pairs.append({"from": rng.choice(by_country[first]), "to": rng.choice(by_country[second])})
    return pairs


async def _search_word(store: GraphStore) -> str | None:
    """The most common word of the organisations' and topics' names (the first of them
    alphabetically when several are as common)."""
    rows = await store.read(
        "MATCH (n) WHERE n:Organization OR n:Topic RETURN n.name AS name ORDER BY n.id LIMIT 500"
    )
    words: Counter[str] = Counter(
        word.lower() for row in rows for word in WORD.findall(row["name"] or "")
    )
    if not words:
        return None
    return min(words, key=lambda word: (-words[word], word))


def difference(expected: Any, got: Any, where: str = "data") -> str | None:
    """Where ``got`` first differs from ``expected`` (numbers to nine digits), or ``None``."""
    pairs: list[tuple[Any, Any, str]]
    if isinstance(expected, dict) and isinstance(got, dict) and expected.keys() == got.keys():
        pairs = [(expected[key], got[key], f"{where}.{key}") for key in expected]
    elif isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        pairs = [
            (a, b, f"{where}[{n}]") for n, (a, b) in enumerate(zip(expected, got, strict=True))
        ]
    elif _same(expected, got):
        return None
    else:
        return f"{where}: expected {_short(expected)}, the API gave {_short(got)}"
    for left, right, place in pairs:
        found = difference(left, right, place)
        if found is not None:
            return found
    return None


def _same(expected: Any, got: Any) -> bool:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (expected, got))
    if numbers:
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12)
    return bool(expected == got and type(expected) is type(got))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."
