"""Every tie as a field on each of its ends, a connection whose edges carry the tie's properties.

``TIE_FIELDS`` is the one table of which field walks which relationship type in which direction;
a test checks that it covers every end of every type in ``RELATIONSHIPS``.
"""

from collections.abc import Callable
from typing import Annotated, Any, Union

import strawberry
from pydantic.alias_generators import to_pascal

from crm.api.context import Info
from crm.api.fields import object_type
from crm.api.pagination import (
    DEFAULT_PAGE_SIZE,
    Page,
    PageInfo,
    decode_cursor,
    encode_cursor,
    make_page,
    page_size,
)
from crm.api.records import RECORD_ID, ApiObject, api_node, api_tie
from crm.domain import RELATIONSHIPS, Label, RelType
from crm.queries.ties import Direction, Step, Walk

_OUT, _IN, _BOTH = Direction.OUT, Direction.IN, Direction.BOTH

_FIELDS: dict[Label, dict[str, tuple[RelType, Direction]]] = {
    Label.CLUSTER: {
        "members": (RelType.MEMBER_OF, _IN),
        "people": (RelType.WORKS_AT, _IN),
        "projects": (RelType.PARTICIPATES_IN, _OUT),
        "initiatives": (RelType.PARTNER_IN, _OUT),
        "sectors": (RelType.ACTIVE_IN, _OUT),
        "regions": (RelType.LOCATED_IN, _OUT),
    },
    Label.ORGANIZATION: {
        "clusters": (RelType.MEMBER_OF, _OUT),
        "people": (RelType.WORKS_AT, _IN),
        "projects": (RelType.PARTICIPATES_IN, _OUT),
        "initiatives": (RelType.PARTNER_IN, _OUT),
        "sectors": (RelType.ACTIVE_IN, _OUT),
        "regions": (RelType.LOCATED_IN, _OUT),
    },
    Label.PERSON: {
        "employers": (RelType.WORKS_AT, _OUT),
        "events": (RelType.ATTENDED, _OUT),
        "interactions": (RelType.INTERACTED, _BOTH),
    },
    Label.EVENT: {
        "organizers": (RelType.ORGANIZED, _IN),
        "topics": (RelType.COVERED, _OUT),
        "attendees": (RelType.ATTENDED, _IN),
        "initiatives": (RelType.EMERGED_FROM, _IN),
    },
    Label.INITIATIVE: {
        "events": (RelType.EMERGED_FROM, _OUT),
        "partners": (RelType.PARTNER_IN, _IN),
        "sectors": (RelType.ACTIVE_IN, _OUT),
    },
    Label.PROJECT: {
        "participants": (RelType.PARTICIPATES_IN, _IN),
        "events": (RelType.ORGANIZED, _OUT),
        "documents": (RelType.PRODUCED, _OUT),
        "sectors": (RelType.ACTIVE_IN, _OUT),
        "regions": (RelType.LOCATED_IN, _OUT),
    },
    Label.TOPIC: {"events": (RelType.COVERED, _IN)},
    Label.SECTOR: {"actors": (RelType.ACTIVE_IN, _IN)},
    Label.REGION: {"actors": (RelType.LOCATED_IN, _IN)},
    Label.DOCUMENT: {"projects": (RelType.PRODUCED, _IN)},
}

TIE_FIELDS: dict[Label, dict[str, Walk]] = {
    label: {name: Walk(rel, direction, label) for name, (rel, direction) in fields.items()}
    for label, fields in _FIELDS.items()
}

_DESCRIPTIONS = {
    _OUT: "This {near}'s {rel} ties, to {far}.",
    _IN: "{rel} ties from {far} to this {near}.",
    _BOTH: "{rel} ties between this {near} and another {far}, either way; one edge per tie.",
}


def tie_fields(label: Label, node_types: dict[Label, type]) -> dict[str, Any]:
    """The strawberry fields of ``label``'s ties, given every label's (undecorated) type."""
    near = label.value
    return {
        name: strawberry.field(
            resolver=_resolver(walk, _connection(near + to_pascal(name), walk, node_types)),
            description=_DESCRIPTIONS[walk.direction].format(
                far=" or ".join(far.value for far in walk.far),
                rel=walk.rel_type.value,
                near=near,
            ),
        )
        for name, walk in TIE_FIELDS[label].items()
    }


def far_type(walk: Walk, node_types: dict[Label, type]) -> Any:
    """The node type at the far end; a union where several labels may be (strawberry takes
    the same union, declared again, as one type)."""
    if len(walk.far) == 1:
        return node_types[walk.far[0]]
    members = tuple(node_types[label] for label in walk.far)
    name = "Or".join(label.value for label in walk.far)
    return Annotated[Union[members], strawberry.union(name)]  # noqa: UP007


_OUTGOING = {
    "outgoing": strawberry.field(
        graphql_type=bool,
        description="True when the tie goes from this node to the other (for an interaction: "
        "this person reached out), false when it comes from the other.",
    )
}


def _connection(name: str, walk: Walk, node_types: dict[Label, type]) -> Any:
    far = far_type(walk, node_types)
    edge = object_type(
        name + "Edge",
        RELATIONSHIPS[walk.rel_type].properties,
        extra={
            "cursor": strawberry.field(graphql_type=str),
            "node": strawberry.field(graphql_type=far),
            **(_OUTGOING if walk.direction == Direction.BOTH else {}),
        },
    )
    edge_type = strawberry.type(edge, description=f"A {walk.rel_type.value} tie and its far end.")
    return connection_type(name + "Connection", edge_type, far)


def connection_type(name: str, edge: Any, node: Any) -> Any:
    """A Relay connection of ``edge``s, with ``nodes`` as a shortcut and a lazy ``totalCount``."""

    async def total_count(root: strawberry.Parent[Page]) -> int:
        return await root.count()

    namespace = {
        "__annotations__": {},
        "__module__": __name__,
        "edges": strawberry.field(graphql_type=list[edge]),
        "nodes": strawberry.field(graphql_type=list[node]),
        "page_info": strawberry.field(graphql_type=PageInfo),
        "total_count": strawberry.field(
            resolver=total_count, description="How many there are in all (costs a query)."
        ),
    }
    return strawberry.type(type(name, (), namespace), description="A page of a list (Relay).")


def walk_scope(walk: Walk) -> str:
    """The scope of the cursors of a tie field: they fit no other list."""
    return f"{walk.near.value}.{walk.rel_type.value}.{walk.direction.value}"


def _resolver(walk: Walk, connection: Any) -> Callable[..., Any]:
    scope = walk_scope(walk)

    async def resolve(
        root: strawberry.Parent[ApiObject],
        info: Info,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page:
        loaders = info.context.loaders
        size = page_size(first, info.context.settings.max_page_size)
        steps = await loaders.walk(walk, size, decode_cursor(after, scope)).load(root[RECORD_ID])

        def edge(step: Step) -> ApiObject:
            node = api_node(step.label, step.node)
            return api_tie(walk.rel_type, step.tie) | {"node": node, "outgoing": step.outgoing}

        return make_page(
            steps,
            size,
            after,
            edge=edge,
            cursor=lambda step: encode_cursor(scope, step.sort_key, step.tie_breaker),
            count=lambda: loaders.count(walk).load(root[RECORD_ID]),
        )

    resolve.__annotations__["return"] = connection
    return resolve
