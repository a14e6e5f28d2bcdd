"""Where each kind of record is shown: the one table of record pages' paths."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

PATHS: Mapping[str, str] = {
    "Cluster": "/clusters/{}",
    "Organization": "/organisations/{}",
    "Person": "/people/{}",
    "Event": "/events/{}",
    "Initiative": "/initiatives/{}",
    "Project": "/projects/{}",
    "Topic": "/topics/{}",
    "Sector": "/clusters?sector={}",
}
"""By ``__typename``, the path (after ``/{lang}``) of a record's page, by its record id. Regions
and documents have no page of their own."""


def record_href(lang: str, node: Mapping[str, Any], kind: str | None = None) -> str:
    """The URL of a record's page in ``lang`` (``""`` for a record without one)."""
    path = PATHS.get(kind or node.get("__typename", ""))
    if path is None:
        return ""
    return f"/{lang}" + path.format(quote(node["recordId"], safe=""))
