"""Answers kept per (question, arguments, graph version): a question that reads the whole
graph (``brokers``, the cross-border totals, the dashboard's statistics, which the home page
shows every visitor) is computed once per version of the graph, in each API process.

Every write through a store changes the graph's version (``GraphStore.version``), in every
process using the engine; an answer kept for an older version is never given again, and a
graph's answers are dropped as soon as a newer version is seen. Where the store keeps no
version (Neo4j), nothing is kept.
"""

from collections.abc import Awaitable, Callable, Hashable

from crm.graph.store import GraphStore, GraphVersion

MAX_ANSWERS = 64
"""Answers kept per graph, at most (the oldest asked go first)."""


class Answers:
    """The answers kept, by graph: each graph's version and what was answered on it."""

    def __init__(self) -> None:
        self._graphs: dict[str, tuple[int, dict[Hashable, object]]] = {}

    async def get[T](
        self, store: GraphStore, key: Hashable, compute: Callable[[], Awaitable[T]]
    ) -> tuple[T, bool]:
        """The answer to ``key`` (a question and its arguments) on the graph as it is now, and
        whether it was kept from before; computed by ``compute`` when not kept."""
        version = await store.version()
        if version is None:
            return await compute(), False
        kept = self._kept(version)
        if key in kept:
            answer = kept.pop(key)
            kept[key] = answer
            return answer, True  # type: ignore[return-value]
        answer = await compute()
        # Kept under the version read before computing: a write meanwhile makes it stale.
        kept = self._kept(version)
        kept[key] = answer
        while len(kept) > MAX_ANSWERS:
            del kept[next(iter(kept))]
        return answer, False

    def _kept(self, version: GraphVersion) -> dict[Hashable, object]:
        graph, number = version
        seen = self._graphs.get(graph)
        if seen is None or seen[0] < number:
            seen = (number, {})
            self._graphs[graph] = seen
        elif seen[0] > number:
            return {}  # an answer computed before a write that another caller has seen
        return seen[1]


ANSWERS = Answers()
"""This process's answers."""
