"""Nested selections cost a number of round trips bounded by the depth of the query, not by the
number of parents: every parent of one level is answered by one statement."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crm.config import Settings, load_settings
from tests.api.conftest import Api, serve
from tests.conftest import load_files

ORGANIZATIONS = 220
CONSENT = {"basis": "legitimate_interests", "date": "2020-01-01"}


def network() -> dict[str, Any]:
    """Organisations with two people each; every person attended two of three events."""
    organizations = [
        {
            "id": f"org-{i}",
            "source": "test",
            "name": f"Org {i:03}",
            "kind": "company",
            "country": "DK" if i % 2 else "DE",
        }
        for i in range(ORGANIZATIONS)
    ]
    people: list[dict[str, Any]] = [
        {
            "id": f"p-{i}-{j}",
            "source": "test",
            "givenName": f"Person {j}",
            "familyName": f"Of {i}",
            "country": "DK" if i % 2 else "DE",
            "consent": CONSENT,
        }
        for i in range(ORGANIZATIONS)
        for j in range(2)
    ]
    events = [
        {
            "id": f"e-{k}",
            "source": "test",
            "kind": "workshop",
            "title": f"W{k}",
            "date": "2014-01-0" + str(k + 1),
        }
        for k in range(3)
    ]
    works_at = [
        {
            "from": person["id"],
            "to": person["id"].rsplit("-", 1)[0].replace("p-", "org-"),
            "toLabel": "Organization",
            "role": "CEO",
            "source": "test",
        }
        for person in people
    ]
    attended = [
        {"from": person["id"], "to": f"e-{(n + k) % 3}", "source": "test"}
        for n, person in enumerate(people)
        for k in range(2)
    ]
    return {
        "nodes": {"Organization": organizations, "Person": people, "Event": events},
        "relationships": {"WORKS_AT": works_at, "ATTENDED": attended},
    }


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("round-trips")
    document = folder / "network.json"
    document.write_text(json.dumps(network()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, document)
    return settings


@pytest.fixture(scope="module")
def api(settings: Settings) -> Iterator[Api]:
    """Strawberry's resolvers, which answer every query the compiler does not take."""
    yield from serve(settings.model_copy(update={"compiled_reads": False}))


@pytest.fixture(scope="module")
def compiled(settings: Settings) -> Iterator[Api]:
    """Compiled reads, as served by default."""
    yield from serve(settings)


THREE_LEVELS = """
query ($n: Int!) {
  organizations(first: $n) {
    edges { node { name people(first: 5) { edges { role node { givenName
      events(first: 5) { nodes { title } } } } } } }
  }
}
"""
THREE_LEVELS_COUNTED = """
query ($n: Int!) {
  organizations(first: $n) {
    totalCount
    edges { node { name people(first: 5) { totalCount edges { role node { givenName familyName
      events(first: 5) { totalCount nodes { title } } } } } } }
  }
}
"""


def test_three_levels_cost_three_round_trips_for_50_or_200_parents(api: Api) -> None:
    costs = {n: api.round_trips(THREE_LEVELS, {"n": n}) for n in (50, 200)}
    assert costs == {50: 3, 200: 3}


def test_counts_cost_one_round_trip_per_level_whatever_the_parents(api: Api) -> None:
    costs = {n: api.round_trips(THREE_LEVELS_COUNTED, {"n": n}) for n in (50, 200)}
    assert costs == {50: 6, 200: 6}


def test_the_batched_answer_is_each_parents_own(api: Api) -> None:
    data = api.data(THREE_LEVELS_COUNTED, {"n": 200})
    organizations = data["organizations"]
    assert organizations["totalCount"] == ORGANIZATIONS
    for edge in organizations["edges"]:
        org = edge["node"]
        number = int(org["name"].split()[1])
        people = org["people"]
        assert people["totalCount"] == 2
        assert {p["node"]["givenName"] for p in people["edges"]} == {"Person 0", "Person 1"}
        assert {p["node"]["familyName"] for p in people["edges"]} == {f"Of {number}"}
        for person in people["edges"]:
            assert person["role"] == "CEO"
            assert person["node"]["events"]["totalCount"] == 2
            assert len(person["node"]["events"]["nodes"]) == 2


def test_a_page_without_total_count_does_not_count(api: Api) -> None:
    assert api.round_trips("{ organizations(first: 10) { nodes { name } } }") == 1
    assert api.round_trips("{ organizations(first: 10) { totalCount } }") == 2


@pytest.mark.parametrize("document", [THREE_LEVELS, THREE_LEVELS_COUNTED])
def test_a_compiled_read_costs_one_round_trip_whatever_the_depth_and_parents(
    compiled: Api, document: str
) -> None:
    costs = {n: compiled.round_trips(document, {"n": n}) for n in (1, 50, 200)}
    assert costs == {1: 1, 50: 1, 200: 1}


def test_a_compiled_read_costs_one_round_trip_per_top_level_field(compiled: Api) -> None:
    document = """query ($n: Int!) {
      a: organizations(first: $n) {
        totalCount nodes { people { nodes { events { totalCount } } } } }
      b: people(first: $n) { edges { node { employers { nodes { __typename } } } } }
      c: organization(id: "org-7") { people { edges { role } } }
      __typename }"""
    assert compiled.round_trips(document, {"n": 200}) == 3


def test_the_compiled_answer_is_the_resolvers_answer(api: Api, compiled: Api) -> None:
    assert compiled.data(THREE_LEVELS_COUNTED, {"n": 200}) == api.data(
        THREE_LEVELS_COUNTED, {"n": 200}
    )
