"""Relay connections: page arguments, opaque cursors, page info, and counts only when asked."""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry

from crm.errors import InvalidInput

DEFAULT_PAGE_SIZE = 20


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass
class Page:
    """A resolved connection: its edges, and a way to count the whole list (run only when a
    client selects ``totalCount``)."""

    edges: list[dict[str, Any]]
    page_info: PageInfo
    count: Callable[[], Awaitable[int]]

    @property
    def nodes(self) -> list[Any]:
        return [edge["node"] for edge in self.edges]


def page_size(first: int | None, maximum: int) -> int:
    """``first`` checked against the maximum page size."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, maximum)
    if not 0 <= first <= maximum:
        raise InvalidInput(f"first must be between 0 and {maximum}, not {first}")
    return first


def encode_cursor(scope: str, sort_key: str, tie_breaker: str) -> str:
    """A cursor after one row of a list in one order (``scope``): its sort key and id."""
    text = json.dumps([scope, sort_key, tie_breaker], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_cursor(cursor: str | None, scope: str) -> tuple[str, str] | None:
    """The sort key and id in ``cursor``; a cursor of another list or order is refused."""
    if cursor is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidInput(f"{cursor!r} is not a cursor this API gave out") from None
    if not (isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, str) for p in parts)):
        raise InvalidInput(f"{cursor!r} is not a cursor this API gave out")
    if parts[0] != scope:
        raise InvalidInput("the cursor belongs to another list or order; start from the top")
    return parts[1], parts[2]


def make_page(
    rows: list[Any],
    first: int,
    after: str | None,
    *,
    edge: Callable[[Any], dict[str, Any]],
    cursor: Callable[[Any], str],
    count: Callable[[], Awaitable[int]],
) -> Page:
    """A page from up to ``first + 1`` rows (the extra one only says there is more)."""
    shown = rows[:first]
    edges = [edge(row) | {"cursor": cursor(row)} for row in shown]
    info = PageInfo(
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        start_cursor=edges[0]["cursor"] if edges else None,
        end_cursor=edges[-1]["cursor"] if edges else None,
    )
    return Page(edges, info, count)
