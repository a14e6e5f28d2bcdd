"""The explorer's API: ``network`` and ``networkExpansion`` on a hand-built graph with known
answers and on the demo (the figures the browser tests assert), their filters, replay, limits,
bad input and round trips."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

from crm.config import Settings, load_settings
from tests.api.conftest import Api, serve
from tests.conftest import load_files
from tests.hostile import hostile_text

CONSENT = {"basis": "consent", "date": "2014-01-01"}
PEOPLE = {"ann": "DE", "ben": "DE", "cai": "DK", "dag": "DK", "eli": "DE", "fay": "DK"}


def _job(person: str, to: str, label: str, since: str, until: str | None = None) -> Any:
    job = {"from": person, "to": to, "toLabel": label, "since": since, "source": "test"}
    return job | ({"until": until, "role": "engineer"} if until else {})


def _met(n: int, a: str, b: str, kind: str, day: str) -> Any:
    return {"id": f"x{n}", "from": a, "to": b, "kind": kind, "date": day, "source": "test"}


def graph() -> dict[str, Any]:
    """Ann and Ben (DE) work at Werk (energy; in Nord since 2016), Ben until 2018; Cai (DK)
    at Kontor (health; in Nord since 2017); Dag (DK) at Nord (energy) itself. Ann emails Ben
    in 2015, meets Cai in 2016 and calls him in 2019; Cai meets Dag in 2018; Dag introduces
    Eli (DE) in 2020. Fay has no ties at all."""
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
    return {
        "nodes": {
            "Person": people,
            "Sector": [
                {"id": "s-energy", "source": "test", "name": "Energy"},
                {"id": "s-health", "source": "test", "name": "Health"},
            ],
            "Cluster": [{"id": "nord", "source": "test", "name": "Nord", "country": "DK"}],
            "Organization": [
                {
                    "id": "werk",
                    "source": "test",
                    "name": "Werk",
                    "kind": "company",
                    "country": "DE",
                },
                {
                    "id": "kontor",
                    "source": "test",
                    "name": "Kontor",
                    "kind": "company",
                    "country": "DK",
                },
            ],
        },
        "relationships": {
            "WORKS_AT": [
                _job("ann", "werk", "Organization", "2015-01-01"),
                _job("ben", "werk", "Organization", "2015-03-01", "2018-12-31"),
                _job("cai", "kontor", "Organization", "2016-01-01"),
                _job("dag", "nord", "Cluster", "2017-01-01"),
            ],
            "MEMBER_OF": [
                {"from": "werk", "to": "nord", "since": "2016-02-01", "source": "test"},
                {"from": "kontor", "to": "nord", "since": "2017-01-01", "source": "test"},
            ],
            "ACTIVE_IN": [
                {"from": "werk", "fromLabel": "Organization", "to": "s-energy", "source": "test"},
                {"from": "kontor", "fromLabel": "Organization", "to": "s-health", "source": "test"},
                {"from": "nord", "fromLabel": "Cluster", "to": "s-energy", "source": "test"},
            ],
            "INTERACTED": [
                _met(1, "ann", "ben", "email", "2015-06-01"),
                _met(2, "ann", "cai", "meeting", "2016-05-01"),
                _met(3, "cai", "ann", "call", "2019-01-01"),
                _met(4, "cai", "dag", "meeting", "2018-03-01"),
                _met(5, "dag", "eli", "introduction", "2020-01-01"),
            ],
        },
    }


@pytest.fixture(scope="module")
def graph_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("explorer")
    (folder / "graph.json").write_text(json.dumps(graph()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, folder / "graph.json")
    return settings


@pytest.fixture(scope="module")
def api(graph_settings: Settings) -> Iterator[Api]:
    yield from serve(graph_settings)


@pytest.fixture(scope="module")
def small(graph_settings: Settings) -> Iterator[Api]:
    """The same graph served with small limits: five nodes a view, one new node an expansion."""
    limits = {"max_graph_nodes": 5, "max_expansion_nodes": 1}
    yield from serve(graph_settings.model_copy(update=limits))


VIEW = """query ($centers: [ID!]!, $depth: Int! = 1, $asOf: Date = "2021-01-01",
    $crossBorderOnly: Boolean! = false, $minStrength: Float, $sectors: [ID!],
    $tieKinds: [NetworkTieKind!], $interactionKinds: [InteractionKind!], $limit: Int) {
  network(centers: $centers, depth: $depth, asOf: $asOf, crossBorderOnly: $crossBorderOnly,
      minStrength: $minStrength, sectors: $sectors, tieKinds: $tieKinds,
      interactionKinds: $interactionKinds, limit: $limit) {
    centers asOf depth limit firstDate
    nodes { id name country depth since degree betweenness community sectors { recordId }
            node { __typename ... on Person { recordId } ... on Organization { recordId }
                   ... on Cluster { recordId } } }
    edges { id source target kind strength crossesBorder since until lastContact role
            interactions { date kind } evidence { interactions { kind count } } } } }"""


def view(api: Api, centers: list[str], **arguments: Any) -> Any:
    return api.data(VIEW, {"centers": centers, **arguments})["network"]


def names(found: Any) -> list[str]:
    """The record ids of the view's nodes, in the order answered."""
    return [node["node"]["recordId"] for node in found["nodes"]]


def ties(found: Any) -> set[tuple[str, str, str]]:
    """The view's ties as (kind, source, target) by record id."""
    ids = {node["id"]: node["node"]["recordId"] for node in found["nodes"]}
    return {(edge["kind"], ids[edge["source"]], ids[edge["target"]]) for edge in found["edges"]}


ANN_1 = {
    ("INTERACTION", "ann", "ben"),
    ("INTERACTION", "ann", "cai"),
    ("EMPLOYMENT", "ann", "werk"),
    ("EMPLOYMENT", "ben", "werk"),  # between two nodes of the outermost level
}


def test_an_ego_network_holds_every_tie_between_its_nodes(api: Api) -> None:
    found = view(api, ["ann"])
    assert names(found) == ["ann", "ben", "cai", "werk"]
    assert [node["depth"] for node in found["nodes"]] == [0, 1, 1, 1]
    assert ties(found) == ANN_1
    deeper = view(api, ["ann"], depth=2)
    assert set(names(deeper)) == {"ann", "ben", "cai", "werk", "dag", "kontor", "nord"}
    assert ties(deeper) == ANN_1 | {
        ("INTERACTION", "cai", "dag"),
        ("EMPLOYMENT", "cai", "kontor"),
        ("MEMBERSHIP", "werk", "nord"),
        ("EMPLOYMENT", "dag", "nord"),
        ("MEMBERSHIP", "kontor", "nord"),
    }
    assert (found["depth"], found["limit"], found["asOf"]) == (1, 2000, "2021-01-01")


def test_ties_carry_what_a_client_draws_and_replays(api: Api) -> None:
    found = view(api, ["ann"])
    edges = {(e["kind"], e["since"]): e for e in found["edges"]}
    met = edges[("INTERACTION", "2016-05-01")]
    assert met["interactions"] == [
        {"date": "2016-05-01", "kind": "MEETING"},
        {"date": "2019-01-01", "kind": "CALL"},
    ]
    assert met["crossesBorder"] is True
    assert met["lastContact"] == "2019-01-01"
    assert 0 < met["strength"] < 1
    assert sorted(met["evidence"]["interactions"], key=lambda i: i["kind"]) == [
        {"kind": "CALL", "count": 1},
        {"kind": "MEETING", "count": 1},
    ]
    ended = edges[("EMPLOYMENT", "2015-03-01")]
    assert (ended["until"], ended["role"], ended["strength"]) == ("2018-12-31", "engineer", None)
    assert ended["evidence"] is None
    assert ended["interactions"] == []
    assert found["firstDate"] == "2015-01-01"


def test_nodes_are_measured_in_the_view(api: Api) -> None:
    found = view(api, ["ann"])
    by_id = {node["node"]["recordId"]: node for node in found["nodes"]}
    assert {k: n["degree"] for k, n in by_id.items()} == {"ann": 3, "ben": 2, "cai": 1, "werk": 2}
    assert by_id["ann"]["betweenness"] == 2.0  # between cai and ben, cai and werk
    assert by_id["cai"]["betweenness"] == 0.0
    assert {n["community"] for n in found["nodes"]} <= {0, 1, 2, 3}
    assert by_id["werk"]["sectors"] == [{"recordId": "s-energy"}]
    assert by_id["cai"]["sectors"] == [{"recordId": "s-health"}]  # where he works
    assert (by_id["cai"]["name"], by_id["cai"]["country"]) == ("Cai Test", "DK")


def test_each_node_says_from_when_it_is_within_reach(api: Api) -> None:
    found = view(api, ["ann"], depth=2)
    since = {node["node"]["recordId"]: node["since"] for node in found["nodes"]}
    assert since == {
        "ann": None,  # a centre
        "werk": "2015-01-01",
        "ben": "2015-03-01",  # through Werk, before the e-mail of June
        "cai": "2016-05-01",
        "kontor": "2016-05-01",
        "nord": "2016-02-01",
        "dag": "2018-03-01",
    }


@pytest.mark.parametrize("year", [2015, 2016, 2017, 2018, 2019, 2020])
def test_a_replay_by_the_dates_is_the_view_as_of_each_day(api: Api, year: int) -> None:
    today = view(api, ["ann"], depth=2)
    day = f"{year}-12-31"
    then = view(api, ["ann"], depth=2, asOf=day)
    shown = {n["id"] for n in today["nodes"] if n["since"] is None or n["since"] <= day}
    begun = {
        e["id"]
        for e in today["edges"]
        if (e["since"] is None or e["since"] <= day)
        and e["source"] in shown
        and e["target"] in shown
    }
    assert {n["id"] for n in then["nodes"]} == shown
    assert {e["id"] for e in then["edges"]} == begun


def test_as_of_a_day_leaves_out_what_began_later(api: Api) -> None:
    found = view(api, ["ann"], depth=2, asOf="2016-01-01")
    assert set(names(found)) == {"ann", "ben", "werk"}
    assert ties(found) == {
        ("INTERACTION", "ann", "ben"),
        ("EMPLOYMENT", "ann", "werk"),
        ("EMPLOYMENT", "ben", "werk"),
    }


@pytest.mark.parametrize(
    ("arguments", "nodes", "kinds"),
    [
        ({"crossBorderOnly": True}, {"ann", "cai", "werk"}, {"INTERACTION", "EMPLOYMENT"}),
        ({"tieKinds": ["INTERACTION"], "depth": 2}, {"ann", "ben", "cai", "dag"}, {"INTERACTION"}),
        ({"interactionKinds": ["MEETING"], "tieKinds": ["INTERACTION"]}, {"ann", "cai"}, None),
        ({"sectors": ["s-health"], "depth": 2}, {"ann", "cai", "kontor"}, None),
        ({"tieKinds": []}, {"ann"}, set()),
    ],
)
def test_filters(
    api: Api, arguments: dict[str, Any], nodes: set[str], kinds: set[str] | None
) -> None:
    found = view(api, ["ann"], **arguments)
    assert set(names(found)) == nodes
    if kinds is not None:
        assert {edge["kind"] for edge in found["edges"]} == kinds


def test_only_the_interactions_of_the_kinds_asked_for_are_listed(api: Api) -> None:
    found = view(api, ["ann"], interactionKinds=["MEETING"], tieKinds=["INTERACTION"])
    [edge] = found["edges"]
    assert edge["interactions"] == [{"date": "2016-05-01", "kind": "MEETING"}]
    assert edge["evidence"]["interactions"] is not None  # the strength is the whole tie's


def test_a_minimum_strength_drops_weaker_pairs_and_what_only_they_reached(api: Api) -> None:
    found = view(api, ["ann"], tieKinds=["INTERACTION"])
    strengths = sorted(edge["strength"] for edge in found["edges"])
    assert len(strengths) == 2
    assert strengths[0] < strengths[1]
    between = (strengths[0] + strengths[1]) / 2
    stronger = view(api, ["ann"], tieKinds=["INTERACTION"], minStrength=between)
    assert [edge["strength"] for edge in stronger["edges"]] == [strengths[1]]
    assert len(stronger["nodes"]) == 2


def test_several_centres_and_a_lonely_one(api: Api) -> None:
    found = view(api, ["fay", "eli"], depth=0)
    assert names(found) == ["fay", "eli"]
    assert (found["edges"], found["firstDate"]) == ([], None)
    pair = view(api, ["cai", "ann"], depth=0)
    assert ties(pair) == {("INTERACTION", "ann", "cai")}
    assert [node["depth"] for node in pair["nodes"]] == [0, 0]
    alone = view(api, ["fay"], depth=3)
    assert (names(alone), alone["edges"]) == (["fay"], [])


EXPAND = """query ($of: [ID!]!, $shown: [ID!], $asOf: Date = "2021-01-01", $limit: Int) {
  networkExpansion(of: $of, shown: $shown, asOf: $asOf, limit: $limit) {
    limit nodes { id depth node { ... on Person { recordId } ... on Organization { recordId }
                                  ... on Cluster { recordId } } }
    edges { source target kind } } }"""


def shown_ids(found: Any) -> dict[str, str]:
    """Record id -> global id of a view's nodes."""
    return {node["node"]["recordId"]: node["id"] for node in found["nodes"]}


def test_an_expansion_adds_neighbours_not_shown_and_ties_to_what_is(small: Api) -> None:
    shown = shown_ids(view(small, ["cai"]))
    assert set(shown) == {"cai", "ann", "dag", "kontor"}
    found = small.data(
        EXPAND, {"of": [shown["dag"]], "shown": list(shown.values()), "asOf": "2019-12-31"}
    )["networkExpansion"]
    new = {n["node"]["recordId"]: n["depth"] for n in found["nodes"]}
    assert new == {"dag": 0, "nord": 1}  # Cai is shown; Eli met Dag only in 2020
    ids = {global_id: record for record, global_id in shown.items()}
    ids |= {n["id"]: n["node"]["recordId"] for n in found["nodes"]}
    assert {(e["kind"], ids[e["source"]], ids[e["target"]]) for e in found["edges"]} == {
        ("INTERACTION", "cai", "dag"),
        ("EMPLOYMENT", "dag", "nord"),
        ("MEMBERSHIP", "kontor", "nord"),  # from a new node to one shown
    }
    assert found["limit"] == 1


def test_an_expansion_over_its_limit_names_it(small: Api) -> None:
    shown = shown_ids(view(small, ["cai"]))
    [error] = small.errors(EXPAND, {"of": [shown["dag"]], "shown": list(shown.values())})
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["limit"] == "CRM_MAX_EXPANSION_NODES"
    assert (error["extensions"]["maximum"], error["extensions"]["found"]) == (1, 2)
    assert error["message"].startswith("The expansion would add more than 1 nodes")


def test_shown_nodes_are_named_by_global_ids(api: Api) -> None:
    assert api.codes(EXPAND, {"of": ["dag"], "shown": ["cai"]}) == ["BAD_USER_INPUT"]


def test_too_large_a_view_names_the_limit_and_how_to_narrow_it(small: Api) -> None:
    errors = small.errors(VIEW, {"centers": ["ann"], "depth": 2})
    [error] = errors
    assert error["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "CRM_MAX_GRAPH_NODES",
        "maximum": 5,
        "found": 7,
        "counted": "nodes",
    }
    assert "more than 5 nodes" in error["message"]
    assert "minStrength" in error["message"]
    [asked] = small.errors(VIEW, {"centers": ["ann"], "depth": 1, "limit": 3})
    assert (asked["extensions"]["limit"], asked["extensions"]["maximum"]) == ("limit", 3)


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"centers": ["nobody"]}, "NOT_FOUND"),
        ({"centers": ["ann", "nobody"]}, "NOT_FOUND"),
        ({"centers": ["UHJvamVjdDpw"]}, "BAD_USER_INPUT"),  # a project's global id
        ({"centers": []}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "depth": 4}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "depth": -1}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "limit": 0}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "limit": 2001}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "minStrength": 1.5}, "BAD_USER_INPUT"),
        ({"centers": ["ann"], "sectors": ["T3JnYW5pemF0aW9uOndlcms="]}, "BAD_USER_INPUT"),
    ],
)
def test_bad_input(api: Api, variables: dict[str, Any], code: str) -> None:
    assert api.codes(VIEW, variables) == [code]


def test_an_unknown_sector_lets_nothing_in(api: Api) -> None:
    assert names(view(api, ["ann"], sectors=["s-nothing"])) == ["ann"]


def test_round_trips_follow_the_depth_not_the_size(api: Api) -> None:
    query = """query ($c: [ID!]!, $d: Int!) { network(centers: $c, depth: $d, asOf: "2021-01-01")
        { nodes { id degree betweenness community } edges { id strength } } }"""
    # The centres; per level: the walk, the new pairs' strengths, the new nodes; the ties among
    # the outermost nodes and their strengths (where there are pairs to rate).
    for center, depth in (("ann", 1), ("dag", 1), ("eli", 2), ("fay", 3)):
        assert api.round_trips(query, {"c": [center], "d": depth}) <= 1 + 3 * depth + 2


# --- the demo: the figures the browser tests assert ------------------------------------------


def counts(api: Api, centers: list[str], **arguments: Any) -> tuple[int, int]:
    query = """query ($c: [ID!]!, $d: Int!, $asOf: Date) {
        network(centers: $c, depth: $d, asOf: $asOf) { nodes { id } edges { id } } }"""
    variables = {"c": centers, "d": arguments.get("depth", 1), "asOf": arguments.get("asOf")}
    found = api.data(query, variables)["network"]
    return len(found["nodes"]), len(found["edges"])


@pytest.mark.parametrize(
    ("center", "depth", "as_of", "expected"),
    [
        ("p-michael-nedergaard", 1, None, (19, 27)),  # 17 contacts, AluCluster
        ("p-michael-nedergaard", 2, None, (88, 168)),
        ("p-michael-nedergaard", 1, "2012-12-31", (2, 1)),  # his contacts all date from 2016
        ("alucluster", 1, None, (9, 8)),  # 7 members, Michael Nedergaard
        ("alucluster", 2, None, (40, 70)),
        ("alucluster", 1, "2012-12-31", (8, 7)),
        ("alucluster", 2, "2012-12-31", (28, 31)),
    ],
)
def test_known_views_of_the_demo(
    intranet: Api, center: str, depth: int, as_of: str | None, expected: tuple[int, int]
) -> None:
    assert counts(intranet, [center], depth=depth, asOf=as_of) == expected


def test_expanding_michael_nedergaard_in_alucluster_s_view(intranet: Api) -> None:
    query = """query ($c: [ID!]!) { network(centers: $c) { nodes { id name } } }"""
    shown = intranet.data(query, {"c": ["alucluster"]})["network"]["nodes"]
    michael = next(node["id"] for node in shown if node["name"] == "Michael Nedergaard")
    expand = """query ($of: [ID!]!, $shown: [ID!]) { networkExpansion(of: $of, shown: $shown)
        { nodes { name depth } edges { kind } } }"""
    found = intranet.data(expand, {"of": [michael], "shown": [n["id"] for n in shown]})
    expansion = found["networkExpansion"]
    added = [node["name"] for node in expansion["nodes"] if node["depth"] == 1]
    assert len(added) == 17  # his contacts
    assert "Jana Fiktivberg" in added
    kinds = [edge["kind"] for edge in expansion["edges"]]
    assert (kinds.count("INTERACTION"), kinds.count("EMPLOYMENT")) == (26, 9)


def test_the_demo_view_costs_statements_by_depth(intranet: Api) -> None:
    query = """query ($c: [ID!]!) { network(centers: $c, depth: 2) { nodes { id community }
        edges { id strength evidence { sharedEvents { title } } } } }"""
    small = intranet.round_trips(query, {"c": ["p-jana-fiktivberg"]})
    large = intranet.round_trips(query, {"c": ["p-michael-nedergaard"]})
    assert small == large <= 1 + 2 * 3 + 2 + 1  # and one statement for the events


@given(text=hostile_text)
def test_hostile_ids_and_filters_get_typed_answers(api: Api, text: str) -> None:
    """Never an internal error, whatever text names the centres, sectors or nodes shown."""
    for document, variables in (
        (VIEW, {"centers": [text]}),
        (VIEW, {"centers": ["ann"], "sectors": [text]}),
        (EXPAND, {"of": ["ann"], "shown": [text]}),
    ):
        response = api.post(document, variables)
        assert response.status_code in {200, 400}, response.text
        codes = {e["extensions"]["code"] for e in response.json().get("errors", [])}
        assert codes <= {"BAD_USER_INPUT", "NOT_FOUND", "GRAPHQL_VALIDATION_FAILED"}, codes
    response = api.client.get("/export/network.csv", params={"center": text}, headers=api.headers)
    assert response.status_code == 404  # no such format, whatever the centre
    response = api.client.get(
        "/export/network.nodes.csv", params={"center": text, "sector": text}, headers=api.headers
    )
    assert response.status_code in {200, 400, 404}, response.text


def test_too_many_ties_to_read_say_what_narrows_the_reading(intranet: Api) -> None:
    """With a limit of one new node, an expansion reads at most ten ties of a kind: Michael
    Nedergaard has 17 people he interacted with."""
    query = """{ networkExpansion(of: ["p-michael-nedergaard"], limit: 1) { nodes { id } } }"""
    [error] = intranet.errors(query)
    assert error["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "limit",
        "maximum": 10,
        "found": 11,
        "counted": "ties",
    }
    assert error["message"].endswith(
        "narrow it: tieKinds, interactionKinds, crossBorderOnly or an earlier asOf."
    )
