"""The audit trail: every mutation that changed something, recorded centrally after it ran, and
``auditLog``, its entries for admins.

Mutations append the ids of what they changed to ``Context.touched``; ``AuditTrail`` records one
entry per mutation field from that list once the field's resolver has finished: the caller's key
id, the time, the operation (the mutation's name), the ids and the request id. No values.

The guarantee, given that FalkorDB runs one statement at a time with no transaction around
several: the entry is written after the mutation's own writes succeeded, in a statement of its
own. So no entry names a change that was not made (a refused mutation touches nothing and
leaves no entry; one that fails after a write is recorded with what that write changed), and a
mutation is never lost or undone for its entry's sake. If the entry's
write fails (the store goes away between the two statements), the change stays, the answer
carries an ``AUDIT_NOT_RECORDED`` error naming the mutation, and the log has the entry's content.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from inspect import isawaitable
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from crm.api.context import Context, Info
from crm.api.pagination import (
    DEFAULT_PAGE_SIZE,
    Page,
    decode_cursor,
    encode_cursor,
    make_page,
    page_size,
)
from crm.api.scalars import DateTime
from crm.api.ties import connection_type
from crm.domain.values import format_timestamp
from crm.errors import CrmError, InvalidInput
from crm.queries.audit import AuditEntry, AuditFilter, count_entries, page_entries, record_entry

logger = logging.getLogger(__name__)

AUDIT_NOT_RECORDED = "AUDIT_NOT_RECORDED"


class AuditTrail(SchemaExtension):
    """Records an entry for every mutation field that touched something."""

    def __init__(self) -> None:
        self._lost: list[GraphQLError] = []
        self._recorded_count = 0

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Context],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if info.parent_type.name != "Mutation":
            return _next(root, info, *args, **kwargs)
        return self._recorded(_next(root, info, *args, **kwargs), info)

    async def _recorded(self, result: Any, info: GraphQLResolveInfo[Context]) -> Any:
        context: Context = info.context
        try:
            return await result if isawaitable(result) else result
        finally:
            if context.touched:
                await self._record(context, info)
            context.touched = []

    async def _record(self, context: Context, info: GraphQLResolveInfo[Context]) -> None:
        at = context.now()
        self._recorded_count += 1
        entry = AuditEntry(
            # Sorts by time, then request, then the order of the request's mutations.
            id=f"{at}-{context.request_id}-{self._recorded_count:04d}",
            at=at,
            key_id=context.caller.audit_id,
            operation=info.field_name,
            ids=list(dict.fromkeys(context.touched)),
            request_id=context.request_id,
        )
        try:
            await record_entry(context.store, entry)
        except CrmError:
            logger.exception("request %s: audit entry not recorded: %s", context.request_id, entry)
            self._lost.append(
                GraphQLError(
                    f"{info.field_name} was carried out, but its audit entry was not recorded",
                    path=info.path.as_list(),
                    extensions={"code": AUDIT_NOT_RECORDED},
                )
            )

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if self._lost and result is not None:
            result.errors = [*(result.errors or []), *self._lost]


@strawberry.type(name="AuditEntry", description="One mutation that changed something.")
class AuditEntryType:
    id: strawberry.ID
    at: DateTime = strawberry.field(description="When the change was made.")
    key_id: str = strawberry.field(description="The API key's id, or `anonymous`.")
    operation: str = strawberry.field(description="The mutation, `createPerson` say.")
    ids: list[str] = strawberry.field(
        description="The records and ties it changed: global ids of records, interaction ids."
    )
    request_id: str = strawberry.field(description="The request, as its `X-Request-ID` said.")


_Edge = strawberry.type(
    type(
        "AuditEntryEdge",
        (),
        {
            "__annotations__": {},
            "cursor": strawberry.field(graphql_type=str),
            "node": strawberry.field(graphql_type=AuditEntryType),
        },
    ),
    description="An audit entry in the trail.",
)
AuditEntryConnection = connection_type("AuditEntryConnection", _Edge, AuditEntryType)
_SCOPE = "AuditEntry.at.desc"


def _moment(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return format_timestamp(datetime.fromisoformat(value))
    except (ValueError, TypeError):
        raise InvalidInput(f"{name}: {value!r} is not a moment with a time zone") from None


async def resolve_audit_log(
    info: Info,
    *,
    first: int | None = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    from_: Annotated[DateTime | None, strawberry.argument(name="from")] = None,
    to: DateTime | None = None,
    key_id: str | None = None,
    operation: str | None = None,
) -> Page:
    context = info.context
    size = page_size(first, context.settings.max_page_size)
    where = AuditFilter(
        since=_moment(from_, "from"),
        until=_moment(to, "to"),
        key_id=key_id,
        operation=operation,
    )
    page = replace(where, after=decode_cursor(after, _SCOPE))
    rows = await page_entries(context.store, page, size + 1)
    return make_page(
        rows,
        size,
        after,
        edge=lambda entry: {"node": entry},
        cursor=lambda entry: encode_cursor(_SCOPE, entry.at, entry.id),
        count=lambda: count_entries(context.store, where),
    )


def audit_fields() -> dict[str, Any]:
    """The ``Query`` field of the trail (admins only: see ``access.STRONGER``)."""
    return {
        "auditLog": strawberry.field(
            resolver=resolve_audit_log,
            graphql_type=AuditEntryConnection,
            description="Mutations that changed something, newest first; `from` and `to` are "
            "inclusive. For admins.",
        )
    }
