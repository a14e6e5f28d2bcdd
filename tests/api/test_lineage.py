"""``initiative.lineage``: the events an initiative emerged from, who was in the room for whom,
its partners and the projects behind it, as one dated timeline; as of a date."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.tiny_network import serve_network

LINEAGE = """
query ($id: ID!, $asOf: Date) {
  initiative(id: $id) {
    lineage(asOf: $asOf) {
      timeline {
        date kind event { recordId } topics { name } projects { name } countries
        attendees {
          person { recordId country }
          employers { role organization { __typename ... on Cluster { name }
                                          ... on Organization { name } } }
        }
      }
      partners { role organization { ... on Cluster { recordId }
                                    ... on Organization { recordId } } }
      projects { recordId }
      countries
    }
  }
}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve_network(tmp_path_factory)


def lineage(api: Api, initiative: str, as_of: str | None = None) -> Any:
    return api.data(LINEAGE, {"id": initiative, "asOf": as_of})["initiative"]["lineage"]


WORKSHOP = {
    "date": "2013-03-01",
    "kind": "EMERGED_FROM",
    "event": {"recordId": "w"},
    "topics": [{"name": "District heating"}],
    "projects": [{"name": "P"}],
    "countries": ["DE", "DK"],
    "attendees": [
        {
            "person": {"recordId": "anna", "country": "DE"},
            "employers": [
                {"role": "CEO", "organization": {"__typename": "Organization", "name": "Südwerk"}}
            ],
        },
        # Bo joined Nordklynge in 2014: on the day of the workshop he had no employer.
        {"person": {"recordId": "bo", "country": "DK"}, "employers": []},
    ],
}
STARTED: dict[str, Any] = {
    "date": "2015-01-01",
    "kind": "STARTED",
    "event": None,
    "topics": [],
    "projects": [],
    "countries": [],
    "attendees": [],
}
PARTNERS = [
    {"role": "lead", "organization": {"recordId": "nordklynge"}},
    {"role": None, "organization": {"recordId": "suedwerk"}},
]


def test_a_lineage_is_one_dated_timeline(tiny: Api) -> None:
    assert lineage(tiny, "j") == {
        "timeline": [WORKSHOP, STARTED],
        "partners": PARTNERS,
        "projects": [{"recordId": "p"}],
        "countries": ["DE", "DK"],
    }


def test_as_of_a_date_hides_what_came_later(tiny: Api) -> None:
    assert lineage(tiny, "j", "2014-12-31")["timeline"] == [WORKSHOP]
    before = lineage(tiny, "j", "2013-02-28")
    assert before["timeline"] == []
    assert before["partners"] == PARTNERS  # partnerships carry no date


def test_an_initiative_without_partners_or_start(tiny: Api) -> None:
    assert lineage(tiny, "i") == {
        "timeline": [
            {
                "date": "2014-09-01",
                "kind": "EMERGED_FROM",
                "event": {"recordId": "c"},
                "topics": [],
                "projects": [{"name": "P"}],
                "countries": ["DE"],
                "attendees": [{"person": {"recordId": "carl", "country": "DE"}, "employers": []}],
            }
        ],
        "partners": [],
        "projects": [{"recordId": "p"}],
        "countries": ["DE"],
    }


def test_an_intranet_initiative(intranet: Api) -> None:
    found = lineage(intranet, "ini-care-logistics")
    steps = found["timeline"]
    assert [(step["date"], step["event"]["recordId"]) for step in steps] == [
        ("2013-06-13", "ev-intranet-workshop-2"),
        ("2014-03-20", "ev-intranet-network-meeting-2"),
    ]
    assert [len(step["attendees"]) for step in steps] == [27, 33]
    assert [[topic["name"] for topic in step["topics"]] for step in steps] == [
        ["Joint business development"],
        ["Joint business development", "Network and relationship management"],
    ]
    assert found["projects"] == [{"recordId": "intranet"}]
    assert found["countries"] == ["DE", "DK"]
    assert [(p["role"], p["organization"]["recordId"]) for p in found["partners"]] == [
        ("partner", "cl-beispielhafen-gesundheit"),
        ("partner", "org-demo-gesundheitsdaten"),
        ("partner", "org-fiktivholm-rehab"),
        ("partner", "org-musterverband-pflege-nord"),
        ("initiator", "cl-proevested-omsorg"),
    ]


def test_lineages_of_many_initiatives_cost_two_round_trips(intranet: Api) -> None:
    document = """
    { initiatives(first: 7) { nodes { lineage { timeline { date attendees { person { recordId } }
      employers: attendees { employers { role } } } partners { role } } } } }
    """
    assert intranet.round_trips(document) == 1 + 2
    found = intranet.data(document)["initiatives"]["nodes"]
    assert all(initiative["lineage"]["timeline"] for initiative in found)


PROJECT_INITIATIVES = """query ($asOf: Date) { project(id: "p") { initiatives(asOf: $asOf) {
    recordId lineage { timeline { date kind } } } } }"""


def test_a_projects_initiatives_side_by_side(tiny: Api) -> None:
    """I emerged from the 2014 conference; J from the 2013 workshop but started only in 2015."""
    found = tiny.data(PROJECT_INITIATIVES)["project"]["initiatives"]
    assert [n["recordId"] for n in found] == ["i", "j"]
    assert [entry["kind"] for entry in found[1]["lineage"]["timeline"]] == [
        "EMERGED_FROM",
        "STARTED",
    ]
    before = tiny.data(PROJECT_INITIATIVES, {"asOf": "2014-12-31"})["project"]["initiatives"]
    assert [n["recordId"] for n in before] == ["i"]


def test_the_intranet_initiatives_in_the_order_they_began(intranet: Api) -> None:
    query = '{ project(id: "intranet") { initiatives { name } } }'
    names = [n["name"] for n in intranet.data(query)["project"]["initiatives"]]
    assert len(names) == 7
    assert names[0] == "Cross-border welfare technology testbed"  # workshop 1, 2012-11-08
    assert names[-1] == "Event and festival technology lab"  # network meeting 2, 2014-03-20
    everything = """{ projects { nodes { initiatives { lineage { timeline { date } } } } } }"""
    assert intranet.round_trips(everything) == 1 + 1 + 2  # the list, initiatives, lineages
