"""People and their careers: where they work, in which roles, and how active they are.

Each person gets an activity weight from a heavy-tailed (Pareto) law, so that a few brokers
hold many ties and most people few (``activity.py`` draws contacts and attendees by it). A few
people work in border-bridging roles (cluster staff, cross-border coordinators, commuters):
they are more active and meet the other side more often.
"""

from dataclasses import dataclass, field
from datetime import date
from random import Random

from crm.domain import Label, RelType
from graph_loader.synthetic import vocabulary as words
from graph_loader.synthetic.names import person_name
from graph_loader.synthetic.network import Network, Organization
from graph_loader.synthetic.sampling import (
    CAREERS,
    FIRST_DAY,
    LAST_DAY,
    YEARS,
    Weighted,
    padded_id,
    pareto,
    phone,
    pick,
)
from graph_loader.synthetic.vocabulary import COUNTRIES, DE, DK, other_country


@dataclass
class People:
    """What the later phases need of each person, by index."""

    ids: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    employer: list[int] = field(default_factory=list)
    """The current employer (index into the model's organisations)."""
    bridging: list[bool] = field(default_factory=list)
    joined: list[int] = field(default_factory=list)
    """The year from which the person can take part in the network (the first job's)."""
    by_country: dict[str, Weighted] = field(default_factory=dict)
    """People of each country, by activity weight."""
    everyone: Weighted = field(default_factory=Weighted)


class Staffing:
    """Generates people with their jobs on a network's organisations and clusters."""

    def __init__(self, network: Network) -> None:
        self.net = network
        self.people = People()
        self.addresses: set[str] = set()
        """E-mail addresses given out: each is a person's natural key, so no two may share one."""

    def build(self) -> People:
        rng = self.net.rng("people")
        staffed = [index for index in self.net.cluster_indexes for _ in range(2)]
        people = self.people
        people.by_country = {country: Weighted() for country in COUNTRIES}
        for k in range(self.net.spec.people):
            staff = k < len(staffed) and k < self.net.spec.people // 4
            if staff:
                first = staffed[k]
                country = self.net.orgs[first].country
            else:
                first = self.net.employers[DK if rng.random() < 0.48 else DE].draw(rng)
                country = self.net.orgs[first].country
            commuter = not staff and rng.random() < 0.05
            if commuter:
                country = other_country(country)
            bridging = staff or commuter or rng.random() < 0.05
            activity = pareto(rng, 1.7, 300) * (3 if bridging else 1)
            person_id = padded_id("p", k, self.net.spec.people)
            started = rng.choice(CAREERS)
            current, role = self.jobs(
                rng, person_id, first, country, started, staff=staff, bridging=bridging
            )
            people.ids.append(person_id)
            people.country.append(country)
            people.employer.append(current)
            people.bridging.append(bridging)
            people.joined.append(max(started, YEARS[0]))
            people.by_country[country].add(k, activity)
            people.everyone.add(k, activity)
            self.net.orgs[current].people.append(k)
            self.person(rng, person_id, country, role, self.net.orgs[current], bridging=bridging)
        return people

    def jobs(
        self,
        rng: Random,
        person_id: str,
        first: int,
        country: str,
        started: int,
        *,
        staff: bool,
        bridging: bool,
    ) -> tuple[int, str]:
        """One to three jobs, one after the other, the first from the year ``started``; the
        current employer and role."""
        employer = first
        since = date(started, 1, 1).toordinal() + rng.randrange(365)
        held: list[int] = []
        while True:
            org = self.net.orgs[employer]
            if staff:
                role = rng.choice(words.CLUSTER_ROLES)
            elif bridging and rng.random() < 0.5:
                role = rng.choice(words.BRIDGING_ROLES)
            else:
                role = rng.choice(words.ROLES[org.kind])
            held.append(employer)
            until = since + rng.randint(365, 8 * 365)
            moves = not staff and len(held) < 3 and until < LAST_DAY and rng.random() < 0.35
            following = self.net.employers[
                country if rng.random() < 0.9 else other_country(country)
            ]
            successor = following.draw(rng) if moves and following else employer
            moves = moves and successor not in held
            self.net.tie(
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
        local, number = f"{words.ascii_slug(given)}.{words.ascii_slug(family)}", 1
        address = f"{local}@{domain}.example"
        while address in self.addresses:
            number += 1
            address = f"{local}{number}@{domain}.example"
        self.addresses.add(address)
        self.net.node(
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
