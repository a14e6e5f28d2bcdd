"""The network as a whole: cross-border ties, gaps, partner suggestions, communities."""

from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.network.common import AS_OF, as_of_text, resolve_node
from crm.api.pagination import DEFAULT_PAGE_SIZE, PageInfo, decode_cursor, encode_cursor, page_size
from crm.api.records import api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.graph.store import GraphStore
from crm.queries.network import border
from crm.queries.network.communities import communities
from crm.queries.network.partners import suggested_partners

_SCOPE = "crossBorderTies"


@strawberry.type(description="Cross-border interactions in one year.")
class TiesInYear:
    year: int
    interactions: int
    new_ties: int = strawberry.field(description="Pairs who first interacted that year.")


@strawberry.type(description="Cross-border pairs between people working in two sectors.")
class TiesBySectorPair:
    sectors: list[str | None] = strawberry.field(
        description="The two sectors, in order; null where a side works in none."
    )
    ties: int


@strawberry.type(description="How many organisations of each country a community holds.")
class CountryMix:
    dk: int
    de: int
    other: int


def overview_fields(types: dict[Label, Any]) -> dict[str, Any]:
    person, organization, cluster = (
        types[Label.PERSON],
        types[Label.ORGANIZATION],
        types[Label.CLUSTER],
    )

    def obj(name: str, description: str, **fields: Any) -> Any:
        namespace = {"__annotations__": {}, "__module__": __name__}
        namespace |= {key: strawberry.field(graphql_type=value) for key, value in fields.items()}
        return strawberry.type(type(name, (), namespace), description=description)

    tie = obj(
        "CrossBorderTie",
        "Two people in different countries who interacted (as the filters allow).",
        a=person,
        b=person,
        interactions=int,
        first_contact=Date,
        last_contact=Date,
    )

    @dataclass
    class Found:
        store: GraphStore
        filters: dict[str, Any]
        nodes: list[dict[str, Any]]
        page_info: PageInfo

        async def total(self) -> dict[str, int]:
            return await border.count_cross_border_ties(self.store, self.filters)

    async def total_count(root: strawberry.Parent[Found]) -> int:
        return (await root.total())["ties"]

    async def interactions(root: strawberry.Parent[Found]) -> int:
        return (await root.total())["interactions"]

    async def by_year(root: strawberry.Parent[Found]) -> list[TiesInYear]:
        rows = await border.cross_border_ties_by_year(root.store, root.filters)
        return [
            TiesInYear(year=int(r["year"]), interactions=r["interactions"], new_ties=r["newTies"])
            for r in rows
        ]

    async def by_sector_pair(root: strawberry.Parent[Found]) -> list[TiesBySectorPair]:
        rows = await border.cross_border_ties_by_sector_pair(root.store, root.filters)
        return [TiesBySectorPair(sectors=r["sectors"], ties=r["ties"]) for r in rows]

    ties_page = strawberry.type(
        type(
            "CrossBorderTies",
            (),
            {
                "__annotations__": {},
                "__module__": __name__,
                "nodes": strawberry.field(graphql_type=list[tie]),  # type: ignore[valid-type]
                "page_info": strawberry.field(graphql_type=PageInfo),
                "total_count": strawberry.field(
                    resolver=total_count, description="Pairs in all (costs a query)."
                ),
                "interactions": strawberry.field(
                    resolver=interactions, description="Their interactions in all."
                ),
                "by_year": strawberry.field(resolver=by_year),
                "by_sector_pair": strawberry.field(resolver=by_sector_pair),
            },
        ),
        description="A page of cross-border ties, and figures over all of them.",
    )

    async def resolve_ties(
        info: Info,
        *,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
        sector: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Either person works in this sector."),
        ] = None,
        kind: graphql_enum(InteractionKind) | None = None,  # type: ignore[valid-type]
        date_from: Date | None = None,
        date_to: Date | None = None,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> Any:
        size = page_size(first, info.context.settings.max_page_size)
        sector_id = (
            None if sector is None else (await resolve_node(info, sector, (Label.SECTOR,)))[1]
        )
        filters = {
            "asOf": as_of_text(as_of),
            "from": None if date_from is None else date_from.isoformat(),
            "to": None if date_to is None else date_to.isoformat(),
            "kind": None if kind is None else kind.value,
            "sector": sector_id,
        }
        cursor = decode_cursor(after, _SCOPE)
        rows = await border.cross_border_ties(info.context.store, filters, first=size, after=cursor)
        shown = rows[:size]
        cursors = [encode_cursor(_SCOPE, row["a"]["id"], row["b"]["id"]) for row in shown]
        nodes = [
            {
                "a": api_node(Label.PERSON, row["a"]),
                "b": api_node(Label.PERSON, row["b"]),
                "interactions": row["interactions"],
                "first_contact": row["firstContact"],
                "last_contact": row["lastContact"],
            }
            for row in shown
        ]
        info_ = PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
        return Found(info.context.store, filters, nodes, info_)

    resolve_ties.__annotations__["return"] = ties_page

    unmet = obj(
        "UnmetClusters",
        "Two clusters on either side of the border, in a sector in common, that never met.",
        first=cluster,
        second=cluster,
        sectors=list[str],
    )
    lonely = obj(
        "LonelyMember",
        "A cluster member none of whose people has a tie across the border.",
        organization=organization,
        people=int,
    )

    async def resolve_lonely(
        info: Info,
        cluster: strawberry.ID,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[dict[str, Any]]:
        _, cluster_id = await resolve_node(info, cluster, (Label.CLUSTER,))
        rows = await border.lonely_members(info.context.store, cluster_id, as_of_text(as_of))
        return [
            {"organization": api_node(Label.ORGANIZATION, r["organization"]), "people": r["people"]}
            for r in rows
        ]

    async def resolve_unmet(
        info: Info,
        sector: strawberry.ID | None = None,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[dict[str, Any]]:
        sector_id = (
            None if sector is None else (await resolve_node(info, sector, (Label.SECTOR,)))[1]
        )
        rows = await border.unmet_cluster_pairs(info.context.store, sector_id, as_of_text(as_of))
        return [
            {
                "first": api_node(Label.CLUSTER, r["first"]),
                "second": api_node(Label.CLUSTER, r["second"]),
                "sectors": r["sectors"],
            }
            for r in rows
        ]

    resolve_lonely.__annotations__["return"] = list[lonely]  # type: ignore[valid-type]
    resolve_unmet.__annotations__["return"] = list[unmet]  # type: ignore[valid-type]

    suggestion = obj(
        "PartnerSuggestion",
        "An organisation across the border not yet tied to the one asked about.",
        organization=organization,
        score=int,
        reasons=list[str],
    )

    async def resolve_partners(
        info: Info,
        organization: strawberry.ID,
        first: int = 10,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[dict[str, Any]]:
        _, org_id = await resolve_node(info, organization, (Label.ORGANIZATION,))
        rows = await suggested_partners(
            info.context.store,
            org_id,
            first=page_size(first, info.context.settings.max_page_size),
            as_of=as_of_text(as_of),
        )
        return [
            {
                "organization": api_node(Label.ORGANIZATION, r["organization"]),
                "score": r["score"],
                "reasons": r["reasons"],
            }
            for r in rows
        ]

    resolve_partners.__annotations__["return"] = list[suggestion]  # type: ignore[valid-type]

    community = obj(
        "Community",
        "Organisations tied together through their people's interactions.",
        size=int,
        countries=CountryMix,
        members=list[organization],  # type: ignore[valid-type]
    )

    async def resolve_communities(
        info: Info,
        first: int = 10,
        members: Annotated[int, strawberry.argument(description="Members shown of each.")] = 10,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[dict[str, Any]]:
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
                "size": r["size"],
                "countries": CountryMix(dk=r["dk"], de=r["de"], other=r["other"]),
                "members": [api_node(Label.ORGANIZATION, m) for m in r["members"]],
            }
            for r in rows
        ]

    resolve_communities.__annotations__["return"] = list[community]  # type: ignore[valid-type]

    return {
        "cross_border_ties": strawberry.field(
            resolver=resolve_ties,
            description="Pairs of people in different countries who interacted, by the ids "
            "of their ends; filtered, counted, and grouped by year and by sector pair.",
        ),
        "lonely_members": strawberry.field(
            resolver=resolve_lonely,
            description="Members of a cluster with no tie across the border (no interaction, "
            "no event shared with anyone from another country).",
        ),
        "unmet_clusters": strawberry.field(
            resolver=resolve_unmet,
            description="Pairs of clusters on both sides in a sector in common that never met: "
            "no interaction or shared event between their people, no shared initiative or "
            "project.",
        ),
        "suggested_partners": strawberry.field(
            resolver=resolve_partners,
            description="Organisations across the border not yet tied to this one, best first, "
            "with the reasons.",
        ),
        "communities": strawberry.field(
            resolver=resolve_communities,
            description="Groups of organisations tied through their people, largest first.",
        ),
    }
