"""Routes met in the middle are every simple route, each once."""

import networkx as nx
import pytest

from crm.queries.network.paths import routes


def _from(graph: "nx.Graph[str]", ends: list[str], hops: int) -> list[list[str]]:
    """What a side statement reads: simple routes of 1 to ``hops`` hops from ``ends``."""
    found: list[list[str]] = []
    for end in ends:
        for other in graph:
            if other != end:
                found += nx.all_simple_paths(graph, end, other, cutoff=hops)
    return found


@pytest.mark.parametrize("max_hops", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", [1, 2])
def test_routes_are_every_simple_path_once(max_hops: int, seed: int) -> None:
    graph = nx.relabel_nodes(nx.gnm_random_graph(14, 30, seed=seed), lambda v: f"p{v:02}")
    source, targets = "p00", ["p07", "p09", "p13"]  # several: the people at an organisation
    half = (max_hops + 1) // 2
    near = _from(graph, [source], half)
    far = _from(graph, targets, max_hops - half) if max_hops > half else []

    found = routes(near, targets, far, source, max_hops)

    expected = [
        path
        for target in targets
        for path in nx.all_simple_paths(graph, source, target, cutoff=max_hops)
    ]
    assert sorted(found) == sorted(expected)
    assert len(found) == len({tuple(route) for route in found})
    assert [len(route) for route in found] == sorted(len(route) for route in found)
