"""Contact imports of the shipped fixture files (made to look like real exports of their tools)
on the real engine: the exact people, organisations and jobs they give, what matches, and bad
input named by file and line with nothing written."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm.domain.values import LawfulBasis
from crm.graph.store import GraphStore
from graph_loader.contacts.importer import Consent, import_contacts, parse_basis
from graph_loader.load import load
from graph_loader.matching import MatchKey
from tests.contract.graphs import snapshot

FIXTURES = Path(__file__).parents[1] / "fixtures" / "contacts"
MAPPINGS = Path(__file__).parents[2] / "graph_loader" / "contacts" / "mappings"
CONSENT = Consent(LawfulBasis.LEGITIMATE_INTERESTS, date(2026, 12, 1))


async def people(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read(
        "MATCH (p:Person) OPTIONAL MATCH (p)-[w:WORKS_AT]->(o:Organization) "
        "RETURN p.givenName AS given, p.familyName AS family, p.country AS country, "
        "p.email AS email, p.phone AS phone, p.title AS title, p.consentBasis AS basis, "
        "p.consentDate AS since, o.name AS organization, w.role AS role "
        "ORDER BY family, given"
    )


async def organizations(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read(
        "MATCH (o:Organization) RETURN o.name AS name, o.country AS country, o.kind AS kind "
        "ORDER BY name"
    )


def person(given: str, family: str, country: str, **fields: Any) -> dict[str, Any]:
    base = {
        "given": given,
        "family": family,
        "country": country,
        "email": None,
        "phone": None,
        "title": None,
        "basis": "legitimate_interests",
        "since": "2026-12-01",
        "organization": None,
        "role": None,
    }
    return base | fields


async def test_an_outlook_export_gives_its_people_organisations_and_jobs(
    store: GraphStore,
) -> None:
    report = await import_contacts(
        FIXTURES / "outlook-contacts.csv",
        store,
        mapping=MAPPINGS / "outlook.yaml",
        consent=CONSENT,
    )

    assert report.problems == []
    assert report.contacts == 4
    assert await people(store) == [
        person(
            "Jürgen", "Groß", "DE",
            email="Juergen.Gross@grenzwerk.example", phone="+494611234567",
            title="Geschäftsführer", organization="Grenzwerk GmbH", role="Geschäftsführer",
        ),
        person(
            "Lars", "Nielsen", "DK",
            email="lars.nielsen@soenderborg-energi.example", phone="+4574123456",
            title="Ingeniør", organization="Sønderborg Energi ApS", role="Ingeniør",
        ),
        person(
            "Anke", "Petersen", "DE",
            email="anke.petersen@grenzwerk.example", phone="+494611234568",
            title="Projektmanagerin", organization="Grenzwerk GmbH", role="Projektmanagerin",
        ),
        person(
            "Mette", "Sørensen", "DK",
            email="mette.sorensen@soenderborg-energi.example", phone="+4520123456",
            title="Projektleder", organization="Sønderborg Energi ApS", role="Projektleder",
        ),
    ]  # fmt: skip
    # "Sønderborg Energi ApS" and "Soenderborg Energi A/S" are one organisation.
    assert await organizations(store) == [
        {"name": "Grenzwerk GmbH", "country": "DE", "kind": "company"},
        {"name": "Sønderborg Energi ApS", "country": "DK", "kind": "company"},
    ]


async def test_a_google_export_needs_a_country_for_the_contact_without_one(
    store: GraphStore,
) -> None:
    google = FIXTURES / "google-contacts.csv"
    mapping = MAPPINGS / "google-contacts.yaml"
    before = await snapshot(store)

    refused = await import_contacts(google, store, mapping=mapping, consent=CONSENT)

    assert [str(p).replace(str(FIXTURES) + "/", "") for p in refused.problems] == [
        "google-contacts.csv:4 row 4: no country: give the address's country or --country"
    ]
    assert await snapshot(store) == before

    report = await import_contacts(google, store, mapping=mapping, consent=CONSENT, country="DK")

    assert report.problems == []
    assert await people(store) == [
        person(
            "Malte", "Hansen", "DE", email="m.hansen@wfg-nf.example", phone="+494841667788",
            title="Berater", organization="Wirtschaftsförderung Nordfriesland", role="Berater",
        ),
        person(
            "Sofie", "Kjær", "DK", email="sofie.kjaer@fjordklynge.example",
            phone="+4531234567", title="Netværkskoordinator",
            organization="Fjordklynge Aabenraa", role="Netværkskoordinator",
        ),
        person("Ida", "Lund", "DK", email="ida.lund@mail.example"),
    ]  # fmt: skip


async def test_a_crm_export_brings_its_own_lawful_basis(store: GraphStore) -> None:
    report = await import_contacts(
        FIXTURES / "crm-export.csv", store, mapping=MAPPINGS / "generic-crm.yaml"
    )

    assert report.problems == []
    assert await people(store) == [
        person(
            "Frauke", "Jensen", "DE", email="frauke.jensen@nordsee-gesundheit.example",
            phone="+4915123456789", title="Leiterin Kooperationen",
            organization="Nordsee Gesundheit e.V.", role="Leiterin Kooperationen",
            basis="consent", since="2025-01-20",
        ),
        person(
            "Henrik", "Møller", "DK", email="henrik.moller@vestkyst-turisme.example",
            phone="+4575123456", title="Direktør", organization="Vestkyst Turisme",
            role="Direktør", since="2023-04-12",
        ),
    ]  # fmt: skip


async def test_vcards_3_and_4_give_their_people(store: GraphStore) -> None:
    for name in ("contacts-v3.vcf", "contacts-v4.vcf"):
        report = await import_contacts(FIXTURES / name, store, consent=CONSENT, country="DE")
        assert report.problems == [], name

    assert await people(store) == [
        person(
            "Imke", "Carstensen", "DE", email="imke.carstensen@mail.example",
            phone="+491701234567",
        ),
        person(
            "Jens", "Holm", "DK", email="jens.holm@energiklynge.example", phone="+4574123456",
            title="Energikonsulent", organization="Grænseregionens Energiklynge",
            role="Energikonsulent",
        ),
        person(
            "Niels", "Petersen", "DK", email="niels.petersen@energiklynge.example",
            phone="+4520304050", title="Klyngeleder",
            organization="Grænseregionens Energiklynge", role="Klyngeleder",
        ),
        person(
            "Birgit", "Thomsen", "DE", email="birgit.thomsen@fiktiv-medizintechnik.example",
            phone="+49461998877", title="Vertriebsleiterin",
            organization="Fiktiv Medizintechnik GmbH", role="Vertriebsleiterin",
        ),
    ]  # fmt: skip
    # Jens Holm's card (v4) works where Niels Petersen's (v3) does: one organisation.
    assert [o["name"] for o in await organizations(store)] == [
        "Fiktiv Medizintechnik GmbH",
        "Grænseregionens Energiklynge",
    ]


async def test_contacts_match_stored_people_and_organisations(store: GraphStore) -> None:
    outlook, mapping = FIXTURES / "outlook-contacts.csv", MAPPINGS / "outlook.yaml"
    stored = FIXTURES.parent / "contacts-graph.yaml"
    assert (await load([stored], store, batch_size=100)).problems == []

    refused = await import_contacts(outlook, store, mapping=mapping, consent=CONSENT)

    assert [p.field for p in refused.problems] == ["email", "from"]  # the person and their job
    assert "has the same e-mail address as Person 'p-juergen-gross'" in refused.problems[0].message

    report = await import_contacts(
        outlook, store, mapping=mapping, consent=CONSENT, match=frozenset({MatchKey.EMAIL})
    )

    assert report.problems == []
    assert [said.split(": ", 1)[1] for said in report.matches] == [
        "matches Person 'p-juergen-gross' in the graph (the same e-mail address); it updates "
        "that person",
        "'Grenzwerk GmbH' is Organization 'org-grenzwerk' in the graph",
        "'Sønderborg Energi ApS' is Organization 'org-soenderborg-energi' in the graph",
    ]
    jurgen = [p for p in await people(store) if p["family"] == "Groß"]
    # The stored lawful basis stays; the contact's phone number is added; the known job stays.
    assert jurgen == [
        person(
            "Jürgen", "Groß", "DE", email="Juergen.Gross@grenzwerk.example",
            phone="+494611234567", title="Geschäftsführer", organization="Grenzwerk GmbH",
            role="CEO", basis="consent", since="2024-01-02",
        )
    ]  # fmt: skip
    assert len(await organizations(store)) == 2


@pytest.mark.parametrize(
    ("file", "mapping", "expected"),
    [
        (
            "not-a-vcard.vcf",
            None,
            ["not-a-vcard.vcf:1: not a vCard: expected BEGIN:VCARD"],
        ),
        (
            "broken-card.vcf",
            None,
            [
                "broken-card.vcf:4 card at line 1: not a valid vCard: Failed to parse line: "
                "FN Broken Card"
            ],
        ),
        (
            "outlook-contacts.csv",
            "bad-mapping.yaml",
            [
                "bad-mapping.yaml:4: column 'Last Name' maps to 'surname', which is not a field; "
                "the fields are givenName, familyName, name, email, phone, title, organization, "
                "country, consent.basis, consent.date",
            ],
        ),
        (
            "outlook-contacts.csv",
            "unknown-column.yaml",
            [
                "unknown-column.yaml:5: column 'Fax Number' is not in the header of "
                "outlook-contacts.csv (Outlook with a column it lacks mapping)"
            ],
        ),
        (
            "outlook-contacts.csv",
            None,
            [
                "outlook-contacts.csv: a CSV file needs a mapping (--mapping map.yaml); vCard "
                "files end in .vcf"
            ],
        ),
    ],
)
async def test_bad_input_is_named_by_file_and_line_and_nothing_is_written(
    store: GraphStore, file: str, mapping: str | None, expected: list[str]
) -> None:
    before = await snapshot(store)

    report = await import_contacts(
        FIXTURES / file,
        store,
        mapping=None if mapping is None else FIXTURES / mapping,
        consent=CONSENT,
        country="DK",
    )

    assert [str(p).replace(str(FIXTURES) + "/", "") for p in report.problems] == expected
    assert report.summary is None
    assert await snapshot(store) == before


async def test_a_dry_run_validates_and_writes_nothing(store: GraphStore) -> None:
    before = await snapshot(store)

    report = await import_contacts(
        FIXTURES / "contacts-v3.vcf", store, consent=CONSENT, dry_run=True
    )

    assert (report.problems, report.contacts, report.summary) == ([], 2, None)
    assert await snapshot(store) == before


def test_lawful_bases_are_read_as_people_write_them() -> None:
    assert parse_basis("legitimate-interest") is LawfulBasis.LEGITIMATE_INTERESTS
    assert parse_basis("Legitimate interests") is LawfulBasis.LEGITIMATE_INTERESTS
    assert parse_basis("CONSENT") is LawfulBasis.CONSENT
    with pytest.raises(ValueError, match="not a lawful basis"):
        parse_basis("because")
