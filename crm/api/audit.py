"""The audit trail: ``auditLog``, the change log (``crm.queries.changes``) read newest first,
for admins.

Every write the product makes logs itself in the statement that makes it, so an entry names a
change if and only if the change was made: a refused mutation writes nothing and leaves no
entry, and no change can be made without its entry. An entry holds the caller's key id, the
time, the operation (a mutation's name, ``load``...), the ids of what changed, the names of the
fields written and the request id; never values.
"""

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
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
from crm.errors import InvalidInput
from crm.queries.changes import ChangeEntry, ChangeFilter, count_entries, page_entries


@strawberry.type(name="AuditEntry", description="One change, as the change log holds it.")
class AuditEntryType:
    id: strawberry.ID = strawberry.field(description="The entry's sequence number, as text.")
    at: DateTime = strawberry.field(description="When the change was made.")
    key_id: str = strawberry.field(
        description="The API key's id, or `anonymous`, `loader` (`crm load`) or `cli`."
    )
    operation: str = strawberry.field(description="The mutation, `createPerson` say, or `load`.")
    ids: list[str] = strawberry.field(
        description="The records and ties it changed: global ids of records, interaction ids."
    )
    fields: list[str] = strawberry.field(description="The names of the fields written.")
    request_id: str = strawberry.field(
        description="The request, as its `X-Request-ID` said (empty for commands)."
    )

    @classmethod
    def of(cls, entry: ChangeEntry) -> "AuditEntryType":
        return cls(
            id=strawberry.ID(str(entry.sequence)),
            at=DateTime(entry.at),
            key_id=entry.key_id,
            operation=entry.operation,
            ids=entry.ids,
            fields=entry.fields,
            request_id=entry.request_id,
        )


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
_SCOPE = "AuditEntry.sequence.desc"


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
    where = ChangeFilter(
        since=_moment(from_, "from"),
        until=_moment(to, "to"),
        key_id=key_id,
        operation=operation,
    )
    page = replace(where, before=_sequence(decode_cursor(after, _SCOPE)))
    rows = [AuditEntryType.of(entry) for entry in await page_entries(context.store, page, size + 1)]
    return make_page(
        rows,
        size,
        after,
        edge=lambda entry: {"node": entry},
        cursor=lambda entry: encode_cursor(_SCOPE, entry.at, entry.id),
        count=lambda: count_entries(context.store, where),
    )


def _sequence(cursor: tuple[str, str] | None) -> int | None:
    if cursor is None:
        return None
    try:
        return int(cursor[1])
    except ValueError:
        raise InvalidInput(
            "the cursor belongs to another list or order; start from the top"
        ) from None


def audit_fields() -> dict[str, Any]:
    """The ``Query`` field of the trail (admins only: see ``access.STRONGER``)."""
    return {
        "auditLog": strawberry.field(
            resolver=resolve_audit_log,
            graphql_type=AuditEntryConnection,
            description="Changes, newest first (the change log; `changes` follows it live); "
            "`from` and `to` are inclusive. For admins.",
        )
    }
