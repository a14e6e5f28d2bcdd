"""GDPR through the API: consent, the export of a person's data, and erasure that leaves no
trace of the person while every figure of the demo stays the same."""

from typing import Any

import pytest
import yaml

from crm.api.ids import global_id
from crm.domain import Label
from crm.domain.nodes import Person
from crm.graph.properties import from_properties
from crm.graph.store import GraphStore
from crm.queries.stats import count_nodes, count_relationships
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api
from tests.api.direct import on_store

ERASED = "p-birgit-erfundenberg"
"""A demo person with an e-mail, a phone, two jobs, events and a noted interaction."""
EXPORTED = "p-insa-musterhagen"

EXPORT = "query($p: ID!) { exportPersonalData(person: $p) }"
ERASE = """mutation($p: ID!, $r: String!) { erasePerson(person: $p, reason: $r) {
  placeholder { id recordId givenName familyName email phone source }
  movedTies errors { field code message } } }"""

# Figures no single person is, read over the API and straight from the graph.
FIGURES = """{ project(id: "intranet") { impact { workshops networkMeetings conferences
  initiatives conferenceAttendees topics sectors totalInvestmentEur euContributionEur
  cofinancingRate } }
  events(first: 100) { nodes { recordId attendees { totalCount } } }
  people { totalCount } }"""
_BETWEEN_ORGANISATIONS = """
MATCH (x)<-[:WORKS_AT]-(:Person)-[i:INTERACTED]->(:Person)-[:WORKS_AT]->(y)
RETURN x.id AS x, y.id AS y, count(i) AS interactions ORDER BY x, y
"""
_EVERY_VALUE = """
MATCH (n) RETURN properties(n) AS p
UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p
"""


def dataset_rows(person_id: str) -> dict[str, list[dict[str, Any]]]:
    """The demo file's rows about one person: their record and their ties by type."""
    data = yaml.safe_load(INTRANET.read_text(encoding="utf-8"))
    rows: dict[str, list[dict[str, Any]]] = {
        "Person": [row for row in data["nodes"]["Person"] if row["id"] == person_id]
    }
    for rel_type, ties in data["relationships"].items():
        mine = [tie for tie in ties if person_id in (tie["from"], tie["to"])]
        if mine:
            rows[rel_type] = mine
    return rows


async def figures_of(store: GraphStore) -> dict[str, Any]:
    return {
        "nodes": await count_nodes(store),
        "relationships": await count_relationships(store),
        "between organisations": await store.read(_BETWEEN_ORGANISATIONS),
    }


def traces(api: Api, needles: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every stored property map (of any node or tie) that holds any of ``needles``."""
    found = []
    for row in on_store(api, lambda store: store.read(_EVERY_VALUE)):
        text = " ".join(str(value) for value in row["p"].values()).casefold()
        found += [(needle, row["p"]) for needle in needles if needle.casefold() in text]
    return found


def notes_of(api: Api, interactions: list[str]) -> dict[str, str | None]:
    """The note of each of these interactions."""
    rows = on_store(
        api,
        lambda store: store.read(
            "UNWIND $ids AS id MATCH ()-[i:INTERACTED {id: id}]->() "
            "RETURN i.id AS id, i.note AS note",
            {"ids": interactions},
        ),
    )
    return {row["id"]: row["note"] for row in rows}


def test_consent_is_set_on_create_and_updated(writable: Api) -> None:
    created = writable.data(
        """mutation { createPerson(input: {givenName: "Ole", familyName: "Samtykke",
          country: "DK", consent: {basis: CONSENT, date: "2020-02-01"}}) {
          person { id consent { basis date } } errors { code } } }"""
    )["createPerson"]
    assert created["person"]["consent"] == {"basis": "CONSENT", "date": "2020-02-01"}
    updated = writable.data(
        """mutation($id: ID!) { updatePerson(id: $id, input: {consent: {basis: CONTRACT,
          date: "2021-03-04"}}) { person { consent { basis date } } errors { code } } }""",
        {"id": created["person"]["id"]},
    )["updatePerson"]
    assert updated == {
        "person": {"consent": {"basis": "CONTRACT", "date": "2021-03-04"}},
        "errors": [],
    }


def test_consent_cannot_be_removed(writable: Api) -> None:
    person = global_id(Label.PERSON, EXPORTED)
    answer = writable.data(
        "mutation($id: ID!) { updatePerson(id: $id, input: {consent: null}) "
        "{ person { id } errors { field code } } }",
        {"id": person},
    )["updatePerson"]
    assert answer == {
        "person": None,
        "errors": [{"field": ["input", "consent"], "code": "REQUIRED"}],
    }


def test_export_holds_the_person_and_every_tie(writable: Api) -> None:
    document = writable.data(EXPORT, {"p": EXPORTED})["exportPersonalData"]
    expected = dataset_rows(EXPORTED)
    person = document["person"]
    (row,) = expected.pop("Person")
    assert person["id"] == EXPORTED
    assert person["globalId"] == global_id(Label.PERSON, EXPORTED)
    assert (person["givenName"], person["familyName"], person["email"]) == (
        row["givenName"],
        row["familyName"],
        row["email"],
    )
    assert person["consent"] == {
        "basis": row["consent"]["basis"],
        "date": str(row["consent"]["date"]),
    }
    assert person["createdAt"]
    assert person["source"] == row["source"]
    assert {key: len(value) for key, value in document["ties"].items()} == {
        key: len(value) for key, value in expected.items()
    }
    for interaction in document["ties"]["INTERACTED"]:
        (source,) = [r for r in expected["INTERACTED"] if r["id"] == interaction["id"]]
        assert interaction.get("note") == source.get("note")
        assert interaction["direction"] == (
            "outgoing" if source["from"] == EXPORTED else "incoming"
        )
        other = source["to"] if source["from"] == EXPORTED else source["from"]
        assert interaction["other"]["id"] == other
        assert interaction["other"]["label"] == "Person"
        assert interaction["other"]["name"].strip()
        assert "email" not in interaction["other"]  # the other person's data is not theirs
    jobs = {(job["other"]["id"], job.get("role")) for job in document["ties"]["WORKS_AT"]}
    assert jobs == {(job["to"], job.get("role")) for job in expected["WORKS_AT"]}


def test_export_of_an_unknown_person_is_not_found(writable: Api) -> None:
    assert writable.codes(EXPORT, {"p": "p-nobody"}) == ["NOT_FOUND"]
    wrong_label = global_id(Label.EVENT, "ev-intranet-workshop-1")
    assert writable.codes(EXPORT, {"p": wrong_label}) == ["BAD_USER_INPUT"]


def test_erasure_leaves_no_trace_and_every_figure(writable: Api) -> None:
    changed = writable.data(
        'mutation($id: ID!) { updatePerson(id: $id, input: {title: "Dr."}) { errors { code } } }',
        {"id": global_id(Label.PERSON, ERASED)},
    )
    assert changed["updatePerson"]["errors"] == []  # so the audit trail names the person
    stored = on_store(
        writable,
        lambda store: store.read(
            "MATCH (p:Person {id: $id}) RETURN properties(p) AS p", {"id": ERASED}
        ),
    )[0]["p"]
    interactions = [tie["id"] for tie in dataset_rows(ERASED)["INTERACTED"]]
    needles = [
        ERASED,
        global_id(Label.PERSON, ERASED),
        f"{stored['givenName']} {stored['familyName']}",
        stored["searchName"],
        stored["email"],
        stored["phone"],
    ]
    # the test would see them: every needle is stored (the global id in the audit trail)
    assert {needle for needle, _ in traces(writable, needles)} == set(needles)
    assert any(notes_of(writable, interactions).values())
    api_figures = writable.data(FIGURES)
    graph_figures = on_store(writable, figures_of)

    answer = writable.data(ERASE, {"p": global_id(Label.PERSON, ERASED), "r": "art. 17 request"})
    erased = answer["erasePerson"]
    assert erased["errors"] == []
    assert erased["movedTies"] == sum(
        len(rows) for key, rows in dataset_rows(ERASED).items() if key != "Person"
    )
    placeholder = erased["placeholder"]
    assert placeholder["recordId"].startswith("erased-")
    assert (placeholder["givenName"], placeholder["familyName"]) == ("Erased", "person")
    assert placeholder["email"] is None
    assert placeholder["phone"] is None

    assert traces(writable, needles) == []
    assert notes_of(writable, interactions) == dict.fromkeys(interactions)
    assert writable.data(FIGURES) == api_figures
    assert on_store(writable, figures_of) == graph_figures
    old = global_id(Label.PERSON, ERASED)
    assert writable.codes("query($id: ID!) { node(id: $id) { id } }", {"id": old}) == ["NOT_FOUND"]
    assert writable.codes("query($id: ID!) { person(id: $id) { id } }", {"id": ERASED}) == [
        "NOT_FOUND"
    ]
    assert writable.codes(EXPORT, {"p": old}) == ["NOT_FOUND"]
    search = '{ people(where: {nameContains: "erfundenberg"}, first: 100) { nodes { recordId } } }'
    assert ERASED not in str(writable.data(search))
    found = writable.data('{ search(text: "Erfundenberg") { node { id } } }')["search"]
    assert old not in str(found)
    # the placeholder is a record like any other: the model takes it back, export and load work
    rows = on_store(
        writable,
        lambda store: store.read(
            "MATCH (p:Person {id: $id}) RETURN properties(p) AS p", {"id": placeholder["recordId"]}
        ),
    )
    assert from_properties(Person, rows[0]["p"]).source == "erasure: art. 17 request"


def test_erasing_again_is_not_found_and_writes_nothing(writable: Api) -> None:
    person = writable.data(
        """mutation { createPerson(input: {givenName: "Kim", familyName: "Slet", country: "DK",
          consent: {basis: CONSENT, date: "2020-02-01"}}) { person { id } } }"""
    )["createPerson"]["person"]["id"]
    first = writable.data(ERASE, {"p": person, "r": "asked"})["erasePerson"]
    assert first["errors"] == []
    assert first["movedTies"] == 0
    writes = writable.store.writes
    again = writable.data(ERASE, {"p": person, "r": "asked"})["erasePerson"]
    assert again["errors"][0]["code"] == "NOT_FOUND"
    assert again["placeholder"] is None
    assert writable.store.writes == writes


@pytest.mark.parametrize(
    ("reason", "code"), [("", "REQUIRED"), ("   ", "REQUIRED"), ("x" * 301, "INVALID")]
)
def test_erasure_needs_a_reason(writable: Api, reason: str, code: str) -> None:
    writes = writable.store.writes
    answer = writable.data(ERASE, {"p": EXPORTED, "r": reason})["erasePerson"]
    assert [(error["field"], error["code"]) for error in answer["errors"]] == [(["reason"], code)]
    assert writable.store.writes == writes


def test_erasure_moves_every_kind_of_tie_once(writable: Api) -> None:
    """Ties in both directions and to several labels: each moves once."""
    person = writable.data(
        """mutation { createPerson(input: {recordId: "p-ties", givenName: "Tove",
          familyName: "Forbindelse", country: "DK", email: "tove@ties.example",
          consent: {basis: CONSENT, date: "2020-02-01"}}) { person { id } } }"""
    )["createPerson"]["person"]["id"]
    other = global_id(Label.PERSON, EXPORTED)
    record = """mutation($from: ID!, $to: ID!, $id: String!) { recordInteraction(from: $from,
      to: $to, interaction: {recordId: $id, kind: CALL, date: "2021-01-01", note: "private"})
      { errors { code message } } }"""
    for number, (source, target) in enumerate([(person, other), (other, person)]):
        answer = writable.data(record, {"from": source, "to": target, "id": f"i-ties-{number}"})
        assert answer["recordInteraction"]["errors"] == []
    link = """mutation($p: ID!) { linkWorksAt(from: $p, to: "alucluster",
      properties: {role: "spokesperson", since: "2019-01-01"}) { errors { code } }
      linkAttended(from: $p, to: "ev-intranet-workshop-1") { errors { code } } }"""
    assert writable.data(link, {"p": person}) == {
        "linkWorksAt": {"errors": []},
        "linkAttended": {"errors": []},
    }
    before = on_store(writable, figures_of)

    erased = writable.data(ERASE, {"p": person, "r": "asked"})["erasePerson"]

    assert erased["errors"] == []
    assert erased["movedTies"] == 4
    assert on_store(writable, figures_of) == before
    placeholder = erased["placeholder"]["recordId"]
    ties = on_store(
        writable,
        lambda store: store.read(
            "MATCH (a:Person {id: $id})-[r]-(b) "
            "RETURN type(r) AS type, startNode(r).id AS from, b.id AS other, properties(r) AS r",
            {"id": placeholder},
        ),
    )
    seen = sorted((t["type"], t["from"] == placeholder, t["other"]) for t in ties)
    assert seen == sorted(
        [
            ("INTERACTED", True, EXPORTED),
            ("INTERACTED", False, EXPORTED),
            ("WORKS_AT", True, "alucluster"),
            ("ATTENDED", True, "ev-intranet-workshop-1"),
        ]
    )
    kept = [tie["r"] for tie in ties]
    assert not any(key in tie for tie in kept for key in ("note", "role"))
    jobs = [tie["r"] for tie in ties if tie["type"] == "WORKS_AT"]
    assert [job.get("since") for job in jobs] == ["2019-01-01"]  # dates place the job in time
    assert {tie["r"].get("kind") for tie in ties if tie["type"] == "INTERACTED"} == {"call"}
    assert traces(writable, ["p-ties", "Forbindelse", "tove@ties.example", "private"]) == []
