"""Walking ties from many nodes at once: one statement per walk, whatever the number of nodes.

This is what keeps nested GraphQL selections from costing a round trip per parent: the API
collects the parents of one level and asks for all their neighbours in one go.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import LiteralString

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.graph.cypher import render
from crm.graph.store import GraphStore, Record


class Direction(StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


_PATTERNS: dict[Direction, LiteralString] = {
    Direction.OUT: "(p:%near% {id: pid})-[r:%type%]->(n)",
    Direction.IN: "(p:%near% {id: pid})<-[r:%type%]-(n)",
    Direction.BOTH: "(p:%near% {id: pid})-[r:%type%]-(n)",
}


@dataclass(frozen=True)
class Walk:
    """Following ``rel_type`` from a node of ``near`` in ``direction``."""

    rel_type: RelType
    direction: Direction
    near: Label

    @property
    def far(self) -> tuple[Label, ...]:
        """The labels at the other end."""
        spec = RELATIONSHIPS[self.rel_type]
        return spec.sources if self.direction == Direction.IN else spec.targets

    @property
    def sort_key(self) -> LiteralString:
        """Neighbours come in a natural order: interactions and events by date, documents by
        publication, everything else by name; ties broken by id."""
        if RELATIONSHIPS[self.rel_type].keyed:
            return "r.date"
        if self.far == (Label.EVENT,):
            return "n.date"
        if self.far == (Label.DOCUMENT,):
            return "n.publishedOn"
        return "n.searchName"

    @property
    def tie_breaker(self) -> LiteralString:
        return "r.id" if RELATIONSHIPS[self.rel_type].keyed else "n.id"

    @property
    def order_key(self) -> LiteralString:
        """The sort key as a Cypher expression over ``n`` and ``r`` (never null)."""
        return f"coalesce({self.sort_key}, '')"

    def after(self, key: LiteralString, tie_breaker: LiteralString) -> LiteralString:
        """The condition on the rows after a cursor whose sort key and tie breaker are the
        parameters ``key`` and ``tie_breaker`` (``$afterKey``, say)."""
        order_key = self.order_key
        return (
            f"({order_key} > {key} OR ({order_key} = {key} AND {self.tie_breaker} > {tie_breaker}))"
        )

    def _match(self) -> LiteralString:
        return "UNWIND $ids AS pid MATCH " + _PATTERNS[self.direction]


@dataclass(frozen=True)
class Step:
    """One neighbour: its label and properties, the tie's properties and direction (from the
    parent or to it), and the sort key."""

    label: Label
    node: Record
    tie: Record
    outgoing: bool
    sort_key: str
    tie_breaker: str


async def neighbours(
    store: GraphStore,
    walk: Walk,
    parent_ids: Sequence[str],
    *,
    first: int,
    after: tuple[str, str] | None = None,
) -> dict[str, list[Step]]:
    """For each parent, up to ``first + 1`` neighbours after the cursor, in the walk's order."""
    key = walk.order_key
    condition: LiteralString = ""
    if after is not None:
        condition = "WHERE " + walk.after("$afterKey", "$afterId") + " "
    statement = render(
        walk._match()
        + " "
        + condition
        + f"WITH pid, p, r, n, {key} AS sortKey, {walk.tie_breaker} AS tieBreaker "
        "ORDER BY sortKey, tieBreaker "
        "WITH pid, collect({label: labels(n)[0], n: properties(n), r: properties(r), "
        "outgoing: startNode(r) = p, sortKey: sortKey, tieBreaker: tieBreaker}) AS steps "
        "RETURN pid, steps[0..$limit] AS steps",
        near=walk.near,
        type=walk.rel_type,
    )
    parameters = {"ids": list(dict.fromkeys(parent_ids)), "limit": first + 1}
    if after is not None:
        parameters |= {"afterKey": after[0], "afterId": after[1]}
    found: dict[str, list[Step]] = {parent: [] for parent in parent_ids}
    for row in await store.read(statement, parameters):
        found[row["pid"]] = [
            Step(Label(s["label"]), s["n"], s["r"], s["outgoing"], s["sortKey"], s["tieBreaker"])
            for s in row["steps"]
        ]
    return found


async def count_neighbours(
    store: GraphStore, walk: Walk, parent_ids: Sequence[str]
) -> dict[str, int]:
    """For each parent, how many neighbours the walk reaches."""
    statement = render(
        walk._match() + " RETURN pid, count(r) AS count", near=walk.near, type=walk.rel_type
    )
    counts = dict.fromkeys(parent_ids, 0)
    for row in await store.read(statement, {"ids": list(dict.fromkeys(parent_ids))}):
        counts[row["pid"]] = int(row["count"])
    return counts
