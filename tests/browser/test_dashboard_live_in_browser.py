"""The dashboard follows the network in a real browser: an event recorded through the API while
the page is open shows in its figures without a reload (``statsChanged`` over server-sent
events); without scripts the page still shows its figures."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Demo, running_demo

EVENT = (
    'mutation { createEvent(input: {recordId: "ev-live-2031", kind: WORKSHOP, '
    'title: "Live workshop", date: "2031-05-04"}) { created } }'
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Demo]:
    """A demo of these tests' own: they write to it."""
    with running_demo(tmp_path_factory, demo_data) as started:
        yield started


def test_an_event_recorded_meanwhile_shows_in_the_open_dashboard(
    browser: Browser, demo: Demo
) -> None:
    context = browser.new_context(base_url=demo.base)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/en/dashboard")
    events = page.locator("#events table")
    expect(events).to_be_visible()
    expect(events.get_by_role("rowheader", name="2031")).to_have_count(0)
    page.wait_for_timeout(1500)  # the page's subscription has started

    demo.graphql(EVENT)

    expect(events.get_by_role("rowheader", name="2031")).to_have_count(1, timeout=20_000)
    assert page.url.endswith("/en/dashboard")  # no navigation: the figures were swapped in
    context.close()
    assert problems == []


def test_without_scripts_the_dashboard_shows_its_figures(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(base_url=demo.base, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/dashboard")

    expect(page.locator("#events table")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(6)
    context.close()
