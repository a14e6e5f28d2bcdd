"""The network questions on the InTra-Net demo: answers, bad input, round trips."""

import pytest

from tests.api.conftest import Api

NESTED = """{ people(first: %d) { nodes { ties(first: 3) { person { ties(first: 2) {
    strength person { recordId } } } } } } }"""


def test_ties_of_michael_nedergaard(intranet: Api) -> None:
    ties = intranet.data(
        '{ person(id: "p-michael-nedergaard") { ties(first: 3, '
        "crossBorder: true) { strength crossesBorder person { country } "
        "evidence { events { title } } } } }"
    )["person"]["ties"]
    assert len(ties) == 3
    assert all(t["crossesBorder"] and t["person"]["country"] == "DE" for t in ties)


def test_introductions_to_a_cluster_are_ranked(intranet: Api) -> None:
    paths = intranet.data(
        '{ introductionPaths(from: "p-jana-fiktivberg", to: "alucluster", '
        "maxHops: 3, first: 3) { score hops { person { recordId } } } }"
    )["introductionPaths"]
    assert paths[0]["hops"][-1]["person"]["recordId"] == "p-michael-nedergaard"
    scores = [p["score"] for p in paths]
    assert scores == sorted(scores, reverse=True)


def test_every_question_answers(intranet: Api) -> None:
    data = intranet.data("""{
      brokers(first: 1, organizations: true) { organization { recordId } score }
      crossBorderTies(first: 1, kind: MEETING, sector: "sector-energy") { totalCount
        bySectorPair { sectors ties } }
      lonelyMembers(cluster: "alucluster", asOf: "2012-01-01") { organization { recordId } }
      unmetClusters { sectors }
      suggestedPartners(organization: "org-fiktivsen-automation", first: 1) { reasons }
      communities(first: 1) { size countries { dk de } }
    }""")
    assert data["brokers"][0]["score"] > 0
    assert data["crossBorderTies"]["totalCount"] > 0
    assert len(data["lonelyMembers"]) == 4
    assert data["unmetClusters"] == []  # InTra-Net brought every cluster together
    assert "both active in energy" in data["suggestedPartners"][0]["reasons"]
    assert data["communities"][0]["countries"] == {"dk": 36, "de": 36}


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (
            '{ introductionPaths(from: "p-jana-fiktivberg", to: "alucluster", maxHops: 5) '
            "{ score } }",
            "BAD_USER_INPUT",
        ),
        ('{ introductionPaths(from: "p-nobody", to: "alucluster") { score } }', "NOT_FOUND"),
        ('{ introductionPaths(from: "alucluster", to: "alucluster") { score } }', "NOT_FOUND"),
        (
            '{ introductionPaths(from: "Q2x1c3RlcjphbHVjbHVzdGVy", to: "alucluster") { score } }',
            "BAD_USER_INPUT",
        ),
        ("{ brokers(first: 100000) { score } }", "BAD_USER_INPUT"),
        ('{ suggestedPartners(organization: "alucluster") { score } }', "NOT_FOUND"),
        ('{ crossBorderTies(after: "nonsense") { totalCount } }', "BAD_USER_INPUT"),
    ],
)
def test_bad_input_is_a_typed_error(intranet: Api, document: str, code: str) -> None:
    assert intranet.codes(document) == [code]


def test_an_as_of_that_does_not_parse_is_refused(intranet: Api) -> None:
    response = intranet.post('{ brokers(asOf: "2013-13-01") { score } }')
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_nested_ties_cost_round_trips_by_depth(intranet: Api) -> None:
    assert intranet.round_trips(NESTED % 2) == intranet.round_trips(NESTED % 10)


def test_an_as_of_variable_that_does_not_parse_is_refused(intranet: Api) -> None:
    response = intranet.post(
        "query ($day: Date) { brokers(asOf: $day) { score } }", {"day": "yesterday"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_cross_border_ties_filtered_by_period_and_paged(intranet: Api) -> None:
    query = """query ($after: String) { crossBorderTies(first: 2, after: $after,
        dateFrom: "2013-01-01", dateTo: "2013-12-31") { totalCount pageInfo { hasNextPage
        endCursor } nodes { a { recordId } b { recordId } firstContact lastContact } } }"""
    first = intranet.data(query)["crossBorderTies"]
    second = intranet.data(query, {"after": first["pageInfo"]["endCursor"]})["crossBorderTies"]
    assert first["totalCount"] == 21  # the 21 pairs who interacted in 2013
    assert first["pageInfo"]["hasNextPage"]
    pairs = [(t["a"]["recordId"], t["b"]["recordId"]) for t in first["nodes"] + second["nodes"]]
    assert pairs == sorted(set(pairs))
    assert all("2013" <= t["firstContact"] <= t["lastContact"] < "2014" for t in first["nodes"])


def test_ties_under_introduction_hops_are_one_statement_a_level(intranet: Api) -> None:
    query = """{ introductionPaths(from: "p-jana-fiktivberg", to: "alucluster", first: %d) {
        hops { person { ties(first: 2) { strength } } } } }"""
    assert intranet.round_trips(query % 1) == intranet.round_trips(query % 5)


def test_as_of_leaves_out_later_events(intranet: Api) -> None:
    """Event dates are indexed text: FalkorDB's range index must not answer ``<=`` for them
    (FalkorDB#2239), or every event would count on every day."""
    as_of = "2013-06-01"
    people = intranet.data(
        '{ people(first: 200) { nodes { ties(first: 50, asOf: "2013-06-01") { evidence { '
        "events { date } } } } } }"
    )["people"]["nodes"]
    dates = {e["date"] for p in people for t in p["ties"] for e in t["evidence"]["events"]}
    assert dates
    assert max(dates) <= as_of


# --- the README's examples (section "The network questions"), answer for answer --------------


def test_readme_tie_strength(intranet: Api) -> None:
    [tie] = intranet.data("""{ person(id: "p-michael-nedergaard") { ties(first: 1,
        crossBorder: true, asOf: "2016-12-31") { strength lastContact person { familyName }
        evidence { sharedEvents { title } sharedEmployers { __typename }
                   sharedInitiatives { name } } } } }""")["person"]["ties"]
    assert round(tie["strength"], 3) == 0.435
    assert tie["lastContact"] == "2016-03-25"
    assert tie["person"] == {"familyName": "Erfunden"}
    assert tie["evidence"] == {
        "sharedEvents": [
            {"title": "InTra-Net final conference"},
            {"title": "InTra-Net workshop 1"},
        ],
        "sharedEmployers": [],
        "sharedInitiatives": [],
    }


def test_readme_introductions(intranet: Api) -> None:
    paths = intranet.data("""{ introductionPaths(from: "p-jana-fiktivberg", to: "alucluster",
        maxHops: 3, first: 2, asOf: "2016-12-31") { score borderCrossings hops {
        person { familyName } employer { ... on Cluster { name } ... on Organization { name } }
        country strength } } }""")["introductionPaths"]
    assert [round(path["score"], 3) for path in paths] == [0.427, 0.142]
    assert paths[0]["borderCrossings"] == [0]
    assert paths[0]["hops"] == [
        {
            "person": {"familyName": "Nedergaard"},
            "employer": {"name": "AluCluster"},
            "country": "DK",
            "strength": paths[0]["score"],
        }
    ]
    via = paths[1]["hops"][0]
    assert (via["person"], via["employer"], via["country"]) == (
        {"familyName": "Erfunden"},
        {"name": "Mustermedia Filmproduktion GmbH"},
        "DE",
    )
    assert paths[1]["borderCrossings"] == [1]


def test_readme_cross_border_ties(intranet: Api) -> None:
    ties = intranet.data("""{ crossBorderTies(first: 10) { totalCount interactions
        bySectorPair { sectorPair { name } ties } } }""")["crossBorderTies"]
    assert (ties["totalCount"], ties["interactions"]) == (145, 147)
    assert ties["bySectorPair"][0] == {
        "sectorPair": [{"name": "Energy"}, {"name": "Experience economy"}],
        "ties": 35,
    }


def test_readme_gaps_and_partners(intranet: Api) -> None:
    data = intranet.data("""{
      lonelyMembers(cluster: "alucluster", asOf: "2012-01-01") { organization { name }
        staff { familyName } }
      unmetClusters(asOf: "2012-06-01") { first { name } second { name } sharedSectors { name } }
      suggestedPartners(organization: "org-fiktivsen-automation", first: 1) {
        organization { name } score reasons sharedSectors { name } sharedEvents { title }
        sharedTopics { name } commonContacts { name } } }""")
    assert data["lonelyMembers"][:2] == [
        {"organization": {"name": "Demo Erhvervsråd"}, "staff": [{"familyName": "Eksempelgaard"}]},
        {
            "organization": {"name": "Fiktivsen Automation ApS"},
            "staff": [{"familyName": "Pladsholderbæk"}, {"familyName": "Prøvesen"}],
        },
    ]
    assert len(data["lonelyMembers"]) == 4
    assert data["unmetClusters"] == [
        {
            "first": {"name": "Fiktivholm Sundhedsinnovation"},
            "second": {"name": "Musterwiek Medizintechnik Netzwerk"},
            "sharedSectors": [{"name": "Health"}],
        }
    ]
    [best] = data["suggestedPartners"]
    assert (best["organization"]["name"], best["score"]) == (
        "Beispielwerft Schiffstechnik GmbH",
        14,
    )
    assert best["reasons"][:3] == [
        "both active in energy",
        "both active in manufacturing",
        "both attended InTra-Net final conference",
    ]
    assert best["reasons"][-1] == "both took part in events on joint business development"
    assert best["sharedSectors"] == [{"name": "Energy"}, {"name": "Manufacturing"}]
    assert (len(best["sharedEvents"]), len(best["sharedTopics"]), best["commonContacts"]) == (
        3,
        2,
        [],
    )
