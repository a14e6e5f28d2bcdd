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
    FAMILY_NAME = "familyName"
    DATE = "date"
    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    RECORD_ID = "id"


def order_fields(label: Label) -> tuple[OrderField, ...]:
    """The orders a list of ``label`` may be sorted by."""
    return tuple(
        name
        for name in OrderField
        if (name != OrderField.DATE or label in DATE_FIELDS)
        and (name != OrderField.FAMILY_NAME or label is Label.PERSON)
    )


def filterable(label: Label) -> frozenset[str]:
    """Which ``NodeFilter`` fields apply to ``label``: those its records have."""
    fields = set(NODE_MODELS[label].model_fields)
    names = {"name_contains"} | {name for name in ("country", "kind", "status") if name in fields}
    if NODE_MODELS[label].place_field is not None:
        names.add("place_contains")
    if label in RELATIONSHIPS[RelType.ACTIVE_IN].sources or label is Label.PERSON:
        names.add("sector")
    if label in RELATIONSHIPS[RelType.LOCATED_IN].sources:
        names.add("region")
    if label in DATE_FIELDS:
        names |= {"date_from", "date_to"}
    if label in (Label.CLUSTER, Label.ORGANIZATION):
        names.add("specialty_contains")
    if label is Label.PERSON:
        names |= {"employer", "cluster", "language"}
    return frozenset(names)


_OFFERS: LiteralString = (
    "any(t IN coalesce(n.searchSpecialties, []) WHERE t CONTAINS $specialtyContains)"
)
_CLUSTERS_OFFER: tuple[LiteralString, LiteralString] = (
    "[(n)-[:MEMBER_OF]->(c:Cluster) | coalesce(c.searchSpecialties, [])] AS offered",
    "any(o IN offered WHERE any(t IN o WHERE t CONTAINS $specialtyContains))",
)
"""What an organisation's clusters offer, and the condition on it: FalkorDB takes a pattern
comprehension only in a projection, so it is a ``WITH`` of its own."""
_IN_CLUSTER: LiteralString = (
    "((n)-[:WORKS_AT]->(:Cluster {id: $cluster}) "
    "OR (n)-[:WORKS_AT]->(:Organization)-[:MEMBER_OF]->(:Cluster {id: $cluster}))"
)


@dataclass(frozen=True)
class NodeFilter:
    """Conditions a node must meet; ``None`` means no condition. Dates are inclusive."""

    name_contains: str | None = None
    place_contains: str | None = None
    country: str | None = None
    kind: str | None = None
    status: str | None = None
    sector: str | None = None
    """Active in it; a person: working at an organisation or cluster active in it."""
    region: str | None = None
    specialty_contains: str | None = None
    """In a specialty, service or technology; an organisation: of a cluster it is a member of."""
    employer: str | None = None
    """A person: has a job at this organisation or cluster (past jobs count)."""
    employer_label: Label | None = None
    """The employer's label, where the caller knows it."""
    cluster: str | None = None
    """A person: has a job at this cluster or at an organisation that is a member of it."""
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def match(
        self, label: Label, dialect: Dialect, also: LiteralString | None = None
    ) -> tuple[LiteralString, dict[str, Any]]:
        """``MATCH (n:label)`` with the conditions over ``n`` (and ``also``, one more, if given;
        a condition over ``n`` too), and their parameters. Rows are ``n``, one per node."""
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
        sector: LiteralString = (
            "(n)-[:WORKS_AT]->()-[:ACTIVE_IN]->(:Sector {id: $sector})"
            if label is Label.PERSON
            else "(n)-[:ACTIVE_IN]->(:Sector {id: $sector})"
        )
        add(sector, "sector", self.sector)
        add("(n)-[:LOCATED_IN]->(:Region {id: $region})", "region", self.region)
        employer: LiteralString = (
            "(n)-[:WORKS_AT]->({id: $employer})"
            if self.employer_label is None
            else render("(n)-[:WORKS_AT]->(:%label% {id: $employer})", label=self.employer_label)
        )
        add(employer, "employer", self.employer)
        add(_IN_CLUSTER, "cluster", self.cluster)
        add("$language IN coalesce(n.languages, [])", "language", self.language)
        if label in DATE_FIELDS:
            date_field = DATE_FIELDS[label]
            day = dialect.ordered_text("n." + date_field)
            add(day + " >= $dateFrom", "dateFrom", _iso(self.date_from))
            add(day + " <= $dateTo", "dateTo", _iso(self.date_to))
        specialty = _folded(self.specialty_contains)
        staged = specialty is not None and label is not Label.CLUSTER
        if specialty is not None:
            parameters["specialtyContains"] = specialty
            if not staged:
                clauses.append(_OFFERS)
        if also is not None and not staged:
            clauses.append(also)
        text = render("MATCH (n:%label%)", label=label) + _where(clauses)
        if staged:
            projection, condition = _CLUSTERS_OFFER
            stage = [condition] if also is None else [condition, also]
            text += " WITH n, " + projection + _where(stage)
        return text, parameters


def _where(clauses: list[LiteralString]) -> LiteralString:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


@dataclass(frozen=True)
class Order:
    field: OrderField = OrderField.NAME
    descending: bool = False

    def key(self, label: Label, dialect: Dialect) -> LiteralString:
        """The Cypher expression rows of ``label`` are sorted by (then by id)."""
        match self.field:
            case OrderField.NAME:
                return "coalesce(n.searchName, '')"
            case OrderField.FAMILY_NAME:
                return "coalesce(n.sortFamilyName, '')"
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
    """The ``MATCH`` (with its conditions: rows of ``n``) of the rows of a page, the key they are
    sorted by (then by id) in the direction given, and the parameters (the limit is the
    caller's)."""
    key = request.order.key(label, dialect)
    direction: LiteralString = "DESC" if request.order.descending else "ASC"
    cursor: LiteralString | None = None
    if request.after is not None:
        beyond: LiteralString = "<" if request.order.descending else ">"
        record_id = dialect.ordered_text("n.id")
        cursor = (
            f"({key} {beyond} $afterKey OR ({key} = $afterKey AND {record_id} {beyond} $afterId))"
        )
    match, parameters = request.where.match(label, dialect, cursor)
    if request.after is not None:
        parameters |= {"afterKey": request.after[0], "afterId": request.after[1]}
    return match, key, direction, parameters


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
    match, parameters = where.match(label, store.dialect)
    rows = await store.read(match + " RETURN count(n) AS count", parameters)
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
