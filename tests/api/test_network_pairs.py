"""The network questions walk pairs of people, not interactions: the small hand-built graph of
``test_network_small`` with every interaction recorded ``REPEATS`` times (same kinds, same
days) gives the same people, paths, communities and brokers as the graph itself; brokers are
kept per graph version until a write."""

import json
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from crm.config import load_settings
from crm.queries.network.brokers import Ranking, brokers
from crm.queries.network.pairs import pairs
from tests.api import test_network_small as small
from tests.api.conftest import Api, serve
from tests.conftest import load_files

REPEATS = 200

QUESTIONS = [
    '{ communities(asOf: "2020-05-01") { size connected countries { dk de } } }',
    '{ communities(asOf: "2020-07-01") { size connected countries { dk de } } }',
    '{ communities(asOf: "2022-01-01") { size connected } }',
    "{ brokers(first: 5) { person { recordId } score bridged estimated sampleSize "
    "bridges { recordId } } }",
    '{ brokers(first: 5, asOf: "2021-01-01", crossBorder: true) { person { recordId } score '
    "bridged } }",
    "{ brokers(first: 2, organizations: true) { organization { recordId } score bridged } }",
]

PATHS = [
    f'{{ introductionPaths(from: "anna", to: "dora", maxHops: {hops}, first: 20, asOf: "{day}") '
    "{ hops { person { recordId } crossesBorder } } }"
    for hops in (2, 3, 4)
    for day in ("2020-04-01", "2020-07-01", "2022-01-01")
] + [
    '{ introductionPaths(from: "anna", to: "org-dk", maxHops: 4, first: 20) '
    "{ hops { person { recordId } } } }"
]


def repeated() -> dict[str, Any]:
    """The small graph, each interaction ``REPEATS`` times."""
    graph = small.graph()
    graph["relationships"]["INTERACTED"] = [
        {**row, "id": f"{row['id']}-{n}"}
        for row in graph["relationships"]["INTERACTED"]
        for n in range(REPEATS)
    ]
    return graph


def _serve(tmp_path_factory: pytest.TempPathFactory, graph: dict[str, Any]) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("network-pairs")
    (folder / "graph.json").write_text(json.dumps(graph), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, folder / "graph.json")
    yield from serve(settings)


@pytest.fixture(scope="module")
def once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from _serve(tmp_path_factory, small.graph())


@pytest.fixture(scope="module")
def often(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from _serve(tmp_path_factory, repeated())


def test_interactions_collapse_into_one_pair_with_their_count_and_days(often: Api) -> None:
    found = {(p.a, p.b): p for p in often.run(lambda store: pairs(store, "2021-01-01"))}
    assert sorted(found) == [("anna", "bert"), ("anna", "eva"), ("bert", "carl"), ("carl", "dora")]
    anna_bert = found["anna", "bert"]
    assert (anna_bert.interactions, anna_bert.first, anna_bert.last) == (
        3 * REPEATS,
        "2020-01-01",
        "2020-03-01",
    )
    assert found["carl", "dora"].interactions == REPEATS


@pytest.mark.parametrize("question", QUESTIONS)
def test_many_interactions_between_two_people_answer_as_one(
    once: Api, often: Api, question: str
) -> None:
    assert often.data(question) == once.data(question)


@pytest.mark.parametrize("question", PATHS)
def test_paths_run_through_the_same_people(once: Api, often: Api, question: str) -> None:
    def routes(api: Api) -> list[list[str]]:
        paths = api.data(question)["introductionPaths"]
        return sorted([hop["person"]["recordId"] for hop in p["hops"]] for p in paths)

    assert routes(often) == routes(once)


def test_known_answers_with_parallel_interactions(often: Api) -> None:
    [carl] = often.data(small.BRIDGES % "")["brokers"]
    assert carl["person"]["recordId"] == "carl"
    assert carl["bridged"] == 3
    paths = often.data(
        '{ introductionPaths(from: "anna", to: "dora", maxHops: 3, asOf: "2022-01-01") '
        "{ hops { person { recordId } } } }"
    )["introductionPaths"]
    assert [[hop["person"]["recordId"] for hop in p["hops"]] for p in paths] == [
        ["bert", "carl", "dora"],
        ["eva", "carl", "dora"],
    ]


def test_brokers_are_kept_until_a_write(tmp_path_factory: pytest.TempPathFactory) -> None:
    query = "{ brokers(first: 1) { person { recordId } bridged } }"
    for api in _serve(tmp_path_factory, small.graph()):
        first = api.round_trips(query)
        before = api.data(query)
        assert first > 0
        assert api.round_trips(query) == 0  # kept: no statement ran
        api.data(
            'mutation { recordInteraction(from: "bert", to: "dora", '
            'interaction: {kind: MEETING, date: "2020-09-01"}) { outcome } }'
        )
        assert api.round_trips(query) == first  # the write dropped it
        after = api.data(query)
        # Bert and Dora have met: Carl no longer bridges them.
        assert before["brokers"][0]["bridged"] - after["brokers"][0]["bridged"] == 1


def test_brokers_are_exact_under_the_threshold_and_say_when_estimated(often: Api) -> None:
    def ranking(exact_up_to: int, sample: int) -> Ranking:
        return often.run(
            lambda store: brokers(
                store,
                organizations=False,
                first=5,
                cross_border=False,
                as_of=None,
                today="2022-01-01",
                exact_up_to=exact_up_to,
                sample=sample,
            )
        )

    exact = ranking(500, 100)
    graph: nx.Graph[str] = nx.Graph([(a, b) for a, b, *_ in small.MET])
    expected = nx.betweenness_centrality(graph, normalized=False)
    assert (exact.estimated, exact.sample_size, exact.people) == (False, 5, 5)
    assert {b.person["id"]: b.score for b in exact.brokers if b.person} == {
        person: pytest.approx(score) for person, score in expected.items() if score > 0
    }
    everyone = ranking(0, 5)  # a "sample" of everyone is the exact answer
    assert (everyone.estimated, everyone.brokers) == (False, exact.brokers)
    sampled = ranking(4, 3)
    assert (sampled.estimated, sampled.sample_size, sampled.people) == (True, 3, 5)
