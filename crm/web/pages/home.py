"""The home page: a search box, the network at a glance, the projects' headline outcomes."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page

OPERATIONS = Operations.beside(__file__)


async def home(request: Request) -> Response:
    page = await Page.open(request)
    data = await page.query(OPERATIONS, "Home")
    stats = data["stats"]
    return page.render(
        "home.html",
        totals=stats["totals"],
        grid=_grid(stats["byCountryAndSector"]),
        cross_border_ties=data["crossBorderTies"]["totalCount"],
        projects=data["projects"]["nodes"],
    )


def _grid(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Clusters by country (rows) and sector (columns), with each row's and column's total."""
    countries = sorted({cell["country"] for cell in cells})
    sectors: dict[str, dict[str, Any]] = {}
    counts: dict[tuple[str, str], int] = {}
    for cell in cells:
        sector = cell["sector"]
        sectors.setdefault(sector["recordId"], sector)
        counts[cell["country"], sector["recordId"]] = cell["clusters"]
    ordered = sorted(sectors.values(), key=lambda sector: sector["name"])
    return {
        "countries": countries,
        "sectors": ordered,
        "count": lambda country, sector: counts.get((country, sector), 0),
    }


routes = [Route("/{lang}/", home, methods=["GET"])]
