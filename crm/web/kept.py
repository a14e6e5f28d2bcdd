"""Pages kept as rendered, for the next visit that gets the same answers.

For a visitor without an account (no session, no form token, no message to show once) a
page's HTML follows from its template, its address, the visitor's role, the day, and the data
its operations answered. The operations run on every visit, so a page is never older than
its data; when they answer exactly what they answered before, the page rendered then is sent
again (compressed once) instead of rendering the template a second time. The digest of those
inputs is the page's ETag: a browser that holds it gets ``304 Not Modified``.
"""

import gzip
import hashlib
import marshal
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

BUDGET_BYTES = 32 * 2**20
"""How much the kept pages of one process may hold (their HTML, plain and compressed); the
ones used longest ago go first."""
GZIP_LEVEL = 6
REVALIDATE = "no-cache"
"""Browsers may keep a page but ask again (with its ETag) before showing it."""


class Answers:
    """The digest of what a page's operations answered, fed one answer at a time."""

    def __init__(self) -> None:
        self._digest = hashlib.blake2b(digest_size=16)
        self.usable = True

    def add(self, name: str, data: dict[str, Any]) -> None:
        """``data`` as the operation ``name`` answered it (JSON-like values only; anything
        else makes the page one that is never kept)."""
        try:
            self._digest.update(name.encode() + b"\0" + marshal.dumps(data))
        except ValueError:
            self.usable = False

    def key(self, request: Request, template: str, role: str) -> str:
        """The ETag of ``template`` rendered for ``request`` with these answers."""
        seen = self._digest.copy()
        seen.update(f"\0{template}\0{request.url}\0{role}\0{date.today()}".encode())
        return f'"{seen.hexdigest()}"'


@dataclass(frozen=True, slots=True)
class KeptPage:
    body: bytes
    gzipped: bytes
    media_type: str

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)

    def response(self, request: Request, etag: str) -> Response:
        """The page for ``request``: ``304`` when the browser holds it, compressed when the
        browser takes gzip (the site's gzip then leaves it alone)."""
        headers = {"ETag": etag, "Cache-Control": REVALIDATE, "Vary": "Accept-Encoding"}
        if etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, headers=headers, media_type=self.media_type)
        return Response(self.body, headers=headers, media_type=self.media_type)


class KeptPages:
    """The pages kept, by ETag, within ``budget`` bytes."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self._pages: OrderedDict[str, KeptPage] = OrderedDict()
        self._bytes = 0

    def get(self, etag: str) -> KeptPage | None:
        page = self._pages.get(etag)
        if page is not None:
            self._pages.move_to_end(etag)
        return page

    def keep(self, etag: str, response: Response) -> KeptPage | None:
        """Keep the rendered ``response`` (unless it alone is over the budget) and mark it
        with its ETag."""
        body = bytes(response.body)
        page = KeptPage(body, gzip.compress(body, GZIP_LEVEL, mtime=0), response.media_type or "")
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = REVALIDATE
        if page.size > self.budget:
            return None
        if etag not in self._pages:
            self._pages[etag] = page
            self._bytes += page.size
        while self._bytes > self.budget:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= dropped.size
        return page

    def clear(self) -> None:
        self._pages.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)


def _etags(header: str) -> set[str]:
    """The ETags an ``If-None-Match`` header lists (weak ones compared as strong)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
