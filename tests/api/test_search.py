"""``search``: German, Danish and English words find the same records; case, accents and query
syntax do not matter; records written through the API are found at once."""

from typing import Any

import pytest

from tests.api.conftest import Api

SEARCH = """
query ($text: String!, $types: [Label!], $first: Int) {
  search(text: $text, types: $types, first: $first) {
    score node { __typename recordId }
  }
}
"""
TOPIC = "mutation ($input: TopicInput!) { createTopic(input: $input) { created } }"
ENERGY_CLUSTERS = ["cl-musterfoerde-energie", "cl-eksempelfjord-energi", "cl-demosund-maritim"]
HEALTH = ["sector-health", "cl-beispielhafen-gesundheit", "cl-fiktivholm-sundhed"]


def hits(api: Api, text: str, types: list[str] | None = None, first: int | None = None) -> Any:
    found = api.data(SEARCH, {"text": text, "types": types, "first": first})["search"]
    scores = [hit["score"] for hit in found]
    assert scores == sorted(scores, reverse=True)
    return [hit["node"]["recordId"] for hit in found]


@pytest.mark.parametrize("text", ["Energie", "energi", "energy", "ENERGÍ"])
def test_energy_in_any_language_finds_the_energy_clusters(intranet: Api, text: str) -> None:
    assert hits(intranet, text, ["CLUSTER"]) == ENERGY_CLUSTERS


@pytest.mark.parametrize("text", ["sundhed", "Gesundheit", "health", "SUNDHED"])
def test_health_in_any_language_finds_the_sector_and_its_clusters(intranet: Api, text: str) -> None:
    assert hits(intranet, text, ["SECTOR", "CLUSTER"]) == HEALTH


def test_aluminium_finds_alucluster_first(intranet: Api) -> None:
    found = intranet.data(SEARCH, {"text": "aluminium"})["search"]
    assert [(hit["node"]["__typename"], hit["node"]["recordId"]) for hit in found] == [
        ("Cluster", "alucluster"),
        ("Organization", "org-mustermann-aluminiumtechnik"),
    ]


def test_every_word_must_match(intranet: Api) -> None:
    assert hits(intranet, "energi fjernvarme", ["CLUSTER"]) == ["cl-eksempelfjord-energi"]


def test_inflections_match_by_stem(intranet: Api) -> None:
    # German plural and Danish definite form: stemmed, then matched as prefixes.
    assert "cl-eksempelfjord-energi" in hits(intranet, "Energieclustern", ["CLUSTER"])
    assert hits(intranet, "klyngen", ["CLUSTER"]) == hits(intranet, "klynge", ["CLUSTER"])


def test_query_syntax_is_only_text(intranet: Api) -> None:
    assert hits(intranet, 'energi* | "(@energy:{x})" -', ["CLUSTER"]) == ENERGY_CLUSTERS


def test_first_and_types_bound_the_answer(intranet: Api) -> None:
    assert hits(intranet, "energy", first=2) == hits(intranet, "energy")[:2]
    assert hits(intranet, "energy", [], 5) == []


def test_a_search_costs_two_round_trips(intranet: Api) -> None:
    intranet.data(TOPIC, {"input": {"recordId": "t-round-trips", "name": "Round trips"}})
    assert intranet.round_trips(SEARCH, {"text": "energi"}) == 2
    # The vocabulary is kept for the same version of the graph.
    assert intranet.round_trips(SEARCH, {"text": "sundhed"}) == 1


def test_a_new_translation_is_used_by_the_next_search(empty: Api) -> None:
    """The vocabulary kept from one search is not used after a write."""
    cluster = {"recordId": "cl-wind", "name": "Nordsee Windkraft", "country": "DE"}
    empty.data(CREATE, {"input": cluster})
    assert hits(empty, "vindkraft") == []
    topic = {"recordId": "t-wind", "name": "Windkraft", "labels": {"da": "Vindkraft"}}
    empty.data(TOPIC, {"input": topic})
    assert hits(empty, "vindkraft", ["CLUSTER"]) == ["cl-wind"]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("", None),
        ("   ", None),
        ("- * |", None),
        ("a", None),
        ("x" * 201, None),
        ("a1 b2 c3 d4 e5 f6 g7 h8 i9", None),
        ("energy", -1),
        ("energy", 1001),
    ],
)
def test_bad_searches_are_bad_user_input(intranet: Api, text: str, first: int | None) -> None:
    assert intranet.codes(SEARCH, {"text": text, "first": first}) == ["BAD_USER_INPUT"]


CREATE = """
mutation ($input: ClusterInput!) { createCluster(input: $input) { created } }
"""
UPDATE = """
mutation ($id: ID!, $patch: ClusterPatch!) {
  updateCluster(id: $id, input: $patch) { errors { message } }
}
"""


def test_records_written_through_the_api_are_found_folded(empty: Api) -> None:
    assert hits(empty, "Ærøskøbing") == []
    empty.data(
        CREATE,
        {
            "input": {
                "recordId": "cl-1",
                "name": "Ærøskøbing Straßenbau",
                "country": "DK",
                "specialties": ["Vejbygning"],
            }
        },
    )
    assert hits(empty, "AEROSKOBING strassenbau") == ["cl-1"]
    assert hits(empty, "ÆRØSKØBING") == ["cl-1"]
    assert hits(empty, "vejbygning") == ["cl-1"]
    assert hits(empty, "Brückenbau") == []
    empty.data(UPDATE, {"id": "cl-1", "patch": {"description": {"de": "Brückenbau"}}})
    assert hits(empty, "BRÜCKENBAU") == ["cl-1"]
    assert hits(empty, "vejbygning") == ["cl-1"]


def test_stop_words_of_one_language_are_words_of_another(intranet: Api) -> None:
    assert hits(intranet, "models for", ["TOPIC"]) == ["topic-business-models-for-clusters"]
    assert hits(intranet, "und", ["TOPIC"]) == ["topic-network-relationship-management"]
