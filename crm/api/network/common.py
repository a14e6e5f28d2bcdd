"""What the network fields share: the ``asOf`` argument, the evidence of a tie, node arguments."""

from datetime import UTC, date, datetime
from typing import Any, cast

import strawberry
from strawberry.types.field import StrawberryField

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.ids import node_ref
from crm.api.scalars import Date
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.errors import NotFound
from crm.queries.network.strength import TieStrength

AS_OF = (
    "Answer as the graph stood on this day (its end included): what is dated later is left "
    "out. Default: today."
)


def output_type(name: str, description: str, **fields: Any) -> Any:
    """An object type named ``name`` whose fields are given as GraphQL types or as
    ``strawberry.field``s (for a description); built when the schema is, as some fields hold
    the schema's own node types."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for field_name, field in fields.items():
        is_field = isinstance(field, StrawberryField)
        namespace[field_name] = field if is_field else strawberry.field(graphql_type=field)
    return strawberry.type(type(name, (), namespace), description=description)


def as_of_text(as_of: date | None) -> str:
    """The day to answer for, as the ISO text the graph stores dates in."""
    return (as_of or datetime.now(UTC).date()).isoformat()


@strawberry.type(description="How often two people interacted in one way.")
class InteractionCount:
    kind: graphql_enum(InteractionKind)  # type: ignore[valid-type]
    count: int


@strawberry.type(description="An event two people both attended.")
class SharedEvent:
    title: str
    date: Date


@strawberry.type(description="Why two people are tied: what they share (never interaction notes).")
class TieEvidence:
    interactions: list[InteractionCount] = strawberry.field(
        description="Their interactions up to the day asked about, by kind."
    )
    events: list[SharedEvent] = strawberry.field(description="Events both attended.")
    organizations: list[str] = strawberry.field(
        description="Organisations and clusters both worked at in overlapping periods."
    )
    initiatives: list[str] = strawberry.field(
        description="Initiatives that organisations they work at are both partners in."
    )


def evidence(tie: TieStrength) -> TieEvidence:
    """What a tie's strength is made of."""
    return TieEvidence(
        interactions=[
            InteractionCount(kind=InteractionKind(row.kind), count=row.count)
            for row in tie.interactions
        ],
        # Stored dates are ISO text, which the Date scalar serializes as it is.
        events=[SharedEvent(title=row.title, date=cast("Date", row.date)) for row in tie.events],
        organizations=tie.organizations,
        initiatives=tie.initiatives,
    )


async def resolve_node(info: Info, value: str, labels: tuple[Label, ...]) -> tuple[Label, str]:
    """The existing node that a global or record id names among ``labels``."""
    label, record_id = node_ref(value, labels)
    candidates = (label,) if label is not None else labels
    for candidate in candidates:
        if await info.context.loaders.node(candidate).load(record_id) is not None:
            return candidate, record_id
    names = " or ".join(candidate.value for candidate in candidates)
    raise NotFound(f"no {names} with id {record_id!r}")
