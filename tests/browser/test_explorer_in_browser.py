"""The network explorer in a real browser against ``crm demo``: the demo's known views read from
the page's graph model (``window.crmExplorer``), an expansion, the ``asOf`` replay, a shared URL,
the exports (parsed back), bad input, and accessibility. The visitor is anonymous: the demo
gives anonymous visitors on loopback the reader role."""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx2 as httpx
import networkx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import Demo

SERIOUS = {"serious", "critical"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = browser.new_context(base_url=demo.base, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # a page answered 400 or 404 is logged so; the tests check those statuses themselves
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    opened.on("console", console)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def drawn(page: Page, path: str) -> tuple[int, int]:
    """Open ``path`` and wait for the explorer to be laid out; its graph's nodes and ties."""
    page.goto(path)
    ready(page)
    return counts(page)


def ready(page: Page) -> None:
    """Wait for the page's script to be there, then for its layout to be drawn. (A polling
    ``wait_for_function`` would evaluate a string, which the site's policy forbids.)"""
    page.evaluate(
        """async () => {
            while (!window.crmExplorer) await new Promise((wake) => setTimeout(wake, 50));
            await window.crmExplorer.ready;
        }"""
    )


def counts(page: Page) -> tuple[int, int]:
    found = page.evaluate("[window.crmExplorer.graph.order, window.crmExplorer.graph.size]")
    return found[0], found[1]


@pytest.mark.parametrize(
    ("center", "depth", "expected"),
    [
        ("p-michael-nedergaard", 1, (19, 27)),
        ("p-michael-nedergaard", 2, (88, 168)),
        ("alucluster", 1, (9, 8)),
        ("alucluster", 2, (40, 70)),
    ],
)
def test_known_ego_networks(page: Page, center: str, depth: int, expected: tuple[int, int]) -> None:
    assert drawn(page, f"/en/explore?center={center}&depth={depth}") == expected
    # the table for visitors without scripts holds the same view
    expect(page.locator(".explorer-table tbody").first.locator("tr")).to_have_count(expected[0])


def test_the_profile_pages_link_to_the_explorer(page: Page) -> None:
    page.goto("/de/clusters/alucluster")
    page.locator(".explore-link a").click()
    page.wait_for_url("**/de/explore?center=*")
    ready(page)
    assert counts(page) == (9, 8)
    expect(page.locator("h1")).to_have_text("Netzwerk-Explorer")


def test_expanding_adds_the_known_neighbours(page: Page) -> None:
    assert drawn(page, "/en/explore?center=alucluster") == (9, 8)
    michael = page.evaluate(
        """window.crmExplorer.graph.findNode(
            (id, a) => a.label === 'Michael Nedergaard')"""
    )
    people_before = people(page)
    page.evaluate("id => window.crmExplorer.expand(id)", michael)
    nodes, ties = counts(page)
    assert people(page) - people_before == 17  # his contacts
    # the expansion answers 35 ties (26 interactions, 9 jobs); one of them, his job at
    # AluCluster, is drawn already
    assert ties - 8 == 34
    assert page.evaluate("window.crmExplorer.state.edges.size") == 8 + 34
    assert nodes == 9 + 17  # where they work is drawn already
    expect(page.locator("#explorer-status")).to_contain_text("added")
    # the expansion is in the URL: the same link shows it again
    shared = page.url
    assert "x=" in shared
    assert drawn(page, shared) == (nodes, ties)


def people(page: Page) -> int:
    found: int = page.evaluate(
        """window.crmExplorer.graph.filterNodes(
            id => window.crmExplorer.state.nodes.get(id).type === 'Person').length"""
    )
    return found


@pytest.mark.parametrize(
    ("center", "depth", "expected"),
    [
        ("p-michael-nedergaard", 1, (2, 1)),
        ("alucluster", 1, (8, 7)),
        ("alucluster", 2, (28, 31)),
    ],
)
def test_the_replay_at_2012_shows_the_known_counts(
    page: Page, center: str, depth: int, expected: tuple[int, int]
) -> None:
    full = drawn(page, f"/en/explore?center={center}&depth={depth}")
    slider = page.locator("#explorer-year")
    assert int(slider.get_attribute("min") or 0) <= 2012
    slider.fill("2012")
    assert counts(page) == expected
    expect(page.locator("#explorer-year-shown")).to_have_text("2012-12-31")
    # a shared URL reopens the replay at 2012; the slider's end shows the whole view again
    assert "year=2012" in page.url
    assert drawn(page, page.url) == expected
    slider.fill(slider.get_attribute("max") or "")
    assert counts(page) == full


def test_a_shared_url_reopens_the_same_view(page: Page) -> None:
    assert drawn(page, "/en/explore?center=alucluster&depth=2") == (40, 70)
    page.locator("#explorer-size").select_option("betweenness")
    page.locator("#explorer-communities").check()
    chosen = page.evaluate("window.crmExplorer.graph.nodes()[3]")
    page.evaluate("id => window.crmExplorer.renderer().emit('clickNode', {node: id})", chosen)
    name = page.locator("#explorer-panel h2").inner_text()
    shared = page.url
    assert "size=betweenness" in shared
    assert "communities=1" in shared
    assert "focus=" in shared
    page.goto("/en/")
    assert drawn(page, shared) == (40, 70)
    expect(page.locator("#explorer-size")).to_have_value("betweenness")
    expect(page.locator("#explorer-communities")).to_be_checked()
    expect(page.locator("#explorer-panel h2")).to_have_text(name)


def test_removing_a_node_through_its_panel_is_kept_in_the_url(page: Page) -> None:
    assert drawn(page, "/en/explore?center=alucluster") == (9, 8)
    member = page.evaluate(
        """window.crmExplorer.graph.findNode(
            (id, a) => window.crmExplorer.graph.degree(id) === 1)"""
    )
    page.evaluate(
        """id => { const r = window.crmExplorer.renderer();
                   r.emit('clickNode', {node: id}); }""",
        member,
    )
    panel = page.locator("#explorer-panel")
    expect(panel.locator("a")).to_have_attribute("href", re.compile(r"^/en/"))
    panel.get_by_role("button", name="Remove").click()
    assert counts(page) == (8, 7)
    assert drawn(page, page.url) == (8, 7)


def test_exports_parse_and_hold_no_contact_data_for_a_reader(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    drawn(page, "/en/explore?center=p-michael-nedergaard")
    files = {}
    for name in ("GEXF", "GraphML", "nodes (CSV)", "ties (CSV)", "PNG", "SVG"):
        control = page.locator(".explorer-exports").get_by_text(name, exact=True)
        with page.expect_download() as download:
            control.click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[name] = target.read_bytes()
    gexf = networkx.read_gexf(io.BytesIO(files["GEXF"]))
    graphml = networkx.read_graphml(io.BytesIO(files["GraphML"]))
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (19, 27)
    assert (graphml.number_of_nodes(), graphml.number_of_edges()) == (19, 27)
    assert len(files["nodes (CSV)"].decode().strip().splitlines()) == 1 + 19
    assert len(files["ties (CSV)"].decode().strip().splitlines()) == 1 + 27
    assert files["PNG"].startswith(PNG_SIGNATURE)
    width, height = (int.from_bytes(files["PNG"][at : at + 4], "big") for at in (16, 20))
    assert width > 300
    assert height > 300
    svg = ElementTree.fromstring(files["SVG"])
    assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == 19
    for name in ("GEXF", "GraphML", "nodes (CSV)", "ties (CSV)", "SVG"):
        assert EMAIL.search(files[name].decode()) is None, name
    # the same export for an administrator holds e-mail addresses: the reader's lacks them
    response = httpx.get(
        f"{demo.base}/export/network.nodes.csv",
        params={"center": "p-michael-nedergaard"},
        headers={"authorization": f"Bearer {demo.admin_key}"},
    )
    assert EMAIL.search(response.text) is not None


def test_an_unknown_node_is_not_found_in_the_visitor_s_language(page: Page) -> None:
    response = page.goto("/da/explore?center=p-nobody")
    assert response is not None
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("h1")).to_have_text("Siden blev ikke fundet")


def test_a_view_over_the_limit_says_so_and_how_to_narrow_it(page: Page) -> None:
    response = page.goto("/en/explore?center=p-michael-nedergaard&depth=3&limit=50")
    assert response is not None
    assert response.status == 400
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("more than 50 nodes")
    expect(problem).to_contain_text("smaller depth")
    assert page.evaluate("window.crmExplorer.graph.order") == 0


def test_the_explorer_is_accessible(page: Page) -> None:
    drawn(page, "/de/explore?center=alucluster")
    page.evaluate(
        """window.crmExplorer.renderer().emit('clickNode',
            {node: window.crmExplorer.graph.nodes()[0]})"""
    )
    violations = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert violations == []
