"""``communities``: groups of organisations tied through their people."""

from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.network.common import AS_OF, as_of_text, output_type
from crm.api.pagination import page_size
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.queries.network.communities import communities

DEFAULT_COMMUNITIES = 10
DEFAULT_MEMBERS = 10


@strawberry.type(description="How many organisations of each country a community holds.")
class CountryMix:
    dk: int
    de: int
    other: int


async def _resolve(
    info: Info,
    first: int = DEFAULT_COMMUNITIES,
    members: Annotated[
        int, strawberry.argument(description="How many members to show of each.")
    ] = DEFAULT_MEMBERS,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    maximum = info.context.settings.max_page_size
    rows = await communities(
        info.context.store,
        first=page_size(first, maximum),
        members_shown=page_size(members, maximum),
        as_of=None if as_of is None else as_of_text(as_of),
        today=as_of_text(None),
    )
    return [
        {
            "size": r.size,
            "connected": r.component_size,
            "countries": CountryMix(dk=r.dk, de=r.de, other=r.other),
            "members": [api_node(Label.ORGANIZATION, m) for m in r.members],
        }
        for r in rows
    ]


def community_fields(types: dict[Label, type]) -> dict[str, Any]:
    organization = types[Label.ORGANIZATION]
    community = output_type(
        "Community",
        "Organisations tied together through their people's interactions.",
        size=int,
        connected=strawberry.field(
            graphql_type=int,
            description="How many organisations its connected component holds (itself and "
            "the communities its people's interactions link it with).",
        ),
        countries=CountryMix,
        members=list[organization],  # type: ignore[valid-type]
    )
    return {
        "communities": strawberry.field(
            resolver=_resolve,
            graphql_type=list[community],  # type: ignore[valid-type]
            description="Groups of organisations tied through their people, largest first.",
        )
    }
