"""Duplicate candidates and merging, on the real engine through the app: planted duplicates are
found with their reasons, a mark hides a pair, a merge keeps every tie and interaction (and
the interaction counts between organisations), merged ids resolve, bad merges write nothing."""

from typing import Any

import pytest

from crm.api.ids import global_id
from crm.domain import Label
from crm.domain.nodes import Organization, Person
from crm.graph.properties import to_properties
from crm.graph.store import GraphStore
from crm.keys import Role
from tests.api.conftest import Api
from tests.api.test_mutations import fresh

CANDIDATES = """
query ($label: DuplicateLabel!, $min: Float, $first: Int, $after: String) {
  duplicateCandidates(label: $label, minScore: $min, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { score reasons a { recordId } b { recordId } } }
  }
}
"""
MERGE = """
mutation ($keep: ID!, $duplicates: [ID!]!) {
  mergeRecords(keep: $keep, duplicates: $duplicates) {
    kept { id recordId ... on Person { email phone consent { basis date } }
           ... on Organization { name city vatId website } }
    mergedIds movedTies conflicts { field record kept other }
    errors { field code message }
  }
}
"""
MARK = """
mutation ($a: ID!, $b: ID!) { markNotDuplicate(a: $a, b: $b) { marked errors { code } } }
"""


def put(api: Api, label: Label, properties: dict[str, Any]) -> None:
    """Write a node as an older version would have (no natural keys derived): the duplicates
    that a graph already holds."""

    async def write(store: GraphStore) -> None:
        props = {k: v for k, v in properties.items() if v is not None}
        props |= {"createdAt": "2020-01-01T00:00:00.000Z", "updatedAt": "2020-01-01T00:00:00.000Z"}
        statement = (
            "CREATE (n:Organization) SET n = $props"
            if label is Label.ORGANIZATION
            else "CREATE (n:Person) SET n = $props"
        )
        await store.write(statement, {"props": props})

    api.run(write)


def org(record_id: str, name: str, **fields: Any) -> dict[str, Any]:
    record = Organization.model_validate(
        {"id": record_id, "source": "old", "name": name, "kind": "company", "country": "DK"}
        | fields
    )
    properties = to_properties(record)
    properties.pop("nameKey")
    return properties


def person(record_id: str, given: str, family: str, **fields: Any) -> dict[str, Any]:
    data = {
        "id": record_id,
        "source": "old",
        "givenName": given,
        "familyName": family,
        "country": "DE",
        "consent": {"basis": "legitimate_interests", "date": "2020-01-01"},
    }
    properties = to_properties(Person.model_validate(data | fields))
    properties.pop("emailKey")
    return properties


def link(api: Api, statement: str, **parameters: Any) -> None:
    async def write(store: GraphStore) -> None:
        await store.write(statement, parameters)

    api.run(write)


def pairs(api: Api, label: str, **variables: Any) -> list[dict[str, Any]]:
    data = api.data(CANDIDATES, {"label": label} | variables)["duplicateCandidates"]
    return [edge["node"] for edge in data["edges"]]


def pair_ids(found: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(pair["a"]["recordId"], pair["b"]["recordId"]) for pair in found}


@pytest.fixture
def three_organisations(writable: Api) -> list[str]:
    """Three copies of one organisation, as createOrganization without a record id made them
    before natural keys: random suffixes, each a record of its own."""
    word = fresh()
    ids = [f"soenderborg-energi-{word}-{n}" for n in range(3)]
    for record_id in ids:
        put(writable, Label.ORGANIZATION, org(record_id, f"Sønderborg Energi {word} ApS"))
    return ids


def test_the_three_organisations_are_found_with_reasons(
    writable: Api, three_organisations: list[str]
) -> None:
    found = [
        pair
        for pair in pairs(writable, "ORGANIZATION", first=100)
        if pair["a"]["recordId"] in three_organisations
    ]

    assert pair_ids(found) == {
        (three_organisations[0], three_organisations[1]),
        (three_organisations[0], three_organisations[2]),
        (three_organisations[1], three_organisations[2]),
    }
    for pair in found:
        assert pair["score"] >= 0.8
        assert "the same name" in pair["reasons"]


def test_the_three_organisations_merge_in_one_step(
    writable: Api, three_organisations: list[str]
) -> None:
    keep, *others = (global_id(Label.ORGANIZATION, i) for i in three_organisations)
    writes = writable.store.writes

    payload = writable.data(MERGE, {"keep": keep, "duplicates": others})["mergeRecords"]

    assert payload["errors"] == []
    assert writable.store.writes == writes + 1  # the merge, its log entry in the same statement
    assert payload["kept"]["recordId"] == three_organisations[0]
    assert payload["mergedIds"] == others
    remaining = [
        pair
        for pair in pairs(writable, "ORGANIZATION", first=100)
        if {pair["a"]["recordId"], pair["b"]["recordId"]} & set(three_organisations)
    ]
    assert remaining == []
    for other in others:  # the merged ids resolve to the kept record
        node = writable.data("query ($id: ID!) { node(id: $id) { id } }", {"id": other})["node"]
        assert node == {"id": keep}
    record_id = three_organisations[2]
    lookup = writable.data(
        "query ($id: ID!) { organization(id: $id) { recordId } }", {"id": record_id}
    )
    assert lookup == {"organization": {"recordId": three_organisations[0]}}
    trail = writable.data("{ auditLog(first: 1) { nodes { operation ids } } }")["auditLog"]
    assert trail["nodes"][0]["operation"] == "mergeRecords"
    assert set(trail["nodes"][0]["ids"]) == {keep, *others}


def interactions_between_organisations(api: Api) -> list[dict[str, Any]]:
    async def read(store: GraphStore) -> list[dict[str, Any]]:
        return await store.read(
            "MATCH (a:Person)-[i:INTERACTED]->(b:Person), "
            "(a)-[:WORKS_AT]->(x:Organization), (b)-[:WORKS_AT]->(y:Organization) "
            "RETURN x.id AS x, y.id AS y, count(i) AS n ORDER BY x, y"
        )

    return api.run(read)


def test_a_merge_keeps_every_tie_and_interaction(writable: Api) -> None:
    word = fresh()
    org_id = f"grenzwerk-{word}"
    put(writable, Label.ORGANIZATION, org(org_id, f"Grenzwerk {word} GmbH", city="Flensburg"))
    kept_id, dup_id = f"juergen-{word}", f"juergen-{word}-2"
    phone = f"+49302312{int(word[:4], 16) % 10000:04d}"
    put(writable, Label.PERSON, person(kept_id, "Jürgen", f"Groß{word}", title="CEO", phone=phone))
    put(
        writable,
        Label.PERSON,
        person(
            dup_id,
            "Juergen",
            f"Gross{word}",
            title="CEO",
            email=f"j.{word}@grenzwerk.example",
            phone=phone,
            consent={"basis": "consent", "date": "2024-02-03"},
        ),
    )
    link(
        writable,
        "MATCH (k:Person {id: $kept}), (d:Person {id: $dup}), (o:Organization {id: $org}), "
        "(m:Person {id: 'p-michael-nedergaard'}), (e:Event {id: 'ev-intranet-workshop-1'}) "
        "CREATE (k)-[:WORKS_AT {since: '2019-05-01', role: 'CEO', source: 't'}]->(o), "
        "(d)-[:WORKS_AT {since: '2017-01-01', role: 'Chief', source: 't'}]->(o), "
        "(d)-[:ATTENDED {source: 't'}]->(e), "
        "(d)-[:INTERACTED {id: $i1, kind: 'call', date: '2021-01-01', source: 't'}]->(m), "
        "(m)-[:INTERACTED {id: $i2, kind: 'meeting', date: '2021-02-01', source: 't'}]->(d), "
        "(k)-[:INTERACTED {id: $i3, kind: 'email', date: '2021-03-01', source: 't'}]->(m)",
        kept=kept_id,
        dup=dup_id,
        org=org_id,
        i1=f"i-{word}-1",
        i2=f"i-{word}-2",
        i3=f"i-{word}-3",
    )
    candidates = pairs(writable, "PERSON", first=100)
    assert (dup_id, kept_id) in pair_ids(candidates) or (kept_id, dup_id) in pair_ids(candidates)
    before = interactions_between_organisations(writable)

    payload = writable.data(
        MERGE,
        {
            "keep": global_id(Label.PERSON, kept_id),
            "duplicates": [global_id(Label.PERSON, dup_id)],
        },
    )["mergeRecords"]

    assert payload["errors"] == []
    kept = payload["kept"]
    assert kept["email"] == f"j.{word}@grenzwerk.example"  # filled from the duplicate
    assert kept["consent"] == {"basis": "CONSENT", "date": "2024-02-03"}  # the strictest
    record = global_id(Label.PERSON, dup_id)
    assert payload["conflicts"] == [
        {"field": "givenName", "record": record, "kept": "Jürgen", "other": "Juergen"},
        {"field": "familyName", "record": record, "kept": f"Groß{word}", "other": f"Gross{word}"},
    ]
    assert payload["movedTies"] == 4

    async def ties(store: GraphStore) -> list[dict[str, Any]]:
        return await store.read(
            "MATCH (p:Person {id: $id})-[r]-(x) "
            "RETURN type(r) AS type, r.id AS id, r.since AS since, r.role AS role, x.id AS other "
            "ORDER BY type, id",
            {"id": kept_id},
        )

    assert writable.run(ties) == [
        {
            "type": "ATTENDED",
            "id": None,
            "since": None,
            "role": None,
            "other": "ev-intranet-workshop-1",
        },
        {
            "type": "INTERACTED",
            "id": f"i-{word}-1",
            "since": None,
            "role": None,
            "other": "p-michael-nedergaard",
        },
        {
            "type": "INTERACTED",
            "id": f"i-{word}-2",
            "since": None,
            "role": None,
            "other": "p-michael-nedergaard",
        },
        {
            "type": "INTERACTED",
            "id": f"i-{word}-3",
            "since": None,
            "role": None,
            "other": "p-michael-nedergaard",
        },
        {"type": "WORKS_AT", "id": None, "since": "2017-01-01", "role": "CEO", "other": org_id},
    ]
    assert interactions_between_organisations(writable) == before
    lookup = writable.data("query ($id: ID!) { person(id: $id) { recordId } }", {"id": dup_id})
    assert lookup == {"person": {"recordId": kept_id}}


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("itself", "INVALID"),
        ("other label", "NOT_ALLOWED"),
        ("erased", "NOT_ALLOWED"),
        ("unknown", "NOT_FOUND"),
        ("none", "REQUIRED"),
        ("an event", "NOT_ALLOWED"),
    ],
)
def test_a_bad_merge_is_a_typed_error_and_writes_nothing(
    writable: Api, case: str, code: str
) -> None:
    keep = global_id(Label.PERSON, "p-michael-nedergaard")
    duplicates = {
        "itself": [keep],
        "other label": [global_id(Label.ORGANIZATION, "org-eksempel-aluprofiler")],
        "erased": [global_id(Label.PERSON, "erased-0123456789abcdef")],
        "unknown": [global_id(Label.PERSON, f"nobody-{fresh()}")],
        "none": [],
        "an event": [global_id(Label.EVENT, "ev-intranet-workshop-1")],
    }[case]
    writes = writable.store.writes

    payload = writable.data(MERGE, {"keep": keep, "duplicates": duplicates})["mergeRecords"]

    assert [error["code"] for error in payload["errors"]] == [code], payload
    assert payload["kept"] is None
    assert writable.store.writes == writes


def test_a_pair_marked_not_duplicate_is_hidden(writable: Api) -> None:
    word = fresh()
    a, b = f"twin-{word}-a", f"twin-{word}-b"
    put(writable, Label.ORGANIZATION, org(a, f"Zwilling {word} GmbH", city="Kiel"))
    put(writable, Label.ORGANIZATION, org(b, f"Zwilling {word} AG", city="Kiel"))
    assert (a, b) in pair_ids(pairs(writable, "ORGANIZATION", first=100))

    editor = writable.as_role(Role.EDITOR)
    answer = editor.data(
        MARK, {"a": global_id(Label.ORGANIZATION, b), "b": global_id(Label.ORGANIZATION, a)}
    )
    assert answer["markNotDuplicate"] == {"marked": True, "errors": []}

    assert (a, b) not in pair_ids(pairs(editor, "ORGANIZATION", first=100))


def test_pages_of_candidates_follow_each_other(
    writable: Api, three_organisations: list[str]
) -> None:
    everything = writable.data(CANDIDATES, {"label": "ORGANIZATION", "first": 100})
    total = everything["duplicateCandidates"]["totalCount"]
    first = writable.data(CANDIDATES, {"label": "ORGANIZATION", "first": 1})["duplicateCandidates"]
    rest = writable.data(
        CANDIDATES,
        {"label": "ORGANIZATION", "first": 100, "after": first["pageInfo"]["endCursor"]},
    )["duplicateCandidates"]

    assert total >= 3
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["node"] for e in first["edges"] + rest["edges"]] == [
        e["node"] for e in everything["duplicateCandidates"]["edges"]
    ]


def test_candidates_are_for_editors(writable: Api) -> None:
    codes = writable.as_role(Role.READER).codes(CANDIDATES, {"label": "PERSON"})
    assert codes == ["FORBIDDEN"]


def test_two_clusters_merge_and_keep_their_members(writable: Api) -> None:
    word = fresh()
    keep, other = f"cl-{word}-a", f"cl-{word}-b"
    link(
        writable,
        "CREATE (:Cluster {id: $keep, name: $name, country: 'DK', source: 't'}), "
        "(:Cluster {id: $other, name: $name, country: 'DK', contactEmail: $mail, source: 't'})",
        keep=keep,
        other=other,
        name=f"Energiklynge {word}",
        mail=f"info@{word}.example",
    )
    link(
        writable,
        "MATCH (a:Cluster {id: $keep}), (b:Cluster {id: $other}), "
        "(o:Organization {id: 'org-eksempel-aluprofiler'}) "
        "CREATE (o)-[:MEMBER_OF {since: '2014-01-01', source: 't'}]->(a), "
        "(o)-[:MEMBER_OF {since: '2012-01-01', source: 't'}]->(b)",
        keep=keep,
        other=other,
    )

    payload = writable.data(
        """mutation ($keep: ID!, $other: [ID!]!) {
             mergeRecords(keep: $keep, duplicates: $other) {
               kept { ... on Cluster { recordId contact { email } } } movedTies errors { code }
             } }""",
        {"keep": global_id(Label.CLUSTER, keep), "other": [global_id(Label.CLUSTER, other)]},
    )["mergeRecords"]

    assert payload == {
        "kept": {"recordId": keep, "contact": {"email": f"info@{word}.example"}},
        "movedTies": 1,
        "errors": [],
    }

    async def members(store: GraphStore) -> list[dict[str, Any]]:
        return await store.read(
            "MATCH (o)-[m:MEMBER_OF]->(c:Cluster {id: $id}) RETURN o.id AS o, m.since AS since",
            {"id": keep},
        )

    assert writable.run(members) == [{"o": "org-eksempel-aluprofiler", "since": "2012-01-01"}]
