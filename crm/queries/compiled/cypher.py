"""A plan's one Cypher statement: the page (or the node), then each tie field as a ``CALL``
subquery per row that sorts, limits and collects its rows, nested as deep as the selection; and
the reads that send it.

The text depends only on the plan's shape: labels and relationship types come from the domain
model through ``render``, property names from the domain model, variable names from a counter;
every value a client sent (ids, filters, page sizes, cursors) is a parameter.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore
from crm.queries.compiled.plan import (
    Column,
    FarLabel,
    Item,
    Lookup,
    Outgoing,
    Prop,
    Props,
    Root,
    RootList,
    SortKey,
    TieBreaker,
    TieCount,
    TieList,
    Ties,
)
from crm.queries.nodes import page_match
from crm.queries.ties import Direction

Row = Sequence[Any]
"""One node's row: its columns' values in the plan's order (a tie field's, a list of rows)."""


@dataclass(frozen=True, slots=True)
class Page:
    """A list's rows (up to its limit), and how many there are in all (when counted)."""

    rows: list[Row]
    total: int | None


async def read_page(store: GraphStore, root: RootList) -> Page:
    """The page of ``root``, in one statement."""
    text, parameters = statement(root, store.dialect)
    [row] = await store.read(text, parameters)
    total = row.get("k0")
    return Page(row["c0"], None if total is None else int(total))


async def read_node(store: GraphStore, root: Lookup) -> Row | None:
    """The row of the node ``root`` looks up, or ``None`` when there is none; one statement."""
    text, parameters = statement(root, store.dialect)
    rows = await store.read(text, parameters)
    if not rows:
        return None
    found: Row = rows[0]["c0"]
    return found


_PATTERNS: dict[Direction, LiteralString] = {
    Direction.OUT: "-[r:%type%]->(n)",
    Direction.IN: "<-[r:%type%]-(n)",
    Direction.BOTH: "-[r:%type%]-(n)",
}


_PER_LEVEL = {
    FarLabel: "labels(n{level})[0]",
    Outgoing: "o{level}",
    SortKey: "s{level}",
    TieBreaker: "t{level}",
}
"""Columns that are a variable of the level (``level`` filled in)."""


@dataclass
class _Statement:
    dialect: Dialect
    parameters: dict[str, Any] = field(default_factory=dict)
    names: dict[int, int] = field(default_factory=dict)
    """Tie list (by identity) -> its number, which names its variables."""

    def number(self, ties: TieList) -> int:
        return self.names.setdefault(id(ties), len(self.names) + 1)

    def row(self, item: Item, level: int) -> str:
        """The list of a row's columns at ``level`` (its variables end in the level's number)."""
        return "[" + ", ".join(self.column(column, level) for column in item.columns) + "]"

    def column(self, column: Column, level: int) -> str:
        owner = f"{{}}{level}."
        match column:
            case Prop(name, on_tie, listed):
                value = owner.format("r" if on_tie else "n") + name
                return f"coalesce({value}, [])" if listed else value
            case Props(names, on_tie):
                prefix = owner.format("r" if on_tie else "n")
                return "[" + ", ".join(prefix + name for name in names) + "]"
            case Ties(ties) | TieCount(ties):
                return ("c" if isinstance(column, Ties) else "k") + str(self.number(ties))
        return _PER_LEVEL[type(column)].format(level=level)

    def calls(self, item: Item, level: int) -> str:
        """The subqueries that read the tie fields of the nodes at ``level``."""
        return "".join(self.tie_list(ties, level) for ties in item.ties)

    def tie_list(self, ties: TieList, parent: int) -> str:
        level = self.number(ties)
        walk, near = ties.walk, f"n{parent}"
        match = self.dialect.subquery(near) + "MATCH (" + near + ")"
        match += render(_PATTERNS[walk.direction], type=walk.rel_type)
        conditions = [] if ties.near is None else [f"{near}:{ties.near.value}"]
        counted = ""
        if ties.counted:
            where = " WHERE " + " AND ".join(conditions) if conditions else ""
            counted = f"{match}{where} RETURN count(r) AS k{level} }} "
        if ties.after is not None:
            conditions.append(walk.after(f"$a{level}", f"$b{level}"))
            self.parameters |= {f"a{level}": ties.after[0], f"b{level}": ties.after[1]}
        self.parameters[f"l{level}"] = ties.limit
        outgoing = f", startNode(r) = {near} AS o{level}" if Outgoing() in ties.item.columns else ""
        return (
            match
            + (" WHERE " + " AND ".join(conditions) if conditions else "")
            + f" WITH n AS n{level}, r AS r{level}, {walk.order_key} AS s{level}, "
            + f"{walk.tie_breaker} AS t{level}{outgoing} ORDER BY s{level}, t{level} "
            + f"LIMIT $l{level} "
            + self.calls(ties.item, level)
            + f"RETURN collect({self.row(ties.item, level)}) AS c{level} }} "
            + counted
        )


def statement(root: Root, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The statement that answers ``root``, and its parameters. A list answers one row:
    ``c0``, the rows of the page, and ``k0``, the count (when asked); a lookup answers one row,
    ``c0``, per node found (none when there is no such node)."""
    build = _Statement(dialect)
    if isinstance(root, Lookup):
        build.parameters["id"] = root.record_id
        text = (
            render("MATCH (n:%label% {id: $id}) ", label=root.label)
            + "WITH n AS n0 "
            + build.calls(root.item, 0)
            + f"RETURN {build.row(root.item, 0)} AS c0"
        )
        return text, build.parameters
    return _list(root, build), build.parameters


def _list(root: RootList, build: _Statement) -> str:
    match, key, direction, parameters = page_match(root.label, root.request, build.dialect)
    build.parameters |= parameters | {"limit": root.limit}
    text = (
        f"{match} WITH n AS n0, {key} AS s0, n.id AS t0 "
        f"ORDER BY s0 {direction}, t0 {direction} LIMIT $limit "
        + build.calls(root.item, 0)
        + f"WITH collect({build.row(root.item, 0)}) AS c0 "
    )
    if not root.counted:
        return text + "RETURN c0"
    count, _ = root.request.where.match(root.label, build.dialect)
    return text + build.dialect.subquery("c0") + count + " RETURN count(n) AS k0 } RETURN c0, k0"
