"""Reading nodes: by id, and page by page with filters and a stable order (keyset pagination).

Pages are cut by the order key and the id of the last row seen (``after``), never by an offset,
so rows inserted or deleted between two page requests neither repeat nor skip a row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, LiteralString

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.domain.search import fold
from crm.graph.cypher import render
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record

DATE_FIELDS: dict[Label, LiteralString] = {
    Label.EVENT: "date",
    Label.INITIATIVE: "startedOn",
    Label.DOCUMENT: "publishedOn",
}
"""The date a record is about, for date-range filters and date order."""


class OrderField(StrEnum):
    NAME = "name"
    DATE = "date"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    RECORD_ID = "id"


def order_fields(label: Label) -> tuple[OrderField, ...]:
    """The orders a list of ``label`` may be sorted by."""
    return tuple(name for name in OrderField if name != OrderField.DATE or label in DATE_FIELDS)


def filterable(label: Label) -> frozenset[str]:
    """Which ``NodeFilter`` fields apply to ``label``: those its records have."""
    fields = set(NODE_MODELS[label].model_fields)
    names = {"name_contains"} | {name for name in ("country", "kind", "status") if name in fields}
    if NODE_MODELS[label].place_field is not None:
        names.add("place_contains")
    if label in RELATIONSHIPS[RelType.ACTIVE_IN].sources:
        names.add("sector")
    if label in DATE_FIELDS:
        names |= {"date_from", "date_to"}
    return frozenset(names)


@dataclass(frozen=True)
class NodeFilter:
    """Conditions a node must meet; ``None`` means no condition. Dates are inclusive."""

    name_contains: str | None = None
    place_contains: str | None = None
    country: str | None = None
    kind: str | None = None
    status: str | None = None
    sector: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def where(self, label: Label, dialect: Dialect) -> tuple[LiteralString, dict[str, Any]]:
        """The ``WHERE`` clause (or ``""``) over ``n`` and its parameters."""
        clauses: list[LiteralString] = []
        parameters: dict[str, Any] = {}

        def add(clause: LiteralString, name: str, value: Any) -> None:
            if value is not None:
                clauses.append(clause)
                parameters[name] = value

        add("n.searchName CONTAINS $nameContains", "nameContains", _folded(self.name_contains))
        add("n.searchPlace CONTAINS $placeContains", "placeContains", _folded(self.place_contains))
        add("n.country = $country", "country", self.country)
        add("n.kind = $kind", "kind", self.kind)
        add("n.status = $status", "status", self.status)
        add("(n)-[:ACTIVE_IN]->(:Sector {id: $sector})", "sector", self.sector)
        if label in DATE_FIELDS:
            date_field = DATE_FIELDS[label]
            day = dialect.ordered_text("n." + date_field)
            add(day + " >= $dateFrom", "dateFrom", _iso(self.date_from))
            add(day + " <= $dateTo", "dateTo", _iso(self.date_to))
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), parameters


@dataclass(frozen=True)
class Order:
    field: OrderField = OrderField.NAME
    descending: bool = False

    def key(self, label: Label, dialect: Dialect) -> LiteralString:
        """The Cypher expression rows of ``label`` are sorted by (then by id)."""
        match self.field:
            case OrderField.NAME:
                return "coalesce(n.searchName, '')"
            case OrderField.DATE:
                return "coalesce(n." + DATE_FIELDS[label] + ", '')"
            case OrderField.CREATED_AT:
                return "coalesce(n.createdAt, '')"
            case OrderField.UPDATED_AT:
                return "coalesce(n.updatedAt, '')"
            case OrderField.RECORD_ID:
                return dialect.ordered_text("n.id")


@dataclass(frozen=True)
class Row:
    """One node of a page, with the key it was sorted by (for its cursor)."""

    properties: Record
    sort_key: str


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: tuple[str, str] | None = None
    """The sort key and id of the last row already seen."""
    where: NodeFilter = field(default_factory=NodeFilter)
    order: Order = field(default_factory=Order)


def page_match(
    label: Label, request: PageRequest, dialect: Dialect
) -> tuple[LiteralString, LiteralString, LiteralString, dict[str, Any]]:
    """The ``MATCH`` and ``WHERE`` (over ``n``) of the rows of a page, the key they are sorted by
    (then by id) in the direction given, and the parameters (the limit is the caller's)."""
    where, parameters = request.where.where(label, dialect)
    key = request.order.key(label, dialect)
    direction: LiteralString = "DESC" if request.order.descending else "ASC"
    if request.after is not None:
        beyond: LiteralString = "<" if request.order.descending else ">"
        record_id = dialect.ordered_text("n.id")
        cursor: LiteralString = (
            f"({key} {beyond} $afterKey OR ({key} = $afterKey AND {record_id} {beyond} $afterId))"
        )
        where = (where + " AND " if where else "WHERE ") + cursor
        parameters |= {"afterKey": request.after[0], "afterId": request.after[1]}
    return render("MATCH (n:%label%) " + where, label=label), key, direction, parameters


async def page_nodes(store: GraphStore, label: Label, request: PageRequest) -> list[Row]:
    """Up to ``first + 1`` rows after the cursor (the extra row says whether there is more)."""
    match, key, direction, parameters = page_match(label, request, store.dialect)
    statement = (
        match + f" WITH n, {key} AS sortKey ORDER BY sortKey {direction}, n.id {direction} "
        "LIMIT $limit RETURN properties(n) AS properties, sortKey"
    )
    rows = await store.read(statement, parameters | {"limit": request.first + 1})
    return [Row(row["properties"], row["sortKey"]) for row in rows]


async def count_nodes_where(store: GraphStore, label: Label, where: NodeFilter) -> int:
    clause, parameters = where.where(label, store.dialect)
    rows = await store.read(
        render("MATCH (n:%label%) " + clause + " RETURN count(n) AS count", label=label),
        parameters,
    )
    return int(rows[0]["count"]) if rows else 0


async def nodes_by_id(store: GraphStore, label: Label, ids: Iterable[str]) -> dict[str, Record]:
    """The properties of the nodes of ``label`` with these ids (missing ids left out)."""
    rows = await store.read(
        render(
            "UNWIND $ids AS id MATCH (n:%label% {id: id}) RETURN properties(n) AS n", label=label
        ),
        {"ids": list(dict.fromkeys(ids))},
    )
    return {row["n"]["id"]: row["n"] for row in rows}


async def labels_of(store: GraphStore, record_id: str, labels: Iterable[Label]) -> list[Label]:
    """Which of ``labels`` have a node with this id (for ids given without their label)."""
    found = []
    for label in labels:
        if await nodes_by_id(store, label, [record_id]):
            found.append(label)
    return found


def _folded(text: str | None) -> str | None:
    return None if text is None else fold(text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
