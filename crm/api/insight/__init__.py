"""What the graph tells beyond its records: search, dashboard figures, initiative lineage."""

from typing import Any

from crm.api.insight.search import search_field


def insight_fields() -> dict[str, Any]:
    """The ``Query`` fields of this package."""
    return {"search": search_field()}
