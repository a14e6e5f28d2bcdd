"""The network questions as GraphQL fields: ``person.ties`` (see ``ties``) and the ``Query``
fields below."""

from typing import Any

from crm.api.network.border import border_fields
from crm.api.network.communities import community_fields
from crm.api.network.explorer import explorer_fields
from crm.api.network.export import export_field
from crm.api.network.introductions import introduction_fields
from crm.api.network.partners import partner_fields
from crm.domain import Label


def network_fields(types: dict[Label, type]) -> dict[str, Any]:
    """The ``Query`` fields of the network questions."""
    return {
        **introduction_fields(types),
        **border_fields(types),
        **partner_fields(types),
        **community_fields(types),
        **explorer_fields(types),
        **export_field(types),
    }
