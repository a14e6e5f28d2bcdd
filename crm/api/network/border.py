"""``crossBorderTies`` (a page, counts and groups) and the gaps: ``lonelyMembers`` and
``unmetClusters``."""

from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.network.common import (
    AS_OF,
    as_of_text,
    list_of,
    output_type,
    records,
    resolve_node,
)
from crm.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageInfo,
    decode_cursor,
    encode_cursor,
    page_size,
)
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.graph.store import GraphStore
from crm.queries.answers import ANSWERS
from crm.queries.network import border

_SCOPE = "crossBorderTies"


@strawberry.type(description="Cross-border interactions in one year.")
class TiesInYear:
    year: int
    interactions: int
    new_ties: int = strawberry.field(description="Pairs who first interacted that year.")


@dataclass
class TiesFound:
    """A page of cross-border ties; the figures over all of them are asked for when selected."""

    store: GraphStore
    filters: border.TieFilter
    nodes: list[ApiObject]
    page_info: PageInfo

    async def totals(self) -> border.TieTotals:
        return await _kept_totals(self.store, self.filters)


async def _kept_totals(store: GraphStore, filters: border.TieFilter) -> border.TieTotals:
    """Kept per graph version: the home page asks for them on every visit."""
    totals, _ = await ANSWERS.get(
        store,
        ("crossBorderTies", filters),
        lambda: border.count_cross_border_ties(store, filters),
    )
    return totals


async def _total_count(root: strawberry.Parent[TiesFound]) -> int:
    return (await root.totals()).ties


async def _interactions(root: strawberry.Parent[TiesFound]) -> int:
    return (await root.totals()).interactions


async def _by_year(root: strawberry.Parent[TiesFound]) -> list[TiesInYear]:
    rows = await border.cross_border_ties_by_year(root.store, root.filters)
    return [TiesInYear(year=r.year, interactions=r.interactions, new_ties=r.new_ties) for r in rows]


async def _by_sector_pair(root: strawberry.Parent[TiesFound]) -> list[ApiObject]:
    rows = await border.cross_border_ties_by_sector_pair(root.store, root.filters)
    return [{"sectors": r.sectors, "ties": r.ties, "_ids": r.sector_ids} for r in rows]


async def _sector_pair(root: strawberry.Parent[ApiObject], info: Info) -> list[ApiObject | None]:
    ids: list[str | None] = root["_ids"]
    found = {
        sector["recordId"]: sector
        for sector in await records(info, ((Label.SECTOR, i) for i in ids if i is not None))
    }
    return [None if i is None else found.get(i) for i in ids]


async def _staff(root: strawberry.Parent[ApiObject]) -> list[ApiObject]:
    return [api_node(Label.PERSON, person) for person in root["_people"]]


async def _sector_id(info: Info, sector: strawberry.ID | None) -> str | None:
    return None if sector is None else (await resolve_node(info, sector, (Label.SECTOR,)))[1]


async def _resolve_ties(
    info: Info,
    *,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    sector: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Either person works in this sector on the day."),
    ] = None,
    kind: graphql_enum(InteractionKind) | None = None,  # type: ignore[valid-type]
    date_from: Annotated[
        Date | None, strawberry.argument(description="Only interactions from this day.")
    ] = None,
    date_to: Annotated[
        Date | None, strawberry.argument(description="Only interactions up to this day.")
    ] = None,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> TiesFound:
    size = page_size(first, info.context.settings.max_page_size)
    filters = border.TieFilter(
        as_of=as_of_text(as_of),
        date_from=None if date_from is None else date_from.isoformat(),
        date_to=None if date_to is None else date_to.isoformat(),
        kind=None if kind is None else kind.value,
        sector=await _sector_id(info, sector),
    )
    store, cursor = info.context.store, decode_cursor(after, _SCOPE)
    if size == 0 and cursor is None:  # a count alone: the kept totals say whether a page follows
        any_tie = (await _kept_totals(store, filters)).ties > 0
        return TiesFound(
            store,
            filters,
            [],
            PageInfo(
                has_next_page=any_tie, has_previous_page=False, start_cursor=None, end_cursor=None
            ),
        )
    rows = await border.cross_border_ties(store, filters, first=size, after=cursor)
    shown = rows[:size]
    cursors = [encode_cursor(_SCOPE, row.a["id"], row.b["id"]) for row in shown]
    nodes = [
        {
            "a": api_node(Label.PERSON, row.a),
            "b": api_node(Label.PERSON, row.b),
            "interactions": row.interactions,
            "first_contact": row.first_contact,
            "last_contact": row.last_contact,
        }
        for row in shown
    ]
    page_info = PageInfo(
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return TiesFound(store, filters, nodes, page_info)


async def _resolve_lonely(
    info: Info,
    cluster: strawberry.ID,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    _, cluster_id = await resolve_node(info, cluster, (Label.CLUSTER,))
    rows = await border.lonely_members(info.context.store, cluster_id, as_of_text(as_of))
    return [
        {
            "organization": api_node(Label.ORGANIZATION, r.organization),
            "people": len(r.people),
            "_people": r.people,
        }
        for r in rows
    ]


async def _resolve_unmet(
    info: Info,
    sector: strawberry.ID | None = None,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    rows = await border.unmet_cluster_pairs(
        info.context.store, await _sector_id(info, sector), as_of_text(as_of)
    )
    return [
        {
            "first": api_node(Label.CLUSTER, r.first),
            "second": api_node(Label.CLUSTER, r.second),
            "shared_sectors": [api_node(Label.SECTOR, sector) for sector in r.sectors],
            "sectors": [sector["name"] for sector in r.sectors],
        }
        for r in rows
    ]


def border_fields(types: dict[Label, type]) -> dict[str, Any]:
    person, organization, cluster, sector = (
        types[Label.PERSON],
        types[Label.ORGANIZATION],
        types[Label.CLUSTER],
        types[Label.SECTOR],
    )
    by_sector_pair = output_type(
        "TiesBySectorPair",
        "Cross-border pairs between people working in two sectors.",
        sector_pair=strawberry.field(
            resolver=_sector_pair,
            graphql_type=list_of(sector | None),
            description="The two sectors, in order of their names; null where a side works in "
            "none.",
        ),
        ties=int,
        sectors=strawberry.field(
            graphql_type=list[str | None],
            description="The two sectors' names, in order; null where a side works in none.",
            deprecation_reason="Use sectorPair, the sectors themselves.",
        ),
    )
    tie = output_type(
        "CrossBorderTie",
        "Two people in different countries who interacted (as far as the filters let in).",
        a=person,
        b=person,
        interactions=int,
        first_contact=Date,
        last_contact=Date,
    )
    ties = output_type(
        "CrossBorderTies",
        "A page of cross-border ties, and figures over all of them (each costs a query).",
        nodes=list[tie],  # type: ignore[valid-type]
        page_info=PageInfo,
        total_count=strawberry.field(resolver=_total_count, description="Pairs in all."),
        interactions=strawberry.field(resolver=_interactions, description="Their interactions."),
        by_year=strawberry.field(resolver=_by_year),
        by_sector_pair=strawberry.field(
            resolver=_by_sector_pair,
            graphql_type=list[by_sector_pair],  # type: ignore[valid-type]
        ),
    )
    lonely = output_type(
        "LonelyMember",
        "A cluster member none of whose people has a tie across the border.",
        organization=organization,
        staff=strawberry.field(
            resolver=_staff,
            graphql_type=list[person],  # type: ignore[valid-type]
            description="Its people on the day, by family name.",
        ),
        people=strawberry.field(
            graphql_type=int,
            description="How many people it has on the day.",
            deprecation_reason="Use staff, the people themselves (its length is this count).",
        ),
    )
    unmet = output_type(
        "UnmetClusters",
        "Two clusters on either side of the border, in a sector in common, that never met.",
        first=cluster,
        second=cluster,
        shared_sectors=strawberry.field(
            graphql_type=list[sector],  # type: ignore[valid-type]
            description="The sectors both are active in, by name.",
        ),
        sectors=strawberry.field(
            graphql_type=list[str],
            description="The names of the sectors both are active in.",
            deprecation_reason="Use sharedSectors, the sectors themselves.",
        ),
    )
    return {
        "cross_border_ties": strawberry.field(
            resolver=_resolve_ties,
            graphql_type=ties,
            description="Pairs of people in different countries who interacted, by the ids "
            "of their ends; filtered, counted, and grouped by year and by sector pair.",
        ),
        "lonely_members": strawberry.field(
            resolver=_resolve_lonely,
            graphql_type=list[lonely],  # type: ignore[valid-type]
            description="Members of a cluster with no tie across the border: none of their "
            "people interacted with, or attended an event with, anyone from another country.",
        ),
        "unmet_clusters": strawberry.field(
            resolver=_resolve_unmet,
            graphql_type=list[unmet],  # type: ignore[valid-type]
            description="Pairs of clusters on both sides in a sector in common that never met: "
            "no interaction or shared event between their people (their own or their "
            "members'), no shared initiative or project.",
        ),
    }
