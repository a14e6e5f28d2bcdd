"""Merging duplicates (``mergeRecords``) and saying that two records are not duplicates
(``markNotDuplicate``); editors may do both.

A merge keeps one record: every tie of the duplicates moves to it, its empty fields are filled
from the duplicates (in the order given), and where both hold different values the kept value
stays and the other is answered as a conflict. A person keeps the strictest consent of the
merged records (``STRICTNESS``). The duplicates' ids resolve to the kept record afterwards.
"""

from typing import Any

import strawberry
from strawberry.scalars import JSON

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError
from crm.api.ids import global_id
from crm.api.mutations.common import change, mutation, not_found, ref, refuse, validated
from crm.api.mutations.erasure import ERASED_PREFIX
from crm.api.nodes import Node
from crm.api.records import api_node
from crm.domain import NODE_MODELS, Label
from crm.domain.values import LawfulBasis
from crm.graph.properties import TIMESTAMPS, record_data, to_properties
from crm.graph.store import Record
from crm.queries.duplicates import mark_not_duplicate
from crm.queries.merge import merge_records
from crm.queries.merged import MERGEABLE, MERGED_IDS
from crm.queries.nodes import nodes_by_id

STRICTNESS = (
    LawfulBasis.CONSENT,
    LawfulBasis.CONTRACT,
    LawfulBasis.LEGAL_OBLIGATION,
    LawfulBasis.VITAL_INTERESTS,
    LawfulBasis.PUBLIC_TASK,
    LawfulBasis.LEGITIMATE_INTERESTS,
)
"""Lawful bases from the strictest: consent binds the processing to what the person agreed
to and ends when they withdraw it; legitimate interests bind it least. Of two consents with
the same basis, the more recent is kept."""

NOT_FILLED = frozenset({"id", "source", *TIMESTAMPS})


@strawberry.type(description="A field the kept record and a duplicate hold different values of.")
class MergeConflict:
    field: str = strawberry.field(description="The field, as the input types name it.")
    record: strawberry.ID = strawberry.field(description="The duplicate's global id.")
    kept: JSON = strawberry.field(description="The value the kept record keeps.")
    other: JSON = strawberry.field(description="The duplicate's value, which is not kept.")


@strawberry.type(description="What merging records did, or why it was refused.")
class MergePayload:
    kept: Node | None = strawberry.field(description="The kept record after the merge.")
    merged_ids: list[strawberry.ID] | None = strawberry.field(
        description="The global ids of the merged records; they resolve to the kept one."
    )
    moved_ties: int | None = strawberry.field(description="How many ties moved to it.")
    conflicts: list[MergeConflict] | None = strawberry.field(
        description="Fields whose values differed; the kept record's values stayed."
    )
    errors: list[UserError]


async def _merge(
    info: Info, keep: strawberry.ID, duplicates: list[strawberry.ID]
) -> dict[str, Any]:
    label, keep_id, others = _refs(keep, duplicates)
    store = info.context.store
    found = await nodes_by_id(store, label, [keep_id, *others])
    for index, record_id in enumerate([keep_id, *others]):
        if record_id not in found:
            field = ["keep"] if index == 0 else ["duplicates", str(index - 1)]
            raise not_found(field, label, record_id)
    kept = found[keep_id]
    model = NODE_MODELS[label]
    data, conflicts = _filled(label, kept, [found[other] for other in others])
    properties = to_properties(validated(model, data, ["duplicates"]))
    fill = {key: value for key, value in properties.items() if kept.get(key) != value}
    merged_ids = list(
        dict.fromkeys(
            [
                *others,
                *(merged for other in others for merged in found[other].get(MERGED_IDS) or []),
            ]
        )
    )
    merged = await merge_records(
        store, label, keep_id, others, fill=fill, merged_ids=merged_ids, change=change(info)
    )
    if merged is None:  # deleted by someone else meanwhile
        raise refuse(["duplicates"], ErrorCode.NOT_FOUND, "a record was deleted meanwhile")
    return {
        "kept": api_node(label, merged.kept),
        "merged_ids": [global_id(label, other) for other in others],
        "moved_ties": merged.moved,
        "conflicts": conflicts,
    }


def _refs(keep: str, duplicates: list[strawberry.ID]) -> tuple[Label, str, list[str]]:
    """The label, the kept record's id and the duplicates' ids; refused when they are not
    records of one label, name the kept one, or an erased person."""
    labels = tuple(label for label in Label if label in MERGEABLE)
    label, keep_id = ref(keep, labels, ["keep"])
    if label is None:
        raise refuse(["keep"], ErrorCode.INVALID, "name the kept record by its global id")
    if not duplicates:
        raise refuse(["duplicates"], ErrorCode.REQUIRED, "name the records to merge into it")
    others: list[str] = []
    for index, duplicate in enumerate(duplicates):
        at = ["duplicates", str(index)]
        other_label, other_id = ref(duplicate, labels, at)
        if other_label is None:
            other_label = label  # a record id: of the kept record's label
        if other_label is not label:
            raise refuse(
                at,
                ErrorCode.NOT_ALLOWED,
                f"{other_id!r} is a {other_label.value}; only records of one label merge "
                f"(the kept one is a {label.value})",
            )
        if other_id == keep_id:
            raise refuse(at, ErrorCode.INVALID, "a record cannot be merged into itself")
        if other_id not in others:
            others.append(other_id)
    fields = [["keep"], *(["duplicates", str(i)] for i in range(len(others)))]
    for where, record_id in zip(fields, [keep_id, *others], strict=True):
        if label is Label.PERSON and record_id.startswith(ERASED_PREFIX):
            raise refuse(
                where,
                ErrorCode.NOT_ALLOWED,
                f"{record_id!r} stands for an erased person and merges with no one",
            )
    return label, keep_id, others


def _filled(
    label: Label, kept: Record, duplicates: list[Record]
) -> tuple[dict[str, Any], list[MergeConflict]]:
    """The kept record's fields, empty ones filled from the duplicates; the conflicts."""
    model = NODE_MODELS[label]
    data = record_data(model, kept)
    conflicts: list[MergeConflict] = []
    for duplicate in duplicates:
        other = record_data(model, duplicate)
        record = strawberry.ID(global_id(label, duplicate["id"]))
        for name, value in other.items():
            if name in NOT_FILLED or (label is Label.PERSON and name == "consent"):
                continue
            if isinstance(value, dict) and isinstance(data.get(name), dict):
                for sub, sub_value in value.items():
                    path = f"{name}.{sub}"
                    _fill(data[name], sub, sub_value, path=path, record=record, conflicts=conflicts)
            else:
                _fill(data, name, value, path=name, record=record, conflicts=conflicts)
    if label is Label.PERSON:
        data["consent"] = strictest([record_data(model, r)["consent"] for r in (kept, *duplicates)])
    return data, conflicts


def _fill(
    data: dict[str, Any],
    name: str,
    value: Any,
    *,
    path: str,
    record: strawberry.ID,
    conflicts: list[MergeConflict],
) -> None:
    current = data.get(name)
    if current in (None, [], ""):
        data[name] = value
    elif current != value:
        conflicts.append(MergeConflict(field=path, record=record, kept=current, other=value))


def strictest(consents: list[dict[str, Any]]) -> dict[str, Any]:
    """The strictest of several consents (``STRICTNESS``; the more recent of equal bases)."""
    return min(
        consents,
        key=lambda c: (STRICTNESS.index(LawfulBasis(c["basis"])), _negated(str(c["date"]))),
    )


def _negated(day: str) -> tuple[int, ...]:
    """Sorts dates from the most recent."""
    return tuple(-int(part) for part in day.split("-"))


@strawberry.type(description="What marking two records as not duplicates did.")
class NotDuplicatePayload:
    marked: bool = strawberry.field(description="Whether the pair is now marked.")
    errors: list[UserError]


async def _mark(info: Info, a: strawberry.ID, b: strawberry.ID) -> dict[str, Any]:
    labels = (Label.PERSON, Label.ORGANIZATION, Label.CLUSTER)
    label_a, id_a = ref(a, labels, ["a"])
    label_b, id_b = ref(b, labels, ["b"])
    if label_a is None or label_b is None:
        raise refuse(["a"], ErrorCode.INVALID, "name the records by their global ids")
    if label_a is not label_b:
        raise refuse(["b"], ErrorCode.NOT_ALLOWED, "the two records have different labels")
    if id_a == id_b:
        raise refuse(["b"], ErrorCode.INVALID, "a record is not its own duplicate")
    context = info.context
    marked = await mark_not_duplicate(
        context.store, label_a, id_a, id_b, change=change(info), key_id=context.caller.key_id
    )
    if not marked:
        raise refuse(["a"], ErrorCode.NOT_FOUND, f"no such pair of {label_a.value} records")
    return {"marked": True}


def merge_mutations() -> dict[str, Any]:
    return {
        "mergeRecords": mutation(
            _merge,
            MergePayload,
            "Merge duplicates into the kept record, in one step: their ties move to it, its "
            "empty fields are filled from them, and their ids resolve to it from then on.",
        ),
        "markNotDuplicate": mutation(
            _mark,
            NotDuplicatePayload,
            "Say that two records are not duplicates: they leave the duplicate candidates.",
        ),
    }
