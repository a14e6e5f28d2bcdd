"""The `Query` fields of the insight package (lineage is a field of `Initiative`)."""

from typing import Any

from crm.api.insight.dashboard import stats_field
from crm.api.insight.search import search_field
from crm.domain import Label


def insight_fields(types: dict[Label, type]) -> dict[str, Any]:
    """The ``Query`` fields of this package; ``types`` are the node types."""
    return {"search": search_field(), "stats": stats_field(types)}
