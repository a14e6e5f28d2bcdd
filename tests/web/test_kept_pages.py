"""Pages kept as rendered (``crm.web.kept``) through the real app in-process, on a copy of the
demo of their own: a page sent again is the page a fresh render gives, a write shows on the next
visit, browsers revalidate with the ETag, and nothing personal is kept or handed to others."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.keys import Role
from crm.web.flash import COOKIE as FLASH
from crm.web.site import Site
from tests.api.conftest import Api, serve
from tests.conftest import copy_data, engine_settings
from tests.web.signing import main, sign_in

MICHAEL = "p-michael-nedergaard"
PAGES = [
    "/en/",
    "/da/clusters?country=DK",
    "/de/clusters/alucluster",
    f"/en/people/{MICHAEL}",
    "/en/events/ev-intranet-workshop-1",
    "/da/search?q=sundhed",
    "/en/dashboard",
    "/en/dashboard?asOf=2018-01-01",
]
RETITLE = """mutation($id: ID!, $title: String) {
  updatePerson(id: $id, input: {title: $title}) { errors { message } } }"""


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Api]:
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("kept") / "crm-data")
    copy_data(demo_data, settings.data_dir)
    for api in serve(settings.model_copy(update={"anonymous_role": Role.READER})):
        api.client.headers["accept"] = "text/html"
        yield api


def site_of(api: Api) -> Site:
    """The site mounted in the app."""
    for route in api.client.app.routes:  # type: ignore[attr-defined]
        site = getattr(getattr(getattr(route, "app", None), "state", None), "site", None)
        if isinstance(site, Site):
            return site
    raise AssertionError("the app mounts no site")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_sent_again_is_the_page_a_fresh_render_gives(api: Api, path: str) -> None:
    site = site_of(api)
    first = api.client.get(path)
    again = api.client.get(path)
    site.kept.clear()
    fresh = api.client.get(path)

    assert first.status_code == again.status_code == fresh.status_code == 200
    assert again.text == first.text == fresh.text
    assert again.headers["etag"] == first.headers["etag"] == fresh.headers["etag"]
    assert again.headers["content-encoding"] == "gzip"
    assert again.headers["cache-control"] == "no-cache"


def test_each_language_and_address_is_a_page_of_its_own(api: Api) -> None:
    tags = {api.client.get(path).headers["etag"] for path in ["/en/", "/de/", "/da/", "/en/?x=1"]}

    assert len(tags) == 4


def test_a_browser_holding_the_page_gets_not_modified(api: Api) -> None:
    etag = api.client.get("/en/clusters").headers["etag"]

    unchanged = api.client.get("/en/clusters", headers={"if-none-match": f'W/"x", {etag}'})
    other = api.client.get("/en/clusters", headers={"if-none-match": '"not-this-page"'})

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert other.status_code == 200
    assert "AluCluster" in other.text


def test_a_write_shows_on_the_next_visit(api: Api) -> None:
    path = f"/en/people/{MICHAEL}"
    title = api.data(f'{{ person(id: "{MICHAEL}") {{ title }} }}')["person"]["title"]
    before = api.client.get(path)
    assert "Kept-page probe" not in before.text

    api.data(RETITLE, {"id": MICHAEL, "title": "Kept-page probe"})
    after = api.client.get(path)
    api.data(RETITLE, {"id": MICHAEL, "title": title})
    restored = api.client.get(path)

    assert "Kept-page probe" in main(after.text)
    assert after.headers["etag"] != before.headers["etag"]
    assert "Kept-page probe" not in restored.text
    assert restored.headers["etag"] == before.headers["etag"]
    assert api.client.get(path, headers={"if-none-match": after.headers["etag"]}).status_code == 200


def test_a_client_without_gzip_gets_the_page_plain(api: Api) -> None:
    kept = api.client.get("/en/events/ev-intranet-workshop-1")
    plain = api.client.get(
        "/en/events/ev-intranet-workshop-1", headers={"accept-encoding": "identity"}
    )

    assert "content-encoding" not in plain.headers
    assert plain.text == kept.text


def test_a_message_to_show_once_is_shown_and_not_kept(api: Api) -> None:
    api.client.get("/en/projects/intranet")
    api.client.cookies.set(FLASH, "signed-out")
    try:
        flashed = api.client.get("/en/projects/intranet")
    finally:
        api.client.cookies.delete(FLASH)
    after = api.client.get("/en/projects/intranet")

    assert "You are signed out." in flashed.text
    assert "etag" not in flashed.headers
    assert "You are signed out." not in after.text


def test_signed_in_pages_are_never_kept_nor_given_to_others(api: Api) -> None:
    path = f"/en/people/{MICHAEL}"
    anonymous = api.client.get(path)
    sign_in(api.client, api.keys[Role.EDITOR].token)
    try:
        signed_in = api.client.get(path)
    finally:
        api.client.cookies.clear()
    after = api.client.get(path)

    assert "<dt>E-mail</dt>" in signed_in.text
    assert "etag" not in signed_in.headers
    assert signed_in.headers["cache-control"] == "no-store"
    assert "<dt>E-mail</dt>" not in anonymous.text
    assert "<dt>E-mail</dt>" not in after.text
