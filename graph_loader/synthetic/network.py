"""The network model: who works where and who belongs to which cluster.

Organisations differ in size by a heavy-tailed (Pareto) law, so a few employ many and most a
handful; people get an activity weight by the same kind of law, so that a few brokers hold
many ties and most people few (``activity.py`` uses it). A few people work in border-bridging
roles (cluster staff, cross-border coordinators, commuters): they are more active and meet the
other side more often.

Each phase draws from a random generator of its own, seeded by the seed and the phase's name,
so the output depends only on the size and the seed.
"""

from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from random import Random
from typing import Any, Protocol

from crm.domain import Label, RelType
from graph_loader.synthetic import vocabulary as words
from graph_loader.synthetic.names import (
    Numbering,
    cluster_name,
    organization_name,
    person_name,
    project_name,
    topic_words,
)
from graph_loader.synthetic.sizes import SizeSpec
from graph_loader.synthetic.vocabulary import COUNTRIES, DE, DK, PLACES, SECTORS, Place

Row = dict[str, Any]

FIRST_DAY = date(2008, 1, 1).toordinal()
LAST_DAY = date(2026, 6, 30).toordinal()
"""Events, interactions, initiatives and memberships fall between these days."""
YEARS = range(2008, 2027)

FICTIONAL_PHONES = (
    "+49 30 23125 {:03d}",
    "+49 69 90009 {:03d}",
    "+49 40 66969 {:03d}",
    "+49 89 99998 {:03d}",
)
"""German numbers reserved for film and TV: valid, and nobody's."""

CROSS_BORDER = 0.12
"""How likely an ordinary person's contact outside the own organisation is on the other side."""
CROSS_BORDER_BRIDGING = 0.5
"""The same for people in border-bridging roles."""


class Sink(Protocol):
    """Takes the generated records, one row at a time, by label or relationship type."""

    def emit(self, name: str, row: Row) -> None: ...


def pick(rng: Random, weights: dict[str, float]) -> str:
    """One key of ``weights``, by weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def pareto(rng: Random, alpha: float, cap: float) -> float:
    """A heavy-tailed weight of at least 1 and at most ``cap``."""
    return min(rng.paretovariate(alpha), cap)


def day_in(rng: Random, year: int) -> int:
    """A day of ``year`` (as an ordinal), not after ``LAST_DAY``."""
    start = date(year, 1, 1).toordinal()
    return min(start + rng.randrange(365), LAST_DAY)


def phone(rng: Random) -> str:
    return rng.choice(FICTIONAL_PHONES).format(rng.randrange(1000))


@dataclass
class Weighted:
    """Items drawn by weight: ``draw`` is a binary search over the cumulative weights."""

    items: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    _cumulative: list[float] = field(default_factory=list)

    def add(self, item: int, weight: float) -> None:
        self.items.append(item)
        self.weights.append(weight)
        self._cumulative.clear()

    def __len__(self) -> int:
        return len(self.items)

    def draw(self, rng: Random) -> int:
        if not self._cumulative:
            self._cumulative = list(accumulate(self.weights))
        return self.items[bisect(self._cumulative, rng.random() * self._cumulative[-1])]


@dataclass
class Organization:
    id: str
    label: Label
    """An organisation or a cluster: both employ people and take part in projects."""
    name: str
    country: str
    sector: int
    kind: str
    people: list[int] = field(default_factory=list)
    """Who works there now (by person index)."""


@dataclass
class Project:
    id: str
    name: str
    start: int
    end: int


@dataclass
class People:
    """What the later phases need of each person, by index."""

    ids: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    employer: list[int] = field(default_factory=list)
    """The current employer (index into the model's organisations)."""
    bridging: list[bool] = field(default_factory=list)
    by_country: dict[str, Weighted] = field(default_factory=dict)
    """People of each country, by activity weight."""
    everyone: Weighted = field(default_factory=Weighted)


def _padded(prefix: str, index: int, count: int) -> str:
    return f"{prefix}-{index + 1:0{max(4, len(str(count)))}d}"


class Network:
    """Generates the static part of the network: sectors, regions, topics, clusters,
    organisations, projects and people with their jobs."""

    def __init__(self, spec: SizeSpec, seed: int, sink: Sink) -> None:
        self.spec = spec
        self.seed = seed
        self.sink = sink
        self.source = f"synthetic ({spec.name} seed {seed})"
        self.topics = topic_words(spec.topics)
        self.topic_ids = [_padded("topic", k, spec.topics) for k in range(spec.topics)]
        self.orgs: list[Organization] = []
        self.employers = {country: Weighted() for country in COUNTRIES}
        """Organisations of each country, by size."""
        self.clusters: dict[tuple[int, str], Weighted] = {}
        """Clusters by sector and country, by weight."""
        self.cluster_indexes: list[int] = []
        self.projects: list[Project] = []
        self.people = People()

    def rng(self, phase: str) -> Random:
        return Random(f"{self.seed}:{phase}")

    def node(self, label: Label, row: Row) -> None:
        row["source"] = self.source
        self.sink.emit(label, row)

    def tie(self, rel_type: RelType, row: Row) -> None:
        row["source"] = self.source
        self.sink.emit(rel_type, row)

    def build(self) -> None:
        self.sectors()
        self.regions()
        self.topic_nodes()
        self.cluster_nodes()
        self.organizations()
        self.project_nodes()
        self.people_and_jobs()

    # --- the fixed vocabulary --------------------------------------------------------------

    def sectors(self) -> None:
        for sector in SECTORS:
            labels = sector.name
            self.node(
                Label.SECTOR,
                {
                    "id": f"sector-{sector.key}",
                    "name": labels.en,
                    "labels.de": labels.de,
                    "labels.da": labels.da,
                    "labels.en": labels.en,
                },
            )

    def regions(self) -> None:
        for key, (labels, country) in words.REGIONS.items():
            self.node(
                Label.REGION,
                {
                    "id": f"region-{key}",
                    "name": labels.in_language(country),
                    "country": country,
                    "labels.de": labels.de,
                    "labels.da": labels.da,
                    "labels.en": labels.en,
                },
            )

    def topic_nodes(self) -> None:
        for topic_id, labels in zip(self.topic_ids, self.topics, strict=True):
            self.node(
                Label.TOPIC,
                {
                    "id": topic_id,
                    "name": labels.en,
                    "labels.de": labels.de,
                    "labels.da": labels.da,
                    "labels.en": labels.en,
                },
            )

    # --- clusters and organisations ----------------------------------------------------------

    def place(self, rng: Random, country: str) -> Place:
        places = [place for place in PLACES if place.country == country]
        return rng.choices(places, weights=[place.weight for place in places])[0]

    def located(self, rng: Random, org: Organization, place: Place) -> None:
        self.tie(
            RelType.LOCATED_IN,
            {"from": org.id, "fromLabel": org.label, "to": f"region-{place.region}"},
        )

    def active(self, org_id: str, label: Label, sector: int) -> None:
        self.tie(
            RelType.ACTIVE_IN,
            {"from": org_id, "fromLabel": label, "to": f"sector-{SECTORS[sector].key}"},
        )

    def cluster_nodes(self) -> None:
        rng = self.rng("clusters")
        numbering = Numbering(rng)
        for k in range(self.spec.clusters):
            country, sector_index = COUNTRIES[k % 2], (k // 2) % len(SECTORS)
            sector = SECTORS[sector_index]
            name = cluster_name(country, sector, *numbering.next((country, sector_index)))
            slug = words.host_label(name)
            org = Organization(
                _padded("cl", k, self.spec.clusters),
                Label.CLUSTER,
                name,
                country,
                sector_index,
                "cluster",
            )
            self.cluster_indexes.append(len(self.orgs))
            self.orgs.append(org)
            self.clusters.setdefault((sector_index, country), Weighted()).add(
                len(self.orgs) - 1, pareto(rng, 1.5, 20)
            )
            place = self.place(rng, country)
            local = sector.cluster_word
            self.node(
                Label.CLUSTER,
                {
                    "id": org.id,
                    "name": name,
                    "country": country,
                    "specialties": rng.sample(sector.specialties, 2),
                    "services": rng.sample(sector.services, 2),
                    "technologies": rng.sample(sector.technologies, 2),
                    "description.de": f"{local.de} in {place.city} (erfunden).",
                    "description.da": f"{local.da} i {place.city} (opdigtet).",
                    "description.en": f"A {local.en} in {place.city} (invented).",
                    "contact.email": f"info@{slug}.example",
                    "contact.website": f"https://{slug}.example",
                    "contact.phone": phone(rng) if rng.random() < 0.5 else None,
                },
            )
            self.active(org.id, Label.CLUSTER, sector_index)
            self.located(rng, org, place)

    def organizations(self) -> None:
        rng = self.rng("organizations")
        sector_weights = [sector.weight for sector in SECTORS]
        numbering = Numbering(rng)
        for k in range(self.spec.organizations):
            country = DK if rng.random() < 0.48 else DE
            sector_index = rng.choices(range(len(SECTORS)), weights=sector_weights)[0]
            sector = SECTORS[sector_index]
            kind = pick(rng, words.ORG_KINDS)
            place = self.place(rng, country)
            name = organization_name(
                place, kind, sector, *numbering.next((place.city, sector_index))
            )
            org = Organization(
                _padded("org", k, self.spec.organizations),
                Label.ORGANIZATION,
                name,
                country,
                sector_index,
                kind,
            )
            self.employers[country].add(len(self.orgs), pareto(rng, 1.2, 400))
            self.orgs.append(org)
            row: Row = {
                "id": org.id,
                "name": name,
                "kind": kind,
                "country": country,
                "city": place.city,
                "website": f"https://{words.host_label(name)}.example",
            }
            if rng.random() < 0.4:
                row |= {
                    "description.de": f"Erfundene Organisation in {place.city}: {sector.name.de}.",
                    "description.da": f"Opdigtet organisation i {place.city}: {sector.name.da}.",
                    "description.en": f"Invented organisation in {place.city}: {sector.name.en}.",
                }
            self.node(Label.ORGANIZATION, row)
            self.active(org.id, Label.ORGANIZATION, sector_index)
            if rng.random() < 0.2:
                other = rng.randrange(len(SECTORS))
                if other != sector_index:
                    self.active(org.id, Label.ORGANIZATION, other)
            self.located(rng, org, place)
            self.memberships(rng, org)

    def memberships(self, rng: Random, org: Organization) -> None:
        """0 to 3 clusters, mostly of the organisation's sector and country."""
        count = rng.choices((0, 1, 2, 3), weights=(0.35, 0.4, 0.2, 0.05))[0]
        joined: list[int] = []
        for _ in range(count):
            sector = org.sector if rng.random() < 0.7 else rng.randrange(len(SECTORS))
            country = org.country if rng.random() < 0.8 else _other(org.country)
            pool = self.clusters.get((sector, country))
            if not pool:
                continue
            cluster = pool.draw(rng)
            if cluster in joined:
                continue
            joined.append(cluster)
            self.tie(
                RelType.MEMBER_OF,
                {
                    "from": org.id,
                    "to": self.orgs[cluster].id,
                    "since": date.fromordinal(day_in(rng, rng.choice(YEARS[:-1]))),
                },
            )

    # --- projects ------------------------------------------------------------------------

    def project_nodes(self) -> None:
        rng = self.rng("projects")
        programme_weights = (3, 4, 3, 1, 1, 1.5, 1.5)
        for k in range(self.spec.projects):
            programme, fund, first, last, eu_share = rng.choices(
                words.PROGRAMMES, weights=programme_weights
            )[0]
            start = rng.randint(first, max(first, min(last, 2025) - 1))
            end = min(last, start + rng.randint(1, 4))
            total = max(50_000, round(rng.lognormvariate(13.6, 0.8), -2))
            name = project_name(k)
            project = Project(
                _padded("proj", k, self.spec.projects),
                name,
                date(start, 1, 1).toordinal(),
                date(end, 12, 31).toordinal(),
            )
            self.projects.append(project)
            self.node(
                Label.PROJECT,
                {
                    "id": project.id,
                    "name": name,
                    "programme": programme,
                    "fund": fund,
                    "periodStart": start,
                    "periodEnd": end,
                    "totalInvestmentEur": total,
                    "euContributionEur": round(total * eu_share),
                    "description.en": f"Invented project of the {programme} programme.",
                },
            )
            self.partners(rng, project, interreg=programme.startswith("Interreg"))
            for sector in rng.sample(range(len(SECTORS)), rng.randint(1, 2)):
                self.active(project.id, Label.PROJECT, sector)
            regions = list(words.REGIONS)
            for region in rng.sample(regions, rng.randint(1, 3)):
                self.tie(
                    RelType.LOCATED_IN,
                    {"from": project.id, "fromLabel": Label.PROJECT, "to": f"region-{region}"},
                )

    def partners(self, rng: Random, project: Project, *, interreg: bool) -> None:
        """Clusters and organisations of the project, from both countries when Interreg."""
        chosen: list[int] = []
        for slot in range(rng.randint(3, 12)):
            country = COUNTRIES[slot % 2] if interreg else COUNTRIES[0 if rng.random() < 0.5 else 1]
            if slot < 2 and self.cluster_indexes:
                index = rng.choice(self.cluster_indexes)
            elif self.employers[country]:
                index = self.employers[country].draw(rng)
            else:
                continue
            if index in chosen:
                continue
            chosen.append(index)
            org = self.orgs[index]
            role = "lead partner" if not chosen[:-1] else rng.choice(words.PARTNER_ROLES[1:])
            self.tie(
                RelType.PARTICIPATES_IN,
                {"from": org.id, "fromLabel": org.label, "to": project.id, "role": role},
            )

    # --- people --------------------------------------------------------------------------

    def people_and_jobs(self) -> None:
        rng = self.rng("people")
        staffed = [index for index in self.cluster_indexes for _ in range(2)]
        people = self.people
        people.by_country = {country: Weighted() for country in COUNTRIES}
        for k in range(self.spec.people):
            staff = k < len(staffed) and k < self.spec.people // 4
            if staff:
                first = staffed[k]
                country = self.orgs[first].country
            else:
                first = self.employers[DK if rng.random() < 0.48 else DE].draw(rng)
                country = self.orgs[first].country
            commuter = not staff and rng.random() < 0.05
            if commuter:
                country = _other(country)
            bridging = staff or commuter or rng.random() < 0.05
            activity = pareto(rng, 1.7, 300) * (3 if bridging else 1)
            person_id = _padded("p", k, self.spec.people)
            current, role = self.jobs(
                rng, person_id, first, country, staff=staff, bridging=bridging
            )
            people.ids.append(person_id)
            people.country.append(country)
            people.employer.append(current)
            people.bridging.append(bridging)
            people.by_country[country].add(k, activity)
            people.everyone.add(k, activity)
            self.orgs[current].people.append(k)
            self.person(rng, person_id, country, role, self.orgs[current], bridging=bridging)

    def jobs(
        self,
        rng: Random,
        person_id: str,
        first: int,
        country: str,
        *,
        staff: bool,
        bridging: bool,
    ) -> tuple[int, str]:
        """One to three jobs, one after the other; the current employer and role."""
        employer = first
        since = date(rng.randint(1998, 2025), 1, 1).toordinal() + rng.randrange(365)
        held: list[int] = []
        while True:
            org = self.orgs[employer]
            if staff:
                role = rng.choice(words.CLUSTER_ROLES)
            elif bridging and rng.random() < 0.5:
                role = rng.choice(words.BRIDGING_ROLES)
            else:
                role = rng.choice(words.ROLES[org.kind])
            held.append(employer)
            until = since + rng.randint(365, 8 * 365)
            moves = not staff and len(held) < 3 and until < LAST_DAY and rng.random() < 0.35
            following = self.employers[country if rng.random() < 0.9 else _other(country)]
            successor = following.draw(rng) if moves and following else employer
            moves = moves and successor not in held
            self.tie(
                RelType.WORKS_AT,
                {
                    "from": person_id,
                    "to": org.id,
                    "toLabel": org.label,
                    "role": role,
                    "since": date.fromordinal(since),
                    "until": date.fromordinal(until) if moves else None,
                },
            )
            if not moves:
                return employer, role
            employer, since = successor, until + rng.randint(1, 90)

    def person(
        self,
        rng: Random,
        person_id: str,
        country: str,
        role: str,
        employer: Organization,
        *,
        bridging: bool,
    ) -> None:
        given, family = person_name(country, rng)
        own = "da" if country == DK else "de"
        other = "de" if country == DK else "da"
        languages = [own]
        if rng.random() < 0.7:
            languages.append("en")
        if bridging or rng.random() < 0.2:
            languages.append(other)
        domain = words.host_label(employer.name)
        address = f"{words.ascii_slug(given)}.{words.ascii_slug(family)}@{domain}.example"
        self.node(
            Label.PERSON,
            {
                "id": person_id,
                "givenName": given,
                "familyName": family,
                "title": role,
                "country": country,
                "email": address if rng.random() < 0.7 else None,
                "phone": phone(rng) if rng.random() < 0.25 else None,
                "languages": languages,
                "consent.basis": pick(rng, words.CONSENT_BASES),
                "consent.date": date.fromordinal(FIRST_DAY + rng.randrange(LAST_DAY - FIRST_DAY)),
            },
        )


def _other(country: str) -> str:
    return DE if country == DK else DK
