"""What a client draws an explorer's view by, computed on the view itself (in the API process;
a view holds at most a few thousand nodes): each node's degree, betweenness and community, and
the day from which it is within reach of the centres, for replaying the view year by year.

- **Degree**: the node's ties in the view.
- **Betweenness**: over every pair of the view's other nodes, the share of their shortest
  paths (in hops, whatever the ties' kinds) that pass through the node; pairs counted once,
  not normalised (``networkx.betweenness_centrality(G, normalized=False)``; igraph computes it).
- **Community**: igraph's fast greedy modularity communities (Clauset, Newman and Moore),
  weighting a pair of people by their tie strength and a job or membership by 1; numbered
  from 0 by size, largest first (then by their first node). Deterministic.
- **Reach**: the earliest day on which the node is within the view's depth of a centre
  through ties that had begun by then: the view as of that day holds it (without
  ``minStrength`` and ``sectors``, which depend on the day, the view as of any day is exactly
  the nodes reached by then and the ties between them that had begun).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import igraph

from crm.queries.network.explorer import Link, Ref, View

_ALWAYS = ""
"""Sorts before every ISO date: what is undated counts at every date."""


@dataclass
class Measures:
    """The measures of one view, each computed when first asked."""

    view: View
    depth: int

    @cached_property
    def _order(self) -> list[Ref]:
        return list(self.view.members)

    @cached_property
    def _index(self) -> dict[Ref, int]:
        return {ref: k for k, ref in enumerate(self._order)}

    @cached_property
    def _inner(self) -> list[Link]:
        """The ties between the view's own nodes (an expansion's may end at nodes shown)."""
        index = self._index
        return [
            link
            for link in self.view.links.values()
            if link.source in index and link.target in index
        ]

    @cached_property
    def _graph(self) -> igraph.Graph:
        index = self._index
        edges = [(index[link.source], index[link.target]) for link in self._inner]
        return igraph.Graph(n=len(self._order), edges=edges)

    @cached_property
    def degree(self) -> dict[Ref, int]:
        counts = dict.fromkeys(self._order, 0)
        for link in self.view.links.values():
            for end in (link.source, link.target):
                if end in counts:
                    counts[end] += 1
        return counts

    @cached_property
    def betweenness(self) -> dict[Ref, float]:
        scores = self._graph.betweenness(directed=False) if self._order else []
        return {ref: float(score) for ref, score in zip(self._order, scores, strict=True)}

    @cached_property
    def community(self) -> dict[Ref, int]:
        if not self._order:
            return {}
        weights = [1.0 if link.tie is None else link.tie.strength for link in self._inner]
        graph = self._graph
        groups = _groups(
            graph.community_fastgreedy(weights=weights or None).as_clustering().membership
            if graph.ecount()
            else list(range(graph.vcount()))
        )
        ranked = sorted(groups, key=lambda members: (-len(members), members[0]))
        found: dict[Ref, int] = {}
        for number, members in enumerate(ranked):
            for k in members:
                found[self._order[k]] = number
        return found

    @cached_property
    def reach(self) -> dict[Ref, str | None]:
        """Each node's first day within reach (``None``: at every date)."""
        best = dict.fromkeys(self.view.centers, _ALWAYS)
        for _ in range(self.depth):
            grown = dict(best)
            for link in self.view.links.values():
                begun = link.since or _ALWAYS
                for near, far in ((link.source, link.target), (link.target, link.source)):
                    if near in best:
                        day = max(best[near], begun)
                        if far not in grown or day < grown[far]:
                            grown[far] = day
            best = grown
        return {ref: best.get(ref) or None for ref in self._order}

    @cached_property
    def first_date(self) -> str | None:
        """The earliest day a tie of the view began."""
        days = [link.since for link in self.view.links.values() if link.since]
        return min(days) if days else None


def _groups(membership: Sequence[int]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for node, group in enumerate(membership):
        groups.setdefault(group, []).append(node)
    return list(groups.values())
