"""Bar charts drawn on the server as inline SVG (``templates/charts.html``): no chart library,
no script, nothing the strict Content-Security-Policy would refuse. Here only the geometry:
horizontal bars, one group per category, one bar per series, each with its value as text.
Colours come from the stylesheet (``.series-0``, ``.series-1``, …)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 110
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 14
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH
TEXT_OFFSET = 6
BASELINE = 12
"""Where a bar's text sits below the bar's top (for the stylesheet's 12px chart text)."""


@dataclass(frozen=True)
class Bar:
    series: int
    x: int
    y: int
    width: float
    height: int
    text: str
    text_x: float
    text_y: int


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    """A chart ready to draw: its title and description (the SVG's ``title`` and ``desc``),
    its series' names (the legend), its groups of bars and its size."""

    id: str
    title: str
    description: str
    series: list[str]
    groups: list[Group]
    width: int
    height: int


def bar_chart(
    chart_id: str,
    title: str,
    *,
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[float]],
    shown: Callable[[float], str],
) -> BarChart:
    """Bars for ``values[category][series]``, each labelled with ``shown(value)``; one scale
    for all (the largest value fills the plot)."""
    largest = max((value for row in values for value in row), default=0) or 1
    groups = []
    y = 0
    for category, row in zip(categories, values, strict=True):
        top = y
        bars = []
        for index, value in enumerate(row):
            width = round(PLOT_WIDTH * value / largest, 1)
            bars.append(
                Bar(
                    series=index,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    text=shown(value),
                    text_x=LABEL_WIDTH + width + TEXT_OFFSET,
                    text_y=y + BASELINE,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        middle = (top + y - BAR_GAP) // 2
        groups.append(Group(category, middle + BASELINE // 2 - 2, bars))
        y += GROUP_GAP - BAR_GAP
    description = "; ".join(
        f"{group.label}: "
        + ", ".join(
            bar.text if len(series) == 1 else f"{name} {bar.text}"
            for name, bar in zip(series, group.bars, strict=True)
        )
        for group in groups
    )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        series=list(series),
        groups=groups,
        width=WIDTH,
        height=max(y - GROUP_GAP, 0),
    )
