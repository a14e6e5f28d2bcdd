"""The list of every label: a Relay connection with typed filters, an order, keyset pages,
and a count only when asked."""

from datetime import date
from enum import Enum, StrEnum
from typing import Any, cast

import strawberry
from pydantic import TypeAdapter, ValidationError

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.ids import node_ref
from crm.api.pagination import (
    DEFAULT_PAGE_SIZE,
    Page,
    decode_cursor,
    encode_cursor,
    make_page,
    page_size,
)
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.api.ties import connection_type
from crm.domain import NODE_MODELS, Label, Node
from crm.domain.labels import PLURALS
from crm.domain.values import Country, Language
from crm.errors import InvalidInput
from crm.queries.nodes import (
    NodeFilter,
    Order,
    OrderField,
    PageRequest,
    Row,
    count_nodes_where,
    filterable,
    order_fields,
    page_nodes,
)


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


_COUNTRY = TypeAdapter(Country)


def list_field(label: Label, node_type: Any) -> Any:
    filter_input = _filter_input(label)
    order_input = _order_input(label)
    edge = strawberry.type(
        type(
            label.value + "Edge",
            (),
            {
                "__annotations__": {},
                "cursor": strawberry.field(graphql_type=str),
                "node": strawberry.field(graphql_type=node_type),
            },
        ),
        description=f"A {label.value} in a list.",
    )
    connection = connection_type(label.value + "Connection", edge, node_type)

    async def resolve(
        info: Info,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        where: Any = None,
        order_by: Any = None,
    ) -> Page:
        context = info.context
        size = page_size(first, context.settings.max_page_size)
        scope, request = page_request(label, size, after, where, order_by)
        node_filter = request.where
        rows = await page_nodes(context.store, label, request)

        def edge(row: Row) -> ApiObject:
            return {"node": api_node(label, row.properties)}

        return make_page(
            rows,
            size,
            after,
            edge=edge,
            cursor=lambda row: encode_cursor(scope, row.sort_key, row.properties["id"]),
            count=lambda: count_nodes_where(context.store, label, node_filter),
        )

    resolve.__annotations__ |= {
        "where": filter_input | None,
        "order_by": order_input | None,
        "return": connection,
    }
    return strawberry.field(
        resolver=resolve, description=f"{PLURALS[label].capitalize()}, a page at a time."
    )


def page_request(
    label: Label, size: int, after: str | None, where: Any, order_by: Any
) -> tuple[str, PageRequest]:
    """The cursor scope (list and order) and the request of a page of ``size`` rows, from the
    list field's arguments; bad arguments raise ``InvalidInput``."""
    order = _order(order_by)
    scope = f"{label.value}.{order.field.value}.{'desc' if order.descending else 'asc'}"
    node_filter = _node_filter(label, where)
    return scope, PageRequest(size, decode_cursor(after, scope), node_filter, order)


def _filter_input(label: Label) -> Any:
    model = NODE_MODELS[label]
    available = filterable(label)
    person = label is Label.PERSON
    candidates: dict[str, tuple[Any, str]] = {
        "name_contains": (str, "Part of the name; case and accents do not matter."),
        "place_contains": (str, "Part of the city or place; case and accents do not matter."),
        "country": (str, "ISO 3166-1 alpha-2 country code."),
        "kind": (_field_enum(model, "kind"), "Of this kind."),
        "status": (_field_enum(model, "status"), "With this status."),
        "sector": (
            strawberry.ID,
            "Has a job at an organisation or cluster active in this sector (global or record id)."
            if person
            else "Active in this sector (global or record id).",
        ),
        "region": (strawberry.ID, "Located in this region (global or record id)."),
        "specialty_contains": (
            str,
            "Part of a specialty, service or technology "
            + ("of a cluster it is a member of" if label is Label.ORGANIZATION else "it offers")
            + "; case and accents do not matter.",
        ),
        "employer": (
            strawberry.ID,
            "Has (or had) a job at this organisation or cluster (global or record id).",
        ),
        "cluster": (
            strawberry.ID,
            "Has (or had) a job at this cluster or at one of its member organisations (global "
            "or record id).",
        ),
        "language": (graphql_enum(Language), "Speaks this language."),
        "date_from": (Date, "On or after this date."),
        "date_to": (Date, "On or before this date."),
    }
    annotations = {name: kind | None for name, (kind, _) in candidates.items() if name in available}
    namespace: dict[str, Any] = {
        name: strawberry.field(default=None, description=candidates[name][1])
        for name in annotations
    }
    namespace["__annotations__"] = annotations
    return strawberry.input(
        type(label.value + "Filter", (), namespace),
        description=f"Conditions on {PLURALS[label]}; all given must hold.",
    )


def _field_enum(model: type[Node], name: str) -> Any:
    """The GraphQL enum of the model's field ``name`` (``kind``, ``status``), if it has one."""
    field = model.model_fields.get(name)
    return None if field is None else graphql_enum(cast("type[Enum]", field.annotation))


def _order_input(label: Label) -> Any:
    order_field = graphql_enum(
        StrEnum(label.value + "OrderField", {f.name: f.value for f in order_fields(label)})
    )
    namespace = {
        "__annotations__": {"field": order_field, "direction": OrderDirection},
        "field": strawberry.field(default=order_field.NAME),
        "direction": strawberry.field(default=OrderDirection.ASC),
    }
    return strawberry.input(
        type(label.value + "Order", (), namespace),
        description="Sort by this field, then by record id.",
    )


def _order(order_by: Any) -> Order:
    if order_by is None:
        return Order()
    return Order(OrderField(order_by.field.value), order_by.direction == OrderDirection.DESC)


def _node_filter(label: Label, where: Any) -> NodeFilter:
    if where is None:
        return NodeFilter()
    given = {name: getattr(where, name) for name in filterable(label)}
    if given.get("country") is not None:
        try:
            given["country"] = _COUNTRY.validate_python(given["country"])
        except ValidationError:
            raise InvalidInput(
                f"where.country: {given['country']!r} is not a country code"
            ) from None
    for name, target in (("sector", Label.SECTOR), ("region", Label.REGION)):
        if given.get(name) is not None:
            given[name] = node_ref(given[name], (target,))[1]
    if given.get("cluster") is not None:
        given["cluster"] = node_ref(given["cluster"], (Label.CLUSTER,))[1]
    if given.get("employer") is not None:
        employer_label, given["employer"] = node_ref(
            given["employer"], (Label.ORGANIZATION, Label.CLUSTER)
        )
        given["employer_label"] = employer_label
    for name in ("kind", "status", "language"):
        if isinstance(given.get(name), Enum):
            given[name] = given[name].value
    start: date | None = given.get("date_from")
    end: date | None = given.get("date_to")
    if start is not None and end is not None and start > end:
        raise InvalidInput("where.dateFrom is after where.dateTo")
    return NodeFilter(**given)
