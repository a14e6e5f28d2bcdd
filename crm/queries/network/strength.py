"""Tie strength between two people: the one formula, evaluated by the engine.

What two people share up to the day ``asOf`` (every date after it is ignored) adds up to a raw
weight; the strength shown is that weight squashed into 0..1.

- each interaction: its kind's weight (``KIND_WEIGHTS``) times its recency;
- each event both attended: ``EVENT_WEIGHT`` times ``EVENT_SIZE / max(EVENT_SIZE, attendees)``
  (meeting in a small workshop counts more than sharing a conference hall) times its recency;
- each organisation or cluster both worked at in overlapping periods: ``ORGANIZATION_WEIGHT``
  times the recency of the overlap's end (1 while it lasts);
- each initiative that organisations they work at are both partners in: ``INITIATIVE_WEIGHT``
  (an initiative exists from its start, or else from the first event it emerged from; the
  same organisation for both counts: colleagues share their employer's initiatives). Each
  side's initiatives are read from its own end and joined, rather than walked from one person
  to all the people of the other partners (on every engine alike: a single pattern through
  one organisation's one partnership would match on FalkorDB only, which does not keep a
  pattern's relationships distinct).

Recency of something ``d`` days before ``asOf`` is ``FLOOR + (1 - FLOOR) * 0.5 ** (d /
HALF_LIFE_DAYS)``: it halves every two years and never drops below ``FLOOR`` (a tie once made
is weakened by time, not erased). Strength is ``raw / (raw + SATURATION)``: one fresh meeting
gives 0.5, four give 0.8. Days are counted as ``year * 365.25 + month * 30.44 + day`` (within two
days of the calendar), so the formula runs the same on every engine.
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.graph.dialect import Dialect
from crm.graph.store import Record

KIND_WEIGHTS = {"meeting": 1.0, "introduction": 0.8, "call": 0.6, "email": 0.3}
EVENT_WEIGHT = 0.5
EVENT_SIZE = 10
ORGANIZATION_WEIGHT = 1.0
INITIATIVE_WEIGHT = 0.3
HALF_LIFE_DAYS = 730
FLOOR = 0.2
SATURATION = 1.0

PARAMETERS: dict[str, Any] = {
    "kindWeights": KIND_WEIGHTS,
    "eventWeight": EVENT_WEIGHT,
    "eventSize": EVENT_SIZE,
    "organizationWeight": ORGANIZATION_WEIGHT,
    "initiativeWeight": INITIATIVE_WEIGHT,
    "halfLife": HALF_LIFE_DAYS,
    "floor": FLOOR,
    "saturation": SATURATION,
}
"""The constants, as the parameters every statement using ``tie_strength`` is sent with."""


@dataclass(frozen=True, slots=True)
class InteractionCount:
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class SharedEvent:
    id: str
    title: str
    date: str


@dataclass(frozen=True, slots=True)
class Shared:
    """An organisation or cluster (``label``), or an initiative, two people share."""

    label: str
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class TieStrength:
    """The ``tie`` map that ``tie_strength`` adds to a row, as a value."""

    raw: float
    strength: float
    last_contact: str | None
    interactions: list[InteractionCount]
    """By kind, the kinds that occur only."""
    events: list[SharedEvent]
    organizations: list[Shared]
    """Where both worked in overlapping periods."""
    initiatives: list[Shared]
    """Initiatives organisations they work at are both partners in."""

    @classmethod
    def of(cls, tie: Record) -> "TieStrength":
        return cls(
            raw=tie["raw"],
            strength=tie["strength"],
            last_contact=tie["lastContact"],
            interactions=[InteractionCount(i["kind"], i["count"]) for i in tie["interactions"]],
            events=_newest_first(
                [SharedEvent(e["id"], e["title"], e["date"]) for e in tie["events"]]
            ),
            organizations=_by_name(
                [Shared(o["label"], o["id"], o["name"]) for o in tie["organizations"]]
            ),
            initiatives=_by_name(
                [Shared("Initiative", n["id"], n["name"]) for n in tie["initiatives"]]
            ),
        )


def days(date: LiteralString) -> LiteralString:
    """An ISO date (text) as a day number; see the module's note on its precision."""
    return (
        f"(toInteger(substring({date}, 0, 4)) * 365.25 + toInteger(substring({date}, 5, 2)) "
        f"* 30.44 + toInteger(substring({date}, 8, 2)))"
    )


def recency(date: LiteralString) -> LiteralString:
    """How much something dated ``date`` still counts on ``$asOf``."""
    return f"($floor + (1 - $floor) * 0.5 ^ (({days('$asOf')} - {days(date)}) / $halfLife))"


def active(w: LiteralString) -> LiteralString:
    """The ``WORKS_AT`` tie named ``w`` holds on ``$asOf`` (begun by then, not ended before)."""
    return f"coalesce({w}.since, '') <= $asOf AND coalesce({w}.until, $asOf) >= $asOf"


def tie_strength(dialect: Dialect, carry: LiteralString) -> LiteralString:
    """Cypher that, for rows with two people ``a`` and ``b`` (and the variables in ``carry``,
    a comma-separated list, possibly empty), adds ``tie``: a map of ``raw``, ``strength``,
    ``lastContact``, ``interactions`` (kind and count), ``events`` (id, title and date),
    ``organizations`` (label, id and name) and ``initiatives`` (id and name), read as
    ``TieStrength.of(row["tie"])``.
    Needs ``$asOf`` and ``PARAMETERS``.

    The interactions are summed by kind as they are read (count, latest date, recency), in a
    subquery of ``a`` and ``b`` alone: grouped there by kind only, not by every carried
    variable, and never collected into a list, so two people who met 2,000 times cost a few
    milliseconds, not tens."""
    keep: LiteralString = carry + ", a, b" if carry else "a, b"
    return f"""
{dialect.subquery("a, b")}WITH a, b, {days("$asOf")} AS today
  OPTIONAL MATCH (a)-[i:INTERACTED]-(b) WHERE i.date <= $asOf
  WITH i.kind AS kind, count(i) AS times, max(i.date) AS latest,
       sum(0.5 ^ ((today - {days("i.date")}) / $halfLife)) AS fresh
  RETURN collect(CASE WHEN times > 0 THEN
         {{kind: kind, count: times, last: latest, fresh: fresh}} END) AS meetings
}}
OPTIONAL MATCH (a)-[:ATTENDED]->(e:Event)<-[:ATTENDED]-(b) WHERE e.date <= $asOf
OPTIONAL MATCH (e)<-[:ATTENDED]-(x:Person)
WITH {keep}, meetings, e, count(x) AS attendees
WITH {keep}, meetings, collect(CASE WHEN e IS NULL THEN null ELSE
     {{id: e.id, title: e.title, date: e.date, attendees: attendees}} END) AS events
OPTIONAL MATCH (a)-[wa:WORKS_AT]->(o)<-[wb:WORKS_AT]-(b)
WHERE coalesce(wa.since, '') <= $asOf AND coalesce(wb.since, '') <= $asOf
  AND coalesce(wa.since, '') <= coalesce(wb.until, $asOf)
  AND coalesce(wb.since, '') <= coalesce(wa.until, $asOf)
WITH {keep}, meetings, events, collect(CASE WHEN o IS NULL THEN null ELSE
     {{label: labels(o)[0], id: o.id, name: o.name,
      end: CASE WHEN coalesce(wa.until, $asOf) < coalesce(wb.until, $asOf)
      THEN coalesce(wa.until, $asOf) ELSE coalesce(wb.until, $asOf) END}} END) AS shared
OPTIONAL MATCH (a)-[va:WORKS_AT]->()-[:PARTNER_IN]->(na:Initiative) WHERE {active("va")}
WITH {keep}, meetings, events, shared, collect(na) AS partnered
OPTIONAL MATCH (b)-[vb:WORKS_AT]->()-[:PARTNER_IN]->(n:Initiative)
WHERE {active("vb")} AND n IN partnered
OPTIONAL MATCH (n)-[:EMERGED_FROM]->(ev:Event)
WITH {keep}, meetings, events, shared, n, min(ev.date) AS born
WITH {keep}, meetings, events, shared,
     collect(DISTINCT CASE WHEN n IS NOT NULL AND coalesce(n.startedOn, born, '') <= $asOf
             THEN {{id: n.id, name: n.name}} END) AS initiatives
WITH {keep}, meetings, events, shared, initiatives,
     reduce(s = 0.0, m IN meetings | s + $kindWeights[m.kind]
            * ($floor * m.count + (1 - $floor) * m.fresh))
     + reduce(s = 0.0, v IN events | s + $eventWeight * $eventSize
              / CASE WHEN v.attendees > $eventSize THEN v.attendees ELSE $eventSize END
              * {recency("v.date")})
     + reduce(s = 0.0, v IN shared | s + $organizationWeight * {recency("v.end")})
     + $initiativeWeight * size(initiatives) AS raw
WITH {keep}, {{
  raw: raw,
  strength: raw / (raw + $saturation),
  lastContact: reduce(last = null, d IN [m IN meetings | m.last] + [v IN events | v.date] |
                      CASE WHEN last IS NULL OR d > last THEN d ELSE last END),
  interactions: [k IN keys($kindWeights) WHERE any(m IN meetings WHERE m.kind = k) |
                 {{kind: k, count: [m IN meetings WHERE m.kind = k][0].count}}],
  events: [v IN events | {{id: v.id, title: v.title, date: v.date}}],
  organizations: [v IN shared | {{label: v.label, id: v.id, name: v.name}}],
  initiatives: initiatives
}} AS tie
"""


def raw_from(dialect: Dialect) -> LiteralString:
    """Cypher that, for rows with a person ``a`` (and whatever else they carry), adds
    ``s1`` .. ``s4``: lists of ``{b, w}``, the parts of the raw weight ``tie_strength`` gives
    ``a`` and each person ``b`` they share something with, read outwards from ``a`` once:
    interactions by other person and kind, each event ``a`` attended with its attendees counted
    once, overlapping jobs, and started initiatives. Summed by ``b`` they are ``tie.raw`` (to
    the last bits of the floating-point sums, whose order differs), at a cost that follows
    ``a``'s neighbourhood rather than the number of people times what each pair shares: a
    person at a conference of 1,000 has 1,000 people to rate, and counting the conference's
    attendees again for each of them is what made ``person.ties`` slow.
    Needs ``$asOf`` and ``PARAMETERS``."""
    return f"""
{dialect.subquery("a")}OPTIONAL MATCH (a)-[i:INTERACTED]-(b:Person) WHERE i.date <= $asOf
  WITH b, i.kind AS kind, count(i) AS times,
       sum(0.5 ^ (({days("$asOf")} - {days("i.date")}) / $halfLife)) AS fresh
  RETURN collect(CASE WHEN b IS NULL THEN null ELSE {{b: b, w: $kindWeights[kind]
         * ($floor * times + (1 - $floor) * fresh)}} END) AS s1
}}
{dialect.subquery("a")}OPTIONAL MATCH (a)-[:ATTENDED]->(e:Event) WHERE e.date <= $asOf
  OPTIONAL MATCH (e)<-[:ATTENDED]-(x:Person)
  WITH e, collect(x) AS attendees
  WITH attendees, $eventWeight * $eventSize / CASE WHEN size(attendees) > $eventSize
       THEN size(attendees) ELSE $eventSize END * {recency("e.date")} AS w
  UNWIND attendees AS b
  RETURN collect({{b: b, w: w}}) AS s2
}}
{dialect.subquery("a")}OPTIONAL MATCH (a)-[wa:WORKS_AT]->(o)<-[wb:WORKS_AT]-(b:Person)
  WHERE coalesce(wa.since, '') <= $asOf AND coalesce(wb.since, '') <= $asOf
    AND coalesce(wa.since, '') <= coalesce(wb.until, $asOf)
    AND coalesce(wb.since, '') <= coalesce(wa.until, $asOf)
  WITH b, CASE WHEN coalesce(wa.until, $asOf) < coalesce(wb.until, $asOf)
       THEN coalesce(wa.until, $asOf) ELSE coalesce(wb.until, $asOf) END AS end
  RETURN collect(CASE WHEN b IS NULL THEN null ELSE
         {{b: b, w: $organizationWeight * {recency("end")}}} END) AS s3
}}
{dialect.subquery("a")}OPTIONAL MATCH (a)-[va:WORKS_AT]->()-[:PARTNER_IN]->(n:Initiative)
  WHERE {active("va")}
  WITH DISTINCT n
  OPTIONAL MATCH (n)-[:EMERGED_FROM]->(ev:Event)
  WITH n, min(ev.date) AS born
  OPTIONAL MATCH (n)<-[:PARTNER_IN]-()<-[vb:WORKS_AT]-(b:Person)
  WHERE coalesce(n.startedOn, born, '') <= $asOf AND {active("vb")}
  WITH b, count(DISTINCT n) AS initiatives
  RETURN collect(CASE WHEN b IS NULL THEN null ELSE
         {{b: b, w: $initiativeWeight * initiatives}} END) AS s4
}}
"""


def _by_name(shared: list[Shared]) -> list[Shared]:
    """In a fixed order (the engine collects them in an order that depends on the statement)."""
    return sorted(shared, key=lambda s: (s.name or "", s.label, s.id))


def _newest_first(events: list[SharedEvent]) -> list[SharedEvent]:
    """The shared events newest first (by title on one day): the engine collects them in no
    particular order."""
    return sorted(sorted(events, key=lambda e: e.title), key=lambda e: str(e.date), reverse=True)
