"""Mutations: create, update and delete every label; link, unlink and update every tie; record
interactions.

Input is validated by the domain model (the whole record, after a patch is applied), so the API
accepts exactly what the loader accepts. Expected refusals come back as ``errors`` in the
payload, each naming its input field; nothing is written when there is any.
"""

import inspect
import secrets
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any

import strawberry
from pydantic import ValidationError

from crm.api.context import Context, Info
from crm.api.errors import ErrorCode, UserError, indefinite, validation_errors
from crm.api.fields import input_data, input_type
from crm.api.ids import WrongLabel, global_id, node_ref
from crm.api.nodes import Node, singular
from crm.api.records import RECORD_ID, api_node
from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType, Tie
from crm.domain.relationships import Interacted
from crm.domain.search import fold
from crm.domain.values import Model
from crm.errors import InvalidInput
from crm.graph.properties import TIMESTAMPS, Properties, record_data, to_properties
from crm.graph.store import Record
from crm.queries.edit import (
    End,
    TieRef,
    create_node,
    delete_node,
    delete_tie,
    patch_node,
    patch_tie,
    read_tie,
)
from crm.queries.lookup import keyed_relationship_ends
from crm.queries.nodes import labels_of, nodes_by_id
from crm.queries.upsert import upsert_relationships

API_SOURCE = "graphql"
"""The ``source`` of records and ties written through the API when the input names none."""

_SKIP = frozenset(TIMESTAMPS)
_RENAMES = {"id": RECORD_ID}


class _Refused(Exception):
    """Raised inside a mutation to answer with these errors and write nothing."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__(errors[0].message if errors else "refused")
        self.errors = list(errors)


def _refuse(field: list[str], code: ErrorCode, message: str) -> _Refused:
    return _Refused(UserError(field=field, code=code, message=message))


@strawberry.type(description="What deleting a record did.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The deleted record's id.")
    detached_ties: int = strawberry.field(description="How many ties were deleted with it.")
    errors: list[UserError]


@strawberry.enum(description="What a write did to the tie.")
class TieOutcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@strawberry.type(description="A tie after a write, with its two ends.")
class TiePayload:
    source: Node | None
    target: Node | None
    outcome: TieOutcome | None
    interaction_id: str | None = strawberry.field(
        default=None, description="The interaction's own id (for INTERACTED ties)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="What removing ties did.")
class UnlinkPayload:
    removed: int = strawberry.field(description="How many ties were removed (0 if none was).")
    errors: list[UserError]


def mutation_fields(types: dict[Label, Any]) -> dict[str, Any]:
    """Every mutation of the schema, by name."""
    fields: dict[str, Any] = {}
    for label, node_type in types.items():
        fields |= _node_mutations(label, node_type)
    for rel_type in RELATIONSHIPS:
        fields |= _tie_mutations(rel_type)
    return fields


# --- records -------------------------------------------------------------------------------


def _node_mutations(label: Label, node_type: Any) -> dict[str, Any]:
    model = NODE_MODELS[label]
    name = label.value
    field = singular(label)
    create_input = input_type(
        name + "Input",
        model,
        skip=_SKIP | {"id"},
        optional=frozenset({"source"}),
        extra={RECORD_ID: (str | None, strawberry.field(default=None, description=_ID_HELP))},
    )
    patch_input = input_type(name + "Patch", model, patch=True, skip=_SKIP | {"id", "source"})
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

    async def create(info: Info, input: Any) -> dict[str, Any]:
        data = {key: value for key, value in input_data(input).items() if value is not None}
        data["id"] = data.pop(RECORD_ID, None) or _new_id(label, data)
        data["source"] = data.get("source") or API_SOURCE
        record = _validated(model, data, ["input"])
        properties = to_properties(record)
        created, stored = await create_node(info.context.store, label, properties, _now(info))
        if not created and _own(stored) != _own(properties):
            raise _refuse(
                ["input", RECORD_ID],
                ErrorCode.CONFLICT,
                f"a {name} with id {record.id!r} exists with other values; update it instead",
            )
        return {field: api_node(label, stored), "created": created}

    async def update(info: Info, id: strawberry.ID, input: Any) -> dict[str, Any]:
        record_id = _ref(id, (label,), ["id"])[1]
        store = info.context.store
        current = (await nodes_by_id(store, label, [record_id])).get(record_id)
        if current is None:
            raise _not_found(["id"], label, record_id)
        data = _patched(record_data(model, current), input_data(input))
        properties = to_properties(_validated(model, data, ["input"]))
        changes = _changes(current, properties)
        stored: Record | None = current
        if changes:
            stored = await patch_node(store, label, record_id, changes, _now(info))
        if stored is None:
            raise _not_found(["id"], label, record_id)
        return {field: api_node(label, stored), "created": False}

    async def delete(info: Info, id: strawberry.ID) -> dict[str, Any]:
        record_id = _ref(id, (label,), ["id"])[1]
        ties = await delete_node(info.context.store, label, record_id)
        if ties is None:
            raise _not_found(["id"], label, record_id)
        return {"deleted_id": global_id(label, record_id), "detached_ties": ties}

    create.__annotations__["input"] = create_input
    update.__annotations__["input"] = patch_input
    return {
        f"create{name}": _mutation(
            create, payload, f"Create {indefinite(name)} (idempotent by id)."
        ),
        f"update{name}": _mutation(
            update, payload, f"Change fields of {indefinite(name)}; null removes an optional field."
        ),
        f"delete{name}": _mutation(
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


def _changes(current: Properties, new: Properties) -> Properties:
    """What to set so that ``current`` holds ``new`` (``None`` removes)."""
    return {key: value for key, value in new.items() if current.get(key) != value}


def _patched(data: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the patch applied: a field set to null is removed."""
    merged = dict(data)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


# --- ties ----------------------------------------------------------------------------------


def _tie_mutations(rel_type: RelType) -> dict[str, Any]:
    spec = RELATIONSHIPS[rel_type]
    if spec.keyed:
        return _interaction_mutations()
    name = _pascal(rel_type)
    properties_input = input_type(
        name + "Input", spec.properties, skip=_SKIP, optional=frozenset({"source"})
    )
    fields: dict[str, Any] = {}

    async def link(
        info: Info, from_: _From, to: strawberry.ID, properties: Any = None
    ) -> dict[str, Any]:
        source, target = await _ends(info.context, rel_type, from_, to)
        data = input_data(properties) if properties is not None else {}
        data["source"] = data.get("source") or API_SOURCE
        tie = _validated(spec.properties, data, ["properties"])
        return await _write_tie(info, rel_type, source, target, tie)

    async def unlink(info: Info, from_: _From, to: strawberry.ID) -> dict[str, Any]:
        source, target = await _ends(info.context, rel_type, from_, to)
        removed = await delete_tie(info.context.store, TieRef(rel_type, source, target))
        return {"removed": removed}

    link.__annotations__["properties"] = properties_input | None
    fields[f"link{name}"] = _mutation(
        link, TiePayload, f"Tie two records by {rel_type.value}, or set the tie's properties."
    )
    fields[f"unlink{name}"] = _mutation(
        unlink, UnlinkPayload, f"Remove the {rel_type.value} tie between two records."
    )
    if set(spec.properties.model_fields) - set(Tie.model_fields):
        patch_input = input_type(name + "Patch", spec.properties, patch=True, skip=_SKIP)

        async def update(
            info: Info, from_: _From, to: strawberry.ID, properties: Any
        ) -> dict[str, Any]:
            source, target = await _ends(info.context, rel_type, from_, to)
            ref = TieRef(rel_type, source, target)
            current = await read_tie(info.context.store, ref)
            if current is None:
                raise _refuse(["from"], ErrorCode.NOT_FOUND, f"there is no such {rel_type} tie")
            return await _patch_tie(info, ref, current, input_data(properties))

        update.__annotations__["properties"] = patch_input
        fields[f"update{name}"] = _mutation(
            update, TiePayload, f"Change properties of a {rel_type.value} tie."
        )
    return fields


_From = Annotated[strawberry.ID, strawberry.argument(name="from")]


async def _ends(context: Context, rel_type: RelType, from_: str, to: str) -> tuple[End, End]:
    spec = RELATIONSHIPS[rel_type]
    return (
        await _end(context, from_, spec.sources, ["from"]),
        await _end(context, to, spec.targets, ["to"]),
    )


async def _end(context: Context, value: str, labels: tuple[Label, ...], field: list[str]) -> End:
    """The existing node ``value`` names among ``labels``."""
    label, record_id = _ref(value, labels, field)
    candidates = [label] if label is not None else await labels_of(context.store, record_id, labels)
    if label is not None and not await nodes_by_id(context.store, label, [record_id]):
        candidates = []
    if not candidates:
        expected = " or ".join(candidate.value for candidate in labels)
        raise _refuse(field, ErrorCode.NOT_FOUND, f"no {expected} with id {record_id!r}")
    if len(candidates) > 1:
        raise _refuse(
            field, ErrorCode.INVALID, f"{record_id!r} names several records; give a global id"
        )
    return End(candidates[0], record_id)


async def _write_tie(
    info: Info, rel_type: RelType, source: End, target: End, tie: Model
) -> dict[str, Any]:
    row = {"from": source.id, "to": target.id, "props": to_properties(tie)}
    outcome = await upsert_relationships(
        info.context.store, rel_type, source.label, target.label, rows=[row], now=_now(info)
    )
    if outcome.missing:
        raise _refuse(["from"], ErrorCode.NOT_FOUND, "an end was deleted meanwhile")
    result = (
        TieOutcome.CREATED
        if outcome.created
        else TieOutcome.UPDATED
        if outcome.updated
        else TieOutcome.UNCHANGED
    )
    return await _tie_payload(info, source, target, result, getattr(tie, "id", None))


async def _patch_tie(
    info: Info, ref: TieRef, current: Record, patch: dict[str, Any]
) -> dict[str, Any]:
    model = RELATIONSHIPS[ref.rel_type].properties
    old = current["r"]
    tie = _validated(model, _patched(record_data(model, old), patch), ["properties"])
    changes = _changes(old, to_properties(tie))
    stored: Record | None = current
    if changes:
        stored = await patch_tie(info.context.store, ref, changes, _now(info))
    if stored is None:
        raise _refuse(["from"], ErrorCode.NOT_FOUND, "the tie was deleted meanwhile")
    spec = RELATIONSHIPS[ref.rel_type]
    source = ref.source or End(spec.sources[0], stored["from"])
    target = ref.target or End(spec.targets[0], stored["to"])
    outcome = TieOutcome.UPDATED if changes else TieOutcome.UNCHANGED
    return await _tie_payload(info, source, target, outcome, ref.id)


async def _tie_payload(
    info: Info, source: End, target: End, outcome: TieOutcome, interaction_id: str | None
) -> dict[str, Any]:
    loaders = info.context.loaders
    ends = [await loaders.node(end.label).load(end.id) for end in (source, target)]
    return {
        "source": None if ends[0] is None else api_node(source.label, ends[0]),
        "target": None if ends[1] is None else api_node(target.label, ends[1]),
        "outcome": outcome,
        "interaction_id": interaction_id,
    }


def _interaction_mutations() -> dict[str, Any]:
    rel_type = RelType.INTERACTED
    interaction_input = input_type(
        "InteractionInput",
        Interacted,
        skip=_SKIP | {"id"},
        optional=frozenset({"source"}),
        extra={
            RECORD_ID: (
                str | None,
                strawberry.field(default=None, description="Made up when left out."),
            )
        },
    )
    patch_input = input_type("InteractionPatch", Interacted, patch=True, skip=_SKIP | {"id"})

    async def record(
        info: Info, from_: _From, to: strawberry.ID, interaction: Any
    ) -> dict[str, Any]:
        source, target = await _ends(info.context, rel_type, from_, to)
        if source.id == target.id:
            raise _refuse(["to"], ErrorCode.INVALID, "an interaction is between two people")
        data = input_data(interaction)
        data["id"] = data.pop(RECORD_ID, None) or f"ix-{secrets.token_hex(8)}"
        data["source"] = data.get("source") or API_SOURCE
        tie = _validated(Interacted, data, ["interaction"])
        ends = await keyed_relationship_ends(info.context.store, rel_type, [tie.id])
        if tie.id in ends and ends[tie.id] != (source.id, target.id):
            raise _refuse(
                ["interaction", RECORD_ID],
                ErrorCode.CONFLICT,
                f"interaction {tie.id!r} is already recorded from {ends[tie.id][0]!r} "
                f"to {ends[tie.id][1]!r}",
            )
        return await _write_tie(info, rel_type, source, target, tie)

    async def update(info: Info, id: str, properties: Any) -> dict[str, Any]:
        ref = TieRef(rel_type, id=id)
        current = await read_tie(info.context.store, ref)
        if current is None:
            raise _refuse(["id"], ErrorCode.NOT_FOUND, f"no interaction with id {id!r}")
        return await _patch_tie(info, ref, current, input_data(properties))

    async def delete(info: Info, id: str) -> dict[str, Any]:
        return {"removed": await delete_tie(info.context.store, TieRef(rel_type, id=id))}

    record.__annotations__["interaction"] = interaction_input
    update.__annotations__["properties"] = patch_input
    return {
        "recordInteraction": _mutation(
            record, TiePayload, "Record an interaction between two people (INTERACTED)."
        ),
        "updateInteraction": _mutation(update, TiePayload, "Change a recorded interaction."),
        "deleteInteraction": _mutation(delete, UnlinkPayload, "Delete a recorded interaction."),
    }


# --- shared --------------------------------------------------------------------------------


def _mutation(
    resolve: Callable[..., Awaitable[dict[str, Any]]], payload: Any, description: str
) -> Any:
    """A mutation field whose refusals become the payload's ``errors``."""

    async def guarded(*args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            result = await resolve(*args, **kwargs)
        except _Refused as refused:
            return _empty(payload) | {"errors": refused.errors}
        return _empty(payload) | result | {"errors": []}

    signature = inspect.signature(resolve).replace(return_annotation=payload)
    guarded.__signature__ = signature  # type: ignore[attr-defined]
    guarded.__annotations__ = dict(resolve.__annotations__) | {"return": payload}
    guarded.__name__ = resolve.__name__
    return strawberry.mutation(resolver=guarded, description=description)


def _empty(payload: Any) -> dict[str, Any]:
    """Every payload field unset (null, false or zero)."""
    defaults: dict[str, Any] = {"created": False, "detached_ties": 0, "removed": 0}
    names = payload.__strawberry_definition__.fields
    return {field.python_name: defaults.get(field.python_name) for field in names}


def _validated[M: Model](model: type[M], data: dict[str, Any], path: list[str]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _Refused(*validation_errors(error, path, _RENAMES)) from None


def _ref(value: str, labels: tuple[Label, ...], field: list[str]) -> tuple[Label | None, str]:
    try:
        return node_ref(value, labels)
    except InvalidInput as error:
        code = ErrorCode.NOT_ALLOWED if isinstance(error, WrongLabel) else ErrorCode.INVALID
        raise _refuse(field, code, str(error)) from None


def _not_found(field: list[str], label: Label, record_id: str) -> _Refused:
    return _refuse(field, ErrorCode.NOT_FOUND, f"no {label.value} with id {record_id!r}")


def _now(info: Info) -> str:
    return info.context.now()


def _pascal(rel_type: RelType) -> str:
    return "".join(part.capitalize() for part in rel_type.value.split("_"))
