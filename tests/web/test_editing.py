"""The editors' forms through the real app in-process, on a copy of the demo of their own: each
form's success (post/redirect/get, the record shown after), and its failures: the API's typed
errors beside the fields that caused them, the input kept, nothing written."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from crm.keys import Role
from tests.api.conftest import Api, serve
from tests.conftest import copy_data, engine_settings
from tests.web.signing import main, post_form, sign_in, token_of

MICHAEL = "p-michael-nedergaard"
COUNTS = """
{ people(first: 0) { totalCount } organizations(first: 0) { totalCount }
  michael: person(id: "p-michael-nedergaard") { interactions(first: 0) { totalCount } } }
"""


@pytest.fixture(scope="module")
def editing(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Api]:
    """The app over a copy of the demo of this module's own, its client signed in as an
    editor."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("editing") / "crm-data")
    copy_data(demo_data, settings.data_dir)
    for api in serve(settings.model_copy(update={"anonymous_role": Role.READER})):
        api.client.headers["accept"] = "text/html"
        sign_in(api.client, api.keys[Role.EDITOR].token)
        yield api


@pytest.fixture
def client(editing: Api) -> TestClient:
    return editing.client


def counts(api: Api) -> dict[str, Any]:
    return api.data(COUNTS)


def field_error(html: str, name: str) -> str:
    """The problems shown beside the field ``name``."""
    start = html.find(f'id="f-{name}-error"')
    assert start != -1, f"no problem shown beside {name}"
    return html[start : html.find("</p>", start)]


# --- recording an interaction ---


def test_an_interaction_is_recorded_and_listed_on_both_people_s_pages(
    editing: Api, client: TestClient
) -> None:
    form = client.get(f"/en/new/interaction?with={MICHAEL}")
    assert 'value="Michael Nedergaard"' in form.text  # filled in from the person page's link

    response = post_form(
        client,
        f"/en/new/interaction?with={MICHAEL}",
        {
            "from": "Michael Nedergaard",
            "fromId": "",
            "to": "jana fiktivberg",
            "kind": "INTRODUCTION",
            "date": "2026-03-02",
            "note": "Met at the Sønderborg fair",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/en/people/{MICHAEL}"
    michael = client.get(response.headers["location"]).text
    jana = main(client.get("/en/people/p-jana-fiktivberg").text)
    assert "The interaction is recorded." in michael
    for page, other in ((main(michael), "Jana Fiktivberg"), (jana, "Michael Nedergaard")):
        assert '<time datetime="2026-03-02">' in page
        assert other in page
        assert "Met at the Sønderborg fair" in page
    assert "reached out" in main(michael)
    assert "was contacted" in jana


def test_the_same_person_twice_is_refused_beside_the_second_and_nothing_is_written(
    editing: Api, client: TestClient
) -> None:
    before = counts(editing)

    response = post_form(
        client,
        "/de/new/interaction",
        {
            "from": "Michael Nedergaard",
            "to": "Michael Nedergaard",
            "kind": "CALL",
            "date": "2026-03-03",
            "note": "kept",
        },
    )

    assert response.status_code == 422
    assert "an interaction is between two people" in field_error(response.text, "to")
    assert 'aria-describedby="f-to-hint f-to-error" aria-invalid="true"' in response.text
    summary = '<a href="#f-to">Mit wem: <span lang="en">an interaction is between two people'
    assert summary in response.text  # the API's message as it comes, in its language
    assert ">kept</textarea>" in response.text
    assert '<option value="CALL" selected>' in response.text
    assert counts(editing) == before


def test_a_date_that_does_not_parse_is_refused_in_the_page_s_language(
    editing: Api, client: TestClient
) -> None:
    before = counts(editing)

    response = post_form(
        client,
        "/da/new/interaction",
        {
            "from": "Michael Nedergaard",
            "to": "Jana Fiktivberg",
            "kind": "MEETING",
            "date": "31.02.2026",
        },
    )

    assert response.status_code == 422
    assert "Angiv en dato som år-måned-dag" in field_error(response.text, "date")
    assert 'value="31.02.2026"' in response.text
    assert counts(editing) == before


def test_a_name_several_people_share_offers_a_choice(editing: Api, client: TestClient) -> None:
    path = "/en/new/interaction"
    fields = {"from": "Michael Nedergaard", "to": "Jana", "kind": "CALL", "date": "2026-03-04"}

    first = post_form(client, path, fields)

    assert first.status_code == 422
    assert "Several match: choose one." in field_error(first.text, "to")
    offered = re.findall(r'name="toId" value="([^"]+)">\s*<label[^>]*>([^<]+?) <span', first.text)
    choices = {label: value for value, label in offered}
    assert set(choices) >= {"Jana Fiktivberg", "Jana Erfunden"}
    second = client.post(
        path,
        data={"csrf": token_of(first.text), **fields, "toId": choices["Jana Erfunden"]},
        follow_redirects=False,
    )
    assert second.status_code == 303
    assert "Jana Erfunden" in main(client.get("/en/people/p-jana-erfunden").text)


def test_a_name_no_one_has_is_a_problem_of_its_field(client: TestClient) -> None:
    response = post_form(
        client,
        "/de/new/interaction",
        {"from": "Nobody Atall", "to": "Jana Fiktivberg", "kind": "CALL", "date": "2026-03-05"},
    )

    assert response.status_code == 422
    assert "Kein Name enthält diesen Text." in field_error(response.text, "from")


def test_suggestions_are_json_for_editors(client: TestClient) -> None:
    people = client.get("/en/suggest/people?q=fiktivb").json()
    employers = client.get("/da/suggest/employers?q=alu").json()

    jana = next(person for person in people if person["name"] == "Jana Fiktivberg")
    assert jana["hint"].startswith("Germany")
    assert jana["id"]
    assert any(e["name"] == "AluCluster" and e["hint"].startswith("Klynge") for e in employers)
    assert client.get("/en/suggest/people?q=j").json() == []


# --- creating a person and an organisation ---


def test_a_person_is_created_with_their_consent(editing: Api, client: TestClient) -> None:
    response = post_form(
        client,
        "/de/new/person",
        {
            "givenName": "Frida",
            "familyName": "Testesen",
            "country": "DK",
            "email": "frida@example.dk",
            "phone": "74 12 34 56",
            "languages": ["DA", "DE"],
            "consentBasis": "LEGITIMATE_INTERESTS",
            "consentDate": "2026-01-15",
        },
    )

    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Frida Testesen" in page.text
    assert "Der Datensatz ist angelegt." in page.text
    record_id = response.headers["location"].rsplit("/", 1)[1]
    stored = editing.data(
        "query($id: ID!) { person(id: $id) { phone languages consent { basis date } } }",
        {"id": record_id},
    )["person"]
    assert stored == {
        "phone": "+4574123456",
        "languages": ["DA", "DE"],
        "consent": {"basis": "LEGITIMATE_INTERESTS", "date": "2026-01-15"},
    }


def test_a_person_with_a_bad_e_mail_is_refused_and_nothing_is_written(
    editing: Api, client: TestClient
) -> None:
    before = counts(editing)

    response = post_form(
        client,
        "/en/new/person",
        {
            "givenName": "Bad",
            "familyName": "Mail",
            "country": "DE",
            "email": "not-an-email",
            "languages": ["EN"],
            "consentBasis": "CONSENT",
            "consentDate": "2026-01-15",
        },
    )

    assert response.status_code == 422
    assert "valid email address" in field_error(response.text, "email")
    assert 'href="#f-email">E-mail: ' in response.text
    assert 'value="not-an-email"' in response.text
    assert 'value="Mail"' in response.text
    assert 'value="EN" checked' in response.text
    assert '<option value="CONSENT" selected>' in response.text
    assert counts(editing) == before


def test_a_person_without_names_or_basis_gets_every_problem_at_once(
    editing: Api, client: TestClient
) -> None:
    blank = post_form(
        client,
        "/en/new/person",
        {
            "givenName": " ",
            "familyName": "",
            "country": "DK",
            "consentBasis": "CONSENT",
            "consentDate": "2026-01-15",
        },
    )
    no_basis = post_form(
        client, "/en/new/person", {"givenName": "A", "familyName": "B", "country": "DK"}
    )

    assert "must not be blank" in field_error(blank.text, "givenName")
    assert "must not be blank" in field_error(blank.text, "familyName")
    assert "Choose one." in field_error(no_basis.text, "consentBasis")
    assert "Enter a date." in field_error(no_basis.text, "consentDate")


def test_lawful_bases_are_named_in_the_page_s_language(client: TestClient) -> None:
    html = client.get("/da/new/person").text

    assert '<option value="LEGITIMATE_INTERESTS">Legitime interesser</option>' in html
    assert '<option value="DK">Danmark</option>' in html


def test_an_organisation_is_created_and_a_bad_website_is_refused(
    editing: Api, client: TestClient
) -> None:
    fields = {
        "name": "Grenzwerk Testbau GmbH",
        "kind": "COMPANY",
        "country": "DE",
        "city": "Flensburg",
        "website": "not a url",
        "descriptionDe": "Baut Testdinge.",
        "descriptionEn": "",
    }
    before = counts(editing)

    refused = post_form(client, "/en/new/organisation", fields)
    created = post_form(client, "/en/new/organisation", fields | {"website": "https://example.de"})

    assert refused.status_code == 422
    assert "URL" in field_error(refused.text, "website")
    assert ">Baut Testdinge.</textarea>" in refused.text
    assert created.status_code == 303
    page = main(client.get(created.headers["location"]).text)
    assert "Grenzwerk Testbau GmbH" in page
    assert "Baut Testdinge." in page
    assert (
        counts(editing)["organizations"]["totalCount"] == before["organizations"]["totalCount"] + 1
    )


# --- linking a person to an organisation ---


def test_a_job_is_recorded_with_its_role(client: TestClient) -> None:
    form = client.get("/en/new/job?person=p-jana-fiktivberg&at=alucluster")
    assert 'value="Jana Fiktivberg"' in form.text
    assert 'value="AluCluster"' in form.text

    response = post_form(
        client,
        "/en/new/job?person=p-jana-fiktivberg&at=alucluster",
        {
            "person": "Jana Fiktivberg",
            "employer": "AluCluster",
            "role": "Cluster adviser",
            "since": "2025-09-01",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/en/people/p-jana-fiktivberg"
    page = main(client.get(response.headers["location"]).text)
    assert "AluCluster</a>" in page
    assert "Cluster adviser" in page


def test_a_job_that_ends_before_it_begins_is_refused_beside_until(
    editing: Api, client: TestClient
) -> None:
    query = '{ person(id: "p-louise-opdigtet") { employers { edges { role since until } } } }'
    before = editing.data(query)

    response = post_form(
        client,
        "/en/new/job",
        {
            "person": "Louise Opdigtet",
            "employer": "AluCluster",
            "role": "Adviser",
            "since": "2025-09-01",
            "until": "2024-01-01",
        },
    )

    assert response.status_code == 422
    assert "until is before since" in field_error(response.text, "until")
    assert 'value="2024-01-01"' in response.text
    assert editing.data(query) == before


# --- editing a cluster's profile ---


def test_the_cluster_form_starts_from_the_profile(client: TestClient) -> None:
    html = client.get("/en/clusters/alucluster/edit").text

    assert 'value="AluCluster"' in html
    assert '<textarea id="f-descriptionDa" name="descriptionDa" rows="8" lang="da">' in html
    assert "<legend>Description</legend>" in html
    assert 'value="info@alucluster.example"' in html


def test_a_cluster_s_profile_is_edited_in_three_languages(client: TestClient) -> None:
    response = post_form(
        client,
        "/en/clusters/alucluster/edit",
        {
            "name": "AluCluster",
            "specialties": "Aluminium\nSurface treatment",
            "services": "Matchmaking, Trade fairs",
            "technologies": "",
            "descriptionDe": "Der Aluminiumcluster.",
            "descriptionDa": "Aluminiumsklyngen i grænselandet.",
            "descriptionEn": "The aluminium cluster.",
            "email": "info@alucluster.example",
            "website": "https://alucluster.example",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/en/clusters/alucluster"
    assert "Your changes are saved." in client.get("/en/clusters/alucluster").text
    danish = main(client.get("/da/clusters/alucluster").text)
    assert "Dine ændringer er gemt." not in danish  # shown once, on the English profile
    assert "<p>Aluminiumsklyngen i grænselandet.</p>" in danish
    assert "Surface treatment" in danish
    assert "Trade fairs" in danish


def test_a_cluster_edit_with_a_bad_e_mail_changes_nothing(editing: Api, client: TestClient) -> None:
    query = '{ cluster(id: "alucluster") { name contact { email } description { da } } }'
    before = editing.data(query)

    response = post_form(
        client,
        "/en/clusters/alucluster/edit",
        {"name": "Renamed", "descriptionDa": "Ændret", "email": "info@", "website": ""},
    )

    assert response.status_code == 422
    assert field_error(response.text, "email")
    assert 'value="Renamed"' in response.text
    assert editing.data(query) == before


def test_an_unknown_cluster_has_no_edit_page(client: TestClient) -> None:
    assert client.get("/en/clusters/no-such-cluster/edit").status_code == 404
