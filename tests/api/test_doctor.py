"""The data-quality report through the API: every finding on a planted case, naming the records
and how to fix them; a clean graph after a network manager's Outlook import with consent."""

from datetime import date
from pathlib import Path
from typing import Any

from crm.domain.values import LawfulBasis
from crm.graph.store import GraphStore
from crm.keys import Role
from crm.queries.doctor import SAMPLE
from graph_loader.contacts.importer import Consent, import_contacts
from graph_loader.load import load
from graph_loader.matching import MatchKey
from tests.api.conftest import Api

FIXTURES = Path(__file__).parents[1] / "fixtures"
MAPPINGS = Path(__file__).parents[2] / "graph_loader" / "contacts" / "mappings"

REPORT = """
{ dataQuality { clean findings { code title fix total records { recordId label name detail } } } }
"""

PLANTED = """
CREATE (nobody:Person {id: 'p-nobody', givenName: 'No', familyName: 'Body', country: 'DK',
                       source: 't'})
CREATE (ann:Person {id: 'p-ann', givenName: 'Ann', familyName: 'Early', country: 'DK',
                    email: 'ann@early.example', consentBasis: 'consent',
                    consentDate: '2020-01-01', source: 't'})
CREATE (bo:Person {id: 'p-bo', givenName: 'Bo', familyName: 'Late', country: 'DK',
                   phone: '+4520304050', consentBasis: 'consent', consentDate: '2020-01-01',
                   source: 't'})
CREATE (org:Organization {id: 'org-novat', name: 'Ohne Nummer GmbH', kind: 'company',
                          country: 'DE', website: 'https://ohne.example/', source: 't'})
CREATE (twin1:Organization {id: 'org-twin-1', name: 'Zwilling Werke GmbH', kind: 'company',
                            country: 'DE', city: 'Kiel', vatId: 'DE136695976',
                            website: 'https://zwilling.example/', source: 't'})
CREATE (twin2:Organization {id: 'org-twin-2', name: 'Zwilling Werke AG', kind: 'company',
                            country: 'DE', city: 'Kiel',
                            website: 'https://zwilling.example/', source: 't'})
CREATE (topic:Topic {id: 'topic-alone', name: 'Alone', labelsDe: 'Allein', source: 't'})
CREATE (ann)-[:WORKS_AT {since: '2020-06-01', source: 't'}]->(org)
CREATE (bo)-[:WORKS_AT {since: '2010-06-01', source: 't'}]->(twin1)
CREATE (nobody)-[:WORKS_AT {source: 't'}]->(twin2)
CREATE (ann)-[:INTERACTED {id: 'ix-early', kind: 'call', date: '2019-05-05', source: 't'}]->(bo)
CREATE (bo)-[:INTERACTED {id: 'ix-future', kind: 'call', date: '2999-01-01', source: 't'}]->(ann)
"""


def report(api: Api) -> dict[str, Any]:
    answer: dict[str, Any] = api.data(REPORT)["dataQuality"]
    return answer


def test_every_finding_on_a_planted_case(empty: Api) -> None:
    async def plant(store: GraphStore) -> None:
        await store.write(PLANTED)

    empty.run(plant)

    answer = report(empty)

    assert answer["clean"] is False
    found = {f["code"]: f for f in answer["findings"]}
    assert list(found) == [
        "people-without-consent",
        "records-without-contact",
        "organisations-without-vat-id",
        "interactions-in-the-future",
        "interactions-before-joining",
        "orphan-records",
        "duplicate-candidates",
        "text-in-one-language",
    ]

    def records(code: str) -> list[tuple[str, str]]:
        return [(r["label"], r["recordId"]) for r in found[code]["records"]]

    assert records("people-without-consent") == [("Person", "p-nobody")]
    assert records("records-without-contact") == [("Person", "p-nobody")]
    assert records("organisations-without-vat-id") == [
        ("Organization", "org-novat"),
        ("Organization", "org-twin-2"),
    ]
    future = found["interactions-in-the-future"]["records"]
    assert [(r["recordId"], r["detail"]) for r in future] == [
        ("p-bo", "interaction ix-future with p-ann on 2999-01-01")
    ]
    early = found["interactions-before-joining"]["records"]
    assert [(r["recordId"], r["detail"]) for r in early] == [
        ("p-ann", "interaction ix-early on 2019-05-05, first job from 2020-06-01")
    ]
    assert records("orphan-records") == [("Topic", "topic-alone")]
    assert records("duplicate-candidates") == [("Organization", "org-twin-1")]
    assert "org-twin-2" in found["duplicate-candidates"]["records"][0]["detail"]
    assert "names equal after folding" in found["duplicate-candidates"]["records"][0]["detail"]
    assert records("text-in-one-language") == [("Topic", "topic-alone")]
    for finding in answer["findings"]:
        assert finding["fix"]
        assert finding["total"] == len(finding["records"]) <= SAMPLE


def test_an_outlook_import_with_consent_leaves_a_clean_graph(empty: Api) -> None:
    async def network_manager(store: GraphStore) -> list[str]:
        graph = FIXTURES / "contacts-graph.yaml"
        assert (await load([graph], store, batch_size=100)).problems == []
        imported = await import_contacts(
            FIXTURES / "contacts" / "outlook-contacts.csv",
            store,
            mapping=MAPPINGS / "outlook.yaml",
            consent=Consent(LawfulBasis.LEGITIMATE_INTERESTS, date(2026, 12, 1)),
            match=frozenset({MatchKey.EMAIL}),
        )
        assert imported.problems == []
        return imported.matches

    matches = empty.run(network_manager)

    assert len(matches) == 3  # Jürgen Groß, and both companies
    assert report(empty) == {"clean": True, "findings": []}


def test_the_report_is_for_admins(empty: Api) -> None:
    assert empty.as_role(Role.EDITOR).codes(REPORT) == ["FORBIDDEN"]


def test_the_demo_reports_what_the_readme_says(intranet: Api) -> None:
    answer = report(intranet)

    assert [(f["code"], f["total"]) for f in answer["findings"]] == [
        ("records-without-contact", 1),  # Michael Nedergaard, from the article
        ("organisations-without-vat-id", 72),  # invented: no real numbers
        ("interactions-before-joining", 22),
        ("text-in-one-language", 14),
    ]
