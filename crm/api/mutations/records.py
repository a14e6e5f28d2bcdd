"""Create, update and delete for every label."""

import secrets
from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError, indefinite
from crm.api.fields import input_data, input_type
from crm.api.ids import global_id
from crm.api.mutations.common import (
    API_SOURCE,
    STORED_ONLY,
    changed,
    mutation,
    not_found,
    now,
    patched,
    ref,
    refuse,
    touch,
    validated,
)
from crm.api.records import RECORD_ID, ApiObject, api_node
from crm.domain import NODE_MODELS, Label
from crm.domain.labels import singular
from crm.domain.search import fold
from crm.graph.properties import TIMESTAMPS, Properties, record_data, to_properties
from crm.graph.store import Record
from crm.queries.edit import create_node, delete_node, patch_node
from crm.queries.nodes import nodes_by_id


@strawberry.type(description="What deleting a record did.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The deleted record's id.")
    detached_ties: int = strawberry.field(description="How many ties were deleted with it.")
    errors: list[UserError]


def node_mutations(label: Label, node_type: Any) -> dict[str, Any]:
    model = NODE_MODELS[label]
    name = label.value
    field = singular(label)
    create_input = input_type(
        name + "Input",
        model,
        skip=STORED_ONLY | {"id"},
        optional=frozenset({"source"}),
        extra={RECORD_ID: (str | None, strawberry.field(default=None, description=_ID_HELP))},
    )
    patch_input = input_type(name + "Patch", model, patch=True, skip=STORED_ONLY | {"id", "source"})
    payload = strawberry.type(
        type(
            name + "Payload",
            (),
            {
                "__annotations__": {},
                field: strawberry.field(graphql_type=node_type | None),
                "created": strawberry.field(
                    graphql_type=bool, description="Whether this request created the record."
                ),
                "errors": strawberry.field(graphql_type=list[UserError]),
            },
        ),
        description=f"{indefinite(name).capitalize()} after a write, or why it was refused.",
    )

    async def create(info: Info, input: Any) -> ApiObject:
        data = {key: value for key, value in input_data(input).items() if value is not None}
        record_id = data.pop(RECORD_ID, None)
        data["id"] = _new_id(label, data) if record_id is None else record_id
        data["source"] = data.get("source") or API_SOURCE
        record = validated(model, data, ["input"])
        properties = to_properties(record)
        created, stored = await create_node(info.context.store, label, properties, now(info))
        if created:
            touch(info, global_id(label, record.id))
        if not created and _own(stored) != _own(properties):
            raise refuse(
                ["input", RECORD_ID],
                ErrorCode.CONFLICT,
                f"a {name} with id {record.id!r} exists with other values; update it instead",
            )
        return {field: api_node(label, stored), "created": created}

    async def update(info: Info, id: strawberry.ID, input: Any) -> ApiObject:
        record_id = ref(id, (label,), ["id"])[1]
        store = info.context.store
        current = (await nodes_by_id(store, label, [record_id])).get(record_id)
        if current is None:
            raise not_found(["id"], label, record_id)
        data = patched(record_data(model, current), input_data(input))
        properties = to_properties(validated(model, data, ["input"]))
        changes = changed(current, properties)
        stored: Record | None = current
        if changes:
            stored = await patch_node(store, label, record_id, changes, now(info))
        if stored is None:
            raise not_found(["id"], label, record_id)
        if changes:
            touch(info, global_id(label, record_id))
        return {field: api_node(label, stored), "created": False}

    async def delete(info: Info, id: strawberry.ID) -> ApiObject:
        record_id = ref(id, (label,), ["id"])[1]
        ties = await delete_node(info.context.store, label, record_id)
        if ties is None:
            raise not_found(["id"], label, record_id)
        touch(info, global_id(label, record_id))
        return {"deleted_id": global_id(label, record_id), "detached_ties": ties}

    create.__annotations__["input"] = create_input
    update.__annotations__["input"] = patch_input
    return {
        f"create{name}": mutation(
            create, payload, f"Create {indefinite(name)} (idempotent by id)."
        ),
        f"update{name}": mutation(
            update, payload, f"Change fields of {indefinite(name)}; null removes an optional field."
        ),
        f"delete{name}": mutation(
            delete, DeletePayload, f"Delete {indefinite(name)} and every tie it has."
        ),
    }


_ID_HELP = "The new record's id; made up from its name when left out."


def _new_id(label: Label, data: dict[str, Any]) -> str:
    """A readable id for a new record: a slug of its name and a random suffix."""
    names = NODE_MODELS[label].name_fields
    text = " ".join(str(data.get(_alias(label, name)) or "") for name in names)
    slug = "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())[:48]
    return f"{slug or label.value.lower()}-{secrets.token_hex(4)}"


def _alias(label: Label, name: str) -> str:
    return NODE_MODELS[label].model_fields[name].alias or name


def _own(properties: Properties) -> Properties:
    """A node's properties without timestamps or removed (null) values, for comparison."""
    return {k: v for k, v in properties.items() if k not in TIMESTAMPS and v is not None}
