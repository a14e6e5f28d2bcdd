"""``changes``: one event per committed change, in sequence order, from the change feed
(``feed.py``), each carrying the records it names as they are now, read afresh and selected
like any query under the subscriber's role (a record deleted or erased since is left out: the
event's ``ids`` still name it)."""

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from graphql import GraphQLError

from crm.api.context import Info
from crm.api.errors import code_of
from crm.api.nodes import Node
from crm.api.records import ApiObject, api_node
from crm.api.scalars import DateTime
from crm.domain import Label
from crm.domain.global_ids import decode_global_id
from crm.errors import CrmError, InvalidInput
from crm.queries.changes import ChangeEntry
from crm.queries.nodes import nodes_by_id


@strawberry.type(description="One committed change, as the change log holds it.")
class ChangeEvent:
    sequence: int = strawberry.field(description="Its place in the log: resume `after` it.")
    at: DateTime = strawberry.field(description="When the change was made.")
    operation: str = strawberry.field(description="The mutation, `load`, `createKey`, ...")
    ids: list[str] = strawberry.field(
        description="What it changed: global ids of records, interaction ids."
    )
    fields: list[str] = strawberry.field(description="The names of the fields written.")
    nodes: list[Node] = strawberry.field(
        description="The records it names that exist now, as they are now."
    )


def _labels(names: list[str] | None) -> frozenset[Label] | None:
    if names is None:
        return None
    known = {label.value: label for label in Label}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInput(f"labels: unknown label {unknown[0]!r}; one of {', '.join(known)}")
    return frozenset(known[name] for name in names)


def _wanted(entry: ChangeEntry, labels: frozenset[Label] | None, ids: set[str] | None) -> bool:
    if ids is not None and not ids.intersection(entry.ids):
        return False
    if labels is None:
        return True
    named = (decode_global_id(name) for name in entry.ids)
    return any(decoded is not None and decoded[0] in labels for decoded in named)


async def _event(info: Info, entry: ChangeEntry) -> ChangeEvent:
    nodes: list[ApiObject] = []
    for name in entry.ids:
        decoded = decode_global_id(name)
        if decoded is None:
            continue
        label, record_id = decoded
        stored = (await nodes_by_id(info.context.store, label, [record_id])).get(record_id)
        if stored is not None:
            nodes.append(api_node(label, stored))
    node_list: Any = nodes
    return ChangeEvent(
        sequence=entry.sequence,
        at=DateTime(entry.at),
        operation=entry.operation,
        ids=entry.ids,
        fields=entry.fields,
        nodes=node_list,
    )


async def changes(
    info: Info,
    labels: list[str] | None = None,
    ids: list[strawberry.ID] | None = None,
    after: int | None = None,
) -> AsyncGenerator[ChangeEvent]:
    try:
        wanted_labels = _labels(labels)
        wanted_ids = None if ids is None else {str(value) for value in ids}
        feed = info.context.feed
        if feed is None:
            raise InvalidInput("subscriptions are served over WebSocket at /graphql")
        async for entry in feed.stream(info.context.caller.audit_id, after):
            if _wanted(entry, wanted_labels, wanted_ids):
                yield await _event(info, entry)
    except CrmError as error:
        # A subscription's errors do not pass the schema's extensions: coded here.
        code = code_of(error)
        if code is None:
            raise
        raise GraphQLError(str(error), extensions={"code": code}) from None


def subscription_fields() -> dict[str, Any]:
    return {
        "changes": strawberry.subscription(
            resolver=changes,
            description="One event per committed change, in sequence order, from now on or "
            "`after` a sequence (what a reconnecting client last received: nothing is missed "
            "or repeated within the change log's retention). `labels` and `ids` filter by the "
            "records an event names.",
        )
    }
