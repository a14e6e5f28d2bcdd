"""The lists' filters and orders beyond names: people by employer, cluster, sector, country and
language, by family name; organisations and clusters by what clusters offer; clusters (and
organisations, projects) by region. A hand-built graph with accents where they matter, and the
demo's known answers. (``test_compiled.py`` checks that both paths answer alike.)"""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crm.config import load_settings
from tests.api.conftest import Api, serve
from tests.conftest import load_files

CONSENT = {"basis": "consent", "date": "2020-01-01"}


def _person(record_id: str, given: str, family: str, country: str, *languages: str) -> Any:
    return {
        "id": record_id,
        "source": "test",
        "givenName": given,
        "familyName": family,
        "country": country,
        "languages": list(languages),
        "consent": CONSENT,
    }


def graph() -> dict[str, Any]:
    """Nordklynge (DK, Syddanmark; district heating) has the member Varmeværk; Südcluster (DE,
    Schleswig; Wärmepumpen) the member Südwerk. Åse works at Nordklynge, Bjørn at Varmeværk
    (until 2015, then at Südwerk), Ødegaard at Varmeværk, Müller and Mueller at Südwerk."""
    return {
        "nodes": {
            "Sector": [
                {"id": "s-energy", "source": "test", "name": "Energy"},
                {"id": "s-health", "source": "test", "name": "Health"},
            ],
            "Region": [
                {"id": "r-dk", "source": "test", "name": "Syddanmark", "country": "DK"},
                {"id": "r-de", "source": "test", "name": "Schleswig", "country": "DE"},
            ],
            "Cluster": [
                {
                    "id": "nordklynge",
                    "source": "test",
                    "name": "Nordklynge",
                    "country": "DK",
                    "specialties": ["Fjernvarmeløsninger"],
                    "services": ["Matchmaking"],
                },
                {
                    "id": "suedcluster",
                    "source": "test",
                    "name": "Südcluster",
                    "country": "DE",
                    "technologies": ["Wärmepumpen"],
                },
            ],
            "Organization": [
                {
                    "id": "varmevaerk",
                    "source": "test",
                    "name": "Varmeværk",
                    "kind": "company",
                    "country": "DK",
                },
                {
                    "id": "suedwerk",
                    "source": "test",
                    "name": "Südwerk",
                    "kind": "company",
                    "country": "DE",
                },
                {
                    "id": "alone",
                    "source": "test",
                    "name": "Alone",
                    "kind": "company",
                    "country": "DE",
                },
            ],
            "Person": [
                _person("aase", "Åse", "Aagaard", "DK", "da", "de"),
                _person("bjoern", "Bjørn", "Berg", "DK", "da"),
                _person("oedegaard", "Ole", "Ødegaard", "DK", "da", "en"),
                _person("mueller-u", "Uwe", "Müller", "DE", "de"),
                _person("mueller-ue", "Anna", "Mueller", "DE", "de", "da"),
            ],
        },
        "relationships": {
            "MEMBER_OF": [
                {"from": "varmevaerk", "to": "nordklynge", "source": "test"},
                {"from": "suedwerk", "to": "suedcluster", "source": "test"},
            ],
            "WORKS_AT": [
                {"from": "aase", "to": "nordklynge", "toLabel": "Cluster", "source": "test"},
                {
                    "from": "bjoern",
                    "to": "varmevaerk",
                    "toLabel": "Organization",
                    "until": "2015-12-31",
                    "source": "test",
                },
                {
                    "from": "bjoern",
                    "to": "suedwerk",
                    "toLabel": "Organization",
                    "since": "2016-01-01",
                    "source": "test",
                },
                {
                    "from": "oedegaard",
                    "to": "varmevaerk",
                    "toLabel": "Organization",
                    "source": "test",
                },
                {
                    "from": "mueller-u",
                    "to": "suedwerk",
                    "toLabel": "Organization",
                    "source": "test",
                },
                {
                    "from": "mueller-ue",
                    "to": "suedwerk",
                    "toLabel": "Organization",
                    "source": "test",
                },
            ],
            "ACTIVE_IN": [
                {"from": "nordklynge", "fromLabel": "Cluster", "to": "s-energy", "source": "test"},
                {
                    "from": "varmevaerk",
                    "fromLabel": "Organization",
                    "to": "s-energy",
                    "source": "test",
                },
                {
                    "from": "suedwerk",
                    "fromLabel": "Organization",
                    "to": "s-health",
                    "source": "test",
                },
            ],
            "LOCATED_IN": [
                {"from": "nordklynge", "fromLabel": "Cluster", "to": "r-dk", "source": "test"},
                {"from": "suedcluster", "fromLabel": "Cluster", "to": "r-de", "source": "test"},
                {"from": "suedwerk", "fromLabel": "Organization", "to": "r-de", "source": "test"},
            ],
        },
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("filters")
    (folder / "graph.json").write_text(json.dumps(graph()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, folder / "graph.json")
    yield from serve(settings)


def ids(api: Api, plural: str, arguments: str) -> list[str]:
    data = api.data(f"{{ {plural}({arguments}) {{ nodes {{ recordId }} }} }}")
    return [node["recordId"] for node in data[plural]["nodes"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ('{employer: "varmevaerk"}', ["bjoern", "oedegaard"]),  # a past job counts
        ('{employer: "T3JnYW5pemF0aW9uOnN1ZWR3ZXJr"}', ["bjoern", "mueller-ue", "mueller-u"]),
        ('{cluster: "nordklynge"}', ["aase", "bjoern", "oedegaard"]),  # staff and members' staff
        ('{cluster: "suedcluster"}', ["bjoern", "mueller-ue", "mueller-u"]),
        ('{sector: "s-energy"}', ["aase", "bjoern", "oedegaard"]),
        ('{sector: "s-health", country: "DK"}', ["bjoern"]),
        ("{language: DE}", ["aase", "mueller-ue", "mueller-u"]),
        ('{language: DA, cluster: "suedcluster"}', ["bjoern", "mueller-ue"]),
        ('{employer: "alone"}', []),
    ],
)
def test_people_by_employer_cluster_sector_country_and_language(
    api: Api, where: str, expected: list[str]
) -> None:
    assert ids(api, "people", f"where: {where}, orderBy: {{field: FAMILY_NAME}}") == expected


def test_people_by_family_name_with_accents_folded_and_keyset_pages(api: Api) -> None:
    order = ["aase", "bjoern", "mueller-ue", "mueller-u", "oedegaard"]  # Ø as O, ü as u
    assert ids(api, "people", "orderBy: {field: FAMILY_NAME}") == order
    assert ids(api, "people", "orderBy: {field: FAMILY_NAME, direction: DESC}") == order[::-1]
    query = """query ($after: String) { people(first: 2, after: $after,
        orderBy: {field: FAMILY_NAME}) { pageInfo { hasNextPage endCursor }
        nodes { recordId } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = api.data(query, {"after": after})["people"]
        seen += [node["recordId"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == order


def test_a_cursor_of_another_order_is_refused(api: Api) -> None:
    page = api.data("{ people(first: 1) { pageInfo { endCursor } } }")["people"]
    query = (
        "query ($after: String) { people(after: $after, orderBy: {field: FAMILY_NAME}) { "
        "nodes { recordId } } }"
    )
    assert api.codes(query, {"after": page["pageInfo"]["endCursor"]}) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("plural", "text", "expected"),
    [
        ("clusters", "fjernvarmelosning", ["nordklynge"]),  # ø folded
        ("clusters", "WARMEPUMPE", ["suedcluster"]),  # a technology, ä folded
        ("clusters", "matchmak", ["nordklynge"]),  # a service
        ("clusters", "Nordklynge", []),  # the name is not an offer
        ("organizations", "wärmepumpen", ["suedwerk"]),  # through its cluster
        ("organizations", "fjernvarme", ["varmevaerk"]),
        ("organizations", "nothing like it", []),
    ],
)
def test_offers_of_clusters_and_of_their_members(
    api: Api, plural: str, text: str, expected: list[str]
) -> None:
    assert ids(api, plural, f'where: {{specialtyContains: "{text}"}}') == expected


def test_by_region(api: Api) -> None:
    assert ids(api, "clusters", 'where: {region: "r-de"}') == ["suedcluster"]
    assert ids(api, "organizations", 'where: {region: "r-de"}') == ["suedwerk"]
    assert ids(api, "clusters", 'where: {region: "UmVnaW9uOnItZGs="}') == ["nordklynge"]


@pytest.mark.parametrize(
    "where",
    [
        '{employer: "U2VjdG9yOnMtZW5lcmd5"}',  # a sector's global id
        '{cluster: "T3JnYW5pemF0aW9uOnN1ZWR3ZXJr"}',  # an organisation's
        '{region: "not an id!"}',
    ],
)
def test_ids_of_the_wrong_kind_are_refused(api: Api, where: str) -> None:
    plural = "clusters" if "region" in where else "people"
    assert api.codes(f"{{ {plural}(where: {where}) {{ totalCount }} }}") == ["BAD_USER_INPUT"]


def test_counts_follow_the_filters(api: Api) -> None:
    data = api.data(
        '{ a: people(where: {cluster: "nordklynge"}) { totalCount } '
        'b: organizations(where: {specialtyContains: "e"}) { totalCount } }'
    )
    assert (data["a"]["totalCount"], data["b"]["totalCount"]) == (3, 2)


def test_the_demo(intranet: Api) -> None:
    data = intranet.data("""{
      aluminium: clusters(where: {specialtyContains: "ALUMIN"}) { nodes { recordId } }
      members: organizations(where: {specialtyContains: "aluminium"}) { totalCount }
      schleswig: clusters(where: {region: "region-schleswig"}) { totalCount }
      staff: people(where: {employer: "alucluster"}) { nodes { recordId } }
      alu: people(where: {cluster: "alucluster"}) { totalCount }
      danes: people(where: {sector: "sector-health", language: DE, country: "DK"}) { totalCount }
      last: people(first: 1, orderBy: {field: FAMILY_NAME, direction: DESC}) {
        nodes { familyName } } }""")
    assert data["aluminium"]["nodes"] == [{"recordId": "alucluster"}]
    assert data["members"]["totalCount"] == 7  # AluCluster's members
    assert data["schleswig"]["totalCount"] == 7
    assert data["staff"]["nodes"] == [{"recordId": "p-michael-nedergaard"}]
    assert data["alu"]["totalCount"] == 19
    assert data["danes"]["totalCount"] == 12
    assert data["last"]["nodes"] == [{"familyName": "Prøvesen"}]
