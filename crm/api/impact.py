"""A project's impact: what its events led to and what it cost, computed when asked."""

from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.records import RECORD_ID
from crm.api.scalars import Money


@strawberry.type(
    description="What a project's events led to, and what it cost; computed from "
    "the graph on every request, never stored."
)
class ProjectImpact:
    workshops: int = strawberry.field(description="Workshops the project organised.")
    network_meetings: int = strawberry.field(description="Network meetings it organised.")
    conferences: int = strawberry.field(description="Conferences it organised.")
    initiatives: int = strawberry.field(description="Initiatives that emerged from its events.")
    conference_attendees: int = strawberry.field(
        description="Reported attendance of its conferences, summed."
    )
    topics: int = strawberry.field(description="Topics its workshops and network meetings covered.")
    sectors: int = strawberry.field(description="Sectors it is active in.")
    total_investment_eur: Money
    eu_contribution_eur: Money
    cofinancing_rate: float = strawberry.field(
        description="The EU contribution's share of the total investment (0.65 is 65 %)."
    )


async def resolve_impact(root: strawberry.Parent[dict[str, Any]], info: Info) -> ProjectImpact:
    impact = await info.context.loaders.impact.load(root[RECORD_ID])
    return ProjectImpact(
        workshops=impact.workshops,
        network_meetings=impact.network_meetings,
        conferences=impact.conferences,
        initiatives=impact.initiatives,
        conference_attendees=impact.conference_attendees,
        topics=impact.topics,
        sectors=impact.sectors,
        total_investment_eur=Money(impact.total_investment_eur),
        eu_contribution_eur=Money(impact.eu_contribution_eur),
        cofinancing_rate=float(impact.cofinancing_rate),
    )
