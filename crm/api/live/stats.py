"""``statsChanged(sections:, asOf:)``: the dashboard's figures (``Stats``, selected like the
``stats`` query), pushed when they start and again whenever one of the watched ``sections``
differs after a change, at most once a second (a burst of changes is one recount)."""

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.insight.dashboard import stats_type
from crm.api.live.subscriptions import coded_errors, feed_of
from crm.api.records import ApiObject
from crm.api.scalars import Date
from crm.domain import Label
from crm.errors import InvalidInput
from crm.graph.store import GraphStore
from crm.queries import dashboard
from crm.queries.changes import log_bounds

MIN_INTERVAL_S = 1.0
"""The least time between two recounts."""


@strawberry.enum(description="A section of `Stats` that `statsChanged` watches.")
class StatsSection(Enum):
    TOTALS = "totals"
    BY_COUNTRY = "byCountry"
    BY_SECTOR = "bySector"
    BY_COUNTRY_AND_SECTOR = "byCountryAndSector"
    EVENTS_BY_YEAR = "eventsByYear"
    CROSS_BORDER_INTERACTIONS_BY_YEAR = "crossBorderInteractionsByYear"
    FUNDING = "funding"
    FUNDING_BY_PROJECT = "fundingByProject"


_Count = Callable[[GraphStore, date | None], Awaitable[object]]

_COUNTS: dict[StatsSection, _Count] = {
    StatsSection.TOTALS: dashboard.totals,
    StatsSection.BY_COUNTRY: lambda store, _: dashboard.by_country(store),
    StatsSection.BY_SECTOR: dashboard.by_sector,
    StatsSection.BY_COUNTRY_AND_SECTOR: lambda store, as_of: dashboard.by_sector(
        store, as_of, per_country=True
    ),
    StatsSection.EVENTS_BY_YEAR: dashboard.events_by_year,
    StatsSection.CROSS_BORDER_INTERACTIONS_BY_YEAR: dashboard.cross_border_interactions_by_year,
    StatsSection.FUNDING: dashboard.funding,
    StatsSection.FUNDING_BY_PROJECT: lambda store, as_of: dashboard.funding(
        store, as_of, per_project=True
    ),
}


async def _figures(store: GraphStore, sections: list[StatsSection], as_of: date | None) -> Any:
    return [await _COUNTS[section](store, as_of) for section in sections]


async def stats_changed(
    info: Info,
    sections: Annotated[
        list[StatsSection],
        strawberry.argument(description="The sections whose change is pushed (one at least)."),
    ],
    as_of: Annotated[
        Date | None, strawberry.argument(description="As for `stats`: the figures' date.")
    ] = None,
) -> AsyncGenerator[ApiObject]:
    async with coded_errors():
        if not sections:
            raise InvalidInput("sections: name one section at least")
        watched = list(dict.fromkeys(sections))
        store = info.context.store
        start = (await log_bounds(store))[1]  # changes from here on are seen by the feed
        figures = await _figures(store, watched, as_of)
        counted = time.monotonic()
        yield {"as_of": as_of}
        async for _ in feed_of(info).stream(info.context.caller.key_id, start, latest=True):
            await asyncio.sleep(max(0.0, counted + MIN_INTERVAL_S - time.monotonic()))
            now = await _figures(store, watched, as_of)
            counted = time.monotonic()
            if now != figures:
                figures = now
                yield {"as_of": as_of}


def stats_changed_field(types: dict[Label, type]) -> Any:
    return strawberry.subscription(
        resolver=stats_changed,
        graphql_type=stats_type(types),
        description="The dashboard's figures (`Stats`, selected as for `stats`): now, then "
        "again whenever one of `sections` changes, at most once a second.",
    )
