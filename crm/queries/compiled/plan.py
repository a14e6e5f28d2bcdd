"""What a compiled read asks the graph for: per node, the columns of its row, in order, and the
tie fields read from it, nested as deep as the selection.

A plan is a value: ``crm.api.compiled.planner`` builds it from a GraphQL selection (and keeps
the closures that shape the rows into the response); ``cypher.statement`` renders it.
"""

from dataclasses import dataclass

from crm.domain import Label
from crm.queries.nodes import PageRequest
from crm.queries.ties import Walk


@dataclass(frozen=True)
class Prop:
    """A stored property of the row's node (or of its tie); ``[]`` when absent if ``listed``."""

    name: str
    on_tie: bool = False
    listed: bool = False


@dataclass(frozen=True)
class Props:
    """Several properties at once, as a list (a nested record)."""

    names: tuple[str, ...]
    on_tie: bool = False


@dataclass(frozen=True)
class FarLabel:
    """The node's label (where a tie reaches several)."""


@dataclass(frozen=True)
class Outgoing:
    """Whether the tie goes from the parent to the node."""


@dataclass(frozen=True)
class SortKey:
    """The key a list's rows are sorted by (for cursors)."""


@dataclass(frozen=True)
class TieBreaker:
    """What orders a list's rows of equal sort keys: the node's or the tie's id."""


@dataclass(frozen=True)
class Ties:
    """The rows of a tie field: a list of rows, in the walk's order."""

    ties: "TieList"


@dataclass(frozen=True)
class TieCount:
    """How many ties a tie field has in all."""

    ties: "TieList"


Column = Prop | Props | FarLabel | Outgoing | SortKey | TieBreaker | Ties | TieCount


@dataclass(frozen=True)
class Item:
    """What one node's row holds: its columns, in order, and the tie fields read from the node
    (in the order of their columns)."""

    columns: tuple[Column, ...]
    ties: tuple["TieList", ...]


@dataclass(frozen=True, eq=False)
class TieList:
    """A tie field of a node: up to ``limit`` ties after ``after``, in the walk's order. Two tie
    fields are never the same column, however alike (``eq=False``)."""

    walk: Walk
    limit: int
    after: tuple[str, str] | None
    item: Item
    near: Label | None
    """The label the parent must have, where the parent may have several (a union)."""
    counted: bool = False


@dataclass(frozen=True)
class RootList:
    """A label's list: one page, and its count when ``counted``."""

    label: Label
    request: PageRequest
    limit: int
    item: Item
    counted: bool = False


@dataclass(frozen=True)
class Lookup:
    """One node by its record id."""

    label: Label
    record_id: str
    item: Item


Root = RootList | Lookup
