"""Betweenness centrality of people joined by interactions, by Brandes' algorithm.

The graph is undirected (an interaction's direction says who reached out, not who knows whom)
and unweighted. A person's score is, over every pair of others (each pair once), the share of
the pair's shortest paths that pass through them: networkx's ``betweenness_centrality(G,
normalized=False)``. On graphs of more than ``EXACT_UP_TO`` people, the shortest paths are
followed from ``SAMPLED_SOURCES`` sources drawn with a fixed seed (``random.Random(SEED)`` over
the people sorted by id: the sources networkx draws for ``k=SAMPLED_SOURCES, seed=SEED`` from a
graph built in that order) and scaled up as networkx 3.7 does (by ``(people - 1) / sources``,
halved as each pair is followed from both ends): an estimate whose ranking is the same on every
run.
"""

import random
from collections.abc import Sequence

EXACT_UP_TO = 500
"""People up to which every person is a source: the exact scores."""
SAMPLED_SOURCES = 100
"""Sources on a larger graph."""
SEED = 7


def sources(
    people: int, *, exact_up_to: int = EXACT_UP_TO, sampled: int = SAMPLED_SOURCES
) -> list[int]:
    """The indexes (into the people sorted by id) of the sources to follow paths from."""
    if people <= exact_up_to:
        return list(range(people))
    return random.Random(SEED).sample(range(people), sampled)


def betweenness(
    neighbours: Sequence[Sequence[int]],
    starts: Sequence[int],
    countries: Sequence[str] | None = None,
) -> list[float]:
    """Each node's score from paths starting at ``starts``, scaled to all sources; with
    ``countries``, only pairs of nodes in different countries count."""
    n, k = len(neighbours), len(starts)
    scores = [0.0] * n
    for s in starts:
        _accumulate(neighbours, s, countries, scores)
    if k in (0, n):
        return [score / 2 for score in scores]
    # networkx's estimate: a source is never between itself and another, so it is scaled to
    # the k - 1 other sources' paths it could lie on.
    scale, source_scale = (n - 1) / (2 * k), (n - 1) / (2 * max(k - 1, 1))
    sampled = set(starts)
    return [score * (source_scale if v in sampled else scale) for v, score in enumerate(scores)]


def _accumulate(
    neighbours: Sequence[Sequence[int]],
    s: int,
    countries: Sequence[str] | None,
    scores: list[float],
) -> None:
    """One source's dependencies (Brandes 2001), added to ``scores``; a node's successors are
    found again among its neighbours one step further out, rather than kept in lists."""
    n = len(neighbours)
    dist = [-1] * n
    sigma = [0] * n
    dist[s], sigma[s] = 0, 1
    order = [s]
    for v in order:  # grows while read: a breadth-first queue
        dv, sv = dist[v] + 1, sigma[v]
        for w in neighbours[v]:
            dw = dist[w]
            if dw < 0:
                dist[w] = dv
                sigma[w] = sv
                order.append(w)
            elif dw == dv:
                sigma[w] += sv
    if countries is None:
        weight = [1.0] * n
    else:
        home = countries[s]
        weight = [0.0 if country == home else 1.0 for country in countries]
    share = [0.0] * n  # what each path to a node passes back to its predecessors
    delta = 0.0
    for v in reversed(order):
        dv = dist[v] + 1
        delta = sigma[v] * sum([share[w] for w in neighbours[v] if dist[w] == dv])
        share[v] = (weight[v] + delta) / sigma[v]
        scores[v] += delta
    scores[s] -= delta  # the last is the source, which lies on none of its own paths
