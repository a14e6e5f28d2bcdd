"""Dashboard figures: totals, counts by country and sector, events and attendance by year,
cross-border interactions by year, funding against outcomes; each as the graph stood at a date.

As of a date, a record counts when the date it records is on or before it: an event by its
``date``, an interaction by its ``date``, attendance by its event's date, a membership from its
``since``, a job from its ``since`` to its ``until`` (open ends count), a project from the
first year of its funding period, a document from ``publishedOn``, an initiative from
``startedOn`` or, without one, from the first event it emerged from. A record without such a
date (clusters, organisations, people, topics, sectors, regions, an undated document or an
initiative with neither date nor event) counts at every date.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, LiteralString

from crm.domain import Label
from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record

CROSS_BORDER_INTERACTION: LiteralString = (
    "MATCH (a:Person)-[i:INTERACTED]->(b:Person) WHERE a.country <> b.country"
)
"""A cross-border interaction: one recorded interaction between two people of different
countries (the pairs they join are the cross-border ties of ``crm.queries.network.border``)."""

COUNTRY_LABELS = (Label.CLUSTER, Label.ORGANIZATION, Label.PERSON)
SECTOR_LABELS = (Label.CLUSTER, Label.ORGANIZATION, Label.INITIATIVE, Label.PROJECT)
"""The labels counted by country, and by sector (their ``ACTIVE_IN`` ties)."""


def _on_or_before(dialect: Dialect, expression: LiteralString) -> LiteralString:
    return "(" + dialect.ordered_text(expression) + " <= $asOf)"


def where_visible(dialect: Dialect, label: Label, var: LiteralString) -> LiteralString:
    """The clause that keeps node ``var`` of ``label`` if it existed at ``$asOf`` (null: now)."""
    if label is not Label.INITIATIVE:
        return "WHERE " + visible(dialect, label, var)
    # FalkorDB takes a pattern comprehension in a projection, not in a WHERE.
    dates: LiteralString = var + "EventDates"
    return (
        "WITH *, [("
        + var
        + ")-[:EMERGED_FROM]->(emergedFrom:Event) | emergedFrom.date] AS "
        + dates
        + " WHERE ($asOf IS NULL OR "
        + _on_or_before(dialect, var + ".startedOn")
        + " OR ("
        + var
        + ".startedOn IS NULL AND (size("
        + dates
        + ") = 0 OR any(d IN "
        + dates
        + " WHERE "
        + _on_or_before(dialect, "d")
        + "))))"
    )


def visible(dialect: Dialect, label: Label, var: LiteralString) -> LiteralString:
    """The condition that node ``var`` of ``label`` existed at ``$asOf``; for an initiative,
    only its own ``startedOn`` (``where_visible`` also reads its events)."""
    match label:
        case Label.EVENT:
            condition = _on_or_before(dialect, var + ".date")
        case Label.PROJECT:
            condition = "(" + var + ".periodStart <= $asOfYear)"
        case Label.DOCUMENT | Label.INITIATIVE:
            field: LiteralString = ".publishedOn" if label is Label.DOCUMENT else ".startedOn"
            condition = (
                "(" + var + field + " IS NULL OR " + _on_or_before(dialect, var + field) + ")"
            )
        case _:
            return "true"
    return "($asOf IS NULL OR " + condition + ")"


def _interaction_visible(dialect: Dialect) -> LiteralString:
    return "($asOf IS NULL OR " + _on_or_before(dialect, "i.date") + ")"


def _parameters(as_of: date | None) -> dict[str, Any]:
    return {
        "asOf": None if as_of is None else as_of.isoformat(),
        "asOfYear": None if as_of is None else as_of.year,
    }


@dataclass(frozen=True)
class Totals:
    nodes: dict[Label, int]
    interactions: int
    cross_border_interactions: int
    attendances: int
    memberships: int
    jobs: int


async def totals(store: GraphStore, as_of: date | None) -> Totals:
    """How many records of each label, interactions, cross-border interactions and attendances."""
    dialect = store.dialect
    parts = [
        render("MATCH (x:%label%) ", label=label)
        + where_visible(dialect, label, "x")
        + render(" RETURN '%label%' AS name, count(x) AS count", label=label)
        for label in Label
    ]
    parts += [
        "MATCH (:Person)-[i:INTERACTED]->(:Person) WHERE "
        + _interaction_visible(dialect)
        + " RETURN 'interactions' AS name, count(i) AS count",
        CROSS_BORDER_INTERACTION
        + " AND "
        + _interaction_visible(dialect)
        + " RETURN 'crossBorderInteractions' AS name, count(i) AS count",
        "MATCH (:Person)-[t:ATTENDED]->(x:Event) WHERE "
        + visible(dialect, Label.EVENT, "x")
        + " RETURN 'attendances' AS name, count(t) AS count",
        "MATCH (:Organization)-[m:MEMBER_OF]->(:Cluster) WHERE $asOf IS NULL OR m.since IS NULL"
        " OR "
        + _on_or_before(dialect, "m.since")
        + " RETURN 'memberships' AS name, count(m) AS count",
        # A job counts from its `since` to its `until` (open ends count).
        "MATCH (:Person)-[w:WORKS_AT]->() WHERE $asOf IS NULL OR ((w.since IS NULL OR "
        + _on_or_before(dialect, "w.since")
        + ") AND (w.until IS NULL OR w.until >= $asOf)) RETURN 'jobs' AS name, count(w) AS count",
    ]
    rows = await store.read(" UNION ALL ".join(parts), _parameters(as_of))
    # A label the engine has never seen answers no row, hence the zeros.
    counts = {row["name"]: int(row["count"]) for row in rows}
    return Totals(
        nodes={label: counts.get(label.value, 0) for label in Label},
        interactions=counts.get("interactions", 0),
        cross_border_interactions=counts.get("crossBorderInteractions", 0),
        attendances=counts.get("attendances", 0),
        memberships=counts.get("memberships", 0),
        jobs=counts.get("jobs", 0),
    )


async def by_country(store: GraphStore) -> dict[str, dict[Label, int]]:
    """Country -> label -> how many clusters, organisations and people are there (undated)."""
    statement = " UNION ALL ".join(
        render(
            "MATCH (x:%label%) RETURN x.country AS country, '%label%' AS label, count(x) AS count",
            label=label,
        )
        for label in COUNTRY_LABELS
    )
    counts: dict[str, dict[Label, int]] = defaultdict(dict)
    for row in await store.read(statement):
        counts[row["country"]][Label(row["label"])] = int(row["count"])
    return {country: counts[country] for country in sorted(counts)}


@dataclass(frozen=True)
class SectorCount:
    sector: Record
    country: str | None
    counts: dict[Label, int]


async def by_sector(
    store: GraphStore, as_of: date | None, *, per_country: bool = False
) -> list[SectorCount]:
    """Sector -> label -> how many records are active in it, optionally per country (then only
    clusters and organisations, which have one)."""
    labels = COUNTRY_LABELS[:2] if per_country else SECTOR_LABELS
    country: LiteralString = "x.country" if per_country else "null"
    statement = " UNION ALL ".join(
        render("MATCH (x:%label%)-[:ACTIVE_IN]->(s:Sector) ", label=label)
        + where_visible(store.dialect, label, "x")
        + " RETURN properties(s) AS sector, "
        + country
        + render(" AS country, '%label%' AS label, count(DISTINCT x) AS count", label=label)
        for label in labels
    )
    grouped: dict[tuple[str, str | None], SectorCount] = {}
    for row in await store.read(statement, _parameters(as_of)):
        key = (row["sector"]["name"], row["country"])
        entry = grouped.setdefault(key, SectorCount(row["sector"], row["country"], {}))
        entry.counts[Label(row["label"])] = int(row["count"])
    return [grouped[key] for key in sorted(grouped, key=lambda k: (k[0], k[1] or ""))]


@dataclass(frozen=True)
class YearEvents:
    year: int
    events: int
    attendance: int
    recorded_attendees: int


async def events_by_year(store: GraphStore, as_of: date | None) -> list[YearEvents]:
    """Events per year, their attendance (the reported figure where an event has one, else
    the attendees recorded) and the attendees recorded."""
    statement = (
        "MATCH (x:Event) WHERE "
        + visible(store.dialect, Label.EVENT, "x")
        + """
        OPTIONAL MATCH (p:Person)-[:ATTENDED]->(x)
        WITH x, count(p) AS recorded
        RETURN substring(x.date, 0, 4) AS year, count(x) AS events,
               sum(coalesce(x.reportedAttendance, recorded)) AS attendance,
               sum(recorded) AS recorded
        ORDER BY year
        """
    )
    return [
        YearEvents(int(row["year"]), row["events"], int(row["attendance"]), int(row["recorded"]))
        for row in await store.read(statement, _parameters(as_of))
    ]


async def cross_border_interactions_by_year(
    store: GraphStore, as_of: date | None
) -> dict[int, int]:
    """Year -> cross-border interactions (``CROSS_BORDER_INTERACTION``) dated in it."""
    statement = (
        CROSS_BORDER_INTERACTION
        + " AND "
        + _interaction_visible(store.dialect)
        + " RETURN substring(i.date, 0, 4) AS year, count(i) AS interactions ORDER BY year"
    )
    rows = await store.read(statement, _parameters(as_of))
    return {int(row["year"]): int(row["interactions"]) for row in rows}


@dataclass
class Funding:
    """The projects of one programme and fund, what they cost and what their events led to."""

    programme: str
    fund: str
    projects: set[str] = field(default_factory=set)
    total_investment_eur: Decimal = Decimal(0)
    eu_contribution_eur: Decimal = Decimal(0)
    events: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Event id -> its kind and attendance."""
    initiatives: set[str] = field(default_factory=set)
    project: Record | None = None
    """The project's properties, on a line of one project (``per_project``)."""

    @property
    def attendance(self) -> int:
        return sum(attendance for _, attendance in self.events.values())

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Event kind -> how many events, their attendance."""
        kinds: dict[str, tuple[int, int]] = {}
        for kind, attendance in self.events.values():
            events, total = kinds.get(kind, (0, 0))
            kinds[kind] = (events + 1, total + attendance)
        return dict(sorted(kinds.items()))


async def funding(
    store: GraphStore, as_of: date | None, *, per_project: bool = False
) -> list[Funding]:
    """Per programme and fund (or per project, by name): projects, money, events, their
    attendance, initiatives."""
    dialect = store.dialect
    statement = (
        "MATCH (x:Project) WHERE "
        + visible(dialect, Label.PROJECT, "x")
        + " OPTIONAL MATCH (x)-[:ORGANIZED]->(e:Event) WHERE "
        + visible(dialect, Label.EVENT, "e")
        + """
        OPTIONAL MATCH (p:Person)-[:ATTENDED]->(e)
        WITH x, e, count(p) AS recorded
        OPTIONAL MATCH (n:Initiative)-[:EMERGED_FROM]->(e) WHERE """
        # An initiative's event is visible here, so only its own start date can hide it.
        + visible(dialect, Label.INITIATIVE, "n")
        + """
        RETURN x.id AS project, properties(x) AS properties,
               x.programme AS programme, x.fund AS fund,
               x.totalInvestmentEurCents AS total, x.euContributionEurCents AS eu,
               e.id AS event, e.kind AS kind,
               coalesce(e.reportedAttendance, recorded) AS attendance,
               collect(DISTINCT n.id) AS initiatives
        """
    )
    lines: dict[tuple[str, str], Funding] = {}
    for row in await store.read(statement, _parameters(as_of)):
        key = (
            (row["properties"]["name"], row["project"])
            if per_project
            else (row["programme"], row["fund"])
        )
        line = lines.setdefault(
            key,
            Funding(
                row["programme"], row["fund"], project=row["properties"] if per_project else None
            ),
        )
        if row["project"] not in line.projects:
            line.projects.add(row["project"])
            line.total_investment_eur += Decimal(row["total"]).scaleb(-2)
            line.eu_contribution_eur += Decimal(row["eu"]).scaleb(-2)
        if row["event"] is not None:
            line.events[row["event"]] = (row["kind"], int(row["attendance"]))
        line.initiatives.update(row["initiatives"])
    return [lines[key] for key in sorted(lines)]
