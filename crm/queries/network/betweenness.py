"""Betweenness centrality of people joined by interactions, by Brandes' algorithm (igraph's).

The graph is undirected (an interaction's direction says who reached out, not who knows whom)
and unweighted. A person's score is, over every pair of others (each pair once), the share of
the pair's shortest paths that pass through them: networkx's ``betweenness_centrality(G,
normalized=False)``. On graphs of more than ``exact_up_to`` people, the shortest paths are
followed from ``sampled`` sources drawn with a fixed seed (``random.Random(SEED)`` over
the people sorted by id: the sources networkx draws for ``k=sampled, seed=SEED`` from a
graph built in that order) and scaled up as networkx 3.7 does (by ``(people - 1) / sources``,
halved as each pair is followed from both ends): an estimate whose ranking is the same on every
run.
"""

import random
from collections.abc import Sequence

import igraph

SEED = 7


def sources(people: int, *, exact_up_to: int, sampled: int) -> list[int]:
    """The indexes (into the people sorted by id) of the sources to follow paths from: all of
    them up to ``exact_up_to`` people (``Settings.brokers_exact_up_to``), else ``sampled``
    (``Settings.brokers_sample``)."""
    if people <= exact_up_to:
        return list(range(people))
    return random.Random(SEED).sample(range(people), min(sampled, people))


def betweenness(
    neighbours: Sequence[Sequence[int]],
    starts: Sequence[int],
    countries: Sequence[str] | None = None,
) -> list[float]:
    """Each node's score from paths starting at ``starts``, scaled to all sources; with
    ``countries``, only pairs of nodes in different countries count. ``neighbours`` holds each
    node's both ways (each edge under both its ends).

    igraph (its C core) follows the paths; its subset betweenness counts each source-target
    pair once, half of what networkx sums before it scales."""
    n, k = len(neighbours), len(starts)
    graph = igraph.Graph(
        n=n, edges=[(v, w) for v, near in enumerate(neighbours) for w in near if v < w]
    )
    if countries is None:
        half = graph.betweenness(directed=False, sources=list(starts))
    else:
        half = [0.0] * n
        for country in sorted(set(countries)):
            home = [s for s in starts if countries[s] == country]
            abroad = [t for t in range(n) if countries[t] != country]
            if home and abroad:
                found = graph.betweenness(directed=False, sources=home, targets=abroad)
                half = [a + b for a, b in zip(half, found, strict=True)]
    if k in (0, n):
        return [float(score) for score in half]
    # networkx's estimate: a source is never between itself and another, so it is scaled to
    # the k - 1 other sources' paths it could lie on.
    scale, source_scale = (n - 1) / k, (n - 1) / max(k - 1, 1)
    sampled = set(starts)
    return [score * (source_scale if v in sampled else scale) for v, score in enumerate(half)]
