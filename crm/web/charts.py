"""Bar charts drawn on the server as inline SVG: no chart library, no script, nothing the
strict Content-Security-Policy would refuse. Horizontal bars, one group per category, one bar
per series, each with its value as text. Colours come from the stylesheet (``.series-0``,
``.series-1``, …).

The markup is written here, not in a template: a chart has a few hundred values, and Jinja's
cost per value was a good part of the dashboard's time. Each value goes in through
``escape``."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

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


LABEL_CHARACTERS = 28
"""A category's label is cut to this many characters (the last an ellipsis) beside its bars."""


def svg(chart: BarChart) -> Markup:
    """The chart as a figure: an SVG image with its title and description (its figures are in
    the table beside it), and a caption with the series' legend when there are several."""
    name = escape(chart.id)
    lines = [
        '<figure class="chart">',
        f'  <svg viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}"'
        f' height="{chart.height}" role="img" aria-labelledby="{name}-title"'
        f' aria-describedby="{name}-desc" focusable="false">',
        f'    <title id="{name}-title">{escape(chart.title)}</title>',
        f'    <desc id="{name}-desc">{escape(chart.description)}</desc>',
    ]
    for group in chart.groups:
        lines.append(
            f'    <text class="chart-label" x="{group.bars[0].x - 8}" y="{group.label_y}"'
            f' text-anchor="end">{escape(_cut(group.label))}</text>'
        )
        for bar in group.bars:
            lines.append(
                f'    <rect class="series-{bar.series}" x="{bar.x}" y="{bar.y}"'
                f' width="{bar.width}" height="{bar.height}"></rect>'
            )
            lines.append(
                f'    <text class="chart-value" x="{bar.text_x}" y="{bar.text_y}">'
                f"{escape(bar.text)}</text>"
            )
    lines += ["  </svg>", "  <figcaption>", f"    {escape(chart.title)}"]
    if len(chart.series) > 1:
        keys = "".join(
            f'<span class="key"><span class="swatch series-{index}"></span>{escape(name)}</span>'
            for index, name in enumerate(chart.series)
        )
        lines.append(f'    <span class="legend">{keys}</span>')
    lines += ["  </figcaption>", "</figure>"]
    return Markup("\n".join(lines))


def _cut(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1] + "\N{HORIZONTAL ELLIPSIS}"
