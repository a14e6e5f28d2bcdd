"""A bar chart's SVG: its geometry, its labels cut to fit, everything it shows escaped."""

from crm.web.charts import bar_chart, svg


def test_a_chart_is_a_figure_of_escaped_labels_and_bars() -> None:
    chart = bar_chart(
        "chart-x",
        "Funding <per> project",
        categories=["A & B", "Cross-border knowledge transfer project"],
        series=["Total", "EU <share>"],
        values=[[10, 5], [20, 0]],
        shown=str,
    )

    drawn = svg(chart)

    assert drawn.startswith('<figure class="chart">\n  <svg viewBox="0 0 640 84" width="640"')
    assert '<title id="chart-x-title">Funding &lt;per&gt; project</title>' in drawn
    assert '<desc id="chart-x-desc">A &amp; B: Total 10, EU &lt;share&gt; 5;' in drawn
    assert 'text-anchor="end">A &amp; B</text>' in drawn
    assert 'text-anchor="end">Cross-border knowledge tran\N{HORIZONTAL ELLIPSIS}</text>' in drawn
    assert '<rect class="series-0" x="190" y="0" width="170.0" height="16"></rect>' in drawn
    assert '<text class="chart-value" x="366.0" y="12">10</text>' in drawn
    assert 'width="340.0" height="16"></rect>' in drawn
    assert drawn.count("<rect ") == 4
    assert drawn.endswith(
        '<span class="legend"><span class="key"><span class="swatch series-0"></span>Total'
        '</span><span class="key"><span class="swatch series-1"></span>EU &lt;share&gt;'
        "</span></span>\n  </figcaption>\n</figure>"
    )


def test_a_single_series_has_no_legend() -> None:
    chart = bar_chart(
        "c", "Events", categories=["2012"], series=["Events"], values=[[3]], shown=str
    )

    assert "legend" not in svg(chart)
    assert svg(chart).endswith("  <figcaption>\n    Events\n  </figcaption>\n</figure>")
