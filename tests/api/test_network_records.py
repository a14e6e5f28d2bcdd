"""The network answers name records, not strings or counts: a tie's evidence (events,
employers, initiatives), an introduction hop's employer, a lonely member's people, the sectors
of unmet clusters and of cross-border sector pairs, the grounds of a partner suggestion. The
fields they replace still answer, marked deprecated."""

from collections.abc import Iterator

import pytest

from crm.api.schema import SCHEMA
from tests.api.conftest import Api
from tests.api.tiny_network import serve_network


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve_network(tmp_path_factory)


def test_a_ties_evidence_names_its_records(tiny: Api) -> None:
    """Anna and Bo both attended the workshop, and Südwerk and Nordklynge (where they work)
    are both partners in J."""
    query = """{ person(id: "anna") { ties(asOf: "2016-01-01") { person { recordId } evidence {
        sharedEvents { recordId date } sharedInitiatives { recordId name }
        sharedEmployers { __typename }
        events { title } initiatives organizations } } } }"""
    ties = {t["person"]["recordId"]: t["evidence"] for t in tiny.data(query)["person"]["ties"]}
    assert ties["bo"] == {
        "sharedEvents": [{"recordId": "w", "date": "2013-03-01"}],
        "sharedInitiatives": [{"recordId": "j", "name": "J"}],
        "sharedEmployers": [],
        "events": [{"title": "Workshop"}],
        "initiatives": ["J"],
        "organizations": [],
    }


def test_shared_employers_are_the_organisations_themselves(tiny: Api) -> None:
    """Nobody in the tiny network shares an employer; the small one's people do."""
    query = """{ person(id: "anna") { ties { evidence { sharedEmployers { __typename } } } } }"""
    assert all(t["evidence"]["sharedEmployers"] == [] for t in tiny.data(query)["person"]["ties"])


def test_a_hop_names_its_employer(tiny: Api) -> None:
    query = """{ introductionPaths(from: "carl", to: "bo", asOf: "2016-01-01") { hops {
        person { recordId } organization
        employer { __typename ... on Organization { recordId } ... on Cluster { recordId } }
      } } }"""
    [path] = tiny.data(query)["introductionPaths"]
    assert path["hops"] == [
        {
            "person": {"recordId": "anna"},
            "organization": "Südwerk",
            "employer": {"__typename": "Organization", "recordId": "suedwerk"},
        },
        {
            "person": {"recordId": "bo"},
            "organization": "Nordklynge",
            "employer": {"__typename": "Cluster", "recordId": "nordklynge"},
        },
    ]


def test_a_hop_without_a_job_has_no_employer(tiny: Api) -> None:
    query = """{ introductionPaths(from: "anna", to: "carl") { hops { organization
        employer { __typename } } } }"""
    [path] = tiny.data(query)["introductionPaths"]
    assert path["hops"] == [{"organization": None, "employer": None}]


def test_the_gaps_name_people_and_sectors(intranet: Api) -> None:
    data = intranet.data("""{
      lonelyMembers(cluster: "alucluster", asOf: "2012-01-01") {
        organization { recordId } people staff { recordId familyName } }
      unmetClusters(asOf: "2012-06-01") { sectors sharedSectors { recordId name } }
      crossBorderTies { bySectorPair { sectors sectorPair { name } } } }""")
    lonely = data["lonelyMembers"]
    assert [member["people"] for member in lonely] == [1, 2, 3, 2]
    assert all(len(member["staff"]) == member["people"] for member in lonely)
    names = [person["familyName"] for person in lonely[1]["staff"]]
    assert names == ["Pladsholderbæk", "Prøvesen"]  # Fiktivsen Automation ApS, by family name
    assert data["unmetClusters"] == [
        {"sectors": ["Health"], "sharedSectors": [{"recordId": "sector-health", "name": "Health"}]}
    ]
    pairs = data["crossBorderTies"]["bySectorPair"]
    assert pairs[0] == {
        "sectors": ["Energy", "Experience economy"],
        "sectorPair": [{"name": "Energy"}, {"name": "Experience economy"}],
    }
    assert all([s and s["name"] for s in pair["sectorPair"]] == pair["sectors"] for pair in pairs)


def test_a_sector_pair_with_a_side_in_no_sector(tiny: Api) -> None:
    """Carl works nowhere, so his ties to Anna's side have no sector on his."""
    query = "{ crossBorderTies { bySectorPair { sectors sectorPair { recordId } ties } } }"
    pairs = tiny.data(query)["crossBorderTies"]["bySectorPair"]
    assert {"sectors": ["Energy", "Energy"], "sectorPair": [{"recordId": "s-energy"}] * 2,
            "ties": 1} in pairs  # fmt: skip


def test_a_partner_suggestions_grounds_are_records(intranet: Api) -> None:
    [best] = intranet.data("""{ suggestedPartners(organization: "org-fiktivsen-automation",
        first: 1) { organization { name } score reasons sharedSectors { recordId }
        sharedEvents { recordId } sharedTopics { recordId } commonContacts { recordId } } }""")[
        "suggestedPartners"
    ]
    assert best["organization"]["name"] == "Beispielwerft Schiffstechnik GmbH"
    grounds = (
        3 * len(best["sharedSectors"])
        + 2 * len(best["sharedEvents"])
        + len(best["sharedTopics"])
        + len(best["commonContacts"])
    )
    assert grounds == best["score"] == 14
    assert len(best["reasons"]) == 7
    assert [s["recordId"] for s in best["sharedSectors"]] == [
        "sector-energy",
        "sector-manufacturing",
    ]


@pytest.mark.parametrize(
    ("type_name", "field", "replacement"),
    [
        ("TieEvidence", "events", "sharedEvents"),
        ("TieEvidence", "organizations", "sharedEmployers"),
        ("TieEvidence", "initiatives", "sharedInitiatives"),
        ("IntroductionHop", "organization", "employer"),
        ("LonelyMember", "people", "staff"),
        ("UnmetClusters", "sectors", "sharedSectors"),
        ("TiesBySectorPair", "sectors", "sectorPair"),
    ],
)
def test_the_old_fields_are_deprecated_naming_their_replacement(
    type_name: str, field: str, replacement: str
) -> None:
    definition = SCHEMA._schema.get_type(type_name).fields[field]  # type: ignore[union-attr]
    assert definition.deprecation_reason is not None
    assert definition.deprecation_reason.startswith(f"Use {replacement},")


def test_records_in_evidence_cost_a_statement_a_label_not_a_tie(intranet: Api) -> None:
    query = """{ people(first: %d) { nodes { ties(first: 5) { evidence {
        sharedEvents { title } sharedInitiatives { name }
        sharedEmployers { ... on Organization { name } } } } } } }"""
    # The list, the ties, then one statement per label the records have (Event, Initiative,
    # Organization, Cluster), however many people and ties.
    assert intranet.round_trips(query % 172) <= 1 + 1 + 4
