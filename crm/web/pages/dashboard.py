"""The dashboard: clusters by country and sector, events and attendance per year, cross-border
interactions per year, funding against outcomes per project; each as of a date (``?asOf=``, a
GET form that works without scripts), each a chart (inline SVG), its table and its CSV
download (``/{lang}/dashboard/<panel>.csv?asOf=``, the same figures as the page). On a large
network the funding charts show the projects with the largest total investment
(``CHARTED_PROJECTS``) and the funding table is paged (``?page=``, ``TABLE_ROWS`` a page); its
CSV has every project.

The page follows the network where scripts run: ``static/dashboard.js`` listens to
``/{lang}/dashboard/live?asOf=`` (server-sent events from the ``statsChanged`` subscription: a
``changed`` event when the figures differ) and fetches the page again to swap its figures in."""

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from crm.web.charts import BarChart, bar_chart
from crm.web.i18n import N_, Formats, pick, translations
from crm.web.nav import NavItem
from crm.web.operations import (
    BadInput,
    Busy,
    OperationFailed,
    Operations,
    PageNotFound,
    StoreDown,
)
from crm.web.page import Page

OPERATIONS = Operations.beside(__file__)
NAV = NavItem(N_("Dashboard"), "/dashboard")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RETRY_MS = 30_000
"""When the browser tries the live figures again after their stream ended."""
CHARTED_PROJECTS = 20
"""The funding charts' projects at most: those with the largest total investment, in the
table's order."""
TABLE_ROWS = 50
"""The rows of a page of the funding table."""
BAD_DATE = N_("Enter the date as year-month-day, for example 2014-01-31.")


@dataclass(frozen=True)
class Column:
    """A table's column: its heading (a message id) and how its values are shown: ``text``,
    ``year``, or a ``Formats`` method (``country``, ``number``, ``money``, ``percent``)."""

    label: str
    kind: str


@dataclass(frozen=True)
class Panel:
    """One chart's section: its title, table (raw values, as the CSV has them) and charts;
    a note under the charts when they show part of the table, whether the table is paged."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    charts: list[BarChart]
    note: str = ""
    paged: bool = False

    def shown(self, fmt: Formats, rows: slice = slice(None)) -> list[Markup]:
        """The table's ``rows`` as the page shows them, in ``fmt``'s language: the first cell
        heads its row, the cells of figures are ``num``. (Markup written here, each value
        escaped: Jinja takes long to loop over a table's cells.)"""
        show = [_shown(column.kind, fmt) for column in self.columns]
        kinds = ["" if column.kind in TEXT_KINDS else ' class="num"' for column in self.columns[1:]]
        return [
            Markup(
                f'<tr><th scope="row">{escape(show[0](row[0]))}</th>'
                + "".join(
                    f"<td{kind}>{escape(to_text(value))}</td>"
                    for kind, to_text, value in zip(kinds, show[1:], row[1:], strict=True)
                )
                + "</tr>"
            )
            for row in self.rows[rows]
        ]


@dataclass(frozen=True)
class TablePage:
    """The page of a paged table that ``?page=N`` names (the first for anything else, the
    last for a number beyond it), of ``count``."""

    number: int
    count: int

    @classmethod
    def of(cls, request: Request, rows: int) -> "TablePage":
        text = request.query_params.get("page", "1")
        number = int(text) if text.isascii() and text.isdigit() else 1
        count = max(1, -(-rows // TABLE_ROWS))
        return cls(min(max(number, 1), count), count)

    @property
    def rows(self) -> slice:
        return slice((self.number - 1) * TABLE_ROWS, self.number * TABLE_ROWS)


TEXT_KINDS = ("text", "country", "year")
"""Columns of words (the others' cells are figures, aligned as numbers)."""


def _shown(kind: str, fmt: Formats) -> Callable[[Any], str]:
    if kind in ("text", "year"):
        return str
    shown: Callable[[Any], str] = getattr(fmt, kind)
    return shown


Builder = Callable[[dict[str, Any], str], Panel]


def _clusters(stats: dict[str, Any], lang: str) -> Panel:
    fmt, gettext = Formats(lang), translations(lang).gettext
    cells = stats["byCountryAndSector"]
    sectors: dict[str, str] = {}
    for cell in cells:
        shown = pick(cell["sector"]["labels"], lang, cell["sector"]["name"])
        sectors[cell["sector"]["recordId"]] = shown.text if shown else cell["sector"]["name"]
    ordered = sorted(sectors, key=lambda sector: sectors[sector].casefold())
    countries = sorted({cell["country"] for cell in cells})
    counts = {(cell["sector"]["recordId"], cell["country"]): cell for cell in cells}
    rows = [
        [country, sectors[sector], found["clusters"], found["organizations"]]
        for sector in ordered
        for country in countries
        if (found := counts.get((sector, country)))
    ]
    chart = bar_chart(
        "chart-clusters",
        gettext("Clusters by sector, for each country"),
        categories=[sectors[sector] for sector in ordered],
        series=[fmt.country(country) for country in countries],
        values=[
            [
                counts[sector, country]["clusters"] if (sector, country) in counts else 0
                for country in countries
            ]
            for sector in ordered
        ],
        shown=fmt.number,
    )
    columns = [
        Column(N_("Country"), "country"),
        Column(N_("Sector"), "text"),
        Column(N_("Clusters"), "number"),
        Column(N_("Organisations"), "number"),
    ]
    return Panel("clusters", N_("Clusters by country and sector"), columns, rows, [chart])


def _events(stats: dict[str, Any], lang: str) -> Panel:
    fmt, gettext = Formats(lang), translations(lang).gettext
    years = stats["eventsByYear"]
    labels = [str(row["year"]) for row in years]
    charts = [
        bar_chart(
            f"chart-{field}",
            gettext(title),
            categories=labels,
            series=[gettext(title)],
            values=[[row[field]] for row in years],
            shown=fmt.number,
        )
        for field, title in (
            ("events", N_("Events per year")),
            ("attendance", N_("Attendance per year")),
        )
    ]
    columns = [
        Column(N_("Year"), "year"),
        Column(N_("Events"), "number"),
        Column(N_("Attendance"), "number"),
        Column(N_("Attendees recorded"), "number"),
    ]
    rows = [
        [row["year"], row["events"], row["attendance"], row["recordedAttendees"]] for row in years
    ]
    return Panel("events", N_("Events and attendance per year"), columns, rows, charts)


def _cross_border(stats: dict[str, Any], lang: str) -> Panel:
    fmt, gettext = Formats(lang), translations(lang).gettext
    years = stats["crossBorderInteractionsByYear"]
    title = gettext("Cross-border interactions per year")
    chart = bar_chart(
        "chart-cross-border",
        title,
        categories=[str(row["year"]) for row in years],
        series=[gettext("Cross-border interactions")],
        values=[[row["interactions"]] for row in years],
        shown=fmt.number,
    )
    columns = [Column(N_("Year"), "year"), Column(N_("Cross-border interactions"), "number")]
    rows = [[row["year"], row["interactions"]] for row in years]
    return Panel("cross-border", N_("Cross-border interactions per year"), columns, rows, [chart])


def _funding(stats: dict[str, Any], lang: str) -> Panel:
    fmt, gettext = Formats(lang), translations(lang).gettext
    lines = stats["fundingByProject"]
    largest = sorted(range(len(lines)), key=lambda index: -lines[index]["totalInvestmentEur"])
    charted = [lines[index] for index in sorted(largest[:CHARTED_PROJECTS])]
    names = [line["project"]["name"] for line in charted]
    charts = [
        bar_chart(
            "chart-funding",
            gettext("Total investment and EU contribution per project"),
            categories=names,
            series=[gettext("Total investment"), gettext("EU contribution")],
            values=[[line["totalInvestmentEur"], line["euContributionEur"]] for line in charted],
            shown=fmt.money,
        ),
        bar_chart(
            "chart-outcomes",
            gettext("Events and initiatives per project"),
            categories=names,
            series=[gettext("Events"), gettext("Initiatives")],
            values=[[line["events"], line["initiatives"]] for line in charted],
            shown=fmt.number,
        ),
    ]
    columns = [
        Column(N_("Project"), "text"),
        Column(N_("Total investment"), "money"),
        Column(N_("EU contribution"), "money"),
        Column(N_("EU co-financing"), "percent"),
        Column(N_("Events"), "number"),
        Column(N_("Attendance"), "number"),
        Column(N_("Initiatives"), "number"),
    ]
    rows = [
        [
            line["project"]["name"],
            line["totalInvestmentEur"],
            line["euContributionEur"],
            line["cofinancingRate"],
            line["events"],
            line["attendance"],
            line["initiatives"],
        ]
        for line in lines
    ]
    note = (
        gettext(
            "The charts show the %(shown)s projects of %(total)s with the largest total"
            " investment; the table and its CSV download have them all."
        )
        % {"shown": fmt.number(len(charted)), "total": fmt.number(len(lines))}
        if len(charted) < len(lines)
        else ""
    )
    title = N_("Funding against outcomes per project")
    return Panel("funding", title, columns, rows, charts, note=note, paged=True)


PANELS: dict[str, tuple[str, Builder]] = {
    "clusters": ("DashboardClusters", _clusters),
    "events": ("DashboardEvents", _events),
    "cross-border": ("DashboardCrossBorder", _cross_border),
    "funding": ("DashboardFunding", _funding),
}
"""Each panel's name (its CSV's name) -> the query its download runs, and its builder."""


def as_of(request: Request) -> date | None:
    """The ``asOf`` the visitor chose (``None``: now); ``ValueError`` when it is no date."""
    text = request.query_params.get("asOf", "").strip()
    if not text:
        return None
    if not ISO_DATE.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)


async def dashboard(request: Request) -> Response:
    page = await Page.open(request)
    try:
        day = as_of(request)
    except ValueError:
        chosen = request.query_params.get("asOf", "")[:40]
        return page.render(
            "dashboard.html", 400, as_of=None, chosen=chosen, panels=[], rows={}, pages={}
        )
    variables = {"asOf": day.isoformat() if day else None}
    stats = (await page.query(OPERATIONS, "Dashboard", variables))["stats"]
    if (kept := page.kept("dashboard.html")) is not None:
        return kept
    panels = [build(stats, page.lang) for _, build in PANELS.values()]
    fmt = Formats(page.lang)
    pages = {panel.name: TablePage.of(request, len(panel.rows)) for panel in panels if panel.paged}
    return page.render(
        "dashboard.html",
        as_of=stats["asOf"],
        chosen=variables["asOf"] or "",
        panels=panels,
        rows={
            panel.name: panel.shown(fmt, pages[panel.name].rows if panel.paged else slice(None))
            for panel in panels
        },
        pages=pages,
        table_rows=TABLE_ROWS,
    )


async def download(request: Request) -> Response:
    """A panel's table as CSV: headings in the page's language, values as the API gives them."""
    page = await Page.open(request)
    name = request.path_params["panel"]
    if name not in PANELS:
        raise PageNotFound
    gettext = translations(page.lang).gettext
    try:
        day = as_of(request)
    except ValueError:
        return Response(gettext(BAD_DATE) + "\n", 400, media_type="text/plain; charset=utf-8")
    operation, build = PANELS[name]
    variables = {"asOf": day.isoformat() if day else None}
    panel = build((await page.query(OPERATIONS, operation, variables))["stats"], page.lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([gettext(column.label) for column in panel.columns])
    writer.writerows(
        [
            _inert(value) if column.kind == "text" else value
            for column, value in zip(panel.columns, row, strict=True)
        ]
        for row in panel.rows
    )
    filename = f"{name}-{variables['asOf'] or date.today().isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def live(request: Request) -> Response:
    """The figures' changes as server-sent events, for the page's script."""
    page = await Page.open(request)
    try:
        day = as_of(request)
    except ValueError:
        message = translations(page.lang).gettext(BAD_DATE)
        return Response(message + "\n", 400, media_type="text/plain; charset=utf-8")
    variables = {"asOf": day.isoformat() if day else None}
    pushes = page.subscribe(OPERATIONS, "DashboardLive", variables)
    keep_alive_s = page.site.runner.settings.live_keep_alive_s
    return StreamingResponse(
        _changed_events(pushes, keep_alive_s),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"},
    )


async def _changed_events(
    pushes: AsyncIterator[dict[str, Any]], keep_alive_s: float
) -> AsyncIterator[str]:
    """A ``changed`` event for each push after the first (the figures the page has), a comment
    every ``keep_alive_s`` of quiet. When the subscription ends (a limit, the store away, the
    key revoked), the stream ends asking the browser to try again in ``RETRY_MS``."""
    first = True
    pending = asyncio.ensure_future(anext(pushes))
    try:
        while True:
            done, _ = await asyncio.wait({pending}, timeout=keep_alive_s)
            if not done:
                yield ": ping\n\n"
                continue
            try:
                pending.result()
            except (StoreDown, Busy, BadInput, OperationFailed, StopAsyncIteration):
                yield f"retry: {RETRY_MS}\n\n"
                return
            if not first:
                yield "event: changed\ndata: \n\n"
            first = False
            pending = asyncio.ensure_future(anext(pushes))
    finally:
        pending.cancel()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """A record's text as a spreadsheet takes it as text, never as a formula (``=HYPERLINK…``
    in a project's name): such a cell starts with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


routes = [
    Route("/{lang}/dashboard", dashboard, methods=["GET"]),
    Route("/{lang}/dashboard/live", live, methods=["GET"]),
    Route("/{lang}/dashboard/{panel}.csv", download, methods=["GET"]),
]
