"""``initiative.lineage``: how an initiative came about, as one dated timeline."""

from collections.abc import Sequence
from datetime import date
from enum import Enum
from types import GenericAlias
from typing import Annotated, Any

import strawberry

from crm.api.context import Info
from crm.api.records import RECORD_ID, ApiObject, api_node
from crm.api.scalars import Date
from crm.api.ties import TIE_FIELDS, far_type
from crm.domain import Label
from crm.queries.lineage import Affiliation, EventStep, Lineage, lineages, project_initiatives


@strawberry.enum(description="What a lineage entry records.")
class LineageKind(Enum):
    EMERGED_FROM = "emerged_from"
    STARTED = "started"


def _object(name: str, description: str, fields: dict[str, Any]) -> Any:
    cls = type(name, (), {"__annotations__": {}, **fields})
    return strawberry.type(cls, description=description)


def _list_of(item: Any) -> Any:
    """``list[item]`` for a type built at run time."""
    return GenericAlias(list, (item,))


def _field(graphql_type: Any, description: str | None = None) -> Any:
    return strawberry.field(graphql_type=graphql_type, description=description)


def lineage_field(types: dict[Label, type]) -> Any:
    """The ``lineage`` field of ``Initiative``, given every label's (undecorated) type."""
    organization = far_type(TIE_FIELDS[Label.INITIATIVE]["partners"], types)
    role = _object(
        "LineageRole",
        "An organisation or cluster, and the role played there: an attendee's job on the day "
        "of the event, or a partnership in the initiative.",
        {"organization": _field(organization), "role": _field(str | None)},
    )
    attendee = _object(
        "LineageAttendee",
        "A person in the room, with their employers on that day.",
        {"person": _field(types[Label.PERSON]), "employers": _field(_list_of(role))},
    )
    entry = _object(
        "LineageEntry",
        "One dated step: an event the initiative emerged from, or its start.",
        {
            "date": _field(Date),
            "kind": _field(LineageKind),
            "event": _field(types[Label.EVENT] | None, "The event (EMERGED_FROM entries)."),
            "topics": _field(_list_of(types[Label.TOPIC]), "What the event covered."),
            "projects": _field(_list_of(types[Label.PROJECT]), "The projects that organised it."),
            "attendees": _field(_list_of(attendee), "The people in the room."),
            "countries": _field(list[str], "The countries of the people in the room."),
        },
    )
    lineage = _object(
        "Lineage",
        "How an initiative came about: the events it emerged from in time order, who was in "
        "the room, what they covered, who organised them, and its partners.",
        {
            "timeline": _field(_list_of(entry), "Dated entries, oldest first."),
            "partners": _field(_list_of(role), "Its partners (undated: shown at every date)."),
            "projects": _field(
                _list_of(types[Label.PROJECT]),
                "The projects that organised its events.",
            ),
            "countries": _field(list[str], "The countries of everyone in its rooms and partners."),
        },
    )

    async def resolve(
        root: strawberry.Parent[ApiObject],
        info: Info,
        as_of: Annotated[
            Date | None,
            strawberry.argument(description="Only what had happened by this day."),
        ] = None,
    ) -> ApiObject:
        store = info.context.store

        async def load(ids: Sequence[str]) -> list[Lineage]:
            found = await lineages(store, ids, as_of)
            return [found[initiative] for initiative in ids]

        found = await info.context.loaders.batch(("lineage", as_of), load).load(root[RECORD_ID])
        return _lineage(found, root.get("startedOn"), as_of)

    return strawberry.field(
        resolver=resolve,
        graphql_type=lineage,
        description="How the initiative came about, as one dated timeline.",
    )


def project_initiatives_field(types: dict[Label, type]) -> Any:
    """The ``initiatives`` field of ``Project``: its initiatives side by side, each with its
    ``lineage``."""

    async def resolve(
        root: strawberry.Parent[ApiObject],
        info: Info,
        as_of: Annotated[
            Date | None,
            strawberry.argument(description="Only initiatives begun by this day."),
        ] = None,
    ) -> list[ApiObject]:
        store = info.context.store

        async def load(ids: Sequence[str]) -> list[list[ApiObject]]:
            found = await project_initiatives(store, ids, as_of)
            return [[api_node(Label.INITIATIVE, n) for n in found[project]] for project in ids]

        loader = info.context.loaders.batch(("project initiatives", as_of), load)
        initiatives: list[ApiObject] = await loader.load(root[RECORD_ID])
        return initiatives

    return strawberry.field(
        resolver=resolve,
        graphql_type=_list_of(types[Label.INITIATIVE]),
        description="The initiatives that emerged from events this project organised, the "
        "earliest begun first (on startedOn, else with its first event); ask each for its "
        "lineage to see them side by side.",
    )


def _lineage(found: Lineage, started_on: str | None, as_of: date | None) -> ApiObject:
    timeline = [_step(step) for step in found.events]
    if started_on is not None and (as_of is None or date.fromisoformat(started_on) <= as_of):
        timeline.append(
            {"date": started_on, "kind": LineageKind.STARTED, "event": None, "topics": [],
             "projects": [], "attendees": [], "countries": []}
        )  # fmt: skip
    timeline.sort(key=lambda entry: (entry["date"], entry["kind"] is LineageKind.STARTED))
    partners = [_role(partner) for partner in found.partners]
    projects = {project["recordId"]: project for entry in timeline for project in entry["projects"]}
    countries = {country for entry in timeline for country in entry["countries"]}
    countries |= {partner.node["country"] for partner in found.partners}
    return {
        "timeline": timeline,
        "partners": partners,
        "projects": sorted(projects.values(), key=lambda project: project["name"]),
        "countries": sorted(countries),
    }


def _step(step: EventStep) -> ApiObject:
    attendees = [
        {
            "person": api_node(Label.PERSON, attendee.person),
            "employers": [_role(employer) for employer in attendee.employers],
        }
        for attendee in step.attendees
    ]
    return {
        "date": step.event["date"],
        "kind": LineageKind.EMERGED_FROM,
        "event": api_node(Label.EVENT, step.event),
        "topics": [api_node(Label.TOPIC, topic) for topic in step.topics],
        "projects": [api_node(Label.PROJECT, project) for project in step.projects],
        "attendees": attendees,
        "countries": sorted({attendee.person["country"] for attendee in step.attendees}),
    }


def _role(affiliation: Affiliation) -> ApiObject:
    return {
        "organization": api_node(affiliation.label, affiliation.node),
        "role": affiliation.role,
    }
