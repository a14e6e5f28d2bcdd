"""How initiatives came about: the events they emerged from, who was in the room for whom,
what the events covered, which projects organised them, and who is a partner now."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from crm.domain import Label
from crm.graph.store import GraphStore, Record

_EVENTS_AS_OF: LiteralString = """
UNWIND $ids AS id
MATCH (n:Initiative {id: id})-[:EMERGED_FROM]->(e:Event)
WHERE $asOf IS NULL OR """
"""The head of ``_EVENTS``, which the dialect's ordered event date completes."""

_EVENTS: LiteralString = """ <= $asOf
OPTIONAL MATCH (e)-[:COVERED]->(t:Topic)
WITH n, e, collect(DISTINCT properties(t)) AS topics
OPTIONAL MATCH (pr:Project)-[:ORGANIZED]->(e)
WITH n, e, topics, collect(DISTINCT properties(pr)) AS projects
OPTIONAL MATCH (p:Person)-[:ATTENDED]->(e)
OPTIONAL MATCH (p)-[w:WORKS_AT]->(o)
WHERE (w.since IS NULL OR w.since <= e.date) AND (w.until IS NULL OR w.until >= e.date)
WITH n, e, topics, projects, p,
     collect(CASE WHEN o IS NULL THEN null
             ELSE {label: labels(o)[0], node: properties(o), role: w.role} END) AS employers
WITH n, e, topics, projects,
     collect(CASE WHEN p IS NULL THEN null
             ELSE {person: properties(p), employers: employers} END) AS attendees
RETURN n.id AS initiative, properties(e) AS event, topics, projects, attendees
ORDER BY e.date, e.id
"""
"""The rest: what each event covered, who organised it, who was in the room and who employed
them on the day (jobs whose ``since`` and ``until`` enclose it; an open end counts)."""

_PARTNERS: LiteralString = """
UNWIND $ids AS id
MATCH (x)-[r:PARTNER_IN]->(n:Initiative {id: id})
RETURN n.id AS initiative, labels(x)[0] AS label, properties(x) AS node, r.role AS role
ORDER BY x.searchName, x.id
"""


@dataclass(frozen=True)
class Affiliation:
    """An organisation or cluster, and the role played there (a job, a partnership)."""

    label: Label
    node: Record
    role: str | None


@dataclass(frozen=True)
class Attendee:
    person: Record
    employers: list[Affiliation]


@dataclass(frozen=True)
class EventStep:
    """One event an initiative emerged from, and what was in the room."""

    event: Record
    topics: list[Record]
    projects: list[Record]
    attendees: list[Attendee]


@dataclass(frozen=True)
class Lineage:
    events: list[EventStep]
    """In time order."""
    partners: list[Affiliation]


async def lineages(store: GraphStore, ids: Sequence[str], as_of: date | None) -> dict[str, Lineage]:
    """Each initiative's lineage (two statements, whatever the number of initiatives); events
    after ``as_of`` are left out, partners (undated ties) are not."""
    unique = list(dict.fromkeys(ids))
    found = {initiative: Lineage([], []) for initiative in unique}
    events = _EVENTS_AS_OF + store.dialect.ordered_text("e.date") + _EVENTS
    parameters: dict[str, Any] = {
        "ids": unique,
        "asOf": None if as_of is None else as_of.isoformat(),
    }
    for row in await store.read(events, parameters):
        attendees = [_attendee(item) for item in row["attendees"]]
        attendees.sort(
            key=lambda a: (a.person["familyName"], a.person["givenName"], a.person["id"])
        )
        step = EventStep(
            row["event"], _by_name(row["topics"]), _by_name(row["projects"]), attendees
        )
        found[row["initiative"]].events.append(step)
    for row in await store.read(_PARTNERS, {"ids": unique}):
        partner = Affiliation(Label(row["label"]), row["node"], row["role"])
        found[row["initiative"]].partners.append(partner)
    return found


def _attendee(item: Record) -> Attendee:
    """An attendee map of ``_EVENTS``: ``person``, and ``employers`` (``label``, ``node``,
    ``role``)."""
    employers = [Affiliation(Label(e["label"]), e["node"], e["role"]) for e in item["employers"]]
    employers.sort(key=lambda employer: (employer.node["name"], employer.node["id"]))
    return Attendee(item["person"], employers)


def _by_name(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda record: (record["name"], record["id"]))


_PROJECT_INITIATIVES: LiteralString = """
UNWIND $ids AS id
MATCH (:Project {id: id})-[:ORGANIZED]->(:Event)<-[:EMERGED_FROM]-(n:Initiative)
WITH DISTINCT id, n
OPTIONAL MATCH (n)-[:EMERGED_FROM]->(e:Event)
WITH id, n, min(e.date) AS born
RETURN id AS project, properties(n) AS initiative, coalesce(n.startedOn, born) AS begun
ORDER BY begun, n.searchName, n.id
"""


async def project_initiatives(
    store: GraphStore, ids: Sequence[str], as_of: date | None
) -> dict[str, list[Record]]:
    """For each project, the initiatives that emerged from events it organised, the earliest
    begun first (an initiative begins on ``startedOn``, else with its first event); those begun
    after ``as_of`` are left out. One statement for all projects."""
    found: dict[str, list[Record]] = {project: [] for project in ids}
    day = None if as_of is None else as_of.isoformat()
    for row in await store.read(_PROJECT_INITIATIVES, {"ids": list(dict.fromkeys(ids))}):
        if day is None or row["begun"] <= day:
            found[row["project"]].append(row["initiative"])
    return found
