"""Brandes' betweenness on hand-built graphs, against networkx and by hand."""

import random

import networkx as nx
import pytest

from crm.queries.network.betweenness import SEED, betweenness, sources


def _neighbours(graph: "nx.Graph[int]") -> list[list[int]]:
    return [sorted(graph[v]) for v in sorted(graph)]


def test_the_bridge_between_two_groups_is_the_top_broker() -> None:
    # Two groups of four who all know each other, joined only through person 8.
    graph: nx.Graph[int] = nx.Graph()
    graph.add_edges_from(
        (a, b) for group in (range(4), range(4, 8)) for a in group for b in group if a < b
    )
    graph.add_edges_from([(3, 8), (8, 4)])
    scores = betweenness(_neighbours(graph), sources(9, exact_up_to=500, sampled=100))
    assert max(range(9), key=scores.__getitem__) == 8
    assert scores[8] == 16  # every pair of one group and the other: 4 * 4
    assert scores[3] == scores[4] == 3 * 5  # between 0-2 and the five beyond it
    assert scores[0] == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_scores_are_networkx_scores(seed: int) -> None:
    graph = nx.barabasi_albert_graph(60, 2, seed=seed)
    expected = nx.betweenness_centrality(graph, normalized=False)
    found = betweenness(_neighbours(graph), sources(60, exact_up_to=500, sampled=100))
    assert found == pytest.approx([expected[v] for v in sorted(graph)])


def test_a_sample_is_the_sample_networkx_draws_with_the_same_seed() -> None:
    graph = nx.barabasi_albert_graph(700, 2, seed=5)
    starts = sources(700, exact_up_to=500, sampled=40)
    assert starts == sources(700, exact_up_to=500, sampled=40)  # the same on every call
    assert starts == random.Random(SEED).sample(range(700), 40)
    expected = nx.betweenness_centrality(graph, k=40, seed=SEED, normalized=False)
    found = betweenness(_neighbours(graph), starts)
    assert found == pytest.approx([expected[v] for v in sorted(graph)])


def test_across_the_border_only_pairs_in_different_countries_count() -> None:
    # A path a - b - c - d: DK, DK, DE, DE. b lies between a and c, a and d (both across),
    # and between nothing else across the border; c likewise.
    neighbours = [[1], [0, 2], [1, 3], [2]]
    scores = betweenness(neighbours, list(range(4)), ["DK", "DK", "DE", "DE"])
    assert scores == [0.0, 2.0, 2.0, 0.0]
    assert betweenness(neighbours, list(range(4))) == [0.0, 2.0, 2.0, 0.0]
    # Were c Danish too, only the pairs with d would count: b between a and d only.
    assert betweenness(neighbours, list(range(4)), ["DK", "DK", "DK", "DE"]) == [0.0, 1.0, 2.0, 0.0]


@pytest.mark.parametrize("exact", [True, False])
def test_disconnected_parts_and_equal_paths_score_as_in_networkx(exact: bool) -> None:
    # A square 0-1-3 / 0-2-3 (two shortest paths from 0 to 3, each half through 1 and 2) with a
    # tail 3-4-5, a separate triangle 6-7-8 with a tail 8-9, and nobody else: paths never cross
    # between the parts.
    graph: nx.Graph[int] = nx.Graph()
    graph.add_edges_from([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 5)])
    graph.add_edges_from([(6, 7), (7, 8), (6, 8), (8, 9)])
    starts = sources(10, exact_up_to=10 if exact else 9, sampled=3)
    found = betweenness(_neighbours(graph), starts)
    if exact:
        assert starts == list(range(10))
        assert found[1] == found[2] == 1.5  # half of 0-3, 0-4 and 0-5
        assert found[8] == 2  # 6-9 and 7-9
        expected = nx.betweenness_centrality(graph, normalized=False)
    else:
        assert len(starts) == 3
        expected = nx.betweenness_centrality(graph, k=3, seed=SEED, normalized=False)
    assert found == pytest.approx([expected[v] for v in sorted(graph)])
