"""The network pages in a real browser against ``crm demo``: the introductions page finds the
API's best path from names typed into its pickers (and without scripts), an initiative's
timeline lists its workshops in date order, every page passes axe-core without a serious
violation, and the pages work by keyboard alone."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import Demo

SERIOUS = {"serious", "critical"}
BEST_PATH = """query ($from: ID!, $to: ID!) {
  introductionPaths(from: $from, to: $to, maxHops: 3, first: 1) {
    hops { person { recordId givenName familyName } }
  }
}"""
PROJECT_LINEAGE = """{
  project(id: "intranet") {
    initiatives { recordId lineage { timeline { date event { title kind } } } }
  }
}"""
PAGES = [
    "/{lang}/introductions",
    "/{lang}/introductions?fromId=p-jana-fiktivberg&toId=alucluster&maxHops=4",
    "/{lang}/introductions?fromId=p-jana-fiktivberg&toId=org-fiktivsen-automation&maxHops=1",
    "/{lang}/introductions?from=Jana&to=AluCluster",
    "/{lang}/brokers?cluster=alucluster&asOf=2012-06-01&organisationId=org-fiktivsen-automation",
    "/{lang}/brokers?by=organisations&crossBorder=1&cluster=alucluster",
    "/{lang}/initiatives/ini-care-logistics/timeline",
    "/{lang}/projects/intranet/timeline",
]


@pytest.fixture
def page(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = browser.new_context(base_url=demo.base)
    opened = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if (
            message.type == "error"
            and "the server responded with a status of 400" not in message.text
        ):
            errors.append(message.text)  # a page answered 400 on purpose is no error of a script

    opened.on("console", console)
    yield opened
    context.close()
    assert errors == []


def best_path(demo: Demo, source: str, target: str) -> list[str]:
    """The names along the API's best path from ``source`` to ``target``."""
    data: Any = demo.graphql(BEST_PATH, {"from": source, "to": target})
    return [
        f"{hop['person']['givenName']} {hop['person']['familyName']}"
        for hop in data["introductionPaths"][0]["hops"]
    ]


def drawn(page: Page, number: int = 1) -> list[str]:
    """The people of the page's path ``number``, the asker first, once the path is shown (a
    click that submits a form returns when the answer starts loading, not when it is drawn)."""
    path = page.locator(".path").nth(number - 1)
    expect(path).to_be_visible()
    return path.locator(".chain-person > a").all_inner_texts()


@pytest.mark.parametrize("lang", ["en", "de", "da"])
def test_the_network_pages_have_no_serious_accessibility_violations(page: Page, lang: str) -> None:
    for path in PAGES:
        response = page.goto(path.format(lang=lang))
        assert response is not None
        assert response.status in (200, 400), path
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("h1")).to_have_count(1)
        violations = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in SERIOUS
        ]
        assert violations == [], path


def test_the_introductions_page_shows_the_api_s_best_path_from_names_typed(
    page: Page, demo: Demo
) -> None:
    expected = best_path(demo, "p-jana-fiktivberg", "alucluster")
    page.goto("/en/introductions")

    source = page.get_by_label("From")
    source.press_sequentially("Fiktivberg", delay=20)
    expect(page.locator("#f-from-options option[value='Jana Fiktivberg']")).to_have_count(1)
    source.fill("Jana Fiktivberg")
    expect(page.locator("#f-from-id")).not_to_have_value("")
    target = page.get_by_label("To (a person, organisation or cluster)")
    target.press_sequentially("AluClus", delay=20)
    expect(page.locator("#f-to-options option[value='AluCluster']")).to_have_count(1)
    target.fill("AluCluster")
    page.get_by_role("button", name="Find introductions").click()

    expect(page.locator(".path").first).to_be_visible()
    assert drawn(page) == ["Jana Fiktivberg", *expected]
    assert page.locator(".path").first.locator(".border-mark").count() >= 1
    explorer = page.get_by_role("link", name="Open this path in the explorer").first
    expect(explorer).to_have_attribute(
        "href", re.compile(r"^/en/explore\?center=p-jana-fiktivberg")
    )


def test_the_introductions_page_works_without_scripts(browser: Browser, demo: Demo) -> None:
    expected = best_path(demo, "p-jana-fiktivberg", "alucluster")
    context = browser.new_context(base_url=demo.base, java_script_enabled=False)
    page = context.new_page()
    page.goto("/de/introductions")
    page.get_by_label("Von").fill("Jana Fiktivberg")
    page.get_by_label("An (eine Person, Organisation oder ein Cluster)").fill("AluCluster")
    page.get_by_role("button", name="Vorstellungen finden").click()

    assert drawn(page) == ["Jana Fiktivberg", *expected]
    page.goto("/de/introductions")
    page.get_by_label("Von").fill("Jana")  # several Janas: the page offers them
    page.get_by_label("An (eine Person, Organisation oder ein Cluster)").fill("AluCluster")
    page.get_by_role("button", name="Vorstellungen finden").click()
    page.get_by_label(re.compile("^Jana Fiktivberg")).check()
    page.get_by_role("button", name="Vorstellungen finden").click()
    assert drawn(page) == ["Jana Fiktivberg", *expected]
    context.close()


def shown_entries(page: Page, initiative: str) -> list[tuple[str, str, str]]:
    """The (date, event title, event kind) entries an initiative's list shows, in order."""
    return [
        (
            str(entry.locator("time").get_attribute("datetime")),
            entry.locator(".timeline-event").inner_text(),
            entry.locator(".timeline-event + .meta").inner_text(),
        )
        for entry in page.locator(f"#timeline-{initiative} > li").all()
    ]


def test_the_lineage_of_an_initiative_shows_its_workshops_in_date_order(
    page: Page, demo: Demo
) -> None:
    data: Any = demo.graphql(PROJECT_LINEAGE)
    initiatives = data["project"]["initiatives"]
    care = next(one for one in initiatives if one["recordId"] == "ini-care-logistics")
    expected = [(entry["date"], entry["event"]["title"]) for entry in care["lineage"]["timeline"]]
    workshops = sorted(
        {
            (entry["date"], entry["event"]["title"])
            for one in initiatives
            for entry in one["lineage"]["timeline"]
            if entry["event"]["kind"] == "WORKSHOP"
        }
    )
    assert len(expected) == 2
    assert len(workshops) == 3  # the InTra-Net workshops

    page.goto("/en/initiatives/ini-care-logistics/timeline")
    shown = shown_entries(page, "ini-care-logistics")
    assert [(day, title) for day, title, _ in shown] == expected
    assert [day for day, _, _ in shown] == sorted(day for day, _, _ in shown)
    assert shown[0][2].startswith("Workshop")
    expect(page.get_by_role("img", name="Timeline: Care logistics partnership")).to_be_visible()

    page.goto("/en/projects/intranet/timeline")
    seen: list[tuple[str, str]] = []
    for one in initiatives:
        for day, title, kind in shown_entries(page, one["recordId"]):
            if kind.startswith("Workshop") and (day, title) not in seen:
                seen.append((day, title))
    assert seen == workshops


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element ``selector`` names has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached by {limit} presses of Tab")


def test_the_network_pages_work_by_keyboard(page: Page, demo: Demo) -> None:
    expected = best_path(demo, "p-jana-fiktivberg", "alucluster")
    page.goto("/da/introductions")
    tab_to(page, "#f-from")
    page.keyboard.type("Jana Fiktivberg")
    tab_to(page, "#f-to")
    page.keyboard.type("AluCluster")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert drawn(page) == ["Jana Fiktivberg", *expected]
    tab_to(page, ".path a[href*='/explore?']")

    page.goto("/da/initiatives/ini-care-logistics/timeline")
    tab_to(page, "#timeline-ini-care-logistics details summary")
    page.keyboard.press("Enter")
    expect(page.locator("#timeline-ini-care-logistics details").first).to_have_attribute("open", "")

    page.goto("/da/brokers")
    tab_to(page, "#f-by-people")  # a radio group is one stop: its arrows choose
    page.keyboard.press("ArrowRight")
    expect(page.locator("#f-by-organisations")).to_be_checked()
    tab_to(page, "#f-crossBorder")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(r"by=organisations.*crossBorder=1|crossBorder=1.*by=organisations")
    )
    expect(page.locator("#brokers a[href*='/organisations/']").first).to_be_visible()
