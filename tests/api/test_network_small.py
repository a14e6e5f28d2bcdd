"""The network questions on a small hand-built graph with known answers.

Anna and Bert (DE) meet often, Bert and Carl (DK) too, Carl and Dora (DK) once; Anna writes to
Eva (DE) once, and Eva to Carl only in mid-2021. Carl is the bridge; the path from Anna to Dora
through Bert is stronger than the one through Eva; before mid-2021 Eva has no tie to Carl.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crm.config import load_settings
from tests.api.conftest import Api, serve
from tests.conftest import load_files

CONSENT = {"basis": "consent", "date": "2019-01-01"}
PEOPLE = {"anna": "DE", "bert": "DE", "carl": "DK", "dora": "DK", "eva": "DE"}
MET = [
    ("anna", "bert", "meeting", "2020-01-01"),
    ("anna", "bert", "meeting", "2020-02-01"),
    ("anna", "bert", "meeting", "2020-03-01"),
    ("bert", "carl", "meeting", "2020-06-01"),
    ("bert", "carl", "meeting", "2020-07-01"),
    ("bert", "carl", "meeting", "2020-08-01"),
    ("carl", "dora", "meeting", "2020-06-01"),
    ("anna", "eva", "email", "2020-01-01"),
    ("eva", "carl", "email", "2021-06-01"),
]


def graph() -> dict[str, Any]:
    people = [
        {
            "id": p,
            "source": "test",
            "givenName": p.title(),
            "familyName": "Test",
            "country": country,
            "consent": CONSENT,
        }
        for p, country in PEOPLE.items()
    ]
    orgs = [
        {"id": "org-de", "source": "test", "name": "DE GmbH", "kind": "company", "country": "DE"},
        {"id": "org-dk", "source": "test", "name": "DK ApS", "kind": "company", "country": "DK"},
    ]
    works = [
        {
            "from": p,
            "to": "org-de" if c == "DE" else "org-dk",
            "toLabel": "Organization",
            "since": "2019-01-01",
            "source": "test",
        }
        for p, c in PEOPLE.items()
    ]
    met = [
        {"id": f"i-{n}", "from": a, "to": b, "kind": kind, "date": day, "source": "test"}
        for n, (a, b, kind, day) in enumerate(MET)
    ]
    return {
        "nodes": {"Person": people, "Organization": orgs},
        "relationships": {"WORKS_AT": works, "INTERACTED": met},
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("network-small")
    (folder / "graph.json").write_text(json.dumps(graph()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, folder / "graph.json")
    yield from serve(settings)


BRIDGES = """{ brokers(first: 1%s) { person { recordId } organization { recordId }
    bridged bridges { recordId } } }"""


def test_the_bridge_bridges_its_contacts_who_never_met(api: Api) -> None:
    [carl] = api.data(BRIDGES % "")["brokers"]
    [before] = api.data(BRIDGES % ', asOf: "2021-01-01"')["brokers"]

    assert carl["person"]["recordId"] == "carl"
    assert carl["bridged"] == 3
    pairs = [[p["recordId"] for p in pair] for pair in carl["bridges"]]
    assert pairs == [["bert", "dora"], ["bert", "eva"], ["dora", "eva"]]
    assert (before["bridged"], len(before["bridges"])) == (1, 1)


def test_an_organisation_bridges_its_peoples_contacts(api: Api) -> None:
    [dk] = api.data(BRIDGES % ", organizations: true")["brokers"]
    [across] = api.data(BRIDGES % ", organizations: true, crossBorder: true")["brokers"]

    assert dk["organization"]["recordId"] == "org-dk"
    assert [[p["recordId"] for p in pair] for pair in dk["bridges"]] == [["bert", "eva"]]
    assert (across["organization"]["recordId"], across["bridged"]) == ("org-dk", 0)


def test_the_bridge_has_the_highest_betweenness(api: Api) -> None:
    for arguments in ("", ', asOf: "2022-01-01"', ", crossBorder: true"):
        data = api.data(f"{{ brokers(first: 2{arguments}) {{ score person {{ recordId }} }} }}")
        assert data["brokers"][0]["person"]["recordId"] == "carl", arguments
        assert data["brokers"][0]["score"] > data["brokers"][1]["score"]


def test_a_path_through_the_strongest_ties_wins_and_says_where_it_crosses(api: Api) -> None:
    query = """{ introductionPaths(from: "anna", to: "dora", maxHops: 3, asOf: "2022-01-01") {
        score crossesBorder borderCrossings hops { person { recordId } strength country } } }"""
    paths = api.data(query)["introductionPaths"]
    assert [[hop["person"]["recordId"] for hop in p["hops"]] for p in paths] == [
        ["bert", "carl", "dora"],
        ["eva", "carl", "dora"],
    ]
    best = paths[0]
    assert best["crossesBorder"]
    assert best["borderCrossings"] == [1]
    assert best["score"] == pytest.approx(
        best["hops"][0]["strength"] * best["hops"][1]["strength"] * best["hops"][2]["strength"]
    )


def test_an_organization_as_target_means_anyone_working_there(api: Api) -> None:
    paths = api.data(
        '{ introductionPaths(from: "anna", to: "org-dk", maxHops: 2) '
        "{ hops { person { recordId } organization } } }"
    )["introductionPaths"]
    assert paths[0]["hops"][-1] == {"person": {"recordId": "carl"}, "organization": "DK ApS"}


def test_as_of_before_a_tie_hides_it(api: Api) -> None:
    query = '{ person(id: "eva") { ties(asOf: "%s") { person { recordId } crossesBorder } } }'
    before = api.data(query % "2021-01-01")["person"]["ties"]
    after = api.data(query % "2021-07-01")["person"]["ties"]
    assert {t["person"]["recordId"] for t in before} == {"anna", "bert"}  # a colleague, too
    assert {"person": {"recordId": "carl"}, "crossesBorder": True} in after
    paths = api.data(
        '{ introductionPaths(from: "anna", to: "dora", asOf: "2020-04-01") { score } }'
    )["introductionPaths"]
    assert paths == []


def test_ties_are_strongest_first_with_their_evidence(api: Api) -> None:
    ties = api.data(
        '{ person(id: "bert") { ties(asOf: "2020-12-31") { strength '
        "person { recordId } evidence { interactions { kind count } "
        "organizations } } } }"
    )["person"]["ties"]
    assert ties[0]["person"]["recordId"] == "anna"  # three meetings and a shared employer
    assert ties[0]["evidence"] == {
        "interactions": [{"kind": "MEETING", "count": 3}],
        "organizations": ["DE GmbH"],
    }
    strengths = [t["strength"] for t in ties]
    assert strengths == sorted(strengths, reverse=True)
    assert 0 < strengths[-1] < 1


def test_cross_border_ties_counted_by_year(api: Api) -> None:
    data = api.data(
        "{ crossBorderTies { totalCount interactions byYear { year interactions "
        "newTies } nodes { a { recordId } b { recordId } } } }"
    )["crossBorderTies"]
    assert data["totalCount"] == 2  # Bert-Carl, Eva-Carl
    assert data["interactions"] == 4
    assert data["byYear"] == [
        {"year": 2020, "interactions": 3, "newTies": 1},
        {"year": 2021, "interactions": 1, "newTies": 1},
    ]


@pytest.mark.parametrize(
    ("as_of", "raw"),
    [
        ("2020-06-01", 1.0 + 1.0),  # a fresh meeting, and a shared employer
        ("2022-06-01", 0.2 + 0.8 * 0.5 ** (730.5 / 730) + 1.0),  # the meeting two years on
    ],
)
def test_the_formula(api: Api, as_of: str, raw: float) -> None:
    query = '{ person(id: "dora") { ties(asOf: "%s") { strength person { recordId } } } }'
    (tie,) = api.data(query % as_of)["person"]["ties"]
    assert tie["person"]["recordId"] == "carl"
    assert tie["strength"] == pytest.approx(raw / (raw + 1.0))


def test_unmet_clusters_and_lonely_members_need_a_cluster(api: Api) -> None:
    assert api.codes('{ lonelyMembers(cluster: "org-dk") { people } }') == ["NOT_FOUND"]
    assert api.data("{ unmetClusters { sectors } }") == {"unmetClusters": []}


def test_communities_form_when_people_meet(api: Api) -> None:
    query = '{ communities(asOf: "%s") { size connected countries { dk de } } }'
    assert api.data(query % "2020-05-01")["communities"] == [
        {"size": 1, "connected": 1, "countries": {"dk": 0, "de": 1}},
        {"size": 1, "connected": 1, "countries": {"dk": 1, "de": 0}},
    ]
    assert api.data(query % "2020-07-01")["communities"] == [
        {"size": 2, "connected": 2, "countries": {"dk": 1, "de": 1}}
    ]
    # Today, by the engine's algorithms: label propagation keeps the two apart, but they are
    # one connected component.
    today = api.data("{ communities { size connected } }")["communities"]
    assert today == [{"size": 1, "connected": 2}, {"size": 1, "connected": 2}]
