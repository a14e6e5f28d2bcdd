"""``stats(asOf:)``: the dashboard's figures on the demo (the article's figures among them) and
on a hand-built network, as of dates before and after its records."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.tiny_network import serve_network

STATS = """
query ($asOf: Date) {
  stats(asOf: $asOf) {
    asOf
    totals { clusters organizations people events initiatives projects topics sectors regions
             documents interactions crossBorderInteractions attendances memberships jobs }
    byCountry { country clusters organizations people }
    bySector { sector { recordId } clusters organizations initiatives projects }
    byCountryAndSector { country sector { name } clusters organizations }
    eventsByYear { year events attendance recordedAttendees }
    crossBorderInteractionsByYear { year interactions }
    funding { programme fund projects totalInvestmentEur euContributionEur cofinancingRate
              events eventsByKind { kind events attendance } attendance initiatives }
    fundingByProject { project { recordId name } totalInvestmentEur euContributionEur
                       cofinancingRate events eventsByKind { kind events attendance }
                       attendance initiatives }
  }
}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from serve_network(tmp_path_factory)


def stats(api: Api, as_of: str | None = None) -> Any:
    return api.data(STATS, {"asOf": as_of})["stats"]


def test_the_demo_reproduces_the_articles_figures(intranet: Api) -> None:
    funding = {line["programme"]: line for line in stats(intranet)["funding"]}
    assert funding["Syddanmark-Schleswig K.E.R.N"] == {
        "programme": "Syddanmark-Schleswig K.E.R.N",
        "fund": "European Regional Development Fund (ERDF)",
        "projects": 1,
        "totalInvestmentEur": 295578,
        "euContributionEur": 192126,
        "cofinancingRate": 0.65,
        "events": 6,
        "eventsByKind": [
            {"kind": "CONFERENCE", "events": 1, "attendance": 171},
            {"kind": "NETWORK_MEETING", "events": 2, "attendance": 64},
            {"kind": "WORKSHOP", "events": 3, "attendance": 75},
        ],
        "attendance": 310,
        "initiatives": 7,
    }


def test_the_demo_per_project(intranet: Api) -> None:
    lines = stats(intranet)["fundingByProject"]
    names = [line["project"]["name"] for line in lines]
    assert names == sorted(names)
    assert len(names) == 3
    intranet_line = next(line for line in lines if line["project"]["recordId"] == "intranet")
    assert intranet_line == {
        "project": {"recordId": "intranet", "name": "InTra-Net"},
        "totalInvestmentEur": 295578,
        "euContributionEur": 192126,
        "cofinancingRate": 0.65,
        "events": 6,
        "eventsByKind": [
            {"kind": "CONFERENCE", "events": 1, "attendance": 171},
            {"kind": "NETWORK_MEETING", "events": 2, "attendance": 64},
            {"kind": "WORKSHOP", "events": 3, "attendance": 75},
        ],
        "attendance": 310,
        "initiatives": 7,
    }
    # The programmes' lines add up to the projects'.
    found = stats(intranet)
    for key in ("totalInvestmentEur", "events", "attendance", "initiatives"):
        assert sum(line[key] for line in found["funding"]) == sum(line[key] for line in lines)


def test_the_demos_totals_and_trends(intranet: Api) -> None:
    found = stats(intranet)
    assert found["asOf"] is None
    assert found["totals"] == {
        "clusters": 14, "organizations": 72, "people": 172, "events": 16, "initiatives": 7,
        "projects": 3, "topics": 9, "sectors": 5, "regions": 2, "documents": 9,
        "interactions": 460, "crossBorderInteractions": 147, "attendances": 392, "memberships": 114,
        "jobs": 188,
    }  # fmt: skip
    assert found["byCountry"] == [
        {"country": "DE", "clusters": 7, "organizations": 36, "people": 84},
        {"country": "DK", "clusters": 7, "organizations": 36, "people": 88},
    ]
    assert found["bySector"][0] == {
        "sector": {"recordId": "sector-energy"},
        "clusters": 4, "organizations": 30, "initiatives": 4, "projects": 2,
    }  # fmt: skip
    assert len(found["byCountryAndSector"]) == 10
    assert found["byCountryAndSector"][:2] == [
        {"country": "DE", "sector": {"name": "Energy"}, "clusters": 2, "organizations": 15},
        {"country": "DK", "sector": {"name": "Energy"}, "clusters": 2, "organizations": 15},
    ]
    assert [row["year"] for row in found["eventsByYear"]] == list(range(2011, 2017))
    assert found["eventsByYear"][2] == {
        "year": 2013, "events": 4, "attendance": 1531, "recordedAttendees": 92,
    }  # fmt: skip
    assert found["crossBorderInteractionsByYear"] == [
        {"year": year, "interactions": count}
        for year, count in zip(range(2010, 2017), (3, 7, 11, 21, 27, 33, 45), strict=True)
    ]


def test_the_demos_memberships_and_jobs_as_of_a_date(intranet: Api) -> None:
    totals = stats(intranet, "2013-01-01")["totals"]
    assert (totals["memberships"], totals["jobs"]) == (81, 161)
    totals = stats(intranet, "2011-01-01")["totals"]
    assert (totals["memberships"], totals["jobs"]) == (48, 127)


def test_the_demo_before_the_first_workshop(intranet: Api) -> None:
    found = stats(intranet, "2012-11-07")
    kern = [line for line in found["funding"] if line["programme"].endswith("K.E.R.N")]
    assert (kern[0]["events"], kern[0]["initiatives"]) == (0, 0)
    after = stats(intranet, "2012-11-08")
    kern = [line for line in after["funding"] if line["programme"].endswith("K.E.R.N")]
    assert (kern[0]["events"], kern[0]["initiatives"]) == (1, 1)


def test_a_hand_built_network_now(tiny: Api) -> None:
    found = stats(tiny)
    assert found["totals"] == {
        "clusters": 1, "organizations": 1, "people": 3, "events": 2, "initiatives": 2,
        "projects": 1, "topics": 1, "sectors": 1, "regions": 0, "documents": 0,
        "interactions": 3, "crossBorderInteractions": 2, "attendances": 3, "memberships": 0,
        "jobs": 2,
    }  # fmt: skip
    assert found["bySector"] == [
        {"sector": {"recordId": "s-energy"}, "clusters": 1, "organizations": 1,
         "initiatives": 1, "projects": 0},
    ]  # fmt: skip
    assert found["byCountryAndSector"] == [
        {"country": "DE", "sector": {"name": "Energy"}, "clusters": 0, "organizations": 1},
        {"country": "DK", "sector": {"name": "Energy"}, "clusters": 1, "organizations": 0},
    ]
    assert found["eventsByYear"] == [
        {"year": 2013, "events": 1, "attendance": 2, "recordedAttendees": 2},
        {"year": 2014, "events": 1, "attendance": 100, "recordedAttendees": 1},
    ]
    assert found["crossBorderInteractionsByYear"] == [
        {"year": 2013, "interactions": 1},
        {"year": 2014, "interactions": 1},
    ]
    assert found["funding"] == [
        {
            "programme": "Interreg", "fund": "ERDF", "projects": 1, "totalInvestmentEur": 1000,
            "euContributionEur": 600, "cofinancingRate": 0.6, "events": 2,
            "eventsByKind": [
                {"kind": "CONFERENCE", "events": 1, "attendance": 100},
                {"kind": "WORKSHOP", "events": 1, "attendance": 2},
            ],
            "attendance": 102, "initiatives": 2,
        }
    ]  # fmt: skip


def test_as_of_a_date_hides_what_came_later(tiny: Api) -> None:
    found = stats(tiny, "2014-01-01")
    assert found["asOf"] == "2014-01-01"
    totals = found["totals"]
    # The conference, its initiative I, J (started 2015) and the 2014 call are hidden.
    assert (totals["events"], totals["initiatives"], totals["interactions"]) == (1, 0, 2)
    assert (totals["crossBorderInteractions"], totals["attendances"]) == (1, 1 + 1)
    assert totals["jobs"] == 2  # Bo's job at Nordklynge starts on the day
    assert found["bySector"][0]["initiatives"] == 0
    assert found["crossBorderInteractionsByYear"] == [{"year": 2013, "interactions": 1}]
    assert [(line["events"], line["attendance"], line["initiatives"])
            for line in found["funding"]] == [(1, 2, 0)]  # fmt: skip
    assert [(line["project"]["recordId"], line["events"], line["attendance"])
            for line in found["fundingByProject"]] == [("p", 1, 2)]  # fmt: skip


def test_a_started_initiative_shows_from_its_start(tiny: Api) -> None:
    assert stats(tiny, "2014-12-31")["totals"]["initiatives"] == 1
    assert stats(tiny, "2015-01-01")["totals"]["initiatives"] == 2
    assert stats(tiny, "2015-01-01")["funding"][0]["initiatives"] == 2


def test_before_its_funding_period_a_project_is_not_there(tiny: Api) -> None:
    found = stats(tiny, "2011-12-31")
    assert found["funding"] == found["fundingByProject"] == []
    assert (found["totals"]["projects"], found["totals"]["events"]) == (0, 0)
    # Records without a date of their own count at every date.
    assert (found["totals"]["people"], found["totals"]["clusters"]) == (3, 1)
    assert found["totals"]["jobs"] == 1  # Anna's, since 2010


def test_each_section_costs_one_round_trip_then_none(intranet: Api) -> None:
    intranet.data("{ stats { byCountry { country } } }")  # the one section without a date
    # a date no other test asks about, so nothing else is kept for it yet
    assert intranet.round_trips(STATS, {"asOf": "2014-01-02"}) == 7
    assert intranet.round_trips(STATS, {"asOf": "2014-01-02"}) == 0
    only_people = "query ($asOf: Date) { stats(asOf: $asOf) { totals { people } } }"
    assert intranet.round_trips(only_people, {"asOf": "2014-01-03"}) == 1


@pytest.mark.parametrize("as_of", ["2014-13-01", "yesterday", "2014-1-1"])
def test_an_as_of_that_does_not_parse_is_refused(intranet: Api, as_of: str) -> None:
    response = intranet.post(STATS, {"asOf": as_of})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_an_empty_graph_counts_zero(empty: Api) -> None:
    found = stats(empty, "2014-01-01")
    assert set(found["totals"].values()) == {0}
    sections = ("byCountry", "bySector", "byCountryAndSector", "eventsByYear",
                "crossBorderInteractionsByYear", "funding", "fundingByProject")  # fmt: skip
    assert [found[name] for name in sections] == [[]] * 7


def test_whole_graph_figures_are_kept_until_a_write(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """What the home page and the dashboard ask every visitor: computed once per version of the
    graph; a write drops them and the next answer counts it."""
    home = """{ stats { totals { interactions crossBorderInteractions } byCountry { country people }
      crossBorderInteractionsByYear { year interactions } }
      crossBorderTies(first: 0) { totalCount interactions } }"""
    for api in serve_network(tmp_path_factory):
        first = api.round_trips(home)
        before = api.data(home)
        assert first > 0
        assert api.round_trips(home) == 0  # kept: no statement ran
        api.data(
            'mutation { recordInteraction(from: "anna", to: "bo", '
            'interaction: {kind: MEETING, date: "2020-09-01"}) { outcome } }'
        )
        assert api.round_trips(home) == first  # the write dropped them
        after = api.data(home)
        for figure in ("interactions", "crossBorderInteractions"):
            assert after["stats"]["totals"][figure] == before["stats"]["totals"][figure] + 1
        ties = before["crossBorderTies"], after["crossBorderTies"]
        assert ties[1]["interactions"] == ties[0]["interactions"] + 1
        assert {"year": 2020, "interactions": 1} in after["stats"]["crossBorderInteractionsByYear"]
