"""A person's rights under the GDPR: access and portability (``exportPersonalData``, articles
15 and 20); erasure is a mutation (``mutations.erasure``)."""

from typing import Any

import strawberry
from strawberry.scalars import JSON

from crm.api.context import Info
from crm.api.ids import global_id, node_ref
from crm.api.records import ApiObject
from crm.domain import NODE_MODELS, RELATIONSHIPS, Label
from crm.domain.nodes import Person
from crm.errors import NotFound
from crm.graph.properties import record_data
from crm.graph.store import Record
from crm.queries.gdpr import Holdings, Tie, holdings

EXPORT_FORMAT = "crm-personal-data/1"
"""Names the shape of the export document, for the programs that read it."""


def gdpr_query_fields() -> dict[str, Any]:
    return {
        "exportPersonalData": strawberry.field(
            resolver=_export,
            graphql_type=JSON,
            description="Everything held about a person, as a JSON document (GDPR art. 15, 20): "
            "their record and every tie, with the id and name of its other end.",
        )
    }


async def _export(info: Info, person: strawberry.ID) -> ApiObject:
    record_id = node_ref(person, (Label.PERSON,))[1]
    held = await holdings(info.context.store, record_id)
    if held is None:
        raise NotFound(f"no Person with id {record_id!r}")
    return _document(held, info.context.now())


def _document(held: Holdings, moment: str) -> ApiObject:
    ties: dict[str, list[ApiObject]] = {}
    for tie in sorted(held.ties, key=_tie_order):
        ties.setdefault(tie.rel_type.value, []).append(_tie(tie))
    return {
        "format": EXPORT_FORMAT,
        "exportedAt": moment,
        "person": record_data(Person, held.person)
        | {"globalId": global_id(Label.PERSON, held.person["id"])},
        "ties": ties,
    }


def _tie(tie: Tie) -> ApiObject:
    other: ApiObject = {
        "label": tie.other_label.value,
        "id": tie.other["id"],
        "globalId": global_id(tie.other_label, tie.other["id"]),
        "name": _name(tie.other_label, tie.other),
    }
    data = record_data(RELATIONSHIPS[tie.rel_type].properties, tie.properties)
    return data | {"direction": "outgoing" if tie.outgoing else "incoming", "other": other}


def _tie_order(tie: Tie) -> tuple[str, str, str]:
    when = str(tie.properties.get("date") or tie.properties.get("since") or "")
    return tie.rel_type.value, when, str(tie.other.get("id"))


def _name(label: Label, properties: Record) -> str:
    model = NODE_MODELS[label]
    aliases = (model.model_fields[name].alias or name for name in model.name_fields)
    return " ".join(str(properties.get(alias, "")) for alias in aliases)
