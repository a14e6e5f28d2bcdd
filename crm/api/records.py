"""Stored properties in the shape the schema gives them: what resolvers hand to strawberry.

Objects are plain dicts keyed by field name (see ``schema.resolve_default``): no model is built
and no validation runs per row on the way out; what the graph holds was validated on the way in.
"""

from functools import cache
from typing import Any

from crm.api.ids import global_id
from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.domain.values import Model
from crm.graph.properties import record_data
from crm.graph.store import Record

ApiObject = dict[str, Any]
"""An object as resolvers hand it to strawberry: its fields' values by their names."""

RECORD_ID = "recordId"
"""The field holding a record's own id; ``id`` is its global id."""


@cache
def _defaults(model: type[Model]) -> tuple[tuple[str, Any], ...]:
    """Fields that read as a value when absent (an empty list)."""
    return tuple(
        (info.alias or name, info.default)
        for name, info in model.model_fields.items()
        if isinstance(info.default, list)
    )


def _shaped(model: type[Model], properties: Record) -> ApiObject:
    data = record_data(model, properties)
    for name, default in _defaults(model):
        data.setdefault(name, list(default))
    return data


def api_node(label: Label, properties: Record) -> ApiObject:
    """A node as its GraphQL object."""
    data = _shaped(NODE_MODELS[label], properties)
    data["__typename"] = label.value
    data[RECORD_ID] = properties["id"]
    data["id"] = global_id(label, properties["id"])
    return data


def api_tie(rel_type: RelType, properties: Record) -> ApiObject:
    """A tie's properties as fields of its GraphQL edge."""
    return _shaped(RELATIONSHIPS[rel_type].properties, properties)
