"""The network's organisations: sectors, regions and topics, clusters and organisations on
both sides of the border with their memberships, and the projects they take part in.

Organisations differ in size by a heavy-tailed (Pareto) law, so a few employ many and most a
handful (``people.py`` staffs them by it).

Each phase draws from a random generator of its own, seeded by the seed and the phase's name,
so the output depends only on the size and the seed.
"""

from dataclasses import dataclass, field
from datetime import date
from random import Random
from typing import Protocol

from crm.domain import Label, RelType
from graph_loader.synthetic import vocabulary as words
from graph_loader.synthetic.names import (
    Numbering,
    cluster_name,
    organization_name,
    project_name,
    topic_words,
)
from graph_loader.synthetic.sampling import (
    YEARS,
    Weighted,
    day_in,
    padded_id,
    pareto,
    phone,
    pick,
    synthetic_id,
)
from graph_loader.synthetic.sizes import SizeSpec
from graph_loader.synthetic.vocabulary import (
    COUNTRIES,
    DE,
    DK,
    PLACES,
    SECTORS,
    Place,
    Words,
    other_country,
)
from graph_loader.synthetic.writer import Row


class Sink(Protocol):
    """Takes the generated records, one row at a time, by label or relationship type."""

    def emit(self, name: str, row: Row) -> None: ...


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


class Network:
    """Generates sectors, regions, topics, clusters, organisations and projects, and hands every
    row to ``sink``."""

    def __init__(self, spec: SizeSpec, seed: int, sink: Sink) -> None:
        self.spec = spec
        self.seed = seed
        self.sink = sink
        self.source = f"synthetic ({spec.name} seed {seed})"
        self.topics = topic_words(spec.topics)
        self.topic_ids = [padded_id("topic", k, spec.topics) for k in range(spec.topics)]
        self.orgs: list[Organization] = []
        self.employers = {country: Weighted() for country in COUNTRIES}
        """Organisations of each country, by size."""
        self.clusters: dict[tuple[int, str], Weighted] = {}
        """Clusters by sector and country, by weight."""
        self.cluster_indexes: list[int] = []
        self.projects: list[Project] = []

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

    # --- the fixed vocabulary --------------------------------------------------------------

    def sectors(self) -> None:
        for sector in SECTORS:
            labels = sector.name
            self.node(
                Label.SECTOR,
                {
                    "id": synthetic_id(f"sector-{sector.key}"),
                    "name": labels.en,
                    **labels.columns("labels"),
                },
            )

    def regions(self) -> None:
        for key, (labels, country) in words.REGIONS.items():
            self.node(
                Label.REGION,
                {
                    "id": synthetic_id(f"region-{key}"),
                    "name": labels.in_language(country),
                    "country": country,
                    **labels.columns("labels"),
                },
            )

    def topic_nodes(self) -> None:
        for topic_id, labels in zip(self.topic_ids, self.topics, strict=True):
            self.node(
                Label.TOPIC,
                {"id": topic_id, "name": labels.en, **labels.columns("labels")},
            )

    # --- clusters and organisations ----------------------------------------------------------

    def place(self, rng: Random, country: str) -> Place:
        places = [place for place in PLACES if place.country == country]
        return rng.choices(places, weights=[place.weight for place in places])[0]

    def located(self, org: Organization, place: Place) -> None:
        self.tie(
            RelType.LOCATED_IN,
            {"from": org.id, "fromLabel": org.label, "to": synthetic_id(f"region-{place.region}")},
        )

    def active(self, org_id: str, label: Label, sector: int) -> None:
        self.tie(
            RelType.ACTIVE_IN,
            {
                "from": org_id,
                "fromLabel": label,
                "to": synthetic_id(f"sector-{SECTORS[sector].key}"),
            },
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
                padded_id("cl", k, self.spec.clusters),
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
            description = Words(
                f"{local.de} in {place.city} (erfunden).",
                f"{local.da} i {place.city} (opdigtet).",
                f"A {local.en} in {place.city} (invented).",
            )
            self.node(
                Label.CLUSTER,
                {
                    "id": org.id,
                    "name": name,
                    "country": country,
                    "specialties": rng.sample(sector.specialties, 2),
                    "services": rng.sample(sector.services, 2),
                    "technologies": rng.sample(sector.technologies, 2),
                    **description.columns("description"),
                    "contact.email": f"info@{slug}.example",
                    "contact.website": f"https://{slug}.example",
                    "contact.phone": phone(rng) if rng.random() < 0.5 else None,
                },
            )
            self.active(org.id, Label.CLUSTER, sector_index)
            self.located(org, place)

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
                padded_id("org", k, self.spec.organizations),
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
                description = Words(
                    f"Erfundene Organisation in {place.city}: {sector.name.de}.",
                    f"Opdigtet organisation i {place.city}: {sector.name.da}.",
                    f"Invented organisation in {place.city}: {sector.name.en}.",
                )
                row |= description.columns("description")
            self.node(Label.ORGANIZATION, row)
            self.active(org.id, Label.ORGANIZATION, sector_index)
            if rng.random() < 0.2:
                other = rng.randrange(len(SECTORS))
                if other != sector_index:
                    self.active(org.id, Label.ORGANIZATION, other)
            self.located(org, place)
            self.memberships(rng, org)

    def memberships(self, rng: Random, org: Organization) -> None:
        """0 to 3 clusters, mostly of the organisation's sector and country."""
        count = rng.choices((0, 1, 2, 3), weights=(0.35, 0.4, 0.2, 0.05))[0]
        joined: list[int] = []
        for _ in range(count):
            sector = org.sector if rng.random() < 0.7 else rng.randrange(len(SECTORS))
            country = org.country if rng.random() < 0.8 else other_country(org.country)
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
        programme_weights = [programme.weight for programme in words.PROGRAMMES]
        for k in range(self.spec.projects):
            programme = rng.choices(words.PROGRAMMES, weights=programme_weights)[0]
            first, last = programme.first, programme.last
            start = rng.randint(first, max(first, min(last, 2025) - 1))
            end = min(last, start + rng.randint(1, 4))
            total = max(50_000, round(rng.lognormvariate(13.6, 0.8), -2))
            name = project_name(k)
            project = Project(
                padded_id("proj", k, self.spec.projects),
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
                    "programme": programme.name,
                    "fund": programme.fund,
                    "periodStart": start,
                    "periodEnd": end,
                    "totalInvestmentEur": total,
                    "euContributionEur": round(total * programme.eu_share),
                    "description.en": f"Invented project of the {programme.name} programme.",
                },
            )
            interreg = programme.name.startswith("Interreg")
            self.partners(rng, project, interreg=interreg)
            for sector in rng.sample(range(len(SECTORS)), rng.randint(1, 2)):
                self.active(project.id, Label.PROJECT, sector)
            for region in self.project_regions(rng, interreg=interreg):
                self.tie(
                    RelType.LOCATED_IN,
                    {
                        "from": project.id,
                        "fromLabel": Label.PROJECT,
                        "to": synthetic_id(f"region-{region}"),
                    },
                )

    def project_regions(self, rng: Random, *, interreg: bool) -> list[str]:
        """One to three regions; an Interreg project's on both sides of the border."""
        regions = list(words.REGIONS)
        chosen = rng.sample(regions, rng.randint(1, 3))
        if interreg:
            for country in COUNTRIES:
                if all(words.REGIONS[region][1] != country for region in chosen):
                    chosen.append(
                        rng.choice([r for r in regions if words.REGIONS[r][1] == country])
                    )
        return chosen

    def partners(self, rng: Random, project: Project, *, interreg: bool) -> None:
        """Clusters and organisations of the project, from both countries when Interreg."""
        chosen: list[int] = []
        for slot in range(rng.randint(3, 12)):
            country = COUNTRIES[slot % 2] if interreg else rng.choice(COUNTRIES)
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
