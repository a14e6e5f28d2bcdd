"""What happens in the network over the years: events and who attends them, initiatives that
emerge from events, projects' documents, and interactions between people.

Attendance follows the people's activity weights and the events' popularity (a few big
conferences, many small workshops); interactions join people by activity weight too, a quarter
of them between colleagues, the rest across the region, on the other side of the border as
often as the person's role makes likely.
"""

from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from math import log
from random import Random

from crm.domain import Label, RelType
from graph_loader.synthetic import vocabulary as words
from graph_loader.synthetic.names import Numbering, initiative_name
from graph_loader.synthetic.network import Network
from graph_loader.synthetic.people import People
from graph_loader.synthetic.sampling import LAST_DAY, YEARS, day_in, padded_id, pick
from graph_loader.synthetic.vocabulary import COUNTRIES, DK, PLACES

CROSS_BORDER = 0.12
"""How likely an ordinary person's contact outside the own organisation is on the other side."""
CROSS_BORDER_BRIDGING = 0.5
"""The same for people in border-bridging roles."""
HOME_ATTENDANCE = 0.7
"""The share of an event's attendees from the country it takes place in."""
COLLEAGUES = 0.25
"""The share of interactions between people of the same employer."""
SAMPLED_ATTENDEES = 12
"""Attendees of an event remembered for choosing the partners of its initiatives."""
BATCH = 10_000


def _growing_years() -> list[float]:
    """Cumulative weights of the years: the network grows (and more so as people join it),
    and 2026 is half a year."""
    weights = [1 + 0.04 * (year - YEARS[0]) for year in YEARS]
    weights[-1] /= 2
    return list(accumulate(weights))


@dataclass
class Event:
    id: str
    kind: str
    day: int
    place: words.Place
    topics: list[int]
    size: float
    attendees: list[int]


class Activity:
    """Generates events, attendance, initiatives, documents and interactions on a network."""

    def __init__(self, network: Network, people: People) -> None:
        self.net = network
        self.people = people
        self.spec = network.spec
        self.years = _growing_years()
        self.events: list[Event] = []

    def build(self) -> None:
        self.event_nodes()
        self.initiatives()
        self.documents()
        self.interactions()

    def year(self, rng: Random) -> int:
        return rng.choices(YEARS, cum_weights=self.years)[0]

    # --- events --------------------------------------------------------------------------

    def event_nodes(self) -> None:
        rng = self.net.rng("events")
        kinds = list(words.EVENT_KINDS)
        shares = [words.EVENT_KINDS[kind].share for kind in kinds]
        topic_weights = [1 / (rank + 1) for rank in range(self.spec.topics)]
        active: dict[int, list[int]] = {}
        for index, project in enumerate(self.net.projects):
            for year in YEARS:
                if (
                    project.start <= date(year, 12, 31).toordinal()
                    and project.end >= date(year, 1, 1).toordinal()
                ):
                    active.setdefault(year, []).append(index)
        for k in range(self.spec.events):
            kind = rng.choices(kinds, weights=shares)[0]
            year = self.year(rng)
            topics = list(
                dict.fromkeys(
                    rng.choices(range(self.spec.topics), weights=topic_weights, k=rng.randint(1, 3))
                )
            )
            median = words.EVENT_KINDS[kind].median_attendance
            event = Event(
                padded_id("ev", k, self.spec.events),
                kind,
                day_in(rng, year),
                rng.choices(PLACES, weights=[place.weight for place in PLACES])[0],
                topics,
                rng.lognormvariate(log(median), 0.7),
                [],
            )
            self.events.append(event)
            organizer = active.get(year) if rng.random() < 0.75 else None
            if organizer:
                project = self.net.projects[rng.choice(organizer)]
                self.net.tie(RelType.ORGANIZED, {"from": project.id, "to": event.id})
            for topic in topics:
                self.net.tie(RelType.COVERED, {"from": event.id, "to": self.net.topic_ids[topic]})
        scale = self.spec.attendance / max(1.0, sum(event.size for event in self.events))
        for event in self.events:
            self.attend(rng, event, max(3, round(event.size * scale)))

    def attend(self, rng: Random, event: Event, size: int) -> None:
        """``size`` attendees, most from the host country, all in the network by the event's
        year."""
        people = self.people
        host = event.place.country
        year = date.fromordinal(event.day).year
        chosen: dict[int, None] = {}
        for country in COUNTRIES:
            pool = people.by_country.get(country)
            if not pool:
                continue
            share = HOME_ATTENDANCE if country == host else 1 - HOME_ATTENDANCE
            wanted = min(round(size * share), len(pool) // 2)
            goal = len(chosen) + wanted
            for _ in range(4 * wanted):
                if len(chosen) >= goal:
                    break
                person = pool.draw(rng)
                if people.joined[person] <= year:
                    chosen[person] = None
        attendees = list(chosen)
        event.attendees = attendees[:SAMPLED_ATTENDEES]
        for person in attendees:
            self.net.tie(RelType.ATTENDED, {"from": people.ids[person], "to": event.id})
        kind = words.EVENT_KINDS[event.kind].name
        topic = self.net.topics[event.topics[0]]
        self.net.node(
            Label.EVENT,
            {
                "id": event.id,
                "kind": event.kind,
                "title": f"{kind.in_language(host)}: {topic.in_language(host)}, {event.place.city}",
                "date": date.fromordinal(event.day),
                "place": event.place.city,
                "country": event.place.country,
                "reportedAttendance": (
                    len(attendees) + rng.randrange(len(attendees) // 3 + 1)
                    if event.kind == "conference"
                    else None
                ),
            },
        )

    # --- initiatives ---------------------------------------------------------------------

    def initiatives(self) -> None:
        rng = self.net.rng("initiatives")
        fertile = {"workshop": 3.0, "network_meeting": 2.0, "conference": 1.0, "seminar": 1.0}
        weights = [fertile.get(event.kind, 0.5) for event in self.events]
        numbering = Numbering(rng)
        for k in range(self.spec.initiatives):
            sources = [rng.choices(self.events, weights=weights)[0]]
            if rng.random() < 0.3:
                second = rng.choices(self.events, weights=weights)[0]
                if second is not sources[0]:
                    sources.append(second)
            topic = sources[0].topics[0]
            started = min(LAST_DAY, max(event.day for event in sources) + rng.randint(20, 300))
            initiative_id = padded_id("ini", k, self.spec.initiatives)
            self.net.node(
                Label.INITIATIVE,
                {
                    "id": initiative_id,
                    "name": initiative_name(self.net.topics[topic].en, *numbering.next(topic)),
                    "status": _status(rng, LAST_DAY - started),
                    "startedOn": date.fromordinal(started),
                },
            )
            for event in sources:
                self.net.tie(RelType.EMERGED_FROM, {"from": initiative_id, "to": event.id})
            self.initiative_partners(rng, initiative_id, sources[0])

    def initiative_partners(self, rng: Random, initiative_id: str, event: Event) -> None:
        """Employers of people who met at the event, and sometimes a cluster."""
        people = self.people
        candidates = list(dict.fromkeys(people.employer[person] for person in event.attendees))
        partners = rng.sample(candidates, min(len(candidates), rng.randint(2, 5)))
        if self.net.cluster_indexes and rng.random() < 0.3:
            cluster = rng.choice(self.net.cluster_indexes)
            if cluster not in partners:
                partners.append(cluster)
        for rank, index in enumerate(partners):
            org = self.net.orgs[index]
            role = "initiator" if rank == 0 else rng.choice(words.INITIATIVE_ROLES[1:])
            self.net.tie(
                RelType.PARTNER_IN,
                {"from": org.id, "fromLabel": org.label, "to": initiative_id, "role": role},
            )
        if partners:
            self.net.active(initiative_id, Label.INITIATIVE, self.net.orgs[partners[0]].sector)

    # --- documents -----------------------------------------------------------------------

    def documents(self) -> None:
        rng = self.net.rng("documents")
        projects = self.net.projects
        kinds = list(words.DOCUMENT_KINDS)
        for k in range(self.spec.documents if projects else 0):
            project = projects[rng.randrange(len(projects))]
            kind = rng.choice(kinds)
            topic = self.net.topics[rng.randrange(len(self.net.topics))]
            document_id = padded_id("doc", k, self.spec.documents)
            published = min(LAST_DAY, rng.randint(project.start, project.end))
            self.net.node(
                Label.DOCUMENT,
                {
                    "id": document_id,
                    "kind": kind,
                    "title": f"{project.name}: {words.DOCUMENT_KINDS[kind]} {topic.en.lower()}",
                    "languages": rng.sample(["de", "da", "en"], rng.randint(1, 3)),
                    "publishedOn": date.fromordinal(published),
                    "url": f"https://{words.host_label(project.name)}.example/{document_id}",
                },
            )
            self.net.tie(RelType.PRODUCED, {"from": project.id, "to": document_id})

    # --- interactions --------------------------------------------------------------------

    def interactions(self) -> None:
        rng = self.net.rng("interactions")
        people, orgs = self.people, self.net.orgs
        kinds = list(words.INTERACTION_KINDS)
        kind_weights = list(accumulate(words.INTERACTION_KINDS.values()))
        if len(people.ids) < 2:
            return
        made = 0
        while made < self.spec.interactions:
            batch = min(BATCH, self.spec.interactions - made)
            sources = [people.everyone.draw(rng) for _ in range(batch)]
            years = rng.choices(YEARS, cum_weights=self.years, k=batch)
            chosen_kinds = rng.choices(kinds, cum_weights=kind_weights, k=batch)
            for source, year, kind in zip(sources, years, chosen_kinds, strict=True):
                target = self.contact(rng, source, orgs[people.employer[source]].people)
                joined = max(people.joined[source], people.joined[target])
                when = year if year >= joined else rng.randint(joined, YEARS[-1])
                made += 1
                self.net.tie(
                    RelType.INTERACTED,
                    {
                        "id": padded_id("i", made - 1, self.spec.interactions),
                        "from": people.ids[source],
                        "to": people.ids[target],
                        "kind": kind,
                        "date": date.fromordinal(day_in(rng, when)),
                        "note": (
                            rng.choice(words.INTERACTION_NOTES) if rng.random() < 0.15 else None
                        ),
                    },
                )

    def contact(self, rng: Random, source: int, colleagues: list[int]) -> int:
        """Whom ``source`` interacts with: a colleague, or someone by activity weight on this
        or the other side of the border; never ``source`` itself."""
        people = self.people
        if len(colleagues) > 1 and rng.random() < COLLEAGUES:
            target = rng.choice(colleagues)
            if target != source:
                return target
        share = CROSS_BORDER_BRIDGING if people.bridging[source] else CROSS_BORDER
        home = people.country[source]
        country = home if rng.random() >= share else COUNTRIES[1 if home == DK else 0]
        pool = people.by_country.get(country)
        if pool is None or len(pool) < 2:
            pool = people.everyone
        while True:
            target = pool.draw(rng)
            if target != source:
                return target


def _status(rng: Random, age_days: int) -> str:
    """Older initiatives are more often active or concluded."""
    years = age_days / 365
    if years > 6:
        return pick(rng, {"concluded": 0.6, "active": 0.4})
    if years > 2:
        return pick(rng, {"active": 0.6, "start_up": 0.3, "concluded": 0.1})
    return pick(rng, {"idea": 0.3, "start_up": 0.5, "active": 0.2})
