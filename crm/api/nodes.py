"""The node types, one per label, and the queries that find one node: by global id or by id
(the lists are in ``lists``)."""

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.fields import object_type
from crm.api.ids import decode_global_id, node_ref
from crm.api.impact import ProjectImpact, resolve_impact
from crm.api.insight.lineage import lineage_field, project_initiatives_field
from crm.api.lists import list_field
from crm.api.network.ties import ties_field
from crm.api.records import ApiObject, api_node
from crm.api.ties import tie_fields
from crm.domain import NODE_MODELS, Label
from crm.domain.labels import PLURALS, singular
from crm.errors import InvalidInput, NotFound

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


@strawberry.interface(description="A record with a global id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="The global id: opaque, unique in the API.")
    recordId: str = strawberry.field(  # noqa: N815 (the field's name in the schema)
        description="The record's own id, unique per label, as the loader's files give it."
    )


def node_types() -> dict[Label, type]:
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
    setattr(classes[Label.INITIATIVE], "lineage", lineage_field(classes))  # noqa: B010
    initiatives = project_initiatives_field(classes)
    setattr(classes[Label.PROJECT], "initiatives", initiatives)  # noqa: B010
    setattr(classes[Label.PERSON], "ties", ties_field(classes))  # noqa: B010
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


def query_fields(types: dict[Label, type]) -> dict[str, Any]:
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
        fields[PLURALS[label]] = list_field(label, node_type)
        fields[singular(label)] = strawberry.field(
            resolver=_lookup(label),
            graphql_type=node_type | None,
            description=f"One {label.value} by its global id or its record id.",
        )
    return fields


async def _load(info: Info, label: Label, record_id: str) -> ApiObject:
    properties = await info.context.loaders.node(label).load(record_id)
    if properties is None:
        raise NotFound(f"no {label.value} with id {record_id!r}")
    return api_node(label, properties)


def _lookup(label: Label) -> Callable[..., Awaitable[ApiObject]]:
    async def resolve(info: Info, id: strawberry.ID) -> ApiObject:
        _, record_id = node_ref(id, (label,))
        return await _load(info, label, record_id)

    return resolve


async def _resolve_node(info: Info, id: strawberry.ID) -> ApiObject:
    decoded = decode_global_id(id)
    if decoded is None:
        raise InvalidInput(f"{id!r} is not a global id")
    return await _load(info, *decoded)


async def _resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[Awaitable[ApiObject]]:
    if len(ids) > info.context.settings.max_page_size:
        raise InvalidInput(f"ask for at most {info.context.settings.max_page_size} ids at once")
    # One awaitable per id: an unknown id fails its own entry, not the whole list.
    return [_resolve_node(info, node_id) for node_id in ids]
