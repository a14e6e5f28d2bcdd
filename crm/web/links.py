"""Where each kind of record is shown (the one table of record pages' paths), and the sign-in
page with where to go back to."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

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
    kind = kind or node.get("__typename", "")
    if kind not in PATHS:
        return ""
    return f"/{lang}" + record_path(kind, node["recordId"])


def record_path(kind: str, record_id: str) -> str:
    """The path (after ``/{lang}``) of the page of a record of ``kind`` (a ``__typename``)."""
    return PATHS[kind].format(quote(record_id, safe=""))


def sign_in_href(lang: str, back_to: str | None = None) -> str:
    """The sign-in page in ``lang``, which sends the visitor ``back_to`` a local path after."""
    back = local_path(back_to)
    return f"/{lang}/sign-in" + (f"?{urlencode({'next': back})}" if back else "")


def local_path(path: str | None) -> str | None:
    """``path`` if it is a path of this site (``/…``, not ``//host`` or a URL with a scheme or
    a host), else ``None``: where to go after signing in must not lead to another site."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return None
    if any(ord(character) < 32 or character == "\\" for character in path):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    return path
