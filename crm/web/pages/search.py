"""Search results grouped by type, from the API's ``search`` (folding, stemming, translations:
``sonderborg`` finds Sønderborg, ``sundhed`` the health clusters). The text is the visitor's
input: it is never logged."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.i18n import N_
from crm.web.labels import TYPES
from crm.web.nav import NavItem
from crm.web.operations import BadInput, Operations
from crm.web.page import Page

OPERATIONS = Operations.beside(__file__)
NAV = NavItem(N_("Search"), "/search")
HITS = 50
MAX_TEXT = 200


async def search(request: Request) -> Response:
    page = await Page.open(request)
    text = request.query_params.get("q", "").strip()[:MAX_TEXT]
    groups: list[dict[str, Any]] = []
    problem = None
    if text:
        try:
            data = await page.query(OPERATIONS, "SiteSearch", {"text": text, "first": HITS})
        except BadInput:
            problem = "no_words"
        else:
            groups = _grouped(data["search"])
    return page.render("search.html", text=text, groups=groups, problem=problem)


def _grouped(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hits by type, in the order of ``TYPES``, best first within each."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for hit in hits:
        by_type.setdefault(hit["node"]["__typename"], []).append(hit["node"])
    return [
        {"type": kind, "label": label, "nodes": by_type[kind]}
        for kind, label in TYPES.items()
        if kind in by_type
    ]


routes = [Route("/{lang}/search", search, methods=["GET"])]
