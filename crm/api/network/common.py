"""What the network fields share: the ``asOf`` argument, the evidence of a tie, node arguments,
records named by label and id."""

import asyncio
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from types import GenericAlias
from typing import Any, cast

import strawberry
from strawberry.types.field import StrawberryField

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.ids import node_ref
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.api.ties import TIE_FIELDS, far_type
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.errors import NotFound
from crm.queries.network.strength import TieStrength

AS_OF = (
    "Answer as the graph stood on this day (its end included): what is dated later is left "
    "out. Default: today."
)


def output_type(name: str, description: str, /, **fields: Any) -> Any:
    """An object type named ``name`` whose fields are given as GraphQL types or as
    ``strawberry.field``s (for a description); built when the schema is, as some fields hold
    the schema's own node types."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for field_name, field in fields.items():
        is_field = isinstance(field, StrawberryField)
        namespace[field_name] = field if is_field else strawberry.field(graphql_type=field)
    return strawberry.type(type(name, (), namespace), description=description)


def list_of(item: Any) -> Any:
    """``list[item]`` for a type built at run time."""
    return GenericAlias(list, (item,))


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


async def records(info: Info, refs: Iterable[tuple[Label, str]]) -> list[ApiObject]:
    """The records named by label and id, in order (one statement per label for every field
    of a level that asks); a record deleted meanwhile is left out."""
    wanted = list(refs)
    loaders = info.context.loaders
    found = await asyncio.gather(*(loaders.node(label).load(key) for label, key in wanted))
    return [
        api_node(label, properties)
        for (label, _), properties in zip(wanted, found, strict=True)
        if properties is not None
    ]


def evidence_type(types: Mapping[Label, type]) -> Any:
    """The ``TieEvidence`` object type (one per schema), given every label's type."""
    return _evidence_type(
        types[Label.EVENT], types[Label.INITIATIVE], types[Label.CLUSTER], types[Label.ORGANIZATION]
    )


@cache
def _evidence_type(event: type, initiative: type, cluster: type, organization: type) -> Any:
    employer = far_type(
        TIE_FIELDS[Label.PERSON]["employers"],
        {Label.CLUSTER: cluster, Label.ORGANIZATION: organization},
    )

    async def shared_events(root: strawberry.Parent[ApiObject], info: Info) -> list[ApiObject]:
        tie: TieStrength = root[_TIE]
        return await records(info, ((Label.EVENT, e.id) for e in tie.events))

    async def shared_employers(root: strawberry.Parent[ApiObject], info: Info) -> list[ApiObject]:
        tie: TieStrength = root[_TIE]
        return await records(info, ((Label(o.label), o.id) for o in tie.organizations))

    async def shared_initiatives(root: strawberry.Parent[ApiObject], info: Info) -> list[ApiObject]:
        tie: TieStrength = root[_TIE]
        return await records(info, ((Label.INITIATIVE, n.id) for n in tie.initiatives))

    return output_type(
        "TieEvidence",
        "Why two people are tied: what they share (never interaction notes).",
        interactions=strawberry.field(
            graphql_type=list[InteractionCount],
            description="Their interactions up to the day asked about, by kind.",
        ),
        shared_events=strawberry.field(
            resolver=shared_events,
            graphql_type=list[event],  # type: ignore[valid-type]
            description="Events both attended.",
        ),
        shared_employers=strawberry.field(
            resolver=shared_employers,
            graphql_type=list[employer],  # type: ignore[valid-type]
            description="Organisations and clusters both worked at in overlapping periods.",
        ),
        shared_initiatives=strawberry.field(
            resolver=shared_initiatives,
            graphql_type=list[initiative],  # type: ignore[valid-type]
            description="Initiatives that organisations they work at are both partners in.",
        ),
        events=strawberry.field(
            graphql_type=list[SharedEvent],
            description="Events both attended: their titles and dates.",
            deprecation_reason="Use sharedEvents, the events themselves.",
        ),
        organizations=strawberry.field(
            graphql_type=list[str],
            description="The names of the organisations and clusters both worked at.",
            deprecation_reason="Use sharedEmployers, the organisations and clusters themselves.",
        ),
        initiatives=strawberry.field(
            graphql_type=list[str],
            description="The names of the initiatives they share.",
            deprecation_reason="Use sharedInitiatives, the initiatives themselves.",
        ),
    )


_TIE = "_tie"
"""Where an evidence object keeps its tie, for the fields that load records."""


def evidence(tie: TieStrength) -> ApiObject:
    """What a tie's strength is made of, as a ``TieEvidence`` object."""
    return {
        "interactions": [
            InteractionCount(kind=InteractionKind(row.kind), count=row.count)
            for row in tie.interactions
        ],
        # Stored dates are ISO text, which the Date scalar serializes as it is.
        "events": [SharedEvent(title=row.title, date=cast("Date", row.date)) for row in tie.events],
        "organizations": [row.name for row in tie.organizations],
        "initiatives": [row.name for row in tie.initiatives],
        _TIE: tie,
    }


async def resolve_node(info: Info, value: str, labels: tuple[Label, ...]) -> tuple[Label, str]:
    """The existing node that a global or record id names among ``labels``."""
    label, record_id = node_ref(value, labels)
    candidates = (label,) if label is not None else labels
    for candidate in candidates:
        if await info.context.loaders.node(candidate).load(record_id) is not None:
            return candidate, record_id
    names = " or ".join(candidate.value for candidate in candidates)
    raise NotFound(f"no {names} with id {record_id!r}")
