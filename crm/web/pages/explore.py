"""The network explorer: the ego network of people, organisations or clusters, drawn in the
browser (``static/explore.js`` with sigma.js and graphology), with a table of its nodes and ties
for visitors without scripts.

The page's query string holds the view: ``center`` (repeated), ``depth``, ``asOf``,
``crossBorderOnly``, ``minStrength``, ``sector``, ``tieKind`` and ``interactionKind`` (the
arguments of the API's ``network``, as ``/export/network.<format>`` reads them), and what only
the drawing uses (``VIEW_STATE``): the size measure, the communities overlay, the nodes expanded,
removed and pinned, the node selected, the year the replay shows. The page holds the view
itself (JSON the script reads; a filter changed opens the page again); the script asks
``explore/expand.json`` (POST, the nodes shown being many) on a double-click, and
``explore/find.json`` for the search. ``explore/export.<format>`` answers the view as a file.
Every one runs as the visitor, so a reader's exports hold no e-mail or phone.
"""

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crm.domain.relationships import InteractionKind
from crm.web import csrf, forms
from crm.web.i18n import N_, translations
from crm.web.labels import enum_label
from crm.web.links import record_href
from crm.web.nav import NavItem
from crm.web.operations import BadInput, Operations, PageNotFound
from crm.web.page import Page
from crm.web.pages.pick import Kind, named
from crm.web.view_query import BadQuery, view_variables

OPERATIONS = Operations.beside(__file__)
NAV = NavItem(N_("Explorer"), "/explore")
VIEW_STATE = frozenset({"size", "communities", "year", "x", "rm", "pin", "focus"})
"""Query parameters of the drawing only (the server reads none of them)."""
EXPANSION_FILTERS = (
    "asOf",
    "crossBorderOnly",
    "minStrength",
    "sectors",
    "tieKinds",
    "interactionKinds",
)
"""The view's variables an expansion takes too."""
TEXTS = {
    "counts": N_("%(nodes)s nodes, %(ties)s ties"),
    "expanding": N_("Expanding…"),
    "expanded": N_("%(nodes)s nodes and %(ties)s ties added."),
    "nothingNew": N_("No neighbours to add."),
    "limit": N_(
        "This would add more than %(maximum)s %(counted)s, the most one step may show. Narrow "
        "it: choose a smaller depth, a sector, one kind of tie, a minimum strength, ties across "
        "the border only, or an earlier day."
    ),
    "nodes": N_("nodes"),
    "ties": N_("ties"),
    "notFound": N_("Not found: the view names a record that does not exist."),
    "failed": N_("The view could not be loaded. Try again."),
    "profile": N_("Open the profile"),
    "expand": N_("Expand"),
    "remove": N_("Remove"),
    "pin": N_("Pin"),
    "unpin": N_("Unpin"),
    "close": N_("Close"),
    "tiesOf": N_("Ties"),
    "strength": N_("strength %(value)s"),
    "since": N_("since %(date)s"),
    "interactions": N_("Interactions"),
    "events": N_("Shared events"),
    "employers": N_("Shared employers"),
    "initiatives": N_("Shared initiatives"),
    "INTERACTION": N_("Interaction"),
    "EMPLOYMENT": N_("Job"),
    "MEMBERSHIP": N_("Membership"),
    "crossBorder": N_("across the border"),
    "noMatch": N_("No one by that name."),
}
"""The words the page's script shows, by key (sent translated, in the page, with the names of
the kinds of interaction)."""
FORMATS = {"gexf": "GEXF", "graphml": "GRAPHML", "nodes.csv": "NODES_CSV", "edges.csv": "EDGES_CSV"}
"""The view's files: by the name's ending, the API's ``NetworkExportFormat``."""
NO_STORE = {"Cache-Control": "no-store"}


async def explorer(request: Request) -> Response:
    """The page: the view of its query string drawn (and as tables), or the search alone."""
    page = await Page.open(request)
    sectors = (await page.query(OPERATIONS, "ExplorerSectors"))["sectors"]["nodes"]
    context: dict[str, Any] = {"sectors": sectors, "view": None, "problem": None}
    given = _given(request.query_params)
    if "center" in given:
        try:
            variables = view_variables(given, VIEW_STATE)
            context["view"] = await _view(page, variables)
        except BadQuery as bad:
            context["problem"] = {"code": "BAD_USER_INPUT", "message": str(bad)}
        except BadInput as bad:
            context["problem"] = _problem(bad)
    status = 400 if context["problem"] else 200
    chosen = given
    view = context["view"]
    gettext = translations(page.lang).gettext
    return page.render(
        "explore.html",
        status,
        query_centers=chosen.getlist("center"),
        names={node["id"]: node["name"] for node in view["nodes"]} if view else {},
        export_query=_export_query(given),
        texts={key: gettext(message) for key, message in TEXTS.items()}
        | {kind.value: gettext(enum_label(kind.value)) for kind in InteractionKind},
        chosen={
            "depth": chosen.get("depth", "1"),
            "asOf": chosen.get("asOf", ""),
            "sectors": chosen.getlist("sector"),
            "tieKinds": chosen.getlist("tieKind"),
            "crossBorderOnly": chosen.get("crossBorderOnly") == "true",
            "minStrength": chosen.get("minStrength", ""),
        },
        limits={
            "view": page.site.runner.settings.max_graph_nodes,
            "expansion": page.site.runner.settings.max_expansion_nodes,
        },
        **context,
    )


async def expand_json(request: Request) -> Response:
    """``explore/expand.json`` (a form: ``of``, ``shown`` repeated, the view's parameters): the
    neighbours of ``of`` not shown yet, and their ties."""
    page = await Page.open(request)
    data = await forms.read(request, page.site.runner.settings.max_body_bytes)
    try:
        filters = view_variables(
            _given(_params({key: data.getlist(key) for key in data if key not in {"of", "shown"}})),
            frozenset({csrf.FIELD}),
        )
    except BadQuery as bad:
        return _refused({"code": "BAD_USER_INPUT", "message": str(bad)})
    variables = {key: value for key, value in filters.items() if key in EXPANSION_FILTERS}
    variables |= {"of": data.getlist("of"), "shown": data.getlist("shown")}
    try:
        found = await page.query(OPERATIONS, "ExplorerExpansion", variables)
    except BadInput as bad:
        return _refused(_problem(bad))
    except PageNotFound:
        return _refused({"code": "NOT_FOUND"}, 404)
    return JSONResponse(_linked(found["networkExpansion"], page.lang), headers=NO_STORE)


async def find_json(request: Request) -> Response:
    """``explore/find.json?q=``: people, organisations and clusters whose names hold the text."""
    page = await Page.open(request)
    text = request.query_params.get("q", "").strip()
    found: list[dict[str, str]] = []
    if len(text) >= 2:
        for kind in (Kind.PERSON, Kind.EMPLOYER):
            found.extend(choice.json() for choice in await named(page, kind, text))
    return JSONResponse(found, headers=NO_STORE)


async def export(request: Request) -> Response:
    """``explore/export.<format>``: the view as a file, as the visitor may read it."""
    page = await Page.open(request)
    export_format = FORMATS.get(request.path_params["format"])
    try:
        variables = view_variables(_given(request.query_params), VIEW_STATE)
    except BadQuery:
        raise PageNotFound from None
    if export_format is None:
        raise PageNotFound
    try:
        data = await page.query(OPERATIONS, "ExplorerExport", variables | {"format": export_format})
    except BadInput as bad:
        return _refused(_problem(bad))
    found = data["networkExport"]
    return Response(
        found["content"].encode(),
        headers={
            "Content-Type": found["mediaType"],
            "Content-Disposition": f'attachment; filename="{found["fileName"]}"',
            **NO_STORE,
        },
    )


def _given(params: QueryParams) -> QueryParams:
    """The parameters with a value (a filter form sends empty ones for "all")."""
    return QueryParams([(key, value) for key, value in params.multi_items() if value != ""])


def _export_query(params: QueryParams) -> str:
    """The page's query string without what only the drawing uses (``VIEW_STATE``)."""
    kept = [(key, value) for key, value in params.multi_items() if key not in VIEW_STATE]
    return f"?{urlencode(kept)}" if kept else ""


async def _view(page: Page, variables: dict[str, Any]) -> dict[str, Any]:
    return _linked((await page.query(OPERATIONS, "ExplorerView", variables))["network"], page.lang)


def _linked(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """``view`` with each node's page (``href``) and kind (``type``) beside it."""
    for node in view["nodes"]:
        node["type"] = node["node"]["__typename"]
        node["href"] = record_href(lang, node["node"])
    return view


def _problem(bad: BadInput) -> dict[str, Any]:
    """What the page says of a refused view: a limit (with its maximum) or the API's words."""
    found = bad.extensions
    problem: dict[str, Any] = {"code": found.get("code"), "message": bad.message}
    if found.get("code") == "LIMIT_EXCEEDED":
        problem |= {"maximum": found.get("maximum"), "counted": found.get("counted")}
    return problem


def _refused(problem: dict[str, Any], status: int = 400) -> JSONResponse:
    return JSONResponse({"problem": problem}, status, headers=NO_STORE)


def _params(values: dict[str, list[Any]]) -> QueryParams:
    return QueryParams([(key, value) for key, items in values.items() for value in items])


routes = [
    Route("/{lang}/explore", explorer, methods=["GET"]),
    Route("/{lang}/explore/expand.json", expand_json, methods=["POST"]),
    Route("/{lang}/explore/find.json", find_json, methods=["GET"]),
    Route("/{lang}/explore/export.{format}", export, methods=["GET"]),
]
