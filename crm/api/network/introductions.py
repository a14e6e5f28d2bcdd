"""``introductionPaths`` and ``brokers``: who can introduce whom, and who holds the network
together."""

import asyncio
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.network.common import (
    AS_OF,
    as_of_text,
    evidence,
    evidence_type,
    output_type,
    records,
    resolve_node,
)
from crm.api.pagination import page_size
from crm.api.records import ApiObject, api_node
from crm.api.scalars import Date
from crm.api.ties import TIE_FIELDS, far_type
from crm.domain import Label
from crm.errors import InvalidInput
from crm.queries.answers import ANSWERS
from crm.queries.network.brokers import Broker, Ranking, brokers
from crm.queries.network.paths import MAX_HOPS, IntroductionPath, introduction_paths
from crm.queries.network.strength import Shared

DEFAULT_HOPS = 3
DEFAULT_PATHS = 5
DEFAULT_BROKERS = 10


async def _employer(root: strawberry.Parent[ApiObject], info: Info) -> ApiObject | None:
    employer: Shared | None = root["_employer"]
    if employer is None:
        return None
    found = await records(info, [(Label(employer.label), employer.id)])
    return found[0] if found else None


def _hop_type(types: dict[Label, type]) -> Any:
    person = types[Label.PERSON]
    return output_type(
        "IntroductionHop",
        "One step of an introduction: from the previous person to this one.",
        person=strawberry.field(graphql_type=person, description="Who is reached."),
        employer=strawberry.field(
            resolver=_employer,
            graphql_type=far_type(TIE_FIELDS[Label.PERSON]["employers"], types) | None,
            description="Where they work on the day (the first by name).",
        ),
        organization=strawberry.field(
            graphql_type=str | None,
            description="The name of where they work on the day (the first by name).",
            deprecation_reason="Use employer, the organisation or cluster itself.",
        ),
        country=str,
        strength=strawberry.field(
            graphql_type=float, description="The tie strength of this hop, 0 to 1."
        ),
        crosses_border=strawberry.field(
            graphql_type=bool, description="This hop joins two countries."
        ),
        evidence=evidence_type(types),
    )


def _path_type(types: dict[Label, type]) -> Any:
    return output_type(
        "IntroductionPath",
        "A chain of people who know each other, from the asker to the target.",
        score=strawberry.field(
            graphql_type=float, description="The product of the hops' strengths."
        ),
        hops=list[_hop_type(types)],  # type: ignore[misc]
        crosses_border=bool,
        border_crossings=strawberry.field(
            graphql_type=list[int],
            description="Where the path crosses the border: places in hops, from 0.",
        ),
    )


def _broker_type(person: Any, organization: Any) -> Any:
    return output_type(
        "Broker",
        "A person or organisation that shortest paths between others run through.",
        person=person | None,
        organization=organization | None,
        score=strawberry.field(
            graphql_type=float,
            description="Betweenness centrality (for an organisation: its people's, summed).",
        ),
        bridged=strawberry.field(
            graphql_type=int,
            description="Pairs of contacts (of the person; of the organisation's people, outside "
            "it) who had not interacted with each other.",
        ),
        bridges=strawberry.field(
            graphql_type=list[list[person]],
            description="Some of those pairs.",
        ),
        estimated=strawberry.field(
            graphql_type=bool,
            description="Whether the score is an estimate: above CRM_BROKERS_EXACT_UP_TO people "
            "who have interacted, the shortest paths are followed from a sample of them "
            "(sampleSize), drawn with a fixed seed. Measured against the exact top ten, with "
            "the default 400: 9 of 10 shared on the benchmark's small graph (8,000 people), 8 "
            "of 10 on medium (100,000 people; with 100 sources 6 of 10; BENCHMARKS.md).",
        ),
        sample_size=strawberry.field(
            graphql_type=int,
            description="How many people the shortest paths were followed from: all who have "
            "interacted when exact.",
        ),
    )


async def _resolve_paths(
    info: Info,
    *,
    from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
    to: Annotated[
        strawberry.ID,
        strawberry.argument(
            description="A person, or an organisation or cluster (anyone working there)."
        ),
    ],
    max_hops: int = DEFAULT_HOPS,
    first: int = DEFAULT_PATHS,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidInput(f"maxHops must be between 1 and {MAX_HOPS}, not {max_hops}")
    size = page_size(first, info.context.settings.max_page_size)
    # Both looked up at once: one statement for two people, not two.
    start, end = await asyncio.gather(
        resolve_node(info, from_, (Label.PERSON,)),
        resolve_node(info, to, (Label.PERSON, Label.ORGANIZATION, Label.CLUSTER)),
        return_exceptions=True,
    )
    if isinstance(start, BaseException):  # the first one missing, as when looked up in turn
        raise start
    if isinstance(end, BaseException):
        raise end
    _, source = start
    label, target = end
    rows = await introduction_paths(
        info.context.store,
        source,
        target,
        label,
        max_hops=max_hops,
        first=size,
        as_of=as_of_text(as_of),
    )
    return [_path(row) for row in rows]


async def _resolve_brokers(
    info: Info,
    first: int = DEFAULT_BROKERS,
    organizations: Annotated[
        bool, strawberry.argument(description="Rank organisations instead of people.")
    ] = False,
    cross_border: Annotated[
        bool, strawberry.argument(description="Count only shortest paths across the border.")
    ] = False,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
) -> list[ApiObject]:
    settings, store = info.context.settings, info.context.store
    size = page_size(first, settings.max_page_size)
    day, today = None if as_of is None else as_of_text(as_of), as_of_text(None)
    exact_up_to, sample = settings.brokers_exact_up_to, settings.brokers_sample
    key = ("brokers", organizations, size, cross_border, day or today, exact_up_to, sample)
    ranking, _ = await ANSWERS.get(
        store,
        key,
        lambda: brokers(
            store,
            organizations=organizations,
            first=size,
            cross_border=cross_border,
            as_of=day,
            today=today,
            exact_up_to=exact_up_to,
            sample=sample,
        ),
    )
    return [_broker(row, ranking) for row in ranking.brokers]


def introduction_fields(types: dict[Label, type]) -> dict[str, Any]:
    person, organization = types[Label.PERSON], types[Label.ORGANIZATION]
    return {
        "introduction_paths": strawberry.field(
            resolver=_resolve_paths,
            graphql_type=list[_path_type(types)],  # type: ignore[misc]
            description="Warm introductions: chains of people who have interacted, from one "
            "person to another or to anyone at an organisation or cluster, best first (at "
            f"most {MAX_HOPS} hops).",
        ),
        "brokers": strawberry.field(
            resolver=_resolve_brokers,
            graphql_type=list[_broker_type(person, organization)],  # type: ignore[misc]
            description="People (or organisations) ranked by betweenness centrality, with the "
            "ties they bridge.",
        ),
    }


def _path(path: IntroductionPath) -> ApiObject:
    hops = [
        {
            "person": api_node(Label.PERSON, hop.person),
            "organization": None if hop.employer is None else hop.employer.name,
            "_employer": hop.employer,
            "country": hop.person["country"],
            "strength": hop.tie.strength,
            "crosses_border": hop.crosses,
            "evidence": evidence(hop.tie),
        }
        for hop in path.hops
    ]
    crossings = [place for place, hop in enumerate(path.hops) if hop.crosses]
    return {
        "score": path.score,
        "hops": hops,
        "crosses_border": bool(crossings),
        "border_crossings": crossings,
    }


def _broker(broker: Broker, ranking: Ranking) -> ApiObject:
    person, organization = broker.person, broker.organization
    return {
        "person": None if person is None else api_node(Label.PERSON, person),
        "organization": None
        if organization is None
        else api_node(Label.ORGANIZATION, organization),
        "score": broker.score,
        "bridged": broker.bridged,
        "bridges": [
            [api_node(Label.PERSON, a), api_node(Label.PERSON, b)] for a, b in broker.bridges
        ],
        "estimated": ranking.estimated,
        "sample_size": ranking.sample_size,
    }
