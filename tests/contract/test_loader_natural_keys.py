"""Natural keys in the loader: a collision is a problem naming both rows; ``--match`` maps the
incoming record to the stored one and rewrites the relationships that name it; merged ids
resolve to the kept record; a load says what it will touch."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crm.domain import Label
from crm.graph.store import GraphStore
from crm.queries.nodes import nodes_by_id
from graph_loader.load import load
from graph_loader.matching import MatchKey, Touch
from graph_loader.validate import Plan
from tests.contract.graphs import snapshot

STORED = """
nodes:
  Cluster:
    - {id: cl-energy, name: Energy cluster, country: DK}
  Organization:
    - {id: org-soenderborg, name: Sønderborg Energi ApS, kind: company, country: DK}
    - {id: org-vat, name: Grenzwerk GmbH, kind: company, country: DE, vatId: DE136695976,
       city: Flensburg}
  Person:
    - {id: p-juergen, givenName: Jürgen, familyName: Groß, country: DE,
       email: Juergen.Gross@grenzwerk.example, consent: {basis: consent, date: 2024-01-02}}
"""

INCOMING = """
nodes:
  Organization:
    - {id: org-new-name, name: Soenderborg Energi A/S, kind: company, country: DK,
       city: Sønderborg}
    - {id: org-new-vat, name: Grenzwerk Flensburg GmbH, kind: company, country: DE,
       vatId: DE 136 695 976}
  Person:
    - {id: p-new, givenName: Juergen, familyName: Gross, country: DE,
       email: juergen.gross@GRENZWERK.example, consent: {basis: consent, date: 2024-03-04}}
relationships:
  MEMBER_OF:
    - {from: org-new-name, to: cl-energy}
  WORKS_AT:
    - {from: p-new, to: org-new-vat, toLabel: Organization, role: engineer}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_natural_key_taken_in_the_graph_is_a_problem_naming_both(
    store: GraphStore, tmp_path: Path
) -> None:
    assert not (await load([write(tmp_path, "a.yaml", STORED)], store, batch_size=10)).problems
    before = await snapshot(store)

    report = await load([write(tmp_path, "b.yaml", INCOMING)], store, batch_size=10)

    lines = sorted(str(problem) for problem in report.problems)
    assert any(
        "b.yaml:4 nodes.Organization[0], field 'name'" in line
        and "'org-new-name' has the same name and country as Organization 'org-soenderborg'" in line
        and "--match name" in line
        for line in lines
    ), lines
    assert any("field 'vatId'" in line and "'org-vat' in the graph" in line for line in lines)
    assert any("field 'email'" in line and "'p-juergen'" in line for line in lines)
    assert report.summary is None
    assert await snapshot(store) == before


async def test_two_rows_with_one_natural_key_are_a_problem_naming_both(
    store: GraphStore, tmp_path: Path
) -> None:
    text = """
nodes:
  Organization:
    - {id: org-a, name: Sønderborg Energi ApS, kind: company, country: DK}
    - {id: org-b, name: SOENDERBORG ENERGI A/S, kind: company, country: DK}
"""
    report = await load([write(tmp_path, "twice.yaml", text)], store, batch_size=10)

    assert [str(problem).replace(f"{tmp_path}/", "") for problem in report.problems] == [
        "twice.yaml:5 nodes.Organization[1], field 'name': Organization 'org-b' has the same "
        "name and country as Organization 'org-a' at twice.yaml:4 nodes.Organization[0]"
    ]
    assert report.summary is None


async def test_match_maps_incoming_records_to_stored_ones_and_rewrites_their_ties(
    store: GraphStore, tmp_path: Path
) -> None:
    assert not (await load([write(tmp_path, "a.yaml", STORED)], store, batch_size=10)).problems
    heard: list[Plan] = []

    report = await load(
        [write(tmp_path, "b.yaml", INCOMING)],
        store,
        batch_size=10,
        match=frozenset(MatchKey),
        announce=heard.append,
    )

    assert report.problems == []
    [plan] = heard
    assert sorted((m.incoming, m.stored, m.reason) for m in plan.matches) == [
        ("org-new-name", "org-soenderborg", "the same name and country"),
        ("org-new-vat", "org-vat", "the same VAT id"),
        ("p-new", "p-juergen", "the same e-mail address"),
    ]
    assert plan.touched == {Label.ORGANIZATION: Touch(0, 2), Label.PERSON: Touch(0, 1)}
    assert report.summary is not None
    assert report.summary.node_total.created == 0
    organizations = await nodes_by_id(
        store, Label.ORGANIZATION, ["org-soenderborg", "org-new-name", "org-new-vat"]
    )
    assert set(organizations) == {"org-soenderborg"}
    assert organizations["org-soenderborg"]["city"] == "Sønderborg"  # given: set
    vat_org = (await nodes_by_id(store, Label.ORGANIZATION, ["org-vat"]))["org-vat"]
    assert vat_org["name"] == "Grenzwerk Flensburg GmbH"
    assert vat_org["city"] == "Flensburg"  # left out: kept
    people = await nodes_by_id(store, Label.PERSON, ["p-juergen"])
    assert people["p-juergen"]["consentDate"] == "2024-03-04"
    ties = await store.read(
        "MATCH (p:Person)-[w:WORKS_AT]->(o:Organization) RETURN p.id AS p, o.id AS o"
    )
    assert ties == [{"p": "p-juergen", "o": "org-vat"}]
    members = await store.read("MATCH (o:Organization)-[:MEMBER_OF]->(c) RETURN o.id AS o")
    assert members == [{"o": "org-soenderborg"}]


async def test_match_by_one_key_still_refuses_the_others(store: GraphStore, tmp_path: Path) -> None:
    assert not (await load([write(tmp_path, "a.yaml", STORED)], store, batch_size=10)).problems

    report = await load(
        [write(tmp_path, "b.yaml", INCOMING)], store, batch_size=10, match=frozenset({MatchKey.VAT})
    )

    assert {problem.field for problem in report.problems} >= {"name", "email"}
    assert report.summary is None


async def test_an_interaction_dated_in_the_future_is_a_problem(
    store: GraphStore, tmp_path: Path
) -> None:
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    text = (
        STORED
        + f"""
relationships:
  INTERACTED:
    - {{from: p-juergen, to: p-other, id: ix-1, kind: call, date: {tomorrow}}}
"""
    )
    text = text.replace(
        "  Person:\n",
        "  Person:\n    - {id: p-other, givenName: Bo, familyName: Other, country: DK,"
        " consent: {basis: consent, date: 2024-01-02}}\n",
    )

    report = await load([write(tmp_path, "future.yaml", text)], store, batch_size=10)

    [problem] = report.problems
    assert problem.field == "date"
    assert "cannot be dated in the future" in problem.message
    assert report.summary is None
