"""Create, update and delete for every label."""

from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError, indefinite
from crm.api.fields import input_data, input_type
from crm.api.ids import global_id
from crm.api.mutations.common import (
    API_SOURCE,
    STORED_ONLY,
    Refused,
    change,
    changed,
    mutation,
    not_found,
    patched,
    ref,
    refuse,
    validated,
)
from crm.api.records import RECORD_ID, ApiObject, api_node
from crm.domain import NODE_MODELS, Label
from crm.domain.labels import singular
from crm.domain.natural_keys import KEY_WORDS, NATURAL_KEYS, record_id_for
from crm.errors import Conflict
from crm.graph.properties import TIMESTAMPS, Properties, record_data, to_properties
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change
from crm.queries.edit import delete_node, patch_node
from crm.queries.natural_keys import Creation, create_unless_known
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
        creation = await _create(info.context.store, label, properties, change(info))
        stored = creation.stored
        if not creation.created and stored is not None and _own(stored) != _own(properties):
            if record_id is None:  # the id was made up from the name: the name is taken
                raise _conflict(label, stored, properties)
            raise refuse(
                ["input", RECORD_ID],
                ErrorCode.CONFLICT,
                f"a {name} with id {record.id!r} exists with other values; update it instead",
            )
        if not creation.created and stored is None:
            stored = _twin(label, properties, creation.twins)
        assert stored is not None
        return {field: api_node(label, stored), "created": creation.created}

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
            stored = await _patch(store, label, record_id, changes, change(info))
        if stored is None:
            raise not_found(["id"], label, record_id)
        return {field: api_node(label, stored), "created": False}

    async def delete(info: Info, id: strawberry.ID) -> ApiObject:
        record_id = ref(id, (label,), ["id"])[1]
        ties = await delete_node(info.context.store, label, record_id, change(info))
        if ties is None:
            raise not_found(["id"], label, record_id)
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


_ID_HELP = (
    "The new record's id; when left out, made up from its name and country (and a person's "
    "e-mail address), the same for the same input."
)


def _new_id(label: Label, data: dict[str, Any]) -> str:
    """A readable id for a new record, the same for the same name, country (and e-mail)."""
    names = NODE_MODELS[label].name_fields
    text = " ".join(str(data.get(_alias(label, name)) or "") for name in names)
    country = data.get("country")
    return record_id_for(
        label, text, None if country is None else str(country), str(data.get("email") or "")
    )


async def _create(
    store: GraphStore, label: Label, properties: Properties, moment: Change
) -> Creation:
    """Create unless the id or a natural key is taken. Where the engine runs writes side by
    side (Neo4j), a concurrent create of the same record can pass the check and meet the
    unique constraint instead: asked again, the statement then finds the record it lost to."""
    try:
        return await create_unless_known(store, label, properties, moment)
    except Conflict:
        return await create_unless_known(store, label, properties, moment)


async def _patch(
    store: GraphStore, label: Label, record_id: str, changes: Properties, moment: Change
) -> Record | None:
    """Patch the node; a natural key another record holds is a conflict (its constraint)."""
    try:
        return await patch_node(store, label, record_id, changes, moment)
    except Conflict:
        keys = [KEY_WORDS[key] for key in NATURAL_KEYS.get(label, ()) if key in changes]
        what = " or ".join(keys) or "key"
        raise refuse(
            ["input"],
            ErrorCode.CONFLICT,
            f"another {label.value} has the same {what}; merge the two instead",
        ) from None


def _twin(label: Label, properties: Properties, twins: list[Record]) -> Record:
    """The record that holds the input's natural key, when it holds nothing else different;
    otherwise a conflict naming it."""
    twin = twins[0]
    if _own(twin, "id", "source") == _own(properties, "id", "source"):
        return twin
    raise _conflict(label, twin, properties)


def _conflict(label: Label, twin: Record, properties: Properties) -> Refused:
    """A conflict naming the record that holds the input's natural key (or made-up id)."""
    keys = [key for key in NATURAL_KEYS.get(label, ()) if twin.get(key) == properties.get(key)]
    what = " and ".join(KEY_WORDS[key] for key in keys) or "name"
    return Refused(
        UserError(
            field=["input"],
            code=ErrorCode.CONFLICT,
            message=f"{indefinite(label.value)} with the same {what} exists: "
            f"{twin['id']!r}; update it or merge into it instead",
            existing=strawberry.ID(global_id(label, twin["id"])),
        )
    )


def _alias(label: Label, name: str) -> str:
    return NODE_MODELS[label].model_fields[name].alias or name


def _own(properties: Properties, *leave_out: str) -> Properties:
    """A node's properties without timestamps, removed (null) values or ``leave_out``, for
    comparison."""
    skip = {*TIMESTAMPS, *leave_out}
    return {k: v for k, v in properties.items() if k not in skip and v is not None}
