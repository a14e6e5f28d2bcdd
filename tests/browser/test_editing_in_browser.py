"""Signing in and editing in a real browser against ``crm demo``: an editor signs in with a key,
records an interaction and finds it on both people's pages; invalid forms show their problems
beside the fields and write nothing; readers are refused; forged, expired, signed-out and
revoked sessions go to the sign-in page (and back); a form posted from another site is refused;
the main flows work by keyboard alone; axe-core finds no serious violation on any new page; a
store that is down gets a 503 page, and the forms work again once it is back."""

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from crm.keys import Role
from crm.web.session import COOKIE, Session, SessionCookies
from tests.browser.conftest import Demo, running_demo
from tests.e2e.test_cli import CRM, ROOT, crm
from tests.faults import hold_lock, kill_engine

SERIOUS = {"serious", "critical"}
COUNTS = """
{ people(first: 0) { totalCount } organizations(first: 0) { totalCount }
  maja: person(id: "p-maja-demoholm") { interactions(first: 0) { totalCount } } }
"""
_TOKEN = re.compile(r"crm_([0-9a-f]{12})_[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class Key:
    token: str

    @property
    def key_id(self) -> str:
        found = _TOKEN.fullmatch(self.token)
        assert found is not None
        return found[1]


def make_keys(demo: Demo, *wanted: tuple[Role, str]) -> list[Key]:
    """New keys (role, name), made at once by ``crm keys create`` processes on the running
    demo's data folder, as an administrator would."""
    made = [
        subprocess.Popen(
            [*CRM, "keys", "create", role.value, "--name", name, "--data-dir", str(demo.data_dir)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, name in wanted
    ]
    keys = []
    for process in made:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        keys.append(Key(out.strip()))
    return keys


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Demo]:
    """A demo of these tests' own: they write to it and stop its engine, and the other browser
    tests rely on the shared demo's known figures."""
    with running_demo(tmp_path_factory, demo_data) as started:
        yield started


@pytest.fixture(scope="module")
def keys(demo: Demo) -> dict[str, Key]:
    editor, reader, to_revoke = make_keys(
        demo,
        (Role.EDITOR, "browser editor"),
        (Role.READER, "browser reader"),
        (Role.EDITOR, "to revoke"),
    )
    return {"editor": editor, "reader": reader, "to revoke": to_revoke}


@pytest.fixture(scope="module")
def editor_key(keys: dict[str, Key]) -> Key:
    return keys["editor"]


@pytest.fixture(scope="module")
def reader_key(keys: dict[str, Key]) -> Key:
    return keys["reader"]


@pytest.fixture
def context(browser: Browser, demo: Demo) -> Iterator[BrowserContext]:
    """A browser of its own (no cookies), whose console errors fail the test."""
    opened = browser.new_context(base_url=demo.base)
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not re.search(r"status of (4\d\d|503)", message.text):
            errors.append(message.text)  # a failed script; the pages' own statuses are expected

    opened.on("console", console)
    yield opened
    opened.close()
    assert errors == []


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, key: Key, lang: str = "en") -> None:
    """Sign in through the sign-in page reached from the user menu of the page shown."""
    if not page.url.startswith("http"):
        page.goto(f"/{lang}/")
    page.locator(".user-menu").get_by_role("link", name=SIGN_IN[lang]).click()
    page.get_by_label(API_KEY[lang]).fill(key.token)
    page.locator("main").get_by_role("button", name=SIGN_IN[lang]).click()
    expect(page.locator(".flash")).to_have_text(SIGNED_IN[lang])


SIGN_IN = {"en": "Sign in", "de": "Anmelden", "da": "Log ind"}
API_KEY = {"en": "API key", "de": "API-Schlüssel", "da": "API-nøgle"}
SIGNED_IN = {"en": "You are signed in.", "de": "Sie sind angemeldet.", "da": "Du er logget ind."}


def serious_violations(page: Page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]


def counts(demo: Demo) -> Any:
    return demo.graphql(COUNTS)


def interactions_table(page: Page) -> str:
    return page.locator("section", has=page.locator("#interactions")).inner_text()


# --- the editor's flow ---


def test_an_editor_signs_in_records_an_interaction_and_sees_it_on_both_pages(
    page: Page, editor_key: Key
) -> None:
    page.goto("/en/people/p-niels-demoholm")
    expect(page.get_by_role("link", name="Record an interaction")).to_have_count(0)

    sign_in(page, editor_key)

    expect(page).to_have_url(re.compile(r"/en/people/p-niels-demoholm$"))  # back where it was
    expect(page.locator(".user-menu")).to_contain_text("Signed in: browser editor")
    expect(page.locator(".user-menu")).to_contain_text(f"({editor_key.key_id}, editor)")
    page.locator("main").get_by_role("link", name="Record an interaction").click()
    expect(page.get_by_label("Who reached out")).to_have_value("Niels Demoholm")
    to_whom = page.get_by_label("To whom")
    to_whom.press_sequentially("Erfundenb", delay=20)
    expect(page.locator("#f-to-options option[value='Birgit Erfundenberg']")).to_have_count(1)
    to_whom.fill("Birgit Erfundenberg")
    expect(page.locator("#f-to-id")).not_to_have_value("")  # the suggestion's record
    page.get_by_label("Kind of interaction").select_option("MEETING")
    page.get_by_label("Date").fill("2026-04-14")
    page.get_by_label("Note").fill("Talked about a joint pilot")
    page.get_by_role("button", name="Record the interaction").click()

    expect(page).to_have_url(re.compile(r"/en/people/p-niels-demoholm$"))
    expect(page.locator(".flash")).to_have_text("The interaction is recorded.")
    niels = interactions_table(page)
    assert "Birgit Erfundenberg" in niels
    assert "14 April 2026" in niels
    assert "Talked about a joint pilot" in niels
    page.get_by_role("link", name="Birgit Erfundenberg").click()
    birgit = interactions_table(page)
    assert "Niels Demoholm" in birgit
    assert "14 April 2026" in birgit
    assert "was contacted" in birgit


def test_an_invalid_person_shows_its_problems_beside_the_fields_and_writes_nothing(
    page: Page, demo: Demo, editor_key: Key
) -> None:
    sign_in(page, editor_key)
    before = counts(demo)
    page.get_by_role("link", name="New person").click()
    page.get_by_label("Given name").fill("Bad")
    page.get_by_label("Family name").fill("Address")
    page.get_by_label("Country").select_option("DK")
    page.get_by_label("E-mail").fill("not-an-email")
    page.get_by_label("Danish").check()
    page.get_by_label("Lawful basis", exact=True).select_option("CONSENT")
    page.get_by_role("button", name="Create the person").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("E-mail:")
    email = page.get_by_label("E-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("not-an-email")
    expect(page.locator("#f-email-error")).to_contain_text("valid email address")
    expect(page.get_by_label("Family name")).to_have_value("Address")
    expect(page.get_by_label("Danish")).to_be_checked()
    summary.get_by_role("link").first.click()
    expect(email).to_be_focused()
    assert serious_violations(page) == []
    assert counts(demo) == before


def test_the_same_person_twice_is_refused_and_nothing_is_written(
    page: Page, demo: Demo, editor_key: Key
) -> None:
    sign_in(page, editor_key)
    before = counts(demo)
    page.goto("/de/new/interaction?with=p-maja-demoholm")
    page.get_by_label("Mit wem").fill("Maja Demoholm")
    page.get_by_label("Art des Kontakts").select_option("CALL")
    page.get_by_role("button", name="Kontakt erfassen").click()

    expect(page.locator("#f-to-error")).to_contain_text("an interaction is between two people")
    expect(page.locator("#f-to-error span[lang='en']")).to_have_count(1)
    expect(page.get_by_label("Mit wem")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Art des Kontakts")).to_have_value("CALL")
    assert counts(demo) == before


def test_a_name_several_share_is_chosen_among_them_without_scripts(
    browser: Browser, demo: Demo, editor_key: Key
) -> None:
    context = browser.new_context(base_url=demo.base, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, editor_key)
    page.goto("/en/new/job?person=p-julia-beispiel")
    page.get_by_label("Organisation or cluster").fill("cluster")
    page.get_by_label("Role").fill("Guest researcher")
    page.get_by_role("button", name="Add the job").click()

    expect(page.locator("#f-employer-error")).to_have_text(re.compile("Several match"))
    page.get_by_role("group", name="Which one do you mean?").get_by_text("AluCluster").click()
    page.get_by_role("button", name="Add the job").click()

    expect(page).to_have_url(re.compile(r"/en/people/p-julia-beispiel$"))
    expect(page.locator("section", has=page.locator("#work"))).to_contain_text(
        re.compile("AluCluster DK, Guest researcher")
    )
    context.close()


# --- who may edit, and sessions that end ---


def test_a_reader_is_refused_with_a_way_to_sign_in(page: Page, reader_key: Key) -> None:
    anonymous = page.goto("/da/clusters/alucluster/edit")
    assert anonymous is not None
    assert anonymous.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Kun for redaktører")
    assert serious_violations(page) == []
    page.locator("main").get_by_role("link", name="Log ind").click()
    page.get_by_label("API-nøgle").fill(reader_key.token)
    page.locator("main").get_by_role("button", name="Log ind").click()

    expect(page).to_have_url(re.compile(r"/da/clusters/alucluster/edit$"))  # back, and still
    expect(page.get_by_role("heading", level=1)).to_have_text("Kun for redaktører")
    expect(page.locator("main")).to_contain_text("browser reader")
    expect(
        page.locator("main").get_by_role("link", name="Log ind med en anden nøgle")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Rediger profilen")).to_have_count(0)


@pytest.mark.parametrize("how", ["forged", "expired"])
def test_a_forged_or_expired_cookie_leads_to_sign_in_then_back(
    context: BrowserContext, page: Page, demo: Demo, editor_key: Key, how: str
) -> None:
    sign_in(page, editor_key)
    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    if how == "forged":
        value = cookie["value"][:-3] + ("xyz" if not cookie["value"].endswith("xyz") else "abc")
    else:
        secret = (demo.data_dir / "session-secret").read_bytes().strip()
        old = Session(
            editor_key.key_id, Role.EDITOR, int(time.time()) - 9 * 3600, "s" * 22, "c" * 43
        )
        value = SessionCookies(lambda: secret, 8).value(old)
    context.add_cookies([{"name": COOKIE, "value": value, "url": demo.base}])

    page.goto("/en/clusters/alucluster?members=")

    expect(page).to_have_url(
        re.compile(
            re.escape("/en/sign-in?next=" + quote("/en/clusters/alucluster?members=", safe=""))
        )
    )
    expect(page.locator(".flash")).to_have_text("Your session has ended. Please sign in again.")
    page.get_by_label("API key").fill(editor_key.token)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/en/clusters/alucluster\?members=$"))
    expect(page.get_by_role("link", name="Edit this profile")).to_be_visible()


def test_signing_out_ends_the_session_for_good(
    context: BrowserContext, page: Page, demo: Demo, editor_key: Key
) -> None:
    sign_in(page, editor_key)
    kept = next(c for c in context.cookies() if c["name"] == COOKIE)

    page.locator(".user-menu").get_by_role("button", name="Sign out").click()

    expect(page.locator(".flash")).to_have_text("You are signed out.")
    expect(page.locator(".user-menu").get_by_role("link", name="Sign in")).to_be_visible()
    context.add_cookies([{"name": COOKIE, "value": kept["value"], "url": demo.base}])  # kept
    page.goto("/en/new/person")
    expect(page).to_have_url(re.compile(r"/en/sign-in\?next="))


def test_a_revoked_key_s_session_ends_at_once(page: Page, demo: Demo, keys: dict[str, Key]) -> None:
    key = keys["to revoke"]
    sign_in(page, key)
    page.goto("/en/new/organisation")
    expect(page.get_by_role("heading", level=1)).to_have_text("New organisation")

    revoked = crm("keys", "revoke", key.key_id, "--data-dir", str(demo.data_dir))
    assert revoked.returncode == 0, revoked.stderr
    page.reload()

    expect(page).to_have_url(re.compile(r"/en/sign-in\?next=%2Fen%2Fnew%2Forganisation$"))


def test_a_form_posted_from_another_site_is_refused(
    context: BrowserContext, page: Page, demo: Demo, editor_key: Key
) -> None:
    sign_in(page, editor_key)
    before = demo.graphql('{ cluster(id: "alucluster") { name } }')
    attack = (
        f'<form method="post" action="{demo.base}/en/clusters/alucluster/edit">'
        '<input name="name" value="Taken over"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    context.route(
        "http://attacker.test/**",
        lambda route: route.fulfill(body=attack, content_type="text/html"),
    )

    with page.expect_navigation(url=re.compile(re.escape(demo.base))):
        page.goto("http://attacker.test/")
    response = page.request.post(
        "/en/clusters/alucluster/edit", form={"name": "Taken over"}
    )  # the visitor's own cookies, without the form's token

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Editors only|not accepted")
    )
    assert response.status == 403
    assert demo.graphql('{ cluster(id: "alucluster") { name } }') == before


# --- by keyboard alone ---


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element ``selector`` names has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached by {limit} presses of Tab")


def follow(page: Page, key: str) -> None:
    """Press ``key``, which leads to another page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_signing_in_editing_recording_and_signing_out_work_by_keyboard(
    page: Page, demo: Demo
) -> None:
    page.goto("/en/clusters/cl-demosund-maritim")
    tab_to(page, ".user-menu a[href^='/en/sign-in']")
    follow(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    tab_to(page, "#f-key")
    page.keyboard.type(demo.admin_key)
    follow(page, "Enter")
    expect(page.locator(".flash")).to_have_text("You are signed in.")

    tab_to(page, "a[href$='/clusters/cl-demosund-maritim/edit']")
    follow(page, "Enter")
    tab_to(page, "#f-descriptionDa")
    page.keyboard.press("Control+A")
    page.keyboard.type("Maritim klynge, redigeret med tastaturet.")
    tab_to(page, "button[type=submit]")
    follow(page, "Enter")
    expect(page.locator(".flash")).to_have_text("Your changes are saved.")

    tab_to(page, ".editor-nav a[href='/en/new/interaction']")
    follow(page, "Enter")
    tab_to(page, "#f-from")
    page.keyboard.type("Florian Musterhagen")
    tab_to(page, "#f-to")
    page.keyboard.type("Julia Beispiel")
    tab_to(page, "#f-kind")
    page.keyboard.type("Call")
    tab_to(page, "button[type=submit]")
    follow(page, "Enter")
    expect(page.locator(".flash")).to_have_text("The interaction is recorded.")
    assert "Julia Beispiel" in interactions_table(page)

    tab_to(page, ".user-menu button")
    follow(page, "Enter")
    expect(page.locator(".flash")).to_have_text("You are signed out.")
    page.goto("/da/clusters/cl-demosund-maritim")
    expect(page.locator("main")).to_contain_text("Maritim klynge, redigeret med tastaturet.")


def test_a_form_with_problems_is_corrected_by_keyboard(page: Page, editor_key: Key) -> None:
    sign_in(page, editor_key)
    page.goto("/en/new/organisation")
    tab_to(page, "#f-name")
    page.keyboard.type("Keyboard Works ApS")
    tab_to(page, "button[type=submit]")
    follow(page, "Enter")

    expect(page.locator("#error-summary")).to_be_focused()
    page.keyboard.press("Tab")  # the summary's first link: the kind's problem
    page.keyboard.press("Enter")
    expect(page.locator("#f-kind")).to_be_focused()
    page.keyboard.type("Company")
    tab_to(page, "#f-country")
    page.keyboard.type("Denmark")
    tab_to(page, "button[type=submit]")
    follow(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard Works ApS")


# --- accessibility of every new page ---

NAME = {"en": "Name", "de": "Name", "da": "Navn"}
NEW_PAGES = [
    "/{lang}/sign-in",
    "/{lang}/clusters/alucluster/edit",
    "/{lang}/new/interaction",
    "/{lang}/new/person",
    "/{lang}/new/organisation",
    "/{lang}/new/job",
]


@pytest.mark.parametrize("lang", ["en", "de", "da"])
def test_every_new_page_is_accessible_empty_and_with_problems(
    page: Page, editor_key: Key, lang: str
) -> None:
    sign_in(page, editor_key, lang)
    for path in NEW_PAGES:
        response = page.goto(path.format(lang=lang))
        assert response is not None
        assert response.status == 200, path
        expect(page.locator("h1")).to_have_count(1)
        assert serious_violations(page) == [], path
        if path.endswith("sign-in"):
            continue
        if path.endswith("/edit"):
            page.get_by_label(NAME[lang], exact=True).fill("")  # a profile needs a name
        page.locator("form.edit-form button[type=submit]").click()  # a blank form's problems
        expect(page.locator("#error-summary")).to_be_visible()
        assert serious_violations(page) == [], f"{path} with problems"
    page.goto(f"/{lang}/new/person")
    page.evaluate("document.querySelector('form.edit-form input[name=csrf]').value = 'stale'")
    with page.expect_response(re.compile("/new/person$")) as sent:
        page.locator("form.edit-form button[type=submit]").click()
    assert sent.value.status == 403  # the form-refused page
    assert serious_violations(page) == []


# Last: it stops the store.
def test_a_store_that_is_down_gets_a_503_page_then_the_forms_work_again(
    page: Page, demo: Demo, editor_key: Key
) -> None:
    sign_in(page, editor_key)
    page.goto("/de/new/organisation")
    page.get_by_label("Name").fill("Ausfall GmbH")
    page.get_by_label("Art der Organisation").select_option("COMPANY")
    page.get_by_label("Land").select_option("DE")
    holder = hold_lock(demo.data_dir)  # nothing may start the engine again meanwhile
    try:
        kill_engine(demo.data_dir)
        with page.expect_response(re.compile("/de/new/organisation$")) as sent:
            page.get_by_role("button", name="Organisation anlegen").click()
        assert sent.value.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("Vorübergehend nicht verfügbar")
    finally:
        holder.kill()
        holder.communicate()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = page.goto("/de/new/organisation")
        if response is not None and response.status == 200:
            break
        time.sleep(0.5)
    page.get_by_label("Name").fill("Ausfall GmbH")
    page.get_by_label("Art der Organisation").select_option("COMPANY")
    page.get_by_label("Land").select_option("DE")
    page.get_by_role("button", name="Organisation anlegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ausfall GmbH")
