"""Content negotiation for GraphQL over HTTP: which media type a response is in, from the
``Accept`` header (RFC 9110 12.5.1), and whether a request's body is JSON in UTF-8."""

from dataclasses import dataclass
from functools import lru_cache

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

_OFFERED = (JSON, GRAPHQL_RESPONSE_JSON)
"""The response media types, in the order that breaks a tie in the ``Accept`` header. A missing
``Accept`` and ``*/*`` get ``application/json``: the GraphQL-over-HTTP specification says a
server SHOULD answer legacy clients (which send either) in it; clients that want
``application/graphql-response+json`` ask for it."""

_UTF8 = frozenset({"utf-8", "utf8"})


def is_json_utf8(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` is JSON in UTF-8 (the only body a request may have)."""
    if content_type is None:
        return False
    media_type, *params = content_type.split(";")
    return (
        media_type.strip().lower() == JSON and _parameters(params).get("charset", "utf-8") in _UTF8
    )


@dataclass(frozen=True)
class _MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    quality: float
    position: int

    def specificity(self, media_type: str) -> int | None:
        """2 when this range names ``media_type``, 1 for ``type/*``, 0 for ``*/*``, else None."""
        type_, _, subtype = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != type_:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else None


@lru_cache(maxsize=256)
def _parse_accept(accept: str) -> tuple[_MediaRange, ...]:
    """The ranges of an ``Accept`` header; one with a bad ``q`` or a charset other than UTF-8
    (the only one answered in) matches nothing, so it is left out. Remembered: every request
    is asked about its header two or three times, and clients send few different ones."""
    ranges = []
    for position, entry in enumerate(accept.split(",")):
        media_range, *params = entry.split(";")
        type_, _, subtype = media_range.strip().lower().partition("/")
        parameters = _parameters(params)
        quality = _quality(parameters.get("q", "1"))
        if (
            type_
            and subtype
            and quality is not None
            and parameters.get("charset", "utf-8") in _UTF8
        ):
            ranges.append(_MediaRange(type_, subtype, quality, position))
    return tuple(ranges)


def _parameters(params: list[str]) -> dict[str, str]:
    """``name=value`` media type parameters by lower-case name, values lower-cased and unquoted."""
    return {
        name.strip().lower(): value.strip().strip('"').lower()
        for name, _, value in (param.partition("=") for param in params)
    }


def _quality(text: str) -> float | None:
    try:
        quality = float(text)
    except ValueError:
        return None
    return quality if 0 <= quality <= 1 else None


def negotiate(accept: str | None) -> str | None:
    """The response media type, or None when the client accepts none of them.

    Each media type takes the quality of the most specific range naming it (RFC 9110 12.5.1);
    the higher quality wins, then the range listed first, then the order of ``_OFFERED``.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for media_type in _OFFERED:
        match = _most_specific(ranges, media_type)
        if match is None or match.quality == 0:
            continue
        rank = (match.quality, -match.position)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen


def _most_specific(ranges: tuple[_MediaRange, ...], media_type: str) -> _MediaRange | None:
    """The range that sets the quality of ``media_type``: the most specific naming it."""
    scored = [(s, r) for r in ranges if (s := r.specificity(media_type)) is not None]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def accepts_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header names ``text/html`` (a browser: GraphiQL's page)."""
    return accept is not None and any(
        r.specificity("text/html") == 2 and r.quality > 0 for r in _parse_accept(accept)
    )


def accepts_event_stream(accept: str | None) -> bool:
    """Whether an ``Accept`` header names ``text/event-stream`` (GraphQL over SSE)."""
    return accept is not None and any(
        r.specificity("text/event-stream") == 2 and r.quality > 0 for r in _parse_accept(accept)
    )
