"""The network questions as GraphQL fields: ``person.ties`` (see ``ties``) and the ``Query``
fields below."""

from typing import Any

from crm.api.network.introductions import introduction_fields
from crm.api.network.overview import overview_fields
from crm.domain import Label


def network_fields(types: dict[Label, Any]) -> dict[str, Any]:
    """The ``Query`` fields of the network questions."""
    return {**introduction_fields(types), **overview_fields(types)}
