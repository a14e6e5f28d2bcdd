"""The node types, one per label, and the queries that find nodes: by global id, by id, and as
filtered, ordered pages (Relay connections)."""

from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum, StrEnum
from typing import Any

import strawberry
from pydantic import TypeAdapter, ValidationError

from crm.api.context import Info
from crm.api.fields import graphql_enum, object_type
from crm.api.ids import decode_global_id, node_ref
from crm.api.impact import ProjectImpact, resolve_impact
from crm.api.pagination import (
    DEFAULT_PAGE_SIZE,
    Page,
    decode_cursor,
    encode_cursor,
    make_page,
    page_size,
)
from crm.api.records import api_node
from crm.api.scalars import Date
from crm.api.ties import connection_type, tie_fields
from crm.domain import NODE_MODELS, Label
from crm.domain.values import Country
from crm.errors import InvalidInput, NotFound
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

PLURALS = {
    Label.CLUSTER: "clusters",
    Label.ORGANIZATION: "organizations",
    Label.PERSON: "people",
    Label.EVENT: "events",
    Label.INITIATIVE: "initiatives",
    Label.PROJECT: "projects",
    Label.TOPIC: "topics",
    Label.SECTOR: "sectors",
    Label.REGION: "regions",
    Label.DOCUMENT: "documents",
}

DESCRIPTIONS = {
    Label.CLUSTER: "A business cluster: a network of organisations in one field.",
    Label.ORGANIZATION: "A company, university, public body or association.",
    Label.PERSON: "A person the network knows.",
    Label.EVENT: "A workshop, network meeting, conference or other gathering.",
    Label.INITIATIVE: "A cross-border initiative that came out of events.",
    Label.PROJECT: "A funded project (for example by the ERDF).",
    Label.TOPIC: "A subject events covered.",
    Label.SECTOR: "An economic sector (health, energy, ...).",
    Label.REGION: "A region on either side of the border.",
    Label.DOCUMENT: "A report, case study, presentation, film or website.",
}


def singular(label: Label) -> str:
    return label.value[:1].lower() + label.value[1:]


@strawberry.interface(description="A record with a global id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="The global id: opaque, unique in the API.")
    recordId: str = strawberry.field(  # noqa: N815 (the field's name in the schema)
        description="The record's own id, unique per label, as the loader's files give it."
    )


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


_COUNTRY = TypeAdapter(Country)


def node_types() -> dict[Label, Any]:
    """Every label's object type, its ties included."""
    classes = {label: _node_class(label) for label in NODE_MODELS}
    for label, cls in classes.items():
        for name, field in tie_fields(label, classes).items():
            setattr(cls, name, field)
    impact = strawberry.field(
        resolver=resolve_impact,
        graphql_type=ProjectImpact,
        description="What the project's events led to, and what it cost.",
    )
    setattr(classes[Label.PROJECT], "impact", impact)  # noqa: B010
    return {
        label: strawberry.type(cls, description=DESCRIPTIONS[label])
        for label, cls in classes.items()
    }


def _node_class(label: Label) -> type:
    def is_type_of(_cls: type, obj: Any, _info: Any) -> bool:
        return isinstance(obj, dict) and obj.get("__typename") == label.value

    return object_type(
        label.value,
        NODE_MODELS[label],
        skip=frozenset({"id"}),
        bases=(Node,),
        extra={"is_type_of": classmethod(is_type_of)},
    )


def query_fields(types: dict[Label, Any]) -> dict[str, Any]:
    """The ``Query`` fields: ``node``, ``nodes``, and a list and a lookup for every label."""
    fields: dict[str, Any] = {
        "node": strawberry.field(
            resolver=_resolve_node,
            graphql_type=Node | None,
            description="Any record by its global id.",
        ),
        "nodes": strawberry.field(
            resolver=_resolve_nodes,
            graphql_type=list[Node | None],
            description="Records by their global ids, in the order given; null where unknown.",
        ),
    }
    for label, node_type in types.items():
        fields[PLURALS[label]] = _list_field(label, node_type)
        fields[singular(label)] = strawberry.field(
            resolver=_lookup(label),
            graphql_type=node_type | None,
            description=f"One {label.value} by its global id or its record id.",
        )
    return fields


async def _load(info: Info, label: Label, record_id: str) -> dict[str, Any]:
    properties = await info.context.loaders.node(label).load(record_id)
    if properties is None:
        raise NotFound(f"no {label.value} with id {record_id!r}")
    return api_node(label, properties)


def _lookup(label: Label) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def resolve(info: Info, id: strawberry.ID) -> dict[str, Any]:
        _, record_id = node_ref(id, (label,))
        return await _load(info, label, record_id)

    return resolve


async def _resolve_node(info: Info, id: strawberry.ID) -> dict[str, Any]:
    decoded = decode_global_id(id)
    if decoded is None:
        raise InvalidInput(f"{id!r} is not a global id")
    return await _load(info, *decoded)


async def _resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[Awaitable[dict[str, Any]]]:
    if len(ids) > info.context.settings.max_page_size:
        raise InvalidInput(f"ask for at most {info.context.settings.max_page_size} ids at once")
    # One awaitable per id: an unknown id fails its own entry, not the whole list.
    return [_resolve_node(info, node_id) for node_id in ids]


def _list_field(label: Label, node_type: Any) -> Any:
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
        order = _order(order_by)
        scope = f"{label.value}.{order.field.value}.{'desc' if order.descending else 'asc'}"
        node_filter = _node_filter(label, where)
        request = PageRequest(size, decode_cursor(after, scope), node_filter, order)
        rows = await page_nodes(context.store, label, request)

        def edge(row: Row) -> dict[str, Any]:
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


def _filter_input(label: Label) -> Any:
    model = NODE_MODELS[label]
    available = filterable(label)
    candidates: dict[str, tuple[Any, str]] = {
        "name_contains": (str, "Part of the name; case and accents do not matter."),
        "place_contains": (str, "Part of the city or place; case and accents do not matter."),
        "country": (str, "ISO 3166-1 alpha-2 country code."),
        "kind": (_field_enum(model, "kind"), "Of this kind."),
        "status": (_field_enum(model, "status"), "With this status."),
        "sector": (strawberry.ID, "Active in this sector (global or record id)."),
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


def _field_enum(model: type, name: str) -> Any:
    fields = model.model_fields  # type: ignore[attr-defined]
    return graphql_enum(fields[name].annotation) if name in fields else None


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
    if given.get("sector") is not None:
        given["sector"] = node_ref(given["sector"], (Label.SECTOR,))[1]
    for name in ("kind", "status"):
        if isinstance(given.get(name), Enum):
            given[name] = given[name].value
    start: date | None = given.get("date_from")
    end: date | None = given.get("date_to")
    if start is not None and end is not None and start > end:
        raise InvalidInput("where.dateFrom is after where.dateTo")
    return NodeFilter(**given)
