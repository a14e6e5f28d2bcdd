"""``changes``: one event per committed change, in sequence order, from the change feed
(``feed.py``), each carrying the records it names as they are now, read afresh and selected
like any query under the subscriber's role (a record deleted or erased since is left out: the
event's ``ids`` still name it)."""

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from graphql import GraphQLError

from crm.api.context import Info
from crm.api.errors import code_of
from crm.api.live.feed import ChangeFeed, Lagging
from crm.api.nodes import Node
from crm.api.records import ApiObject, api_node
from crm.api.scalars import DateTime
from crm.domain import Label, RelType
from crm.domain.global_ids import decode_global_id, tie_type
from crm.errors import CrmError, InvalidInput
from crm.queries.changes import ChangeEntry
from crm.queries.nodes import nodes_by_id


@strawberry.type(description="One committed change, as the change log holds it.")
class ChangeEvent:
    sequence: int = strawberry.field(description="Its place in the log: resume `after` it.")
    at: DateTime = strawberry.field(description="When the change was made.")
    operation: str = strawberry.field(description="The mutation, `load`, `createKey`, ...")
    ids: list[str] = strawberry.field(
        description="What it changed: global ids of records; a tie is named by its ends' "
        "global ids and its type (`WORKS_AT`), or its type and own id (`INTERACTED:<id>`)."
    )
    fields: list[str] = strawberry.field(description="The names of the fields written.")
    nodes: list[Node] = strawberry.field(
        description="The records it names that exist now, as they are now."
    )


def filter_names[T: (Label, RelType)](
    kind: type[T], names: list[str] | None, what: str
) -> set[T] | None:
    """The labels or relationship types a filter names (``None``: any); an unknown one is
    ``InvalidInput`` naming it and the argument ``what``."""
    if names is None:
        return None
    known = {member.value: member for member in kind}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise InvalidInput(f"{what}: unknown {what[:-1]} {unknown[0]!r}; one of {', '.join(known)}")
    return {known[name] for name in names}


def is_wanted(
    entry: ChangeEntry,
    labels: set[Label] | None,
    rel_types: set[RelType] | None,
    ids: set[str] | None,
) -> bool:
    """Whether ``entry`` names one of ``ids``, and a record of one of ``labels`` or a tie of
    one of ``rel_types`` (when given)."""
    if ids is not None and not ids.intersection(entry.ids):
        return False
    if labels is None and rel_types is None:
        return True
    for name in entry.ids:
        decoded = decode_global_id(name)
        if decoded is not None and labels is not None and decoded[0] in labels:
            return True
        if rel_types is not None and tie_type(name) in rel_types:
            return True
    return False


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


def feed_of(info: Info) -> ChangeFeed:
    if info.context.feed is None:
        raise InvalidInput("subscriptions are served over WebSocket and SSE at /graphql")
    return info.context.feed


@asynccontextmanager
async def coded_errors() -> AsyncIterator[None]:
    """A subscription's errors do not pass the schema's extensions: coded here (a lagging
    subscriber's with the sequence to resume after)."""
    try:
        yield
    except CrmError as error:
        code = code_of(error)
        if code is None:
            raise
        extensions: dict[str, object] = {"code": code}
        if isinstance(error, Lagging):
            extensions["after"] = error.last
        raise GraphQLError(str(error), extensions=extensions) from None


CHANGES_DESCRIPTION = (
    "One event per committed change, in sequence order, from now on or `after` a sequence "
    "(what a reconnecting client last received: nothing is missed or repeated within the change "
    "log's retention). `labels`, `relationshipTypes` and `ids` filter by the records and ties "
    "an event names. A revoked key ends it (`KEY_REVOKED`); a subscriber that falls behind is "
    "ended with `SUBSCRIBER_LAGGING`, whose `after` extension is the sequence to resume after."
)


async def changes(
    info: Info,
    labels: list[str] | None = None,
    relationship_types: list[str] | None = None,
    ids: list[strawberry.ID] | None = None,
    after: int | None = None,
) -> AsyncGenerator[ChangeEvent]:
    async with coded_errors():
        wanted_labels = filter_names(Label, labels, "labels")
        wanted_types = filter_names(RelType, relationship_types, "relationshipTypes")
        wanted_ids = None if ids is None else {str(value) for value in ids}
        async for entry in feed_of(info).stream(info.context.caller.key_id, after):
            if is_wanted(entry, wanted_labels, wanted_types, wanted_ids):
                yield await _event(info, entry)
