"""Warm introductions: pick a person and a target (a person, or an organisation or cluster) by
typing, and see the ranked chains of people who know each other from one to the other, each
hop with its tie's strength and evidence and the border crossings marked.

The form is sent with GET, so a result is a link: ``?fromId=p-…&toId=alucluster`` (record or
global ids) opens it directly, and a link with one of them (a profile's) opens the form with that
end filled in; an id that names nothing is a page not found.
"""

from typing import Any
from urllib.parse import urlencode

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
NAV = NavItem(N_("Introductions"), "/introductions")
HOPS = ("1", "2", "3", "4")
"""How many hops a path may have (the API's limit is 4)."""
DEFAULT_HOPS = "3"
LABELS = {
    "from": N_("From"),
    "to": N_("To (a person, organisation or cluster)"),
    "maxHops": N_("At most this many hops"),
    "asOf": N_("As of"),
}
PICKERS = {"from": Kind.PERSON, "to": Kind.TARGET}


async def introductions(request: Request) -> Response:
    page = await Page.open(request)
    form = page.form(LABELS).fill(request.query_params)
    form.values.setdefault("maxHops", DEFAULT_HOPS)
    linked = not any(name in request.query_params for name in PICKERS)  # ids only: a link
    if linked and not all(form.value(f"{name}Id") for name in PICKERS):
        for name, kind in PICKERS.items():  # a profile's link names one end: the form, filled in
            if form.value(f"{name}Id"):
                await picked(page, form, name, kind)
        return _shown(page, form)
    chosen: dict[str, Choice | None] = {}
    choices: dict[str, list[Choice]] = {}
    for name, kind in PICKERS.items():
        chosen[name], choices[name] = await picked(page, form, name, kind)
    hops = form.choice("maxHops", HOPS, required=True)
    as_of = form.date("asOf")
    source, target = chosen["from"], chosen["to"]
    if source is None or target is None or hops is None or not form.valid:
        return _shown(page, form, choices=choices, status=400)
    variables = {"from": source.id, "to": target.id, "maxHops": int(hops), "asOf": as_of}
    data = await page.query(OPERATIONS, "IntroductionPaths", variables)
    return _shown(
        page,
        form,
        source=data["person"],
        target=target,
        paths=[_path(page, data["person"], path) for path in data["introductionPaths"]],
    )


def _path(page: Page, source: dict[str, Any], path: dict[str, Any]) -> dict[str, Any]:
    """A path as the page draws it: its people from the asker on, and a link to it in the
    explorer."""
    people = [source["recordId"], *(hop["person"]["recordId"] for hop in path["hops"])]
    countries = [source["country"], *(hop["country"] for hop in path["hops"])]
    return {
        **path,
        "steps": [
            {**hop, "fromCountry": countries[place]} for place, hop in enumerate(path["hops"])
        ],
        "explore": f"/{page.lang}/explore?" + urlencode([("center", person) for person in people]),
    }


def _shown(page: Page, form: Form, status: int = 200, **context: Any) -> Response:
    context.setdefault("choices", {})
    return page.render(
        "introductions.html",
        status,
        form=form,
        hops=HOPS,
        **{"source": None, "target": None, "paths": None, **context},
    )


routes = [Route("/{lang}/introductions", introductions, methods=["GET"])]
