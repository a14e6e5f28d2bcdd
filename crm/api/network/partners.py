"""``suggestedPartners``: organisations across the border worth meeting, with reasons."""

from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.network.common import AS_OF, as_of_text, list_of, output_type, resolve_node
from crm.api.pagination import page_size
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.queries.network.partners import suggested_partners

DEFAULT_SUGGESTIONS = 10


async def _resolve(
    info: Info,
    organization: strawberry.ID,
    first: int = DEFAULT_SUGGESTIONS,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    _, org_id = await resolve_node(info, organization, (Label.ORGANIZATION,))
    rows = await suggested_partners(
        info.context.store,
        org_id,
        first=page_size(first, info.context.settings.max_page_size),
        as_of=as_of_text(as_of),
    )
    return [
        {
            "organization": api_node(Label.ORGANIZATION, r.organization),
            "score": r.score,
            "reasons": r.reasons,
            "shared_sectors": [api_node(Label.SECTOR, x) for x in r.sectors],
            "shared_events": [api_node(Label.EVENT, x) for x in r.events],
            "shared_topics": [api_node(Label.TOPIC, x) for x in r.topics],
            "common_contacts": [api_node(Label.ORGANIZATION, x) for x in r.contacts],
        }
        for r in rows
    ]


def partner_fields(types: dict[Label, type]) -> dict[str, Any]:
    suggestion = output_type(
        "PartnerSuggestion",
        "An organisation across the border not yet tied to the one asked about.",
        organization=types[Label.ORGANIZATION],
        score=strawberry.field(
            graphql_type=int,
            description="3 a shared sector, 2 a shared event, 1 a shared topic, 1 a common "
            "contact.",
        ),
        reasons=strawberry.field(graphql_type=list[str], description="The score, in words."),
        shared_sectors=strawberry.field(
            graphql_type=list_of(types[Label.SECTOR]),
            description="Sectors both are active in (3 each).",
        ),
        shared_events=strawberry.field(
            graphql_type=list_of(types[Label.EVENT]),
            description="Events people of both attended (2 each).",
        ),
        shared_topics=strawberry.field(
            graphql_type=list_of(types[Label.TOPIC]),
            description="Topics of those events (1 each).",
        ),
        common_contacts=strawberry.field(
            graphql_type=list_of(types[Label.ORGANIZATION]),
            description="Organisations people of both have interacted with (1 each).",
        ),
    )
    return {
        "suggested_partners": strawberry.field(
            resolver=_resolve,
            graphql_type=list[suggestion],  # type: ignore[valid-type]
            description="Organisations across the border not yet tied to this one (none of "
            "their people interacted; no shared initiative or project), best first.",
        )
    }
