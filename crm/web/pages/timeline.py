"""Initiatives on a time axis: how an initiative came about (its lineage: the events it emerged
from with their topics, the people in the room and where they worked that day, its start, its
partners and the projects behind it) at ``/{lang}/initiatives/{id}/timeline``, and all the
initiatives of a project side by side on one axis at ``/{lang}/projects/{id}/timeline``.

The axis is an SVG drawn on the server (one lane per initiative, numbered marks); the same
entries follow as numbered lists in date order, which is what screen readers and a page without
styles read.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record

OPERATIONS = Operations.beside(__file__)
WIDTH = 960
"""The SVG's width in user units (it scales to the page)."""
MARGIN = 24
LANE = 56
"""The height of one initiative's lane: its name, then its marks."""
AXIS = 32
"""The height of the axis with its years, below the lanes."""


@dataclass(frozen=True)
class Axis:
    """Whole years from the first entry's to the last entry's, across the drawing's width."""

    first: date
    last: date

    @classmethod
    def over(cls, days: list[date]) -> "Axis":
        start = min(days, default=date.today())
        end = max(days, default=start)
        return cls(date(start.year, 1, 1), date(end.year + 1, 1, 1))

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        return round(MARGIN + (WIDTH - 2 * MARGIN) * (day - self.first).days / span, 1)

    def years(self) -> list[tuple[int, float]]:
        """Each year's start and where it is drawn (the axis' end included)."""
        return [
            (year, self.x(date(year, 1, 1))) for year in range(self.first.year, self.last.year + 1)
        ]


def lanes(initiatives: list[dict[str, Any]]) -> tuple[Axis, list[dict[str, Any]]]:
    """The axis all of ``initiatives`` share, and each initiative with its entries' places."""
    axis = Axis.over(
        [date.fromisoformat(entry["date"]) for one in initiatives for entry in _entries(one)]
    )
    drawn = []
    for place, initiative in enumerate(initiatives):
        top = place * LANE
        marks = [
            {"x": axis.x(date.fromisoformat(entry["date"])), "y": top + LANE - 18, **entry}
            for entry in _entries(initiative)
        ]
        drawn.append({**initiative, "top": top, "marks": marks})
    return axis, drawn


def _entries(initiative: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = initiative["lineage"]["timeline"]
    return entries


async def initiative_timeline(request: Request) -> Response:
    page = await Page.open(request)
    variables = {"id": request.path_params["id"]}
    found = record(await page.query(OPERATIONS, "InitiativeTimeline", variables), "initiative")
    return _shown(page, [found], initiative=found, project=None)


async def project_timeline(request: Request) -> Response:
    page = await Page.open(request)
    variables = {"id": request.path_params["id"]}
    found = record(await page.query(OPERATIONS, "ProjectTimeline", variables), "project")
    return _shown(page, found["initiatives"], initiative=None, project=found)


def _shown(page: Page, initiatives: list[dict[str, Any]], **context: Any) -> Response:
    axis, drawn = lanes(initiatives)
    height = max(len(drawn), 1) * LANE + AXIS
    return page.render(
        "timeline.html",
        initiatives=drawn,
        axis=axis,
        width=WIDTH,
        height=height,
        axis_y=height - AXIS + 8,
        **context,
    )


routes = [
    Route("/{lang}/initiatives/{id}/timeline", initiative_timeline, methods=["GET"]),
    Route("/{lang}/projects/{id}/timeline", project_timeline, methods=["GET"]),
]
