"""Link, unlink and update every tie; record, update and delete interactions."""

import secrets
from enum import Enum
from typing import Annotated, Any

import strawberry
from pydantic.alias_generators import to_pascal

from crm.api.context import Context, Info
from crm.api.errors import ErrorCode, UserError
from crm.api.fields import input_data, input_type
from crm.api.mutations.common import (
    API_SOURCE,
    STORED_ONLY,
    change,
    changed,
    mutation,
    patched,
    ref,
    refuse,
    validated,
)
from crm.api.nodes import Node
from crm.api.records import RECORD_ID, ApiObject, api_node
from crm.domain import RELATIONSHIPS, Label, RelType, Tie
from crm.domain.global_ids import tie_id, tie_ids
from crm.domain.relationships import Interacted
from crm.domain.values import Model
from crm.graph.properties import record_data, to_properties
from crm.graph.store import Record
from crm.queries.edit import End, TieRef, delete_tie, patch_tie, read_tie
from crm.queries.lookup import keyed_relationship_ends
from crm.queries.nodes import labels_of, nodes_by_id
from crm.queries.upsert import upsert_relationships


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


def tie_mutations(rel_type: RelType) -> dict[str, Any]:
    spec = RELATIONSHIPS[rel_type]
    if spec.keyed:
        return _interaction_mutations()
    name = to_pascal(rel_type.value.lower())
    properties_input = input_type(
        name + "Input", spec.properties, skip=STORED_ONLY, optional=frozenset({"source"})
    )
    fields: dict[str, Any] = {}

    async def link(
        info: Info, from_: _From, to: strawberry.ID, properties: Any = None
    ) -> ApiObject:
        source, target = await _ends(info.context, rel_type, from_, to)
        data = input_data(properties) if properties is not None else {}
        data["source"] = data.get("source") or API_SOURCE
        tie = validated(spec.properties, data, ["properties"])
        return await _write_tie(info, rel_type, source, target, tie)

    async def unlink(info: Info, from_: _From, to: strawberry.ID) -> ApiObject:
        source, target = await _ends(info.context, rel_type, from_, to)
        removed = await delete_tie(
            info.context.store,
            TieRef(rel_type, source, target),
            change(info),
            _ids(source, target, rel_type),
        )
        return {"removed": removed}

    link.__annotations__["properties"] = properties_input | None
    fields[f"link{name}"] = mutation(
        link, TiePayload, f"Tie two records by {rel_type.value}, or set the tie's properties."
    )
    fields[f"unlink{name}"] = mutation(
        unlink, UnlinkPayload, f"Remove the {rel_type.value} tie between two records."
    )
    if set(spec.properties.model_fields) - set(Tie.model_fields):
        patch_input = input_type(name + "Patch", spec.properties, patch=True, skip=STORED_ONLY)

        async def update(info: Info, from_: _From, to: strawberry.ID, properties: Any) -> ApiObject:
            source, target = await _ends(info.context, rel_type, from_, to)
            ref = TieRef(rel_type, source, target)
            current = await read_tie(info.context.store, ref)
            if current is None:
                raise refuse(["from"], ErrorCode.NOT_FOUND, f"there is no such {rel_type} tie")
            return await _patch_tie(info, ref, current, input_data(properties))

        update.__annotations__["properties"] = patch_input
        fields[f"update{name}"] = mutation(
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
    label, record_id = ref(value, labels, field)
    candidates = [label] if label is not None else await labels_of(context.store, record_id, labels)
    if label is not None and not await nodes_by_id(context.store, label, [record_id]):
        candidates = []
    if not candidates:
        expected = " or ".join(candidate.value for candidate in labels)
        raise refuse(field, ErrorCode.NOT_FOUND, f"no {expected} with id {record_id!r}")
    if len(candidates) > 1:
        raise refuse(
            field, ErrorCode.INVALID, f"{record_id!r} names several records; give a global id"
        )
    return End(candidates[0], record_id)


async def _write_tie(
    info: Info, rel_type: RelType, source: End, target: End, tie: Model
) -> ApiObject:
    row = {"from": source.id, "to": target.id, "props": to_properties(tie)}
    outcome = await upsert_relationships(
        info.context.store, rel_type, source.label, target.label, rows=[row], change=change(info)
    )
    if outcome.missing:
        raise refuse(["from"], ErrorCode.NOT_FOUND, "an end was deleted meanwhile")
    if outcome.conflicts:  # recorded between other people since ``record`` looked
        key = getattr(tie, "id", "")
        await _refuse_other_ends(info.context, rel_type, key, source, target)
        raise refuse(
            ["interaction", RECORD_ID],
            ErrorCode.CONFLICT,
            f"interaction {key!r} was recorded between other people meanwhile",
        )
    result = (
        TieOutcome.CREATED
        if outcome.created
        else TieOutcome.UPDATED
        if outcome.updated
        else TieOutcome.UNCHANGED
    )
    return await _tie_payload(info, source, target, result, getattr(tie, "id", None))


def _ids(source: End, target: End, rel_type: RelType, key: str | None = None) -> list[str]:
    """How the change log names a tie (``tie_ids``)."""
    return tie_ids((source.label, source.id), (target.label, target.id), rel_type, key)


async def _patch_tie(info: Info, ref: TieRef, current: Record, patch: dict[str, Any]) -> ApiObject:
    model = RELATIONSHIPS[ref.rel_type].properties
    old = current["r"]
    tie = validated(model, patched(record_data(model, old), patch), ["properties"])
    changes = changed(old, to_properties(tie))
    spec = RELATIONSHIPS[ref.rel_type]
    source = ref.source or End(spec.sources[0], current["from"])
    target = ref.target or End(spec.targets[0], current["to"])
    stored: Record | None = current
    if changes:
        ids = _ids(source, target, ref.rel_type, ref.id)
        stored = await patch_tie(info.context.store, ref, changes, change(info), ids)
    if stored is None:
        raise refuse(["from"], ErrorCode.NOT_FOUND, "the tie was deleted meanwhile")
    outcome = TieOutcome.UPDATED if changes else TieOutcome.UNCHANGED
    return await _tie_payload(info, source, target, outcome, ref.id)


async def _tie_payload(
    info: Info, source: End, target: End, outcome: TieOutcome, interaction_id: str | None
) -> ApiObject:
    loaders = info.context.loaders
    ends = [await loaders.node(end.label).load(end.id) for end in (source, target)]
    return {
        "source": None if ends[0] is None else api_node(source.label, ends[0]),
        "target": None if ends[1] is None else api_node(target.label, ends[1]),
        "outcome": outcome,
        "interaction_id": interaction_id,
    }


async def _refuse_other_ends(
    context: Context, rel_type: RelType, key: str, source: End, target: End
) -> None:
    """Refuse a keyed tie whose id a tie between other ends holds: its ends never change."""
    ends = (await keyed_relationship_ends(context.store, rel_type, [key])).get(key)
    if ends is not None and ends != (source.id, target.id):
        raise refuse(
            ["interaction", RECORD_ID],
            ErrorCode.CONFLICT,
            f"interaction {key!r} is already recorded from {ends[0]!r} to {ends[1]!r}",
        )


def _interaction_mutations() -> dict[str, Any]:
    rel_type = RelType.INTERACTED
    interaction_input = input_type(
        "InteractionInput",
        Interacted,
        skip=STORED_ONLY | {"id"},
        optional=frozenset({"source"}),
        extra={
            RECORD_ID: (
                str | None,
                strawberry.field(default=None, description="Made up when left out."),
            )
        },
    )
    patch_input = input_type("InteractionPatch", Interacted, patch=True, skip=STORED_ONLY | {"id"})

    async def record(info: Info, from_: _From, to: strawberry.ID, interaction: Any) -> ApiObject:
        source, target = await _ends(info.context, rel_type, from_, to)
        if source.id == target.id:
            raise refuse(["to"], ErrorCode.INVALID, "an interaction is between two people")
        data = input_data(interaction)
        data["id"] = data.pop(RECORD_ID, None) or f"ix-{secrets.token_hex(8)}"
        data["source"] = data.get("source") or API_SOURCE
        tie = validated(Interacted, data, ["interaction"])
        await _refuse_other_ends(info.context, rel_type, tie.id, source, target)
        return await _write_tie(info, rel_type, source, target, tie)

    async def update(info: Info, id: str, properties: Any) -> ApiObject:
        ref = TieRef(rel_type, id=id)
        current = await read_tie(info.context.store, ref)
        if current is None:
            raise refuse(["id"], ErrorCode.NOT_FOUND, f"no interaction with id {id!r}")
        return await _patch_tie(info, ref, current, input_data(properties))

    async def delete(info: Info, id: str) -> ApiObject:
        removed = await delete_tie(
            info.context.store, TieRef(rel_type, id=id), change(info), [tie_id(rel_type, id)]
        )
        return {"removed": removed}

    record.__annotations__["interaction"] = interaction_input
    update.__annotations__["properties"] = patch_input
    return {
        "recordInteraction": mutation(
            record, TiePayload, "Record an interaction between two people (INTERACTED)."
        ),
        "updateInteraction": mutation(update, TiePayload, "Change a recorded interaction."),
        "deleteInteraction": mutation(delete, UnlinkPayload, "Delete a recorded interaction."),
    }
