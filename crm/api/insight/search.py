"""``search``: one ranked list over every label, in German, Danish and English."""

from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.nodes import Node
from crm.api.pagination import page_size
from crm.api.records import api_node
from crm.domain import Label
from crm.queries.search import search

graphql_enum(Label)


@strawberry.type(description="A record that matches a search, and how well.")
class SearchHit:
    score: float = strawberry.field(
        description="The engine's relevance score: higher is better; comparable within one "
        "answer, not across searches."
    )
    node: Node


async def resolve_search(
    info: Info,
    text: Annotated[
        str,
        strawberry.argument(
            description="Words in German, Danish or English; case and accents do not matter, "
            "each word also matches its inflections, words it begins and its translations "
            "among the sectors' and topics' names. Every word must match."
        ),
    ],
    types: Annotated[
        list[Label] | None,
        strawberry.argument(description="Only records of these labels (default: all)."),
    ] = None,
    first: Annotated[
        int | None, strawberry.argument(description="How many hits (default 20).")
    ] = None,
) -> list[dict[str, Any]]:
    size = page_size(first, info.context.settings.max_page_size)
    labels = list(Label) if types is None else list(dict.fromkeys(types))
    hits = await search(info.context.store, text, labels, size)
    return [{"score": hit.score, "node": api_node(hit.label, hit.properties)} for hit in hits]


def search_field() -> Any:
    return strawberry.field(
        resolver=resolve_search,
        graphql_type=list[SearchHit],
        description="Records whose names, descriptions (every language), specialties, "
        "services, technologies or labels match the text, best first.",
    )
