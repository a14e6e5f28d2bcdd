"""``person.ties``: the people a person is tied to, strongest first, with the evidence."""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.network.common import AS_OF, as_of_text, evidence, evidence_type, output_type
from crm.api.pagination import DEFAULT_PAGE_SIZE, page_size
from crm.api.records import RECORD_ID, ApiObject, api_node
from crm.api.scalars import Date
from crm.domain import Label
from crm.queries.network.ties import PersonTie, person_ties


def tie_type(types: Mapping[Label, type]) -> Any:
    """The ``Tie`` object type, given every label's (possibly undecorated) type."""
    person = types[Label.PERSON]
    return output_type(
        "Tie",
        "Two people tied by what the graph records, and how strongly.",
        person=strawberry.field(graphql_type=person, description="The other person."),
        strength=strawberry.field(
            graphql_type=float,
            description="From 0 to 1, by the formula in crm/queries/network/strength.py.",
        ),
        last_contact=strawberry.field(
            graphql_type=Date | None, description="Their latest interaction or shared event."
        ),
        crosses_border=strawberry.field(
            graphql_type=bool, description="The two live in different countries."
        ),
        evidence=evidence_type(types),
    )


def tie(found: PersonTie, country: str) -> ApiObject:
    """One tie as its GraphQL object; ``country`` is the country of the near end."""
    return {
        "person": api_node(Label.PERSON, found.person),
        "strength": found.tie.strength,
        "last_contact": found.tie.last_contact,
        "crosses_border": found.person["country"] != country,
        "evidence": evidence(found.tie),
    }


def ties_field(types: Mapping[Label, type]) -> Any:
    """The ``ties`` field of the ``Person`` type, given every label's (undecorated) type."""

    async def resolve(
        root: strawberry.Parent[ApiObject],
        info: Info,
        first: int | None = DEFAULT_PAGE_SIZE,
        cross_border: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only ties across the border; false: only within the "
                "person's country; null: all."
            ),
        ] = None,
        as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    ) -> list[ApiObject]:
        size = page_size(first, info.context.settings.max_page_size)
        day = as_of_text(as_of)

        async def load(ids: Sequence[str]) -> list[list[PersonTie]]:
            found = await person_ties(
                info.context.store, ids, first=size, cross_border=cross_border, as_of=day
            )
            return [found[person_id] for person_id in ids]

        loader = info.context.loaders.batch(("ties", size, cross_border, day), load)
        rows = await loader.load(root[RECORD_ID])
        return [tie(row, root["country"]) for row in rows]

    resolve.__annotations__["return"] = list[tie_type(types)]  # type: ignore[misc]
    return strawberry.field(
        resolver=resolve,
        description="The people this person is tied to, strongest first: by interactions, "
        "events attended together, shared organisations and shared initiatives.",
    )
