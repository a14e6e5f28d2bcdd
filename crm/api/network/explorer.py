"""``network`` and ``networkExpansion``: the explorer's graph of people, organisations and
clusters around some centres, ready to draw (``crm/queries/network/explorer.py`` walks it,
``measures.py`` sizes and groups it). ``networkExport`` (``export.py``) serialises the same view.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Union

import strawberry
from graphql import GraphQLError

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.ids import global_id, node_ref
from crm.api.network.common import (
    AS_OF,
    as_of_text,
    evidence,
    evidence_type,
    list_of,
    output_type,
)
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.errors import InvalidInput
from crm.queries.network.explorer import (
    ACTORS,
    MAX_DEPTH,
    TIES_PER_NODE,
    Link,
    Member,
    Ref,
    Scope,
    TieKind,
    TooLarge,
    View,
    explore,
    find_actors,
)
from crm.queries.network.measures import Measures

LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
NARROW = "minStrength, sectors, tieKinds, interactionKinds or crossBorderOnly"
NARROW_READ = "tieKinds, interactionKinds, crossBorderOnly or an earlier asOf"
"""What narrows the ties read (minStrength and sectors apply to what was read)."""

NetworkTieKind = strawberry.enum(
    TieKind,
    name="NetworkTieKind",
    description="What ties two nodes of an explorer's view: people who interacted, a job "
    "(WORKS_AT), a membership (MEMBER_OF).",
)


@strawberry.type(description="One interaction of a pair of people: when, and how.")
class DatedInteraction:
    date: Date
    kind: graphql_enum(InteractionKind)  # type: ignore[valid-type]


@dataclass
class Drawn:
    """A view and its measures, computed when first asked (off the event loop)."""

    view: View
    measures: Measures
    limit: int
    as_of: str
    _pending: dict[str, asyncio.Future[Any]] = field(default_factory=dict)

    async def measure(self, name: str) -> Any:
        """``Measures.betweenness`` or ``.community``, computed once for every node asking."""
        if name not in self._pending:
            self._pending[name] = asyncio.ensure_future(
                asyncio.to_thread(getattr, self.measures, name)
            )
        return await self._pending[name]


@dataclass(frozen=True)
class ViewRequest:
    """The arguments of a view, checked: what a resolver and the export both run."""

    centers: list[tuple[Label | None, str]]
    depth: int
    scope: Scope
    limit: int
    limit_name: str
    shown: list[Ref]
    expansion: bool

    async def run(self, info: Info) -> Drawn:
        """The view, or ``LIMIT_EXCEEDED`` naming the limit."""
        store = info.context.store
        centers = await find_actors(store, self.centers, self.scope.as_of)
        try:
            view = await explore(
                store,
                _distinct(centers),
                depth=self.depth,
                scope=self.scope,
                node_limit=self.limit,
                shown=self.shown,
                expanding=self.expansion,
            )
        except TooLarge as error:
            raise self._refusal(error) from None
        return Drawn(view, Measures(view, self.depth), self.limit, self.scope.as_of)

    def _refusal(self, error: TooLarge) -> GraphQLError:
        what = "add" if self.expansion else "hold"
        narrow = NARROW_READ if error.read else NARROW
        narrow = narrow if self.expansion else "a smaller depth, " + narrow
        per = f"{TIES_PER_NODE} times the node limit" if error.what == "ties" else "the limit"
        return GraphQLError(
            f"The {'expansion' if self.expansion else 'view'} would {what} more than "
            f"{error.maximum} {error.what} ({per}: {self.limit_name}); narrow it: {narrow}.",
            extensions={
                "code": LIMIT_EXCEEDED,
                "limit": self.limit_name,
                "maximum": error.maximum,
                "found": error.found,
                "counted": error.what,
            },
        )


def _distinct(members: Sequence[Member]) -> list[Member]:
    return list({member.ref: member for member in members}.values())


def view_request(
    info: Info,
    *,
    centers: Sequence[str],
    depth: int,
    as_of: Any,
    cross_border_only: bool,
    min_strength: float | None,
    sectors: Sequence[str] | None,
    tie_kinds: Sequence[Any] | None,
    interaction_kinds: Sequence[Any] | None,
    limit: int | None,
    shown: Sequence[str] = (),
    expansion: bool = False,
) -> ViewRequest:
    """Check a view's arguments (``BAD_USER_INPUT`` naming the one that is wrong)."""
    settings = info.context.settings
    maximum = settings.max_expansion_nodes if expansion else settings.max_graph_nodes
    setting = "CRM_MAX_EXPANSION_NODES" if expansion else "CRM_MAX_GRAPH_NODES"
    if not centers:
        raise InvalidInput("name at least one node")
    if not 0 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    if limit is not None and not 1 <= limit <= maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum} ({setting}), not {limit}")
    if min_strength is not None and not 0 <= min_strength <= 1:
        raise InvalidInput(f"minStrength must be between 0 and 1, not {min_strength}")
    scope = Scope(
        as_of=as_of_text(as_of),
        kinds=frozenset(TieKind) if tie_kinds is None else frozenset(k.value for k in tie_kinds),
        interaction_kinds=None
        if interaction_kinds is None
        else tuple(sorted(k.value for k in interaction_kinds)),
        cross_border_only=cross_border_only,
        min_strength=min_strength,
        sectors=None
        if sectors is None
        else frozenset(node_ref(s, (Label.SECTOR,))[1] for s in sectors),
    )
    known = []
    for value in shown:
        label, record_id = node_ref(value, ACTORS)
        if label is None:
            raise InvalidInput(f"shown: {value!r} must be a global id")
        known.append(Ref(label, record_id))
    return ViewRequest(
        centers=[node_ref(value, ACTORS) for value in centers],
        depth=depth,
        scope=scope,
        limit=maximum if limit is None else limit,
        limit_name=setting if limit is None else "limit",
        shown=known,
        expansion=expansion,
    )


def display_name(member: Member) -> str:
    """A node's name: a person's given and family name, else its name."""
    properties = member.properties
    if member.ref.label is Label.PERSON:
        return f"{properties['givenName']} {properties['familyName']}"
    name: str = properties["name"]
    return name


def _node(drawn: Drawn, member: Member) -> ApiObject:
    properties = member.properties
    return {
        "id": global_id(member.ref.label, member.ref.id),
        "node": api_node(member.ref.label, properties),
        "name": display_name(member),
        "country": properties["country"],
        "depth": member.depth,
        "sectors": [api_node(Label.SECTOR, sector) for sector in member.sectors],
        "_ref": member.ref,
        "_drawn": drawn,
    }


def _edge(link: Link) -> ApiObject:
    source = global_id(link.source.label, link.source.id)
    target = global_id(link.target.label, link.target.id)
    tie = link.tie
    return {
        "id": f"{link.kind.value}:{source}:{target}",
        "source": source,
        "target": target,
        "kind": link.kind,
        "strength": None if tie is None else tie.strength,
        "crosses_border": link.crosses_border,
        "since": link.since,
        "until": link.until,
        "last_contact": link.interactions[-1].date if link.interactions else None,
        "role": link.role,
        "interactions": [
            DatedInteraction(date=i.date, kind=InteractionKind(i.kind))  # type: ignore[arg-type]
            for i in link.interactions
        ],
        "evidence": None if tie is None else evidence(tie),
    }


def drawn_view(drawn: Drawn, depth: int) -> ApiObject:
    """A view as its ``NetworkView`` object."""
    view = drawn.view
    return {
        "centers": [global_id(ref.label, ref.id) for ref in view.centers],
        "as_of": drawn.as_of,
        "depth": depth,
        "limit": drawn.limit,
        "first_date": drawn.measures.first_date,
        "nodes": [_node(drawn, member) for member in view.members.values()],
        "edges": [_edge(link) for link in view.links.values()],
    }


async def _degree(root: strawberry.Parent[ApiObject]) -> int:
    drawn: Drawn = root["_drawn"]
    degree: int = drawn.measures.degree[root["_ref"]]
    return degree


async def _betweenness(root: strawberry.Parent[ApiObject]) -> float:
    drawn: Drawn = root["_drawn"]
    scores: dict[Ref, float] = await drawn.measure("betweenness")
    return scores[root["_ref"]]


async def _community(root: strawberry.Parent[ApiObject]) -> int:
    drawn: Drawn = root["_drawn"]
    groups: dict[Ref, int] = await drawn.measure("community")
    return groups[root["_ref"]]


async def _reach(root: strawberry.Parent[ApiObject]) -> str | None:
    drawn: Drawn = root["_drawn"]
    return drawn.measures.reach[root["_ref"]]


def view_type(types: Mapping[Label, type]) -> Any:
    """The ``NetworkView`` object type."""
    members = tuple(types[label] for label in (Label.CLUSTER, Label.ORGANIZATION, Label.PERSON))
    actor: Any = Annotated[Union[members], strawberry.union("NetworkActor")]  # noqa: UP007
    node = output_type(
        "NetworkNode",
        "A person, organisation or cluster in an explorer's view.",
        id=strawberry.field(graphql_type=strawberry.ID, description="The record's global id."),
        node=strawberry.field(graphql_type=actor, description="The record."),
        name=strawberry.field(graphql_type=str, description="Its name (a person's full name)."),
        country=str,
        depth=strawberry.field(
            graphql_type=int, description="Hops from the nearest centre (0: a centre)."
        ),
        since=strawberry.field(
            resolver=_reach,
            graphql_type=Date | None,
            description="The first day on which it is within the view's depth of a centre "
            "through ties begun by then (null: on every day): the view as of a day holds the "
            "nodes with since on or before it (unless minStrength or sectors narrow it).",
        ),
        sectors=strawberry.field(
            graphql_type=list_of(types[Label.SECTOR]),
            description="Its sectors (a person's: of where they work).",
        ),
        degree=strawberry.field(resolver=_degree, description="Its ties in this view."),
        betweenness=strawberry.field(
            resolver=_betweenness,
            description="Betweenness centrality in this view: over every pair of other nodes, "
            "the share of their shortest paths through it.",
        ),
        community=strawberry.field(
            resolver=_community,
            description="Its community in this view (fast greedy modularity, weighted by "
            "strength), numbered from 0, largest first.",
        ),
    )
    edge = output_type(
        "NetworkEdge",
        "A tie of an explorer's view: two people who interacted, a job, or a membership.",
        id=strawberry.field(
            graphql_type=strawberry.ID, description="Stable: the kind and the two ends."
        ),
        source=strawberry.field(
            graphql_type=strawberry.ID,
            description="A global id: the person (of a job), the member (of a membership), "
            "the person with the smaller record id (of two who interacted).",
        ),
        target=strawberry.field(graphql_type=strawberry.ID, description="A global id."),
        kind=NetworkTieKind,
        strength=strawberry.field(
            graphql_type=float | None,
            description="Two people's tie strength, 0 to 1 (crm/queries/network/strength.py); "
            "null for jobs and memberships.",
        ),
        crosses_border=strawberry.field(
            graphql_type=bool, description="Its ends are in different countries."
        ),
        since=strawberry.field(
            graphql_type=Date | None,
            description="When it began: the first interaction, or the job's or membership's "
            "since (null: undated, so on every day).",
        ),
        until=strawberry.field(
            graphql_type=Date | None,
            description="When a job ended (null while it lasts; ties of other kinds go on).",
        ),
        last_contact=strawberry.field(
            graphql_type=Date | None, description="The latest interaction (of two people)."
        ),
        role=strawberry.field(graphql_type=str | None, description="The role held (of a job)."),
        interactions=strawberry.field(
            graphql_type=list[DatedInteraction],
            description="Of two people: their interactions up to the day, oldest first (to "
            "replay the view without asking again).",
        ),
        evidence=strawberry.field(
            graphql_type=evidence_type(types) | None,
            description="Of two people: what their tie's strength is made of.",
        ),
    )
    return output_type(
        "NetworkView",
        "The network around some nodes as it stood on a day, ready to draw: every node within "
        "the depth and every tie between them. Empty lists when there is nothing to show.",
        centers=strawberry.field(graphql_type=list[strawberry.ID], description="Global ids."),
        as_of=strawberry.field(graphql_type=Date, description="The day it answers for."),
        depth=int,
        limit=strawberry.field(
            graphql_type=int,
            description="The most nodes it could hold (ten times as many ties).",
        ),
        first_date=strawberry.field(
            graphql_type=Date | None,
            description="When its earliest tie began: where a replay starts.",
        ),
        nodes=list_of(node),
        edges=list_of(edge),
    )


AS_OF_ARGUMENT = Annotated[Date | None, strawberry.argument(description=AS_OF)]
CENTERS = "People, organisations or clusters (global or record ids)."
DEPTH = f"Levels of ties from the centres, 0 to {MAX_DEPTH}."
CROSS_BORDER = (
    "Only interactions between people of different countries (jobs and memberships are "
    "always shown)."
)
MIN_STRENGTH = "Only pairs of people whose tie is at least this strong (0 to 1)."
SECTORS = (
    "Only nodes in one of these sectors (a person: working at an organisation or cluster "
    "in one); the centres are always shown."
)
TIE_KINDS = "Only ties of these kinds (default: all)."
INTERACTION_KINDS = "Only pairs of people with an interaction of these kinds (default: all)."
LIMIT = "The most nodes to answer (default and at most CRM_MAX_GRAPH_NODES, 2000)."


def explorer_fields(types: Mapping[Label, type]) -> dict[str, Any]:
    """``network`` and ``networkExpansion``."""
    view = view_type(types)

    async def network(
        info: Info,
        *,
        centers: Annotated[list[strawberry.ID], strawberry.argument(description=CENTERS)],
        depth: Annotated[int, strawberry.argument(description=DEPTH)] = 1,
        as_of: AS_OF_ARGUMENT = None,
        cross_border_only: Annotated[bool, strawberry.argument(description=CROSS_BORDER)] = False,
        min_strength: Annotated[float | None, strawberry.argument(description=MIN_STRENGTH)] = None,
        sectors: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description=SECTORS)
        ] = None,
        tie_kinds: Annotated[
            list[NetworkTieKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description=TIE_KINDS),
        ] = None,
        interaction_kinds: Annotated[
            list[graphql_enum(InteractionKind)] | None,  # type: ignore[valid-type]
            strawberry.argument(description=INTERACTION_KINDS),
        ] = None,
        limit: Annotated[int | None, strawberry.argument(description=LIMIT)] = None,
    ) -> ApiObject:
        request = view_request(
            info,
            centers=centers,
            depth=depth,
            as_of=as_of,
            cross_border_only=cross_border_only,
            min_strength=min_strength,
            sectors=sectors,
            tie_kinds=tie_kinds,
            interaction_kinds=interaction_kinds,
            limit=limit,
        )
        return drawn_view(await request.run(info), depth)

    async def expansion(
        info: Info,
        *,
        of: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="The nodes to expand (global or record ids)."),
        ],
        shown: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Global ids of the nodes the client shows already: not answered "
                "again, not counted, and ties to them are answered."
            ),
        ] = None,
        as_of: AS_OF_ARGUMENT = None,
        cross_border_only: Annotated[bool, strawberry.argument(description=CROSS_BORDER)] = False,
        min_strength: Annotated[float | None, strawberry.argument(description=MIN_STRENGTH)] = None,
        sectors: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description=SECTORS)
        ] = None,
        tie_kinds: Annotated[
            list[NetworkTieKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description=TIE_KINDS),
        ] = None,
        interaction_kinds: Annotated[
            list[graphql_enum(InteractionKind)] | None,  # type: ignore[valid-type]
            strawberry.argument(description=INTERACTION_KINDS),
        ] = None,
        limit: Annotated[
            int | None,
            strawberry.argument(
                description="The most new nodes to answer (default and at most "
                "CRM_MAX_EXPANSION_NODES, 200)."
            ),
        ] = None,
    ) -> ApiObject:
        request = view_request(
            info,
            centers=of,
            depth=1,
            as_of=as_of,
            cross_border_only=cross_border_only,
            min_strength=min_strength,
            sectors=sectors,
            tie_kinds=tie_kinds,
            interaction_kinds=interaction_kinds,
            limit=limit,
            shown=shown or [],
            expansion=True,
        )
        return drawn_view(await request.run(info), 1)

    network.__annotations__["return"] = view
    expansion.__annotations__["return"] = view
    return {
        "network": strawberry.field(
            resolver=network,
            description="The explorer's view: the people, organisations and clusters within "
            "depth ties of the centres (interactions between people, jobs, memberships) and "
            "every tie between them, as of a day. More nodes than the limit (or ten times as "
            "many ties) is a LIMIT_EXCEEDED error naming the limit.",
        ),
        "network_expansion": strawberry.field(
            resolver=expansion,
            description="Expanding nodes of a view: their neighbours not shown yet, and the "
            "ties between those, the nodes expanded and the nodes shown. At most "
            "CRM_MAX_EXPANSION_NODES new nodes (a LIMIT_EXCEEDED error beyond).",
        ),
    }
