"""Brokers and gaps: the people (or organisations) that the network's shortest paths run
through, with pairs of contacts they bridge; a cluster's members with no tie across the
border; pairs of clusters in a sector in common that never met; and partners across the border
suggested for an organisation, with their grounds.

Every question is a GET form on the one page, so an answer is a link; the forms share the day
asked about (``asOf``). Unknown records in the query string are a page not found.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.forms import Form
from crm.web.i18n import N_
from crm.web.nav import NavItem
from crm.web.operations import Operations
from crm.web.page import Page
from crm.web.pages.pick import Choice, Kind, picked

OPERATIONS = Operations.beside(__file__)
NAV = NavItem(N_("Brokers and gaps"), "/brokers")
RANKED = {"people": N_("People"), "organisations": N_("Organisations")}
"""What the brokers' list ranks (``?by=``)."""
LABELS = {
    "asOf": N_("As of"),
    "by": N_("Rank"),
    "crossBorder": N_("Only paths across the border"),
    "cluster": N_("Cluster"),
    "sector": N_("Sector"),
    "organisation": N_("Organisation"),
}
SHARED = ("asOf", "by", "crossBorder", "cluster", "sector", "organisation", "organisationId")
"""The query parameters every form of the page carries (each form changes some of them)."""


async def brokers(request: Request) -> Response:
    page = await Page.open(request)
    form = page.form(LABELS).fill(request.query_params)
    form.values.setdefault("by", "people")
    by = form.choice("by", RANKED, required=True)
    cross_border = form.choice("crossBorder", ("1",)) == "1"
    as_of = form.date("asOf")
    choices = await page.query(OPERATIONS, "BrokerChoices")
    cluster, sector = form.text("cluster"), form.text("sector")  # unknown ones: not found
    partner: Choice | None = None
    candidates: list[Choice] = []
    if form.value("organisation") or form.value("organisationId"):
        partner, candidates = await picked(page, form, "organisation", Kind.ORGANIZATION)
    if not form.valid:
        return _shown(page, form, choices, candidates=candidates, status=400)
    variables = {"organizations": by == "organisations", "crossBorder": cross_border, "asOf": as_of}
    ranked = await page.query(OPERATIONS, "Brokers", variables)
    unmet = await page.query(OPERATIONS, "UnmetClusters", {"sector": sector, "asOf": as_of})
    found: dict[str, Any] = {"brokers": ranked["brokers"], "unmet": unmet["unmetClusters"]}
    if cluster:
        found["lonely"] = await page.query(
            OPERATIONS, "LonelyMembers", {"cluster": cluster, "asOf": as_of}
        )
    if partner is not None:
        asked = {"organization": partner.id, "asOf": as_of}
        suggested = await page.query(OPERATIONS, "SuggestedPartners", asked)
        found["partner"] = partner
        found["partners"] = suggested["suggestedPartners"]
    return _shown(page, form, choices, **found)


def _shown(
    page: Page, form: Form, choices: dict[str, Any], status: int = 200, **found: Any
) -> Response:
    clusters = sorted(
        ((node["recordId"], node["name"]) for node in choices["clusters"]["nodes"]),
        key=lambda option: option[1].casefold(),
    )
    return page.render(
        "brokers.html",
        status,
        form=form,
        ranked=RANKED,
        shared=SHARED,
        clusters=clusters,
        sectors=choices["sectors"]["nodes"],
        **{
            "brokers": None,
            "unmet": None,
            "lonely": None,
            "partner": None,
            "partners": None,
            "candidates": [],
            **found,
        },
    )


routes = [Route("/{lang}/brokers", brokers, methods=["GET"])]
