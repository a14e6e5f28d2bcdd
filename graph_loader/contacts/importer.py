"""``crm import contacts``: contacts become people, their organisations organisations (an
organisation the graph holds by that name and country is used, not made again), and each a
job (``WORKS_AT``) there; then the loader's validation and writing, all or nothing.

People need a lawful basis: the file's own (a mapped column), or the one given for the whole
file (``--consent``, ``--consent-date``); a contact with neither is refused. A contact's country
is its address's, or the one given (``--country``); its phone number is read as a number of
that country and stored in E.164. With ``--match email``, a contact whose e-mail address a
stored person has updates that person (the contact's fields over the stored ones; the stored
lawful basis stays) instead of being refused as a duplicate.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pycountry

from crm.domain import Label
from crm.domain.natural_keys import email_key, name_key, record_id_for
from crm.domain.nodes import Person
from crm.domain.values import LawfulBasis
from crm.graph.properties import record_data
from crm.graph.store import GraphStore
from crm.queries.contacts import existing_jobs
from crm.queries.natural_keys import ids_by_key
from crm.queries.nodes import nodes_by_id
from graph_loader.contacts.contact import Contact
from graph_loader.contacts.csvfile import read_mapped_csv
from graph_loader.contacts.mapping import read_mapping
from graph_loader.contacts.vcard import read_vcards
from graph_loader.matching import MatchKey
from graph_loader.readers import Input
from graph_loader.records import Kind, Location, Problem, RawRecord, Read
from graph_loader.validate import Plan, validate
from graph_loader.writer import Summary, write_plan

VCARD_SUFFIXES = (".vcf", ".vcard")
COUNTRY_NAMES = {
    "danmark": "DK",
    "dänemark": "DK",
    "deutschland": "DE",
    "tyskland": "DE",
    "the netherlands": "NL",
}
"""Country names in Danish and German that pycountry (English names) does not know."""
BASIS_WORDS = {
    "legitimate-interest": "legitimate_interests",
    "legitimate interest": "legitimate_interests",
}
"""Ways of writing a lawful basis that are not its value."""


@dataclass(frozen=True)
class Consent:
    """The lawful basis given for a whole file."""

    basis: LawfulBasis
    date: date


@dataclass
class ImportReport:
    """What an import found and did: the problems (nothing is written when there are any),
    what matched stored records, the contacts read, and what was written (None if nothing)."""

    problems: list[Problem] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)
    contacts: int = 0
    summary: Summary | None = None
    plan: Plan | None = None


def parse_basis(text: str) -> LawfulBasis:
    """``legitimate-interest``, ``Legitimate interests``, ``consent``... -> the basis."""
    word = text.strip().casefold()
    word = BASIS_WORDS.get(word, word).replace("-", "_").replace(" ", "_")
    try:
        return LawfulBasis(word)
    except ValueError:
        known = ", ".join(basis.value for basis in LawfulBasis)
        raise ValueError(f"{text!r} is not a lawful basis; the bases are {known}") from None


async def import_contacts(
    path: Path,
    store: GraphStore,
    *,
    mapping: Path | None = None,
    consent: Consent | None = None,
    country: str | None = None,
    match: frozenset[MatchKey] = frozenset(),
    dry_run: bool = False,
    batch_size: int = 1000,
) -> ImportReport:
    """Import the contacts of ``path`` (a vCard file, or a CSV file read through ``mapping``)."""
    report = ImportReport()
    contacts: list[Contact] = []
    for read in _read(path, mapping):
        if isinstance(read, Problem):
            report.problems.append(read)
        else:
            contacts.append(read)
    report.contacts = len(contacts)
    if report.problems:
        return report
    records = await _Records(
        store, path, consent=consent, country=country, match=match, report=report
    ).build(contacts)
    if report.problems:
        return report
    with await validate(_Records.as_input(records), store, match) as plan:
        report.plan = plan
        report.problems = plan.problems
        report.matches += [str(m) for m in plan.matches]
        if not dry_run and not plan.problems:
            report.summary = await write_plan(store, plan, batch_size, operation="importContacts")
    return report


def _read(path: Path, mapping: Path | None) -> Iterator[Contact | Problem]:
    if mapping is None:
        if path.suffix.lower() not in VCARD_SUFFIXES:
            yield Problem(
                Location(str(path)),
                "a CSV file needs a mapping (--mapping map.yaml); vCard files end in .vcf",
            )
            return
        yield from read_vcards(path)
        return
    read = read_mapping(mapping)
    if isinstance(read, list):
        yield from read
        return
    yield from read_mapped_csv(path, read)


class _Records:
    """Turns contacts into the loader's records, looking up what the graph holds already."""

    def __init__(
        self,
        store: GraphStore,
        path: Path,
        *,
        consent: Consent | None,
        country: str | None,
        match: frozenset[MatchKey],
        report: ImportReport,
    ) -> None:
        self.store, self.consent, self.country = store, consent, country
        self.match, self.report = match, report
        self.source = f"import:{path.name}"
        self.people: list[RawRecord] = []
        self.organizations: dict[str, RawRecord] = {}
        self.jobs: list[RawRecord] = []

    @staticmethod
    def as_input(records: list[RawRecord]) -> Input:
        return _RecordsInput(records)

    async def build(self, contacts: list[Contact]) -> list[RawRecord]:
        people = [
            (contact, data) for contact in contacts if (data := self.person(contact)) is not None
        ]
        await self.match_people(people)
        stored_orgs = await self.stored_organizations(people)
        known_jobs = await existing_jobs(
            self.store,
            [
                (data["id"], stored_orgs[key])
                for contact, data in people
                if (key := self.org_key(contact, data)) in stored_orgs
            ],
        )
        for contact, data in people:
            self.people.append(RawRecord(Kind.NODE, Label.PERSON.value, data, contact.location))
            key = self.org_key(contact, data)
            if key is None:
                continue
            org_id = stored_orgs.get(key)
            if org_id is None:
                org_id = self.new_organization(contact, data, key)
            if (data["id"], org_id) in known_jobs:
                continue
            job = {
                "from": data["id"],
                "to": org_id,
                "toLabel": Label.ORGANIZATION.value,
                "source": self.source,
                **({"role": contact.title} if contact.title else {}),
            }
            self.jobs.append(RawRecord(Kind.RELATIONSHIP, "WORKS_AT", job, contact.location))
        return [*self.people, *self.organizations.values(), *self.jobs]

    def person(self, contact: Contact) -> dict[str, Any] | None:
        """The person record of a contact, or ``None`` (and a problem) when it lacks what a
        person needs besides what the model checks."""
        given, family = contact.given_name, contact.family_name
        if not (given and family) and contact.full_name:
            first, _, last = contact.full_name.strip().rpartition(" ")
            given, family = given or first, family or last
        country = self.country_of(contact)
        consent = self.consent_of(contact)
        if country is None or consent is None:
            return None
        data: dict[str, Any] = {
            "source": self.source,
            "givenName": given,
            "familyName": family,
            "country": country,
            "consent": consent,
        }
        for name, value in (
            ("email", contact.email),
            ("phone", contact.phone),
            ("title", contact.title),
        ):
            if value:
                data[name] = value
        name = f"{given} {family}"
        data["id"] = record_id_for(Label.PERSON, name, country, contact.email)
        return data

    def country_of(self, contact: Contact) -> str | None:
        text = contact.country.strip()
        if not text:
            if self.country is None:
                self.refuse(contact, "no country: give the address's country or --country")
            return self.country
        code = COUNTRY_NAMES.get(text.casefold())
        if code is None:
            try:
                code = pycountry.countries.lookup(text).alpha_2
            except LookupError:
                self.refuse(contact, f"{text!r} is not a country", "country")
                return None
        return code

    def consent_of(self, contact: Contact) -> dict[str, str] | None:
        if contact.consent_basis:
            try:
                basis = parse_basis(contact.consent_basis)
            except ValueError as error:
                self.refuse(contact, str(error), "consent.basis")
                return None
            when = contact.consent_date or (self.consent.date.isoformat() if self.consent else "")
            if not when:
                self.refuse(contact, "the lawful basis has no date", "consent.date")
                return None
            return {"basis": basis.value, "date": when}
        if self.consent is None:
            self.refuse(
                contact,
                "no lawful basis to hold this person's data: give --consent and "
                "--consent-date for the whole file, or map a column to consent.basis",
                "consent",
            )
            return None
        return {"basis": self.consent.basis.value, "date": self.consent.date.isoformat()}

    def refuse(self, contact: Contact, message: str, field_name: str | None = None) -> None:
        self.report.problems.append(Problem(contact.location, message, field_name))

    async def match_people(self, people: list[tuple[Contact, dict[str, Any]]]) -> None:
        """With ``--match email``: contacts that a stored person's address matches update
        that person (their fields over the stored ones; the stored lawful basis stays)."""
        if MatchKey.EMAIL not in self.match:
            return
        keys = {email_key(data["email"]): data for _, data in people if data.get("email")}
        holders = await ids_by_key(self.store, Label.PERSON, "emailKey", list(keys))
        stored = await nodes_by_id(self.store, Label.PERSON, list(set(holders.values())))
        for contact, data in people:
            holder = holders.get(email_key(data["email"])) if data.get("email") else None
            if holder is None or holder not in stored:
                continue
            kept = record_data(Person, stored[holder])
            incoming = {k: v for k, v in data.items() if k not in ("id", "consent", "source")}
            data.clear()
            data.update(kept | incoming | {"id": holder, "source": kept["source"]})
            self.report.matches.append(
                f"{contact.location}: matches Person {holder!r} in the graph "
                "(the same e-mail address); it updates that person"
            )

    def org_key(self, contact: Contact, data: dict[str, Any]) -> str | None:
        name = contact.organization.strip()
        return name_key(name, data["country"]) if name else None

    async def stored_organizations(
        self, people: list[tuple[Contact, dict[str, Any]]]
    ) -> dict[str, str]:
        """Name key -> id of the stored organisations the contacts work at."""
        keys = {key for contact, data in people if (key := self.org_key(contact, data))}
        found = await ids_by_key(self.store, Label.ORGANIZATION, "nameKey", sorted(keys))
        said: set[str] = set()
        for contact, data in people:
            key = self.org_key(contact, data)
            if key is not None and key in found and key not in said:
                said.add(key)
                self.report.matches.append(
                    f"{contact.location}: {contact.organization!r} is Organization "
                    f"{found[key]!r} in the graph"
                )
        return found

    def new_organization(self, contact: Contact, data: dict[str, Any], key: str) -> str:
        record = self.organizations.get(key)
        if record is None:
            name = contact.organization.strip()
            org = {
                "id": record_id_for(Label.ORGANIZATION, name, data["country"]),
                "source": self.source,
                "name": name,
                "kind": "company",
                "country": data["country"],
            }
            record = RawRecord(Kind.NODE, Label.ORGANIZATION.value, org, contact.location)
            self.organizations[key] = record
        return str(record.data["id"])


class _RecordsInput(Input):
    """Records made from contacts, as the loader's validation reads its input."""

    def __init__(self, records: list[RawRecord]) -> None:
        super().__init__([])
        self.records = records

    def reads(self, kind: Kind) -> Iterator[Read]:
        return (record for record in self.records if record.kind is kind)
