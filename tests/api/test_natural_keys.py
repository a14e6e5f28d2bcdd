"""Natural keys through the API: an organisation's VAT id and its name folded with its country,
a person's e-mail address, each refuses (or finds) a second record, even under concurrency."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from crm.api.ids import global_id
from crm.domain import Label
from tests.api.conftest import Api
from tests.api.test_mutations import ERRORS, fresh, fresh_vat_id

CREATE_ORG = f"""
mutation ($input: OrganizationInput!) {{
  createOrganization(input: $input) {{ created organization {{ id recordId name }} {ERRORS} }}
}}
"""
CREATE_PERSON = f"""
mutation ($input: PersonInput!) {{
  createPerson(input: $input) {{ created person {{ id recordId }} {ERRORS} }}
}}
"""
ERRORS_WITH_EXISTING = "errors { field code message existing }"


def organization(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "kind": "COMPANY", "country": "DK"} | fields


def create_org(api: Api, input: dict[str, Any]) -> dict[str, Any]:
    document = CREATE_ORG.replace(ERRORS, ERRORS_WITH_EXISTING)
    payload: dict[str, Any] = api.data(document, {"input": input})["createOrganization"]
    return payload


def count_organizations(api: Api, text: str) -> int:
    document = "query ($t: String!) { organizations(where: {nameContains: $t}) { totalCount } }"
    total: int = api.data(document, {"t": text})["organizations"]["totalCount"]
    return total


def test_three_creates_without_a_record_id_make_one_organisation(writable: Api) -> None:
    input = organization(f"Sønderborg Energi {fresh()} ApS")

    payloads = [create_org(writable, input) for _ in range(3)]

    assert [p["created"] for p in payloads] == [True, False, False]
    assert [p["errors"] for p in payloads] == [[], [], []]
    assert len({p["organization"]["recordId"] for p in payloads}) == 1
    assert count_organizations(writable, input["name"].split()[2]) == 1


def test_the_same_name_spelt_otherwise_with_another_legal_form_is_a_conflict(
    writable: Api,
) -> None:
    word = fresh()
    first = create_org(writable, organization(f"Sønderborg Energi {word} ApS"))["organization"]

    payload = create_org(writable, organization(f"Soenderborg Energi {word} A/S"))

    assert payload["created"] is False
    assert payload["organization"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == (["input"], "CONFLICT")
    assert "name and country" in error["message"]
    assert first["recordId"] in error["message"]
    assert error["existing"] == first["id"]
    assert count_organizations(writable, word) == 1


def test_the_same_name_in_another_country_is_another_organisation(writable: Api) -> None:
    word = fresh()
    create_org(writable, organization(f"Grenzland Energie {word} GmbH"))

    payload = create_org(writable, organization(f"Grenzland Energie {word} GmbH", country="DE"))

    assert (payload["created"], payload["errors"]) == (True, [])
    assert count_organizations(writable, word) == 2


def test_the_same_vat_id_under_another_name_is_a_conflict(writable: Api) -> None:
    vat_id = fresh_vat_id()
    first = create_org(writable, organization(f"Probe {fresh()}", country="DE", vatId=vat_id))

    payload = create_org(writable, organization(f"Other {fresh()}", country="DE", vatId=vat_id))

    [error] = payload["errors"]
    assert error["code"] == "CONFLICT"
    assert "VAT id" in error["message"]
    assert error["existing"] == first["organization"]["id"]


def test_a_repeat_under_another_record_id_that_differs_in_nothing_finds_the_record(
    writable: Api,
) -> None:
    input = organization(f"Probe {fresh()}", country="DE", vatId=fresh_vat_id())
    first = create_org(writable, input | {"recordId": f"first-{fresh()}"})

    again = create_org(writable, input | {"recordId": f"again-{fresh()}"})

    assert (again["created"], again["errors"]) == (False, [])
    assert again["organization"] == first["organization"]


def test_an_e_mail_address_in_other_capitals_is_a_conflict(writable: Api) -> None:
    word = fresh()
    person: dict[str, Any] = {
        "givenName": "Jürgen",
        "familyName": f"Groß {word}",
        "country": "DE",
        "email": f"juergen.gross.{word}@probe.example",
        "consent": {"basis": "CONSENT", "date": "2024-05-02"},
    }
    document = CREATE_PERSON.replace(ERRORS, ERRORS_WITH_EXISTING)
    first = writable.data(document, {"input": person})["createPerson"]

    twin = person | {"familyName": f"Gross {word}", "email": str(person["email"]).upper()}
    payload = writable.data(document, {"input": twin})["createPerson"]

    [error] = payload["errors"]
    assert error["code"] == "CONFLICT"
    assert "e-mail address" in error["message"]
    assert error["existing"] == first["person"]["id"]
    assert error["existing"] == global_id(Label.PERSON, first["person"]["recordId"])


def test_concurrent_creates_of_one_organisation_make_one(writable: Api) -> None:
    word, vat_id = fresh(), fresh_vat_id()
    inputs = [
        organization(f"Parallel {word} {n}", country="DE", vatId=vat_id, recordId=f"par-{word}-{n}")
        for n in range(8)
    ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        payloads = list(pool.map(lambda input: create_org(writable, input), inputs))

    assert sum(p["created"] for p in payloads) == 1
    assert all(p["errors"][0]["code"] == "CONFLICT" for p in payloads if not p["created"])
    assert count_organizations(writable, f"Parallel {word}") == 1


def test_an_update_to_a_taken_natural_key_is_a_conflict(writable: Api) -> None:
    vat_id = fresh_vat_id()
    create_org(writable, organization(f"Probe {fresh()}", country="DE", vatId=vat_id))
    other = create_org(writable, organization(f"Other {fresh()}", country="DE"))["organization"]

    payload = writable.data(
        "mutation ($id: ID!, $vat: String) { updateOrganization(id: $id, input: {vatId: $vat}) "
        "{ organization { id } errors { field code message } } }",
        {"id": other["id"], "vat": vat_id},
    )["updateOrganization"]

    assert payload["organization"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == (["input"], "CONFLICT")
    assert "the same VAT id" in error["message"]
