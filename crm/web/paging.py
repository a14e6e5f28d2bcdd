"""Pages of long lists, driven by the query string.

Lists of records other than people page with the API's own cursors (``?after=<cursor>``). The
API's cursors hold the sort key of the last row, which for people is their name, and names do
not belong in URLs (they end up in logs and browser histories): lists of people page by number
(``?page=2``), each page asking for the rows up to its end and showing its last ``size``.
"""

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request


@dataclass(frozen=True)
class Numbered:
    """A numbered page of ``size`` rows of a list of people."""

    number: int
    size: int

    @classmethod
    def of(cls, request: Request, param: str, size: int, max_rows: int) -> "Numbered":
        """The page that ``?param=N`` names (the first for anything else), at most as far as
        ``max_rows`` rows reach."""
        text = request.query_params.get(param, "1")
        number = int(text) if text.isascii() and text.isdigit() else 1
        size = min(size, max_rows)
        return cls(max(1, min(number, max_rows // size)), size)

    @property
    def first(self) -> int:
        """``first`` to ask the API for: every row up to this page's end."""
        return self.number * self.size

    def rows(self, connection: dict[str, Any]) -> list[Any]:
        """This page's edges of a connection fetched with ``first``."""
        edges: list[Any] = connection["edges"]
        return edges[(self.number - 1) * self.size :]

    def links(self, connection: dict[str, Any]) -> dict[str, int | None]:
        """The numbers of the previous and next pages (``None`` where there is none)."""
        has_next = bool(connection["pageInfo"]["hasNextPage"])
        return {
            "previous": self.number - 1 if self.number > 1 else None,
            "next": self.number + 1 if has_next else None,
        }


def cursor(request: Request, param: str = "after") -> str | None:
    """The cursor a list's page starts after (``?after=...``), if any."""
    value = request.query_params.get(param)
    return value or None
