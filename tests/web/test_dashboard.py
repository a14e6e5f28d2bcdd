"""The dashboard through the real app in-process on the demo: its figures are the API's and
the article's, each chart has its table and its CSV (the same figures, the same date), the
date picker changes the figures, a date that does not parse is a 400 page in the visitor's
language; on a network of more projects than the funding charts show, the charts show the
largest, the table is paged and the CSV has them all."""

import csv
import io
import re
from typing import Any

import pytest

from crm.web.pages import dashboard
from tests.api.conftest import Api
from tests.web.test_site import main

STATS = """
query ($asOf: Date) {
  stats(asOf: $asOf) {
    byCountryAndSector { country sector { name } clusters organizations }
    eventsByYear { year events attendance recordedAttendees }
    crossBorderInteractionsByYear { year interactions }
    fundingByProject { project { name } totalInvestmentEur euContributionEur cofinancingRate
                       events attendance initiatives }
  }
}
"""
PANELS = ["clusters", "events", "cross-border", "funding"]


def api_stats(site: Api, as_of: str | None) -> Any:
    return site.data(STATS, {"asOf": as_of})["stats"]


def table(html: str, panel: str) -> list[list[str]]:
    """The cells of a panel's table, row by row (headings first)."""
    section = re.search(rf'<section class="panel" id="{panel}".*?</section>', html, re.S)
    assert section is not None, panel
    rows = re.findall(r"<tr>(.*?)</tr>", section[0], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]


def download(site: Api, lang: str, panel: str, as_of: str | None = None) -> list[dict[str, str]]:
    response = site.client.get(
        f"/{lang}/dashboard/{panel}.csv", params={"asOf": as_of} if as_of else {}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_dashboard_is_in_the_navigation(site: Api) -> None:
    html = site.client.get("/de/").text

    assert '<a href="/de/dashboard">Übersicht</a>' in html


@pytest.mark.parametrize("lang", ["de", "da", "en"])
def test_every_chart_is_an_image_with_its_table_and_download(site: Api, lang: str) -> None:
    html = main(site.client.get(f"/{lang}/dashboard").text)

    for panel in PANELS:
        assert table(html, panel)[1:], panel
        assert f'href="/{lang}/dashboard/{panel}.csv"' in html
    charts = re.findall(
        r'<svg [^>]*role="img" aria-labelledby="([\w-]+)-title" aria-describedby="\1-desc"', html
    )
    assert len(charts) == 6
    for chart in charts:
        assert f'<title id="{chart}-title">' in html
        assert f'<desc id="{chart}-desc">' in html
    assert "<script" not in html


def test_the_funding_table_has_the_articles_figures(site: Api) -> None:
    rows = table(site.client.get("/en/dashboard").text, "funding")

    assert rows[0] == [
        "Project", "Total investment", "EU contribution", "EU co-financing", "Events",
        "Attendance", "Initiatives",
    ]  # fmt: skip
    intranet = next(row for row in rows if row[0] == "InTra-Net")
    assert intranet == [
        "InTra-Net", "295,578\xa0EUR", "192,126\xa0EUR", "65%", "6", "310", "7",
    ]  # fmt: skip


def test_numbers_follow_the_language(site: Api) -> None:
    rows = table(site.client.get("/de/dashboard").text, "funding")

    intranet = next(row for row in rows if row[0] == "InTra-Net")
    assert intranet[1:4] == ["295.578\xa0EUR", "192.126\xa0EUR", "65\xa0%"]
    assert rows[0][0] == "Projekt"


@pytest.mark.parametrize("as_of", [None, "2013-12-31"])
def test_the_csv_downloads_hold_the_apis_figures(site: Api, as_of: str | None) -> None:
    stats = api_stats(site, as_of)

    clusters = download(site, "en", "clusters", as_of)
    assert sorted(
        (row["Country"], row["Sector"], int(row["Clusters"]), int(row["Organisations"]))
        for row in clusters
    ) == sorted(
        (cell["country"], cell["sector"]["name"], cell["clusters"], cell["organizations"])
        for cell in stats["byCountryAndSector"]
    )
    events = download(site, "en", "events", as_of)
    assert [
        {"year": int(row["Year"]), "events": int(row["Events"]),
         "attendance": int(row["Attendance"]),
         "recordedAttendees": int(row["Attendees recorded"])}
        for row in events
    ] == stats["eventsByYear"]  # fmt: skip
    cross_border = download(site, "en", "cross-border", as_of)
    assert [
        {"year": int(row["Year"]), "interactions": int(row["Cross-border interactions"])}
        for row in cross_border
    ] == stats["crossBorderInteractionsByYear"]
    funding = download(site, "en", "funding", as_of)
    assert [
        (row["Project"], int(row["Total investment"]), int(row["EU contribution"]),
         float(row["EU co-financing"]), int(row["Events"]), int(row["Attendance"]),
         int(row["Initiatives"]))
        for row in funding
    ] == [
        (line["project"]["name"], line["totalInvestmentEur"], line["euContributionEur"],
         line["cofinancingRate"], line["events"], line["attendance"], line["initiatives"])
        for line in stats["fundingByProject"]
    ]  # fmt: skip


def test_the_csv_has_the_demos_exact_figures(site: Api) -> None:
    funding = {row["Project"]: row for row in download(site, "en", "funding")}

    assert funding["InTra-Net"] == {
        "Project": "InTra-Net", "Total investment": "295578", "EU contribution": "192126",
        "EU co-financing": "0.65", "Events": "6", "Attendance": "310", "Initiatives": "7",
    }  # fmt: skip
    headings = download(site, "da", "events")[0].keys()
    assert "År" in headings


def test_the_date_changes_the_figures_and_the_downloads_keep_it(site: Api) -> None:
    now = table(site.client.get("/en/dashboard").text, "cross-border")
    response = site.client.get("/en/dashboard", params={"asOf": "2012-12-31"})
    then = table(response.text, "cross-border")

    assert now[1:] == [[str(year), str(count)]
                       for year, count in zip(range(2010, 2017), (3, 7, 11, 21, 27, 33, 45),
                                              strict=True)]  # fmt: skip
    assert then[1:] == [["2010", "3"], ["2011", "7"], ["2012", "11"]]
    assert 'value="2012-12-31"' in response.text
    assert 'href="/en/dashboard/funding.csv?asOf=2012-12-31"' in response.text
    assert "31 December 2012" in response.text
    # InTra-Net's first workshop (2012-11-08) and its initiative; all six events and seven
    # initiatives now.
    then_funding = {row["Project"]: row for row in download(site, "en", "funding", "2012-12-31")}
    now_funding = {row["Project"]: row for row in download(site, "en", "funding")}
    assert [(rows["InTra-Net"]["Events"], rows["InTra-Net"]["Initiatives"])
            for rows in (then_funding, now_funding)] == [("1", "1"), ("6", "7")]  # fmt: skip


def test_before_any_record_the_charts_say_so(site: Api) -> None:
    html = main(site.client.get("/en/dashboard", params={"asOf": "1990-01-01"}).text)

    assert html.count("No figures for this date.") == 3  # clusters have no date
    assert download(site, "en", "funding", "1990-01-01") == []


@pytest.mark.parametrize("as_of", ["2014-13-01", "yesterday", "2014-1-1", "<b>x</b>"])
@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Enter the date as year-month-day"),
        ("de", "Geben Sie das Datum als Jahr-Monat-Tag ein"),
        ("da", "Skriv datoen som år-måned-dag"),
    ],
)
def test_a_date_that_does_not_parse_is_a_400_in_the_visitors_language(
    site: Api, lang: str, message: str, as_of: str
) -> None:
    page = site.client.get(f"/{lang}/dashboard", params={"asOf": as_of})
    csv_answer = site.client.get(f"/{lang}/dashboard/events.csv", params={"asOf": as_of})
    live = site.client.get(f"/{lang}/dashboard/live", params={"asOf": as_of})

    assert live.status_code == 400
    assert live.text.startswith(message)
    assert page.status_code == 400
    assert message in page.text
    assert 'aria-invalid="true"' in page.text
    assert "<b>x</b>" not in page.text
    assert "Traceback" not in page.text
    assert csv_answer.status_code == 400
    assert csv_answer.text.startswith(message)


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(site: Api) -> None:
    created = site.data(
        """mutation ($input: ProjectInput!) {
             createProject(input: $input) { project { recordId } errors { message } } }""",
        {"input": {"name": "=HYPERLINK(1)", "programme": "P", "fund": "F", "periodStart": 2010,
                   "periodEnd": 2011, "totalInvestmentEur": 10, "euContributionEur": 5}},
    )["createProject"]  # fmt: skip
    assert created["errors"] == []
    try:
        names = [row["Project"] for row in download(site, "en", "funding")]
        assert "'=HYPERLINK(1)" in names
        assert "=HYPERLINK(1)" not in names
    finally:
        site.data(
            "mutation ($id: ID!) { deleteProject(id: $id) { errors { message } } }",
            {"id": created["project"]["recordId"]},
        )


def test_the_funding_charts_show_the_largest_projects_and_the_table_pages(
    site: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three projects added to the demo's three, the charts showing two and the table's pages
    holding two rows (the same code as at 20 and 50); the demo's own page has neither."""
    monkeypatch.setattr(dashboard, "CHARTED_PROJECTS", 2)
    monkeypatch.setattr(dashboard, "TABLE_ROWS", 2)
    added = [("Big One", 9_000_000_000), ("Bigger One", 9_500_000_000), ("Small One", 1)]
    ids = [create_project(site, name, total) for name, total in added]
    try:
        names = [line["project"]["name"] for line in api_stats(site, None)["fundingByProject"]]
        last = (len(names) + 1) // 2
        html = main(site.client.get("/en/dashboard").text)
        chart = re.search(r'<svg [^>]*aria-labelledby="chart-funding-title".*?</svg>', html, re.S)
        assert chart is not None
        charted = re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', chart[0])
        assert charted == ["Big One", "Bigger One"]
        assert (
            f"The charts show the 2 projects of {len(names)} with the largest total investment;"
            " the table and its CSV download have them all." in html
        )
        assert [row[0] for row in table(html, "funding")[1:]] == names[:2]
        assert f"Rows 1 to 2 of {len(names)}" in html
        assert 'href="?page=2#funding" rel="next"' in html
        assert 'rel="prev"' not in html

        second = main(site.client.get("/en/dashboard", params={"page": "2"}).text)
        assert [row[0] for row in table(second, "funding")[1:]] == names[2:4]
        assert f"Rows 3 to 4 of {len(names)}" in second
        assert 'href="?#funding" rel="prev"' in second
        beyond = main(site.client.get("/en/dashboard", params={"page": "99"}).text)
        assert [row[0] for row in table(beyond, "funding")[1:]] == names[2 * last - 2 :]
        assert 'rel="next"' not in beyond
        garbled = main(site.client.get("/en/dashboard", params={"page": "x"}).text)
        assert [row[0] for row in table(garbled, "funding")[1:]] == names[:2]
        assert [row["Project"] for row in download(site, "en", "funding")] == names
    finally:
        for record_id in ids:
            site.data(
                "mutation ($id: ID!) { deleteProject(id: $id) { errors { message } } }",
                {"id": record_id},
            )
    monkeypatch.undo()
    demo = main(site.client.get("/en/dashboard").text)
    assert "The charts show" not in demo
    assert "pager" not in demo


def create_project(site: Api, name: str, total_eur: int) -> str:
    created = site.data(
        """mutation ($input: ProjectInput!) {
             createProject(input: $input) { project { recordId } errors { message } } }""",
        {"input": {"name": name, "programme": "P", "fund": "F", "periodStart": 2010,
                   "periodEnd": 2011, "totalInvestmentEur": total_eur,
                   "euContributionEur": total_eur // 2}},
    )["createProject"]  # fmt: skip
    assert created["errors"] == []
    record_id: str = created["project"]["recordId"]
    return record_id


def test_an_unknown_chart_is_a_404(site: Api) -> None:
    assert site.client.get("/en/dashboard/nothing.csv").status_code == 404


def test_the_page_names_where_its_script_hears_of_changes(site: Api) -> None:
    today = site.client.get("/en/dashboard")
    dated = site.client.get("/en/dashboard", params={"asOf": "2012-12-31"})

    assert 'data-live="/en/dashboard/live"' in today.text
    assert 'data-live="/en/dashboard/live?asOf=2012-12-31"' in dated.text
    assert re.search(r'<script src="/static/dashboard\.[0-9a-f]+\.js" defer>', today.text)
