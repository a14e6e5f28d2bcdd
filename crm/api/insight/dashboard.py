"""``stats(asOf:)``: the dashboard's figures, each section computed only when selected and kept
per graph version (``crm.queries.answers``): the home page and the dashboard read the whole
graph, for every visitor."""

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date, Money
from crm.domain import Label
from crm.domain.labels import PLURALS
from crm.domain.nodes import EventKind
from crm.graph.store import GraphStore
from crm.queries import dashboard
from crm.queries.answers import ANSWERS

graphql_enum(EventKind)


@strawberry.type(description="How many records of each kind the graph holds (as of the date).")
class StatsTotals:
    clusters: int
    organizations: int
    people: int
    events: int
    initiatives: int
    projects: int
    topics: int
    sectors: int
    regions: int
    documents: int
    interactions: int
    cross_border_interactions: int = strawberry.field(
        description="Interactions between people of different countries (the pairs of people "
        "they join are the cross-border ties: `crossBorderTies`)."
    )
    attendances: int = strawberry.field(description="Recorded attendances of events.")
    memberships: int = strawberry.field(description="Organisations' cluster memberships.")
    jobs: int = strawberry.field(
        description="People's jobs at organisations and clusters (as of the date: those held "
        "on it)."
    )


@strawberry.type(description="What one country holds.")
class CountryCount:
    country: str
    clusters: int
    organizations: int
    people: int


@strawberry.type(description="Events of one year and their attendance.")
class YearEvents:
    year: int
    events: int
    attendance: int = strawberry.field(
        description="Each event's reported attendance where it has one, else its attendees "
        "recorded; summed."
    )
    recorded_attendees: int = strawberry.field(description="Attendances recorded in the graph.")


@strawberry.type(description="Cross-border interactions recorded in one year.")
class YearInteractions:
    year: int
    interactions: int


@strawberry.type(description="Events of one kind and their attendance.")
class KindEvents:
    kind: EventKind
    events: int
    attendance: int


@strawberry.type(description="The projects of one programme and fund against their outcomes.")
class FundingLine:
    programme: str
    fund: str
    projects: int
    total_investment_eur: Money
    eu_contribution_eur: Money
    cofinancing_rate: float = strawberry.field(
        description="The EU contribution's share of the total investment (0.65 is 65 %)."
    )
    events: int = strawberry.field(description="Events the projects organised.")
    events_by_kind: list[KindEvents]
    attendance: int = strawberry.field(
        description="Attendance of those events (reported, else recorded), summed."
    )
    initiatives: int = strawberry.field(description="Initiatives that emerged from them.")


def _sector_count(sector_type: Any, per_country: bool) -> Any:
    fields: dict[str, Any] = {
        "sector": strawberry.field(graphql_type=sector_type),
        "clusters": strawberry.field(graphql_type=int),
        "organizations": strawberry.field(graphql_type=int),
    }
    if per_country:
        fields["country"] = strawberry.field(graphql_type=str)
        name, about = "CountrySectorCount", "Clusters and organisations of one country and sector."
    else:
        fields["initiatives"] = strawberry.field(graphql_type=int)
        fields["projects"] = strawberry.field(graphql_type=int)
        name, about = "SectorCount", "Records active in one sector."
    return strawberry.type(type(name, (), {"__annotations__": {}, **fields}), description=about)


def _outcomes(line: dashboard.Funding) -> ApiObject:
    """What a programme's or a project's line has: money against events and initiatives."""
    total = line.total_investment_eur
    return {
        "programme": line.programme,
        "fund": line.fund,
        "projects": len(line.projects),
        "total_investment_eur": Money(total),
        "eu_contribution_eur": Money(line.eu_contribution_eur),
        "cofinancing_rate": float(round(line.eu_contribution_eur / total, 4)) if total else 0.0,
        "events": len(line.events),
        "events_by_kind": [
            KindEvents(kind=EventKind(kind), events=events, attendance=attendance)
            for kind, (events, attendance) in line.by_kind().items()
        ],
        "attendance": line.attendance,
        "initiatives": len(line.initiatives),
    }


def _line(line: dashboard.Funding) -> FundingLine:
    return FundingLine(**_outcomes(line))


def _project_funding(project_type: Any) -> Any:
    """One project's line: the project itself, its money against its outcomes."""
    fields: dict[str, Any] = {
        "project": strawberry.field(graphql_type=project_type),
        "total_investment_eur": strawberry.field(graphql_type=Money),
        "eu_contribution_eur": strawberry.field(graphql_type=Money),
        "cofinancing_rate": strawberry.field(
            graphql_type=float,
            description="The EU contribution's share of the total investment (0.65 is 65 %).",
        ),
        "events": strawberry.field(graphql_type=int, description="Events the project organised."),
        "events_by_kind": strawberry.field(graphql_type=list[KindEvents]),
        "attendance": strawberry.field(
            graphql_type=int,
            description="Attendance of those events (reported, else recorded), summed.",
        ),
        "initiatives": strawberry.field(
            graphql_type=int, description="Initiatives that emerged from them."
        ),
    }
    return strawberry.type(
        type("ProjectFunding", (), {"__annotations__": {}, **fields}),
        description="One project's funding against its outcomes.",
    )


Root = strawberry.Parent[ApiObject]
"""A ``Stats`` object: ``{"as_of": date | None}``."""


async def _kept[T](
    info: Info, compute: Callable[..., Awaitable[T]], *args: Any, **options: Any
) -> T:
    """``compute(store, *args, **options)``, or its answer kept on this version of the graph."""
    store: GraphStore = info.context.store
    key = ("stats", compute.__name__, args, tuple(sorted(options.items())))
    answer, _ = await ANSWERS.get(store, key, lambda: compute(store, *args, **options))
    return answer


async def _totals(root: Root, info: Info) -> StatsTotals:
    found = await _kept(info, dashboard.totals, root["as_of"])
    nodes = found.nodes
    return StatsTotals(
        clusters=nodes[Label.CLUSTER],
        organizations=nodes[Label.ORGANIZATION],
        people=nodes[Label.PERSON],
        events=nodes[Label.EVENT],
        initiatives=nodes[Label.INITIATIVE],
        projects=nodes[Label.PROJECT],
        topics=nodes[Label.TOPIC],
        sectors=nodes[Label.SECTOR],
        regions=nodes[Label.REGION],
        documents=nodes[Label.DOCUMENT],
        interactions=found.interactions,
        cross_border_interactions=found.cross_border_interactions,
        attendances=found.attendances,
        memberships=found.memberships,
        jobs=found.jobs,
    )


async def _by_country(info: Info) -> list[CountryCount]:
    found = await _kept(info, dashboard.by_country)
    return [
        CountryCount(
            country=country,
            clusters=counts.get(Label.CLUSTER, 0),
            organizations=counts.get(Label.ORGANIZATION, 0),
            people=counts.get(Label.PERSON, 0),
        )
        for country, counts in found.items()
    ]


_SECTOR_COUNTS = tuple(
    (PLURALS[label], label)
    for label in (Label.CLUSTER, Label.ORGANIZATION, Label.INITIATIVE, Label.PROJECT)
)


def _sector_rows(rows: list[dashboard.SectorCount]) -> list[ApiObject]:
    return [
        {
            "sector": api_node(Label.SECTOR, row.sector),
            "country": row.country,
            **{name: row.counts.get(label, 0) for name, label in _SECTOR_COUNTS},
        }
        for row in rows
    ]


async def _by_sector(root: Root, info: Info) -> list[ApiObject]:
    return _sector_rows(await _kept(info, dashboard.by_sector, root["as_of"]))


async def _by_country_and_sector(root: Root, info: Info) -> list[ApiObject]:
    found = await _kept(info, dashboard.by_sector, root["as_of"], per_country=True)
    return _sector_rows(found)


async def _events_by_year(root: Root, info: Info) -> list[YearEvents]:
    found = await _kept(info, dashboard.events_by_year, root["as_of"])
    return [
        YearEvents(
            year=row.year,
            events=row.events,
            attendance=row.attendance,
            recorded_attendees=row.recorded_attendees,
        )
        for row in found
    ]


async def _cross_border_interactions_by_year(root: Root, info: Info) -> list[YearInteractions]:
    found = await _kept(info, dashboard.cross_border_interactions_by_year, root["as_of"])
    return [YearInteractions(year=year, interactions=count) for year, count in found.items()]


async def _funding(root: Root, info: Info) -> list[FundingLine]:
    return [_line(line) for line in await _kept(info, dashboard.funding, root["as_of"])]


async def _funding_by_project(root: Root, info: Info) -> list[ApiObject]:
    lines = []
    for line in await _kept(info, dashboard.funding, root["as_of"], per_project=True):
        assert line.project is not None
        lines.append({**_outcomes(line), "project": api_node(Label.PROJECT, line.project)})
    return lines


async def _stats(
    as_of: Annotated[
        Date | None,
        strawberry.argument(
            description="Answer as the graph stood on this day: records dated later are left "
            "out; records without a date count at every date."
        ),
    ] = None,
) -> ApiObject:
    return {"as_of": as_of}


def stats_type(types: dict[Label, type]) -> Any:
    """The ``Stats`` type (sector counts show the ``Sector`` node type; one type for both
    ``stats`` and the ``statsChanged`` subscription)."""
    return _stats_type(types[Label.SECTOR], types[Label.PROJECT])


@cache
def _stats_type(sector: type, project: type) -> Any:
    sector_count = _sector_count(sector, per_country=False)
    country_sector_count = _sector_count(sector, per_country=True)
    project_funding = _project_funding(project)
    fields = {
        "as_of": strawberry.field(
            graphql_type=Date | None, description="The date the figures are as of."
        ),
        "totals": strawberry.field(
            resolver=_totals, description="Records, interactions and attendances."
        ),
        "by_country": strawberry.field(
            resolver=_by_country, description="Clusters, organisations and people per country."
        ),
        "by_sector": strawberry.field(
            resolver=_by_sector,
            graphql_type=list[sector_count],  # type: ignore[valid-type]
            description="Records active in each sector.",
        ),
        "by_country_and_sector": strawberry.field(
            resolver=_by_country_and_sector,
            graphql_type=list[country_sector_count],  # type: ignore[valid-type]
            description="Clusters and organisations per country and sector.",
        ),
        "events_by_year": strawberry.field(
            resolver=_events_by_year, description="Events and attendance per year."
        ),
        "cross_border_interactions_by_year": strawberry.field(
            resolver=_cross_border_interactions_by_year,
            description="Cross-border interactions per year of their date.",
        ),
        "funding": strawberry.field(
            resolver=_funding, description="Funding per programme and fund against outcomes."
        ),
        "funding_by_project": strawberry.field(
            resolver=_funding_by_project,
            graphql_type=list[project_funding],  # type: ignore[valid-type]
            description="Funding per project against its outcomes, by the projects' names.",
        ),
    }
    return strawberry.type(
        type("Stats", (), {"__annotations__": {}, **fields}),
        description="Dashboard figures as the graph stood at `asOf` (default: now); each "
        "section costs one statement, and only when selected.",
    )


def stats_field(types: dict[Label, type]) -> Any:
    """``stats(asOf:)``."""
    return strawberry.field(
        resolver=_stats, graphql_type=stats_type(types), description="Dashboard figures."
    )
