"""The cluster directory (filters: country, sector, specialty text) and a cluster's profile.

The API's ``ClusterFilter`` has ``country`` and ``sector`` but no region, so the directory
offers no region filter (a region is shown on each profile). The specialty text goes through
``search`` (folding, stemming, translations), which has no filters of its own: the directory
then narrows the hits to the chosen country and sector itself.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.i18n import N_, pick
from crm.web.nav import NavItem
from crm.web.operations import BadInput, Operations
from crm.web.page import Page, record
from crm.web.paging import Numbered, cursor

OPERATIONS = Operations.beside(__file__)
NAV = NavItem(N_("Clusters"), "/clusters")
PAGE_SIZE = 20
SEARCH_HITS = 100
PEOPLE_PAGE = 25
COUNTRIES = ("DK", "DE")


async def directory(request: Request) -> Response:
    page = await Page.open(request)
    params = request.query_params
    country = params.get("country", "").upper()
    country = country if country in COUNTRIES else ""
    sector = params.get("sector", "")
    text = params.get("q", "").strip()
    problem = None
    if text:
        try:
            data = await page.query(
                OPERATIONS, "ClusterSearch", {"text": text, "first": SEARCH_HITS}
            )
        except BadInput:
            data = await page.query(OPERATIONS, "ClusterDirectory", {"first": 0})
            problem = "no_words"
            hits: list[dict[str, Any]] = []
        else:
            hits = [hit["node"] for hit in data["search"]]
        clusters = [c for c in hits if _matches(c, country, sector)]
        listing: dict[str, Any] = {"total": len(clusters), "next": None}
    else:
        where = {key: value for key, value in (("country", country), ("sector", sector)) if value}
        variables = {"first": PAGE_SIZE, "after": cursor(request), "where": where or None}
        data = await page.query(OPERATIONS, "ClusterDirectory", variables)
        connection = data["clusters"]
        clusters = connection["nodes"]
        info = connection["pageInfo"]
        listing = {
            "total": connection["totalCount"],
            "next": info["endCursor"] if info["hasNextPage"] else None,
        }
    return page.render(
        "clusters.html",
        clusters=clusters,
        listing=listing,
        paged=cursor(request) is not None,
        sectors=data["sectors"]["nodes"],
        countries=COUNTRIES,
        chosen={"country": country, "sector": sector, "q": text},
        problem=problem,
    )


def _matches(cluster: dict[str, Any], country: str, sector: str) -> bool:
    if country and cluster["country"] != country:
        return False
    sectors = {s["recordId"] for s in cluster["sectors"]["nodes"]}
    return not sector or sector in sectors


async def profile(request: Request) -> Response:
    page = await Page.open(request)
    people_page = Numbered.of(
        request, "people", PEOPLE_PAGE, page.site.runner.settings.max_page_size
    )
    data = await page.query(
        OPERATIONS,
        "ClusterProfile",
        {
            "id": request.path_params["id"],
            "editor": page.editor,
            "membersAfter": cursor(request, "members"),
            "people": people_page.first,
        },
    )
    cluster = record(data, "cluster")
    return page.render(
        "cluster.html",
        cluster=cluster,
        people=people_page.rows(cluster["people"]),
        people_pages=people_page.links(cluster["people"]),
        events=_events(cluster),
        members_paged=cursor(request, "members") is not None,
        json_ld=_json_ld(cluster, page),
    )


def _events(cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """The events the cluster's people (of this page) attended, newest first, each once."""
    events: dict[str, dict[str, Any]] = {}
    for edge in cluster["people"]["edges"]:
        for event in edge["node"]["events"]["nodes"]:
            events.setdefault(event["recordId"], event)
    return sorted(events.values(), key=lambda event: event["date"], reverse=True)


def _json_ld(cluster: dict[str, Any], page: Page) -> dict[str, Any]:
    """schema.org ``Organization`` for search engines (escaped by ``tojson`` in the page)."""
    contact = cluster.get("contact") or {}
    description = pick(cluster.get("description"), page.lang)
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": cluster["name"],
        "url": str(page.request.url.replace(query="")),
        "address": {"@type": "PostalAddress", "addressCountry": cluster["country"]},
        "knowsAbout": cluster["specialties"] + cluster["technologies"],
        "member": [
            {"@type": "Organization", "name": edge["node"]["name"]}
            for edge in cluster["members"]["edges"]
        ],
    }
    if description is not None:
        document["description"] = description.text
    if contact.get("email"):
        document["email"] = contact["email"]
    if contact.get("phone"):
        document["telephone"] = contact["phone"]
    if contact.get("website"):
        document["sameAs"] = [contact["website"]]
    if contact.get("address"):
        document["address"]["streetAddress"] = contact["address"]
    return document


routes = [
    Route("/{lang}/clusters", directory, methods=["GET"]),
    Route("/{lang}/clusters/{id}", profile, methods=["GET"]),
]
