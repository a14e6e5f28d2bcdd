"""Mutations through the real app, over HTTP, on the real embedded engine: every label is
created, updated and deleted, every tie linked, changed and unlinked, interactions recorded; bad
input is answered with typed errors and writes nothing.

Every test makes its own records with fresh ids (``fresh``), so the tests share the module's
graph without depending on each other. The demo's records are only read, but for one
organisation that a test deletes."""

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter
from stdnum.iso7064 import mod_11_10

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.domain.values import Identifier
from tests.api.conftest import GRAPHQL_RESPONSE, Api

SOURCE = "test: mutations"

# --- valid input, one per label ---------------------------------------------------------------

NAME_FIELD = {
    Label.CLUSTER: "name",
    Label.ORGANIZATION: "name",
    Label.PERSON: "familyName",
    Label.EVENT: "title",
    Label.INITIATIVE: "name",
    Label.PROJECT: "name",
    Label.TOPIC: "name",
    Label.SECTOR: "name",
    Label.REGION: "name",
    Label.DOCUMENT: "title",
}
"""The field a test puts its fresh word in, so that ``nameContains`` finds the record."""

VALID_INPUT: dict[Label, dict[str, Any]] = {
    Label.CLUSTER: {
        "name": "Probe Cluster",
        "country": "DK",
        "specialties": ["aluminium", "surface treatment"],
        "services": ["matchmaking"],
        "technologies": ["anodising"],
        "description": {"de": "Ein Cluster.", "da": "En klynge.", "en": "A cluster."},
        "contact": {
            "email": "office@probe.example",
            "phone": "+493023125123",
            "website": "https://probe.example/",
            "address": "Alsion 2, 6400 Sønderborg",
        },
    },
    Label.ORGANIZATION: {
        "name": "Probe GmbH",
        "kind": "COMPANY",
        "country": "DE",
        "city": "Flensburg",
        "vatId": "DE136695976",
        "website": "https://probe-gmbh.example/",
        "description": {"de": "Eine Firma."},
    },
    Label.PERSON: {
        "givenName": "Anna",
        "familyName": "Probe",
        "title": "Dr.",
        "country": "DE",
        "email": "anna@probe.example",
        "phone": "+493023125123",
        "languages": ["DE", "DA"],
        "consent": {"basis": "CONSENT", "date": "2014-05-02"},
    },
    Label.EVENT: {
        "kind": "WORKSHOP",
        "title": "Probe workshop",
        "date": "2014-03-11",
        "place": "Sønderborg",
        "country": "DK",
        "reportedAttendance": 42,
        "description": {"da": "En workshop."},
    },
    Label.INITIATIVE: {
        "name": "Probe initiative",
        "description": {"en": "A start-up."},
        "status": "START_UP",
        "startedOn": "2014-06-01",
    },
    Label.PROJECT: {
        "name": "Probe project",
        "programme": "Syddanmark-Schleswig K.E.R.N",
        "fund": "ERDF",
        "periodStart": 2007,
        "periodEnd": 2013,
        "totalInvestmentEur": 295578.5,
        "euContributionEur": 192126,
        "description": {"en": "A project."},
    },
    Label.TOPIC: {"name": "Probe topic", "labels": {"de": "Thema", "da": "Emne", "en": "Topic"}},
    Label.SECTOR: {"name": "Probe sector", "labels": {"en": "Sector"}},
    Label.REGION: {"name": "Probe region", "country": "DE", "labels": {"de": "Region"}},
    Label.DOCUMENT: {
        "kind": "REPORT",
        "title": "Probe report",
        "languages": ["EN", "DE"],
        "publishedOn": "2015-12-16",
        "url": "https://docs.probe.example/report.pdf",
        "description": {"en": "A report."},
    },
}
"""Every field of every label, each in the form the API answers it (normalised already)."""

OPTIONAL_FIELD = {
    Label.CLUSTER: "contact",
    Label.ORGANIZATION: "city",
    Label.PERSON: "email",
    Label.EVENT: "place",
    Label.INITIATIVE: "startedOn",
    Label.PROJECT: "description",
    Label.TOPIC: "labels",
    Label.SECTOR: "labels",
    Label.REGION: "country",
    Label.DOCUMENT: "url",
}
"""A field each label may go without: a patch setting it to null removes it."""

INVALID_PATCH: dict[Label, tuple[dict[str, Any], list[str], str]] = {
    Label.CLUSTER: ({"country": "XX"}, ["input", "country"], "not an ISO 3166-1 alpha-2"),
    Label.ORGANIZATION: ({"name": "   "}, ["input", "name"], "must not be blank"),
    Label.PERSON: ({"country": "XX"}, ["input", "country"], "not an ISO 3166-1 alpha-2"),
    Label.EVENT: ({"reportedAttendance": -1}, ["input", "reportedAttendance"], "0"),
    Label.INITIATIVE: ({"name": ""}, ["input", "name"], "must not be blank"),
    Label.PROJECT: ({"periodEnd": 2001}, ["input"], "periodEnd is before periodStart"),
    Label.TOPIC: ({"name": "\t"}, ["input", "name"], "must not be blank"),
    Label.SECTOR: ({"name": " "}, ["input", "name"], "must not be blank"),
    Label.REGION: ({"country": "XX"}, ["input", "country"], "not an ISO 3166-1 alpha-2"),
    Label.DOCUMENT: ({"url": "not a url"}, ["input", "url"], "URL"),
}
"""A patch that makes each label's record invalid: the field path and part of the message."""

# The schema's names written out again on purpose, independent of crm/domain/labels.py: a
# renamed list or lookup field fails these tests instead of renaming along with them.
PLURAL = {
    Label.CLUSTER: "clusters",
    Label.ORGANIZATION: "organizations",
    Label.PERSON: "people",
    Label.EVENT: "events",
    Label.INITIATIVE: "initiatives",
    Label.PROJECT: "projects",
    Label.TOPIC: "topics",
    Label.SECTOR: "sectors",
    Label.REGION: "regions",
    Label.DOCUMENT: "documents",
}

LABELS = [pytest.param(label, id=label.value) for label in NODE_MODELS]

ERRORS = "errors { field code message }"
RECORD = "id recordId source createdAt updatedAt"


def fresh() -> str:
    """A word no other test uses, for ids and names."""
    return secrets.token_hex(4)


def singular(label: Label) -> str:
    """The lookup's name, written out independently of ``crm.domain.labels`` on purpose."""
    return label.value[0].lower() + label.value[1:]


def selection(fields: dict[str, Any]) -> str:
    """A GraphQL selection of these fields, nested ones with their own fields."""
    return " ".join(
        f"{name} {{ {selection(value)} }}" if isinstance(value, dict) else name
        for name, value in fields.items()
    )


def record_selection(label: Label) -> str:
    return f"{RECORD} {selection(VALID_INPUT[label])}"


def fresh_vat_id() -> str:
    """A valid German VAT id no other test uses (a natural key: unique per organisation)."""
    digits = str(10**7 + secrets.randbelow(9 * 10**7))
    return f"DE{digits}{mod_11_10.calc_check_digit(digits)}"


def new_input(label: Label, **changes: Any) -> dict[str, Any]:
    """A valid input for ``label`` with a fresh id, a fresh word in its name and fresh natural
    keys (VAT id, e-mail address)."""
    word = fresh()
    keys: dict[str, Any] = {}
    if label is Label.ORGANIZATION:
        keys = {"vatId": fresh_vat_id()}
    if label is Label.PERSON:
        keys = {"email": f"anna.{word}@probe.example"}
    return (
        VALID_INPUT[label]
        | {"recordId": f"{label.value.lower()}-{word}", NAME_FIELD[label]: f"Probe {word}"}
        | keys
        | changes
    )


def own_fields(label: Label, record: dict[str, Any]) -> dict[str, Any]:
    """The record's fields that an input sets (no ids, no timestamps)."""
    return {name: record[name] for name in VALID_INPUT[label]}


def create(api: Api, label: Label, input: dict[str, Any]) -> dict[str, Any]:
    """The payload of ``create<Label>``."""
    document = f"""
    mutation ($input: {label.value}Input!) {{
      create{label.value}(input: $input) {{
        created {ERRORS} {singular(label)} {{ {record_selection(label)} }}
      }}
    }}"""
    payload: dict[str, Any] = api.data(document, {"input": input})[f"create{label.value}"]
    return payload


def made(api: Api, label: Label, **changes: Any) -> dict[str, Any]:
    """A new record of ``label``, created through the API."""
    payload = create(api, label, new_input(label, **changes))
    assert payload["errors"] == [], payload
    assert payload["created"] is True
    record: dict[str, Any] = payload[singular(label)]
    return record


def update(api: Api, label: Label, id: str, patch: dict[str, Any]) -> dict[str, Any]:
    """The payload of ``update<Label>``."""
    document = f"""
    mutation ($id: ID!, $patch: {label.value}Patch!) {{
      update{label.value}(id: $id, input: $patch) {{
        created {ERRORS} {singular(label)} {{ {record_selection(label)} }}
      }}
    }}"""
    payload: dict[str, Any] = api.data(document, {"id": id, "patch": patch})[f"update{label.value}"]
    return payload


def delete(api: Api, label: Label, id: str) -> dict[str, Any]:
    """The payload of ``delete<Label>``."""
    document = f"""
    mutation ($id: ID!) {{ delete{label.value}(id: $id) {{ deletedId detachedTies {ERRORS} }} }}
    """
    payload: dict[str, Any] = api.data(document, {"id": id})[f"delete{label.value}"]
    return payload


def fetch(api: Api, label: Label, id: str) -> dict[str, Any]:
    """The record as the singular query field answers it."""
    document = f"query ($id: ID!) {{ {singular(label)}(id: $id) {{ {record_selection(label)} }} }}"
    record: dict[str, Any] = api.data(document, {"id": id})[singular(label)]
    return record


def lookup_codes(api: Api, label: Label, id: str) -> list[str]:
    """The error codes of looking the record up (there must be errors)."""
    return api.codes(f"query ($id: ID!) {{ {singular(label)}(id: $id) {{ id }} }}", {"id": id})


def count_named(api: Api, label: Label, text: str) -> int:
    """How many records of ``label`` have ``text`` in their name."""
    document = f"""
    query ($text: String!) {{ {PLURAL[label]}(where: {{nameContains: $text}}) {{ totalCount }} }}
    """
    total: int = api.data(document, {"text": text})[PLURAL[label]]["totalCount"]
    return total


def error(field: list[str], code: str, message_part: str, errors: list[dict[str, Any]]) -> None:
    """``errors`` is exactly one error on ``field`` with ``code``, whose message says
    ``message_part``."""
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)], errors
    assert message_part in errors[0]["message"], errors


def still_serving(api: Api) -> None:
    assert api.data('{ cluster(id: "alucluster") { name } }') == {"cluster": {"name": "AluCluster"}}


# --- records: create ------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_the_valid_inputs_set_every_field_of_the_model(label: Label) -> None:
    model = NODE_MODELS[label]
    fields = {info.alias or name for name, info in model.model_fields.items()}
    assert set(VALID_INPUT[label]) == fields - {"id", "source", "createdAt", "updatedAt"}


@pytest.mark.parametrize("label", LABELS)
def test_create_stores_every_field_and_answers_the_record(writable: Api, label: Label) -> None:
    input = new_input(label)
    payload = create(writable, label, input)

    assert payload["errors"] == []
    assert payload["created"] is True
    answered = payload[singular(label)]
    stored = fetch(writable, label, input["recordId"])
    assert stored == answered
    assert stored["recordId"] == input["recordId"]
    assert own_fields(label, stored) == {k: v for k, v in input.items() if k != "recordId"}
    assert stored["source"] == "graphql"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stored["createdAt"])
    assert stored["updatedAt"] == stored["createdAt"]


def test_create_keeps_a_source_given_in_the_input(writable: Api) -> None:
    record = made(writable, Label.TOPIC, source=SOURCE)

    assert fetch(writable, Label.TOPIC, record["recordId"])["source"] == SOURCE


@pytest.mark.parametrize("label", LABELS)
def test_repeating_a_create_is_idempotent(writable: Api, label: Label) -> None:
    input = new_input(label)
    first = create(writable, label, input)
    again = create(writable, label, input)

    assert again["errors"] == []
    assert (first["created"], again["created"]) == (True, False)
    assert again[singular(label)] == first[singular(label)]
    assert fetch(writable, label, input["recordId"]) == first[singular(label)]
    assert count_named(writable, label, input[NAME_FIELD[label]]) == 1


@pytest.mark.parametrize("label", LABELS)
def test_create_with_a_taken_id_and_other_values_is_a_conflict(writable: Api, label: Label) -> None:
    input = new_input(label)
    before = made(writable, label, **input)
    other = input | {NAME_FIELD[label]: input[NAME_FIELD[label]] + " renamed"}

    payload = create(writable, label, other)

    error(["input", "recordId"], "CONFLICT", input["recordId"], payload["errors"])
    assert payload["created"] is False
    assert payload[singular(label)] is None
    assert fetch(writable, label, input["recordId"]) == before
    assert count_named(writable, label, other[NAME_FIELD[label]]) == 0


def test_create_normalises_codes_as_the_loader_does(writable: Api) -> None:
    input = new_input(Label.PERSON, country="de", phone="030 23125 123")

    record = create(writable, Label.PERSON, input)["person"]

    assert (record["country"], record["phone"]) == ("DE", "+493023125123")
    assert fetch(writable, Label.PERSON, input["recordId"]) == record


def test_a_bad_record_id_is_refused_and_nothing_is_written(writable: Api) -> None:
    input = new_input(Label.CLUSTER, recordId="bad id!")
    writes = writable.store.writes

    payload = create(writable, Label.CLUSTER, input)

    error(["input", "recordId"], "INVALID", "is not an id", payload["errors"])
    assert payload["cluster"] is None
    assert payload["created"] is False
    assert writable.store.writes == writes
    assert count_named(writable, Label.CLUSTER, input["name"]) == 0


def test_an_invalid_create_names_every_bad_field_and_writes_nothing(writable: Api) -> None:
    input = new_input(Label.PERSON, country="XX", email="not an address")
    writes = writable.store.writes

    payload = create(writable, Label.PERSON, input)

    assert {(tuple(e["field"]), e["code"]) for e in payload["errors"]} == {
        (("input", "country"), "INVALID"),
        (("input", "email"), "INVALID"),
    }
    assert writable.store.writes == writes
    assert count_named(writable, Label.PERSON, input["familyName"]) == 0


@pytest.mark.parametrize("label", LABELS)
def test_create_without_a_record_id_makes_one_from_the_name(writable: Api, label: Label) -> None:
    input = new_input(label)
    del input["recordId"]
    word = input[NAME_FIELD[label]].split()[-1]

    first = create(writable, label, input)
    second = create(writable, label, input)
    third = create(writable, label, input)

    ids = [payload[singular(label)]["recordId"] for payload in (first, second, third)]
    slug = ("anna-" if label is Label.PERSON else "") + f"probe-{word}"
    for record_id in ids:
        assert re.fullmatch(rf"{re.escape(slug)}(-[a-z]{{2}})?-[0-9a-f]{{8}}", record_id), record_id
        assert TypeAdapter(Identifier).validate_python(record_id) == record_id
    assert ids[0] == ids[1] == ids[2]
    assert fetch(writable, label, ids[0])["recordId"] == ids[0]
    assert [p["created"] for p in (first, second, third)] == [True, False, False]
    assert [p["errors"] for p in (first, second, third)] == [[], [], []]
    assert count_named(writable, label, word) == 1


def test_a_made_up_id_folds_letters_and_punctuation_and_leaves_out_the_legal_form(
    writable: Api,
) -> None:
    word = fresh()
    input = VALID_INPUT[Label.CLUSTER] | {"name": f"Sønderborg Ålkøbing / Straße & {word} ApS"}

    record_id = create(writable, Label.CLUSTER, input)["cluster"]["recordId"]

    assert re.fullmatch(rf"soenderborg-aalkoebing-strasse-{word}-dk-[0-9a-f]{{8}}", record_id)


# --- records: update ------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_update_changes_one_field_and_keeps_the_others(writable: Api, label: Label) -> None:
    before = made(writable, label)
    name = NAME_FIELD[label]

    payload = update(writable, label, before["recordId"], {name: "Probe changed " + fresh()})

    assert payload["errors"] == []
    assert payload["created"] is False
    after = fetch(writable, label, before["recordId"])
    assert payload[singular(label)] == after
    assert after[name].startswith("Probe changed ")
    unchanged = {k: v for k, v in after.items() if k not in {name, "updatedAt"}}
    assert unchanged == {k: v for k, v in before.items() if k not in {name, "updatedAt"}}
    assert after["updatedAt"] > before["updatedAt"]


def test_update_takes_a_global_id_and_replaces_a_nested_field_whole(writable: Api) -> None:
    before = made(writable, Label.CLUSTER)

    payload = update(writable, Label.CLUSTER, before["id"], {"description": {"en": "Changed."}})

    assert payload["errors"] == []
    after = fetch(writable, Label.CLUSTER, before["recordId"])
    assert after["description"] == {"de": None, "da": None, "en": "Changed."}
    assert after["contact"] == before["contact"]


def test_an_update_that_changes_nothing_keeps_updated_at(writable: Api) -> None:
    before = made(writable, Label.SECTOR)
    writes = writable.store.writes

    payload = update(writable, Label.SECTOR, before["recordId"], {"name": before["name"]})

    assert payload["errors"] == []
    assert payload["sector"] == before
    assert writable.store.writes == writes


@pytest.mark.parametrize("label", LABELS)
def test_update_with_null_removes_an_optional_field(writable: Api, label: Label) -> None:
    before = made(writable, label)
    optional = OPTIONAL_FIELD[label]
    assert before[optional] is not None

    payload = update(writable, label, before["recordId"], {optional: None})

    assert payload["errors"] == []
    after = fetch(writable, label, before["recordId"])
    assert after[optional] is None
    assert own_fields(label, after) == own_fields(label, before) | {optional: None}


def test_null_on_a_required_field_is_refused(writable: Api) -> None:
    before = made(writable, Label.CLUSTER)
    writes = writable.store.writes

    payload = update(writable, Label.CLUSTER, before["recordId"], {"name": None})

    error(["input", "name"], "REQUIRED", "required", payload["errors"])
    assert payload["cluster"] is None
    assert writable.store.writes == writes
    assert fetch(writable, Label.CLUSTER, before["recordId"]) == before


@pytest.mark.parametrize("label", LABELS)
def test_a_patch_that_makes_the_record_invalid_is_refused(writable: Api, label: Label) -> None:
    before = made(writable, label)
    patch, field, message = INVALID_PATCH[label]
    writes = writable.store.writes

    payload = update(writable, label, before["recordId"], patch)

    error(field, "INVALID", message, payload["errors"])
    assert payload[singular(label)] is None
    assert writable.store.writes == writes
    assert fetch(writable, label, before["recordId"]) == before


# --- records: delete ------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_delete_answers_the_id_and_the_record_is_gone(writable: Api, label: Label) -> None:
    record = made(writable, label)

    payload = delete(writable, label, record["recordId"])

    assert payload == {"deletedId": record["id"], "detachedTies": 0, "errors": []}
    assert lookup_codes(writable, label, record["recordId"]) == ["NOT_FOUND"]
    assert count_named(writable, label, record[NAME_FIELD[label]]) == 0
    again = delete(writable, label, record["id"])
    error(["id"], "NOT_FOUND", record["recordId"], again["errors"])
    assert (again["deletedId"], again["detachedTies"]) == (None, 0)


ORGANIZATION_TIES = """
query ($id: ID!) {
  organization(id: $id) {
    clusters { totalCount } people { totalCount } projects { totalCount }
    initiatives { totalCount } sectors { totalCount } regions { totalCount }
  }
}
"""


def test_deleting_a_demo_organisation_detaches_its_ties(writable: Api) -> None:
    org = "org-eksempel-aluprofiler"
    ties = writable.data(ORGANIZATION_TIES, {"id": org})["organization"]
    counts = {field: page["totalCount"] for field, page in ties.items()}
    assert counts == {
        "clusters": 2,
        "people": 2,
        "projects": 0,
        "initiatives": 0,
        "sectors": 1,
        "regions": 1,
    }
    members = 'query { cluster(id: "alucluster") { members { totalCount } } }'
    members_before = writable.data(members)["cluster"]["members"]["totalCount"]

    payload = delete(writable, Label.ORGANIZATION, org)

    assert payload["errors"] == []
    assert payload["detachedTies"] == sum(counts.values()) == 6
    assert lookup_codes(writable, Label.ORGANIZATION, org) == ["NOT_FOUND"]
    assert writable.data(members)["cluster"]["members"]["totalCount"] == members_before - 1


def test_deleting_a_record_of_ones_own_detaches_exactly_its_ties(writable: Api) -> None:
    person = made(writable, Label.PERSON)
    events = [made(writable, Label.EVENT) for _ in range(3)]
    other = made(writable, Label.PERSON)
    for event in events:
        assert link(writable, RelType.ATTENDED, person["id"], event["id"])["errors"] == []
    assert link(writable, RelType.ATTENDED, other["id"], events[0]["id"])["errors"] == []

    payload = delete(writable, Label.PERSON, person["id"])

    assert payload["detachedTies"] == 3
    attendees = tie_page(writable, Label.EVENT, events[0]["id"], RelType.ATTENDED, "attendees")
    assert [edge["node"] for edge in attendees["edges"]] == [{"id": other["id"]}]
    for event in events[1:]:
        assert tie_page(writable, Label.EVENT, event["id"], RelType.ATTENDED, "attendees") == {
            "totalCount": 0,
            "edges": [],
        }


# --- ties -----------------------------------------------------------------------------------

MUTATION_NAME = {
    RelType.MEMBER_OF: "MemberOf",
    RelType.WORKS_AT: "WorksAt",
    RelType.PARTICIPATES_IN: "ParticipatesIn",
    RelType.ORGANIZED: "Organized",
    RelType.COVERED: "Covered",
    RelType.ATTENDED: "Attended",
    RelType.EMERGED_FROM: "EmergedFrom",
    RelType.PARTNER_IN: "PartnerIn",
    RelType.PRODUCED: "Produced",
    RelType.ACTIVE_IN: "ActiveIn",
    RelType.LOCATED_IN: "LocatedIn",
}

TIE_FIELDS = {
    RelType.MEMBER_OF: ("clusters", "members"),
    RelType.WORKS_AT: ("employers", "people"),
    RelType.PARTICIPATES_IN: ("projects", "participants"),
    RelType.ORGANIZED: ("events", "organizers"),
    RelType.COVERED: ("topics", "events"),
    RelType.ATTENDED: ("events", "attendees"),
    RelType.EMERGED_FROM: ("events", "initiatives"),
    RelType.PARTNER_IN: ("initiatives", "partners"),
    RelType.PRODUCED: ("documents", "projects"),
    RelType.ACTIVE_IN: ("sectors", "actors"),
    RelType.LOCATED_IN: ("regions", "actors"),
}
"""The tie field that walks each type: on its source (outgoing) and on its target (incoming)."""

TIE_PROPERTIES: dict[RelType, dict[str, Any]] = {
    RelType.MEMBER_OF: {"since": "2014-01-16"},
    RelType.WORKS_AT: {"role": "CEO", "since": "2005-08-13", "until": "2015-12-31"},
    RelType.PARTICIPATES_IN: {"role": "lead partner"},
    RelType.PARTNER_IN: {"role": "partner"},
}
"""The properties of each type besides ``source`` (which every type has)."""

TIE_CHANGE: dict[RelType, dict[str, Any]] = {
    RelType.MEMBER_OF: {"since": "2015-02-01"},
    RelType.WORKS_AT: {"role": "Project Manager"},
    RelType.PARTICIPATES_IN: {"role": "partner"},
    RelType.PARTNER_IN: {"role": "initiator"},
}
"""A change to one property, for the types that have an ``update<Type>`` mutation."""

TIE_ENDS = [
    pytest.param(rel_type, source, target, id=f"{rel_type}-{source}-{target}")
    for rel_type, spec in RELATIONSHIPS.items()
    if rel_type is not RelType.INTERACTED
    for source in spec.sources
    for target in spec.targets
]


def link(
    api: Api, rel_type: RelType, from_: str, to: str, properties: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The payload of ``link<Type>``."""
    name = MUTATION_NAME[rel_type]
    document = f"""
    mutation ($from: ID!, $to: ID!, $properties: {name}Input) {{
      link{name}(from: $from, to: $to, properties: $properties) {{
        outcome source {{ id }} target {{ id }} {ERRORS}
      }}
    }}"""
    variables = {"from": from_, "to": to, "properties": properties}
    payload: dict[str, Any] = api.data(document, variables)[f"link{name}"]
    return payload


def update_tie(
    api: Api, rel_type: RelType, from_: str, to: str, properties: dict[str, Any]
) -> dict[str, Any]:
    """The payload of ``update<Type>``."""
    name = MUTATION_NAME[rel_type]
    document = f"""
    mutation ($from: ID!, $to: ID!, $properties: {name}Patch!) {{
      update{name}(from: $from, to: $to, properties: $properties) {{
        outcome source {{ id }} target {{ id }} {ERRORS}
      }}
    }}"""
    variables = {"from": from_, "to": to, "properties": properties}
    payload: dict[str, Any] = api.data(document, variables)[f"update{name}"]
    return payload


def unlink(api: Api, rel_type: RelType, from_: str, to: str) -> dict[str, Any]:
    """The payload of ``unlink<Type>``."""
    name = MUTATION_NAME[rel_type]
    document = f"""
    mutation ($from: ID!, $to: ID!) {{ unlink{name}(from: $from, to: $to) {{ removed {ERRORS} }} }}
    """
    payload: dict[str, Any] = api.data(document, {"from": from_, "to": to})[f"unlink{name}"]
    return payload


def tie_page(api: Api, label: Label, id: str, rel_type: RelType, field: str) -> dict[str, Any]:
    """The tie field ``field`` of a record: its ``totalCount`` and its edges."""
    properties = " ".join(["source createdAt updatedAt", *TIE_PROPERTIES.get(rel_type, {})])
    document = f"""
    query ($id: ID!) {{
      node(id: $id) {{
        ... on {label.value} {{
          {field} {{ totalCount edges {{ {properties} node {{ ... on Node {{ id }} }} }} }}
        }}
      }}
    }}"""
    page: dict[str, Any] = api.data(document, {"id": id})["node"][field]
    return page


def the_tie(api: Api, rel_type: RelType, ends: tuple[Label, Label], ids: tuple[str, str]) -> Any:
    """The one tie between the two records, as each end sees it; the same edge both ways."""
    edges = []
    for label, field, near, far in (
        (ends[0], TIE_FIELDS[rel_type][0], ids[0], ids[1]),
        (ends[1], TIE_FIELDS[rel_type][1], ids[1], ids[0]),
    ):
        page = tie_page(api, label, near, rel_type, field)
        assert page["totalCount"] == len(page["edges"]) == 1, page
        edge = page["edges"][0]
        assert edge.pop("node") == {"id": far}
        edges.append(edge)
    assert edges[0] == edges[1]
    return edges[0]


def no_tie(api: Api, rel_type: RelType, ends: tuple[Label, Label], ids: tuple[str, str]) -> None:
    for label, field, near in (
        (ends[0], TIE_FIELDS[rel_type][0], ids[0]),
        (ends[1], TIE_FIELDS[rel_type][1], ids[1]),
    ):
        assert tie_page(api, label, near, rel_type, field) == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize(("rel_type", "source", "target"), TIE_ENDS)
def test_link_update_and_unlink_every_tie(
    writable: Api, rel_type: RelType, source: Label, target: Label
) -> None:
    ends = (source, target)
    ids = (made(writable, source)["id"], made(writable, target)["id"])
    properties = {"source": SOURCE} | TIE_PROPERTIES.get(rel_type, {})
    answer = {"source": {"id": ids[0]}, "target": {"id": ids[1]}, "errors": []}

    linked = link(writable, rel_type, *ids, properties)

    assert linked == answer | {"outcome": "CREATED"}
    tie = the_tie(writable, rel_type, ends, ids)
    assert {name: tie[name] for name in properties} == properties
    assert tie["createdAt"] is not None
    assert tie["updatedAt"] == tie["createdAt"]

    assert link(writable, rel_type, *ids, properties) == answer | {"outcome": "UNCHANGED"}
    assert the_tie(writable, rel_type, ends, ids) == tie

    other = properties | {"source": SOURCE + " (again)"}
    assert link(writable, rel_type, *ids, other) == answer | {"outcome": "UPDATED"}
    relinked = the_tie(writable, rel_type, ends, ids)
    assert relinked | {"source": SOURCE, "updatedAt": None} == tie | {"updatedAt": None}
    assert relinked["source"] == SOURCE + " (again)"
    assert relinked["updatedAt"] > tie["updatedAt"]

    if rel_type in TIE_CHANGE:
        change = TIE_CHANGE[rel_type]
        updated = update_tie(writable, rel_type, *ids, change)
        assert updated == answer | {"outcome": "UPDATED"}
        changed = the_tie(writable, rel_type, ends, ids)
        assert changed | {"updatedAt": None} == relinked | change | {"updatedAt": None}
        assert update_tie(writable, rel_type, *ids, change) == answer | {"outcome": "UNCHANGED"}

    assert unlink(writable, rel_type, *ids) == {"removed": 1, "errors": []}
    no_tie(writable, rel_type, ends, ids)
    assert unlink(writable, rel_type, *ids) == {"removed": 0, "errors": []}


def test_a_link_without_properties_gets_the_api_source(writable: Api) -> None:
    project = made(writable, Label.PROJECT)["id"]
    event = made(writable, Label.EVENT)["id"]

    assert link(writable, RelType.ORGANIZED, project, event)["outcome"] == "CREATED"

    tie = the_tie(writable, RelType.ORGANIZED, (Label.PROJECT, Label.EVENT), (project, event))
    assert tie["source"] == "graphql"


def test_a_link_takes_record_ids_where_the_label_is_clear(writable: Api) -> None:
    org = made(writable, Label.ORGANIZATION)
    cluster = made(writable, Label.CLUSTER)

    linked = link(writable, RelType.MEMBER_OF, org["recordId"], cluster["recordId"])

    assert linked == {
        "outcome": "CREATED",
        "source": {"id": org["id"]},
        "target": {"id": cluster["id"]},
        "errors": [],
    }
    assert unlink(writable, RelType.MEMBER_OF, org["recordId"], cluster["id"])["removed"] == 1


def test_a_record_id_that_two_labels_hold_needs_a_global_id(writable: Api) -> None:
    person = made(writable, Label.PERSON)
    shared = f"shared-{fresh()}"
    cluster = made(writable, Label.CLUSTER, recordId=shared)
    made(writable, Label.ORGANIZATION, recordId=shared)
    writes = writable.store.writes

    payload = link(writable, RelType.WORKS_AT, person["id"], shared)

    error(["to"], "INVALID", "give a global id", payload["errors"])
    assert payload["outcome"] is None
    assert writable.store.writes == writes
    linked = link(writable, RelType.WORKS_AT, person["id"], cluster["id"])
    assert linked["outcome"] == "CREATED"


def test_an_update_of_a_tie_that_does_not_exist_is_not_found(writable: Api) -> None:
    org = made(writable, Label.ORGANIZATION)["id"]
    cluster = made(writable, Label.CLUSTER)["id"]
    writes = writable.store.writes

    payload = update_tie(writable, RelType.MEMBER_OF, org, cluster, {"since": "2015-01-01"})

    error(["from"], "NOT_FOUND", "MEMBER_OF", payload["errors"])
    assert writable.store.writes == writes
    no_tie(writable, RelType.MEMBER_OF, (Label.ORGANIZATION, Label.CLUSTER), (org, cluster))


def test_a_tie_update_with_null_removes_a_property(writable: Api) -> None:
    ends = (Label.PERSON, Label.ORGANIZATION)
    ids = (made(writable, Label.PERSON)["id"], made(writable, Label.ORGANIZATION)["id"])
    properties = TIE_PROPERTIES[RelType.WORKS_AT]
    assert link(writable, RelType.WORKS_AT, *ids, properties)["errors"] == []

    payload = update_tie(writable, RelType.WORKS_AT, *ids, {"until": None})

    assert payload["outcome"] == "UPDATED"
    tie = the_tie(writable, RelType.WORKS_AT, ends, ids)
    assert (tie["role"], tie["since"], tie["until"]) == ("CEO", "2005-08-13", None)


# --- interactions ---------------------------------------------------------------------------

INTERACTION = {"kind": "MEETING", "date": "2014-03-11", "note": "Met at the workshop."}


def record_interaction(
    api: Api, from_: str, to: str, interaction: dict[str, Any]
) -> dict[str, Any]:
    document = f"""
    mutation ($from: ID!, $to: ID!, $interaction: InteractionInput!) {{
      recordInteraction(from: $from, to: $to, interaction: $interaction) {{
        outcome interactionId source {{ id }} target {{ id }} {ERRORS}
      }}
    }}"""
    variables = {"from": from_, "to": to, "interaction": interaction}
    payload: dict[str, Any] = api.data(document, variables)["recordInteraction"]
    return payload


def update_interaction(api: Api, id: str, properties: dict[str, Any]) -> dict[str, Any]:
    document = f"""
    mutation ($id: String!, $properties: InteractionPatch!) {{
      updateInteraction(id: $id, properties: $properties) {{
        outcome interactionId source {{ id }} target {{ id }} {ERRORS}
      }}
    }}"""
    variables = {"id": id, "properties": properties}
    payload: dict[str, Any] = api.data(document, variables)["updateInteraction"]
    return payload


def delete_interaction(api: Api, id: str) -> dict[str, Any]:
    document = f"""
    mutation ($id: String!) {{ deleteInteraction(id: $id) {{ removed {ERRORS} }} }}
    """
    payload: dict[str, Any] = api.data(document, {"id": id})["deleteInteraction"]
    return payload


def interactions(api: Api, person: str) -> list[dict[str, Any]]:
    """A person's interactions: each edge's own fields and the other person's id."""
    document = """
    query ($id: ID!) {
      person(id: $id) {
        interactions { totalCount edges { id kind date note source node { id } } }
      }
    }"""
    page = api.data(document, {"id": person})["person"]["interactions"]
    assert page["totalCount"] == len(page["edges"])
    edges: list[dict[str, Any]] = page["edges"]
    return edges


def test_record_update_and_delete_an_interaction(writable: Api) -> None:
    anna, bo = made(writable, Label.PERSON)["id"], made(writable, Label.PERSON)["id"]
    ix = f"ix-{fresh()}"
    answer = {"interactionId": ix, "source": {"id": anna}, "target": {"id": bo}, "errors": []}
    seen = INTERACTION | {"id": ix, "source": "graphql"}

    recorded = record_interaction(writable, anna, bo, INTERACTION | {"recordId": ix})

    assert recorded == answer | {"outcome": "CREATED"}
    assert interactions(writable, anna) == [seen | {"node": {"id": bo}}]
    assert interactions(writable, bo) == [seen | {"node": {"id": anna}}]
    again = record_interaction(writable, anna, bo, INTERACTION | {"recordId": ix})
    assert again == answer | {"outcome": "UNCHANGED"}

    updated = update_interaction(writable, ix, {"note": "Followed up.", "kind": "CALL"})

    assert updated == answer | {"outcome": "UPDATED"}
    changed = seen | {"note": "Followed up.", "kind": "CALL"}
    assert interactions(writable, anna) == [changed | {"node": {"id": bo}}]
    assert update_interaction(writable, ix, {"note": None})["outcome"] == "UPDATED"
    assert interactions(writable, bo) == [changed | {"note": None, "node": {"id": anna}}]

    assert delete_interaction(writable, ix) == {"removed": 1, "errors": []}
    assert interactions(writable, anna) == interactions(writable, bo) == []
    assert delete_interaction(writable, ix) == {"removed": 0, "errors": []}
    missing = update_interaction(writable, ix, {"note": "Too late."})
    error(["id"], "NOT_FOUND", ix, missing["errors"])


def test_several_interactions_may_join_the_same_pair(writable: Api) -> None:
    anna, bo = made(writable, Label.PERSON)["id"], made(writable, Label.PERSON)["id"]

    first = record_interaction(writable, anna, bo, INTERACTION)
    second = record_interaction(writable, bo, anna, INTERACTION | {"kind": "EMAIL"})

    assert (first["outcome"], second["outcome"]) == ("CREATED", "CREATED")
    made_up = [first["interactionId"], second["interactionId"]]
    assert all(re.fullmatch(r"ix-[0-9a-f]{16}", ix) for ix in made_up), made_up
    assert sorted(edge["id"] for edge in interactions(writable, anna)) == sorted(made_up)


def test_an_interaction_of_a_person_with_themself_is_refused(writable: Api) -> None:
    person = made(writable, Label.PERSON)
    writes = writable.store.writes

    payload = record_interaction(writable, person["id"], person["recordId"], INTERACTION)

    error(["to"], "INVALID", "between two people", payload["errors"])
    assert (payload["outcome"], payload["interactionId"]) == (None, None)
    assert writable.store.writes == writes
    assert interactions(writable, person["id"]) == []


def test_an_interaction_id_reused_between_other_people_is_a_conflict(writable: Api) -> None:
    anna, bo, cai = (made(writable, Label.PERSON)["id"] for _ in range(3))
    ix = f"ix-{fresh()}"
    assert record_interaction(writable, anna, bo, INTERACTION | {"recordId": ix})["errors"] == []
    writes = writable.store.writes

    payload = record_interaction(writable, anna, cai, INTERACTION | {"recordId": ix})

    error(["interaction", "recordId"], "CONFLICT", ix, payload["errors"])
    assert payload["outcome"] is None
    assert writable.store.writes == writes
    assert interactions(writable, cai) == []
    assert [edge["node"]["id"] for edge in interactions(writable, anna)] == [bo]


def test_an_invalid_interaction_is_refused(writable: Api) -> None:
    anna, bo = made(writable, Label.PERSON)["id"], made(writable, Label.PERSON)["id"]
    writes = writable.store.writes

    payload = record_interaction(
        writable, anna, bo, INTERACTION | {"note": " ", "recordId": "bad id!"}
    )

    assert {(tuple(e["field"]), e["code"]) for e in payload["errors"]} == {
        (("interaction", "note"), "INVALID"),
        (("interaction", "recordId"), "INVALID"),
    }
    assert writable.store.writes == writes
    assert interactions(writable, anna) == []


def test_an_interaction_update_cannot_remove_its_kind(writable: Api) -> None:
    anna, bo = made(writable, Label.PERSON)["id"], made(writable, Label.PERSON)["id"]
    ix = record_interaction(writable, anna, bo, INTERACTION)["interactionId"]
    before = interactions(writable, anna)
    writes = writable.store.writes

    payload = update_interaction(writable, ix, {"kind": None, "note": "Changed."})

    error(["properties", "kind"], "REQUIRED", "required", payload["errors"])
    assert writable.store.writes == writes
    assert interactions(writable, anna) == before


# --- bad input ------------------------------------------------------------------------------
#
# Each case is one mutation call, its ids written in as ORG, PERSON, MISSING or BAD, and the
# field its one error names. Refused before any statement writes, so ``writes`` stays put.
# (Deleting an unknown record is one write statement that finds nothing: see the delete tests.)

UNKNOWN_IDS = [
    pytest.param('linkMemberOf(from: "MISSING", to: "alucluster")', ["from"], id="link-from"),
    pytest.param('linkMemberOf(from: "ORG", to: "MISSING")', ["to"], id="link-to"),
    pytest.param('linkWorksAt(from: "PERSON", to: "MISSING")', ["to"], id="link-to-either"),
    pytest.param('unlinkMemberOf(from: "MISSING", to: "alucluster")', ["from"], id="unlink"),
    pytest.param(
        'updateMemberOf(from: "ORG", to: "MISSING", properties: {since: "2015-01-01"})',
        ["to"],
        id="update-tie",
    ),
    pytest.param('updateCluster(id: "MISSING", input: {name: "X"})', ["id"], id="update"),
    pytest.param(
        'recordInteraction(from: "PERSON", to: "MISSING", '
        'interaction: {kind: CALL, date: "2014-01-01"})',
        ["to"],
        id="record-interaction",
    ),
    pytest.param('updateInteraction(id: "MISSING", properties: {note: "X"})', ["id"], id="ix"),
]

MALFORMED_IDS = [
    pytest.param('linkMemberOf(from: "BAD", to: "alucluster")', ["from"], id="link-from"),
    pytest.param('linkMemberOf(from: "ORG", to: "BAD")', ["to"], id="link-to"),
    pytest.param('unlinkMemberOf(from: "ORG", to: "BAD")', ["to"], id="unlink"),
    pytest.param('updateCluster(id: "BAD", input: {name: "X"})', ["id"], id="update"),
    pytest.param('deleteCluster(id: "BAD")', ["id"], id="delete"),
    pytest.param(
        'recordInteraction(from: "BAD", to: "PERSON", '
        'interaction: {kind: CALL, date: "2014-01-01"})',
        ["from"],
        id="record-interaction",
    ),
]

WRONG_LABEL_IDS = [
    pytest.param('linkMemberOf(from: "ORG", to: "PERSON")', ["to"], id="link-to"),
    pytest.param('linkWorksAt(from: "ORG", to: "ORG")', ["from"], id="link-from"),
    pytest.param('unlinkMemberOf(from: "PERSON", to: "alucluster")', ["from"], id="unlink"),
    pytest.param('updateCluster(id: "PERSON", input: {name: "X"})', ["id"], id="update"),
    pytest.param('deleteCluster(id: "PERSON")', ["id"], id="delete"),
]
"""Global ids (ORG, PERSON) of a label the argument does not take."""


def refusal(api: Api, call: str, **ids: str) -> list[dict[str, Any]]:
    """The user errors of one mutation ``call``, with its placeholders replaced by ``ids``."""
    for placeholder, value in ids.items():
        call = call.replace(placeholder, value)
    name = call.split("(", 1)[0]
    payload = api.data(f"mutation {{ {name}: {call} {{ {ERRORS} }} }}")[name]
    errors: list[dict[str, Any]] = payload["errors"]
    return errors


def some_ids(api: Api) -> dict[str, str]:
    """Global ids of a new organisation and a new person, an unknown id and a malformed one."""
    return {
        "ORG": made(api, Label.ORGANIZATION)["id"],
        "PERSON": made(api, Label.PERSON)["id"],
        "MISSING": f"missing-{fresh()}",
        "BAD": "bad id!",
    }


@pytest.mark.parametrize(("call", "field"), UNKNOWN_IDS)
def test_an_unknown_id_is_not_found_and_nothing_is_written(
    writable: Api, call: str, field: list[str]
) -> None:
    ids = some_ids(writable)
    writes = writable.store.writes

    errors = refusal(writable, call, **ids)

    error(field, "NOT_FOUND", ids["MISSING"], errors)
    assert writable.store.writes == writes
    still_serving(writable)


@pytest.mark.parametrize(("call", "field"), MALFORMED_IDS)
def test_a_malformed_id_is_invalid_and_nothing_is_written(
    writable: Api, call: str, field: list[str]
) -> None:
    ids = some_ids(writable)
    writes = writable.store.writes

    errors = refusal(writable, call, **ids)

    error(field, "INVALID", "'bad id!' is neither a global id nor a record id", errors)
    assert writable.store.writes == writes
    still_serving(writable)


@pytest.mark.parametrize(("call", "field"), WRONG_LABEL_IDS)
def test_a_global_id_of_the_wrong_label_is_refused_and_nothing_is_written(
    writable: Api, call: str, field: list[str]
) -> None:
    ids = some_ids(writable)
    person = fetch(writable, Label.PERSON, ids["PERSON"])
    writes = writable.store.writes

    errors = refusal(writable, call, **ids)

    assert [e["field"] for e in errors] == [field], errors
    assert re.search(r"' is an? (Organization|Person); expected ", errors[0]["message"]), errors
    assert writable.store.writes == writes
    assert fetch(writable, Label.PERSON, ids["PERSON"]) == person
    still_serving(writable)


@pytest.mark.parametrize(("call", "field"), WRONG_LABEL_IDS)
def test_a_global_id_of_the_wrong_label_is_coded_not_allowed(
    writable: Api, call: str, field: list[str]
) -> None:
    errors = refusal(writable, call, **some_ids(writable))

    assert [(e["field"], e["code"]) for e in errors] == [(field, "NOT_ALLOWED")]


def test_a_global_id_of_a_deleted_record_is_not_found(writable: Api) -> None:
    org = made(writable, Label.ORGANIZATION)["id"]
    cluster = made(writable, Label.CLUSTER)["id"]
    assert delete(writable, Label.CLUSTER, cluster)["errors"] == []
    writes = writable.store.writes

    linked = link(writable, RelType.MEMBER_OF, org, cluster)
    updated = update(writable, Label.CLUSTER, cluster, {"name": "X"})

    error(["to"], "NOT_FOUND", "no Cluster with id", linked["errors"])
    error(["id"], "NOT_FOUND", "no Cluster with id", updated["errors"])
    assert writable.store.writes == writes
    assert tie_page(writable, Label.ORGANIZATION, org, RelType.MEMBER_OF, "clusters") == {
        "totalCount": 0,
        "edges": [],
    }


NOT_ALLOWED_LINKS = [
    pytest.param(RelType.MEMBER_OF, Label.CLUSTER, Label.CLUSTER, ["from"], id="cluster-member"),
    pytest.param(RelType.WORKS_AT, Label.PERSON, Label.PROJECT, ["to"], id="works-at-a-project"),
    pytest.param(RelType.ATTENDED, Label.ORGANIZATION, Label.EVENT, ["from"], id="org-attended"),
    pytest.param(RelType.ACTIVE_IN, Label.EVENT, Label.SECTOR, ["from"], id="event-active-in"),
    pytest.param(RelType.LOCATED_IN, Label.PROJECT, Label.SECTOR, ["to"], id="in-a-sector"),
    pytest.param(RelType.PRODUCED, Label.DOCUMENT, Label.PROJECT, ["from"], id="reversed"),
]


@pytest.mark.parametrize(("rel_type", "source", "target", "field"), NOT_ALLOWED_LINKS)
def test_a_link_between_labels_the_model_does_not_allow_is_refused(
    writable: Api, rel_type: RelType, source: Label, target: Label, field: list[str]
) -> None:
    ids = (made(writable, source)["id"], made(writable, target)["id"])
    wrong = (source, target)[field == ["to"]]
    writes = writable.store.writes

    payload = link(writable, rel_type, *ids)
    unlinked = unlink(writable, rel_type, *ids)

    for errors in (payload["errors"], unlinked["errors"]):
        assert [e["field"] for e in errors] == [field], errors
        assert f"is a {wrong.value}; expected " in errors[0]["message"] or (
            f"is an {wrong.value}; expected " in errors[0]["message"]
        )
    assert (payload["outcome"], payload["source"], payload["target"]) == (None, None, None)
    assert unlinked["removed"] == 0
    assert writable.store.writes == writes


def test_works_at_until_before_since_is_refused(writable: Api) -> None:
    ends = (Label.PERSON, Label.CLUSTER)
    ids = (made(writable, Label.PERSON)["id"], made(writable, Label.CLUSTER)["id"])
    writes = writable.store.writes

    backwards = {"since": "2015-01-01", "until": "2014-01-01"}
    payload = link(writable, RelType.WORKS_AT, *ids, backwards)

    error(["properties"], "INVALID", "until is before since", payload["errors"])
    assert payload["outcome"] is None
    assert writable.store.writes == writes
    no_tie(writable, RelType.WORKS_AT, ends, ids)


def test_an_update_that_puts_until_before_since_is_refused(writable: Api) -> None:
    ends = (Label.PERSON, Label.CLUSTER)
    ids = (made(writable, Label.PERSON)["id"], made(writable, Label.CLUSTER)["id"])
    assert link(writable, RelType.WORKS_AT, *ids, {"since": "2015-01-01"})["errors"] == []
    tie = the_tie(writable, RelType.WORKS_AT, ends, ids)
    writes = writable.store.writes

    payload = update_tie(writable, RelType.WORKS_AT, *ids, {"until": "2014-01-01"})

    error(["properties"], "INVALID", "until is before since", payload["errors"])
    assert payload["outcome"] is None
    assert writable.store.writes == writes
    assert the_tie(writable, RelType.WORKS_AT, ends, ids) == tie


def test_a_blank_tie_source_is_refused(writable: Api) -> None:
    ends = (Label.ORGANIZATION, Label.CLUSTER)
    ids = (made(writable, Label.ORGANIZATION)["id"], made(writable, Label.CLUSTER)["id"])
    writes = writable.store.writes

    payload = link(writable, RelType.MEMBER_OF, *ids, {"source": "  "})

    error(["properties", "source"], "INVALID", "must not be blank", payload["errors"])
    assert writable.store.writes == writes
    no_tie(writable, RelType.MEMBER_OF, ends, ids)


def request_error(api: Api, document: str, variables: dict[str, Any] | None = None) -> Any:
    """A request the server refuses before executing it: 400 and no ``data``."""
    response = api.post(document, variables)
    body = response.json()
    assert response.status_code == 400, body
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in body, body
    assert body["errors"], body
    return body["errors"]


def test_an_enum_value_that_does_not_exist_is_a_request_error(writable: Api) -> None:
    word = fresh()
    writes = writable.store.writes

    inline = f"""
    mutation {{
      createOrganization(input: {{name: "Probe {word}", kind: SPACESHIP, country: "DE"}}) {{
        created
      }}
    }}"""
    errors = request_error(writable, inline)
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "SPACESHIP" in errors[0]["message"]

    input = new_input(Label.ORGANIZATION, kind="SPACESHIP")
    errors = request_error(
        writable,
        "mutation ($input: OrganizationInput!) { createOrganization(input: $input) { created } }",
        {"input": input},
    )
    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "SPACESHIP" in errors[0]["message"]

    assert writable.store.writes == writes
    assert count_named(writable, Label.ORGANIZATION, word) == 0
    still_serving(writable)


def test_a_date_that_is_not_a_date_is_a_request_error(writable: Api) -> None:
    input = new_input(Label.EVENT, date="2014-13-01")
    writes = writable.store.writes

    errors = request_error(
        writable,
        "mutation ($input: EventInput!) { createEvent(input: $input) { created } }",
        {"input": input},
    )

    assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "'2014-13-01' is not a date" in errors[0]["message"]
    assert writable.store.writes == writes
    assert count_named(writable, Label.EVENT, input["title"]) == 0


def test_a_mutation_over_get_is_not_allowed(writable: Api) -> None:
    word = fresh()
    document = f'mutation {{ createTopic(input: {{name: "Probe {word}"}}) {{ created }} }}'
    writes = writable.store.writes

    response = writable.client.get(
        "/graphql",
        params={"query": document},
        headers={"accept": GRAPHQL_RESPONSE, **writable.headers},
    )

    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "POST"
    assert "data" not in response.json()
    assert writable.store.writes == writes
    assert count_named(writable, Label.TOPIC, word) == 0
    still_serving(writable)


def test_an_interaction_dated_in_the_future_is_refused(writable: Api) -> None:
    anna, bo = made(writable, Label.PERSON)["id"], made(writable, Label.PERSON)["id"]
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    writes = writable.store.writes

    payload = record_interaction(writable, anna, bo, INTERACTION | {"date": tomorrow})

    error(["interaction", "date"], "INVALID", "cannot be dated in the future", payload["errors"])
    assert writable.store.writes == writes
    assert interactions(writable, anna) == []
