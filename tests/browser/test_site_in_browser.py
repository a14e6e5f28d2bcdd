"""The web site in a real browser against ``crm demo``: every page with the demo's figures,
languages, search, the dashboard, escaping, accessibility (axe-core), GraphiQL offline, error
pages, and a store that goes away and comes back. The network beyond the demo is cut off for
every page."""

import csv
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, expect

from tests.browser.conftest import Demo
from tests.faults import hold_lock, kill_engine

PAGES = [
    "/{lang}/",
    "/{lang}/clusters",
    "/{lang}/clusters?q=energi&country=DK",
    "/{lang}/clusters/alucluster",
    "/{lang}/organisations/org-eksempel-aluprofiler",
    "/{lang}/people/p-michael-nedergaard",
    "/{lang}/events/ev-intranet-final-conference",
    "/{lang}/initiatives/ini-welfare-tech-testbed",
    "/{lang}/projects/intranet",
    "/{lang}/topics/topic-open-innovation",
    "/{lang}/search?q=sundhed",
    "/{lang}/dashboard",
    "/{lang}/dashboard?asOf=2012-12-31",
    "/{lang}/no-such-page",
]
FACTS = {
    "en": {
        "Workshops": "3",
        "Network meetings": "2",
        "Initiatives": "7",
        "Conference attendees": "171",
        "Total investment": "295,578 EUR",
        "EU co-financing": "65%",
    },
    "de": {
        "Workshops": "3",
        "Netzwerktreffen": "2",
        "Initiativen": "7",
        "Konferenzteilnehmende": "171",
        "Gesamtinvestition": "295.578 EUR",
        "EU-Kofinanzierung": "65 %",
    },
    "da": {
        "Workshops": "3",
        "Netværksmøder": "2",
        "Initiativer": "7",
        "Konferencedeltagere": "171",
        "Samlet investering": "295.578 EUR",
        "EU-medfinansiering": "65 %",
    },
}
HOSTILE = "<script>alert(1)</script>"
SERIOUS = {"serious", "critical"}


@dataclass
class Watched:
    """A page whose requests to other origins are aborted and recorded, with its console
    errors and dialogs (an ``alert`` would be one)."""

    page: Page
    off_site: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser: Browser, demo: Demo) -> Iterator[Watched]:
    context = browser.new_context(base_url=demo.base)
    page = context.new_page()
    seen = Watched(page)
    local = urlsplit(demo.base).netloc

    def only_local(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == local:
            route.continue_()
        else:
            seen.off_site.append(url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 404" not in message.text:
            seen.errors.append(message.text)

    def dialog(shown: Dialog) -> None:
        seen.dialogs.append(shown.message)
        shown.dismiss()

    context.route("**/*", only_local)
    page.on("console", console)
    page.on("dialog", dialog)
    yield seen
    context.close()
    assert seen.off_site == []
    assert seen.dialogs == []


def figures(page: Page, scope: str = "main") -> dict[str, str]:
    pairs = page.locator(f"{scope} dl.figures > div").all()
    return {
        pair.locator("dt").inner_text(): pair.locator("dd").inner_text().replace("\xa0", " ")
        for pair in pairs
    }


@pytest.mark.parametrize("lang", ["en", "de", "da"])
def test_every_page_renders_accessibly_with_the_demo_s_figures(watched: Watched, lang: str) -> None:
    page = watched.page
    for path in PAGES:
        response = page.goto(path.format(lang=lang))
        assert response is not None
        assert response.status == (404 if "no-such" in path else 200), path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("h1")).to_have_count(1)
        violations = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert violations == [], path
    page.goto(f"/{lang}/")
    assert figures(page, "main article:has(a[href$='/projects/intranet'])") == FACTS[lang]
    page.goto(f"/{lang}/projects/intranet")
    shown = figures(page)
    assert {name: shown[name] for name in FACTS[lang]} == FACTS[lang]
    assert watched.errors == []


def test_the_language_switch_keeps_the_page(watched: Watched) -> None:
    page = watched.page
    page.goto("/en/clusters/alucluster?members=")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Dansk").click()
    expect(page).to_have_url(re.compile(r"/da/clusters/alucluster"))
    expect(page.get_by_role("heading", name="Medlemsorganisationer")).to_be_visible()
    expect(page.get_by_text("(på engelsk)")).to_be_visible()  # AluCluster has no Danish text

    page.get_by_role("navigation", name="Sprog").get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/de/clusters/alucluster"))
    expect(page.get_by_role("heading", name="Mitgliedsorganisationen")).to_be_visible()
    expect(page.get_by_role("heading", name="Was der Cluster bietet")).to_be_visible()


def test_search_finds_alucluster_and_the_health_clusters(watched: Watched) -> None:
    page = watched.page
    page.goto("/da/")
    page.get_by_label("Søg i klynger").fill("aluminium")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="AluCluster", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AluCluster")
    expect(page).to_have_url(re.compile(r"/da/clusters/alucluster$"))

    page.goto("/en/search?q=sundhed")
    clusters = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Clusters"))
    )
    expect(clusters.get_by_role("link", name="Fiktivholm Sundhedsinnovation")).to_be_visible()
    expect(clusters.get_by_role("link", name="Beispielhafen Gesundheitscluster")).to_be_visible()


def test_the_directory_filters_work_without_javascript(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(base_url=demo.base, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/clusters")
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Specialty or keyword").fill("Gesundheit")
    page.get_by_role("button", name="Show clusters").click()

    expect(page).to_have_url(re.compile(r"country=DE"))
    expect(page.get_by_role("link", name="Beispielhafen Gesundheitscluster")).to_be_visible()
    expect(page.get_by_role("link", name="Fiktivholm Sundhedsinnovation")).to_have_count(0)
    context.close()


def test_the_main_flow_works_by_keyboard(watched: Watched) -> None:
    page = watched.page
    page.goto("/en/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(20):  # to the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-q":
            break
    page.keyboard.type("aluminium")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search\?q=aluminium"))
    link = page.get_by_role("link", name="AluCluster", exact=True).first
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("AluCluster")


def test_a_record_with_html_in_its_name_is_shown_as_text(watched: Watched, demo: Demo) -> None:
    demo.graphql(
        'mutation($name: String!) { createTopic(input: {name: $name, recordId: "t-html"}) '
        "{ errors { message } } }",
        {"name": HOSTILE},
    )
    page = watched.page
    response = page.goto("/en/topics/t-html")

    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text(HOSTILE)
    assert page.locator("main script").count() == 0
    page.goto("/en/search?q=alert")
    expect(page.get_by_role("link", name=HOSTILE)).to_be_visible()


def test_graphiql_renders_and_answers_offline(watched: Watched) -> None:
    page = watched.page
    response = page.goto("/graphql")
    assert response is not None
    assert response.status == 200
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    expect(editor).to_be_visible(timeout=20_000)

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type('{ project(id: "intranet") { name impact { workshops } }')
    page.keyboard.press("Control+Enter")

    expect(page.locator(".result-window")).to_contain_text('"workshops": 3', timeout=20_000)
    expect(page.locator(".result-window")).to_contain_text("InTra-Net")
    assert [e for e in watched.errors if "Content Security Policy" in e] == []


def test_the_demo_logged_no_traceback(demo: Demo) -> None:
    """GraphiQL's introspection and every page above ran without an unexpected error."""
    assert "Traceback" not in demo.output()


def test_an_unknown_record_gets_a_404_page_in_the_visitor_s_language(watched: Watched) -> None:
    page = watched.page
    response = page.goto("/da/clusters/no-such-cluster")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden blev ikke fundet")
    page.get_by_role("link", name="Tilbage til forsiden").click()
    expect(page).to_have_url(re.compile(r"/da/$"))


def test_search_text_stays_out_of_the_log(demo: Demo, watched: Watched) -> None:
    watched.page.goto("/en/search?q=privatesearchtext")

    output = demo.output()
    assert "GET /en/search HTTP/1.1" in output  # the access log, without the query string
    assert "privatesearchtext" not in output


# Last: it stops the store.
def test_a_store_that_is_down_gets_a_503_page_then_the_site_recovers(
    watched: Watched, demo: Demo
) -> None:
    page = watched.page
    holder = hold_lock(demo.data_dir)  # nothing may start the engine again meanwhile
    try:
        kill_engine(demo.data_dir)
        response = page.goto("/de/clusters/alucluster")
        assert response is not None
        assert response.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("Vorübergehend nicht verfügbar")
        assert "Traceback" not in page.content()
    finally:
        holder.kill()
        holder.communicate()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = page.goto("/de/clusters/alucluster")
        if response is not None and response.status == 200:
            break
        time.sleep(0.5)
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("AluCluster")


def serious_violations(page: Page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]


def row_of(page: Page, panel: str, first_cell: str) -> list[str]:
    row = page.locator(f"#{panel} tbody tr", has=page.get_by_role("rowheader", name=first_cell))
    return [cell.replace("\xa0", " ") for cell in row.locator("th, td").all_inner_texts()]


def test_the_dashboard_draws_its_charts_with_the_demos_figures(watched: Watched) -> None:
    page = watched.page
    page.goto("/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(6)
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 200
        assert box["height"] > 10
    expect(page.get_by_role("img", name="Cross-border interactions per year")).to_be_visible()
    assert row_of(page, "funding", "InTra-Net") == [
        "InTra-Net", "295,578 EUR", "192,126 EUR", "65%", "6", "310", "7",
    ]  # fmt: skip
    assert row_of(page, "cross-border", "2016") == ["2016", "45"]
    assert serious_violations(page) == []
    assert watched.errors == []


def test_the_date_picker_and_downloads_by_keyboard(watched: Watched) -> None:
    page = watched.page
    page.goto("/de/dashboard")
    page.locator("main").focus()
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.href"))
        if page.evaluate("document.activeElement.id") == "as-of":
            break
    assert reached[-1] == "as-of"
    page.locator("#as-of").fill("2012-12-31")
    for _ in range(6):  # past the date's parts and its calendar button, to "Anzeigen"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    expect(page.get_by_role("button", name="Anzeigen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/de/dashboard\?asOf=2012-12-31$"))
    expect(page.get_by_text("Zahlen nach dem Stand des Netzwerks am 31. Dezember 2012."))
    assert row_of(page, "cross-border", "2012") == ["2012", "11"]
    expect(page.locator("#cross-border tbody tr")).to_have_count(3)
    links = page.get_by_role("link", name=re.compile("^Tabelle als CSV herunterladen"))
    expect(links).to_have_count(4)
    for link in links.all():
        expect(link).to_have_attribute("href", re.compile(r"\.csv\?asOf=2012-12-31$"))
    link = page.get_by_role("link", name=re.compile("CSV herunterladen.*Förderung"))
    link.focus()
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    path = started.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    intranet = next(row for row in rows if row["Projekt"] == "InTra-Net")
    assert (intranet["Veranstaltungen"], intranet["Initiativen"]) == ("1", "1")


def test_the_date_picker_works_without_javascript(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(base_url=demo.base, java_script_enabled=False)
    page = context.new_page()
    page.goto("/da/dashboard")
    page.get_by_label("Opgjort pr. dato", exact=True).fill("2013-12-31")
    page.get_by_role("button", name="Vis").click()

    expect(page).to_have_url(re.compile(r"asOf=2013-12-31"))
    expect(page.locator("#cross-border tbody tr")).to_have_count(4)
    context.close()


def test_a_date_that_does_not_parse_gets_an_accessible_400(watched: Watched) -> None:
    page = watched.page
    response = page.goto("/en/dashboard?asOf=31.12.2012")

    assert response is not None
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Enter the date as year-month-day")
    expect(page.get_by_label("As of", exact=True)).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []
