"""Signing in and out through the real app in-process: the session cookie (what it holds, its
flags, its lifetime), where a visitor goes after signing in, sessions that end (forged, expired,
signed out, a revoked key), CSRF, and who may open an edit page."""

import base64
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from crm.config import Settings
from crm.graph.store import GraphStore
from crm.keys import Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key, revoke_key
from crm.web.session import (
    COOKIE,
    SECRET_FILE,
    Session,
    SessionCookies,
    cookies_of,
    session_secret,
)
from tests.api.conftest import Api, serve
from tests.web.signing import main, put_cookie, sign_in, token_of

PROFILE = "/en/clusters/alucluster"
EDIT = "/en/clusters/alucluster/edit"


@pytest.fixture(scope="module")
def app(site_settings: Settings) -> Iterator[Api]:
    """An app of this module's own over the demo (its client's cookies are its own)."""
    for api in serve(site_settings):
        api.client.headers["accept"] = "text/html"
        yield api


@pytest.fixture
def client(app: Api) -> Iterator[TestClient]:
    """The app's client, signed out before and after."""
    app.client.cookies.clear()
    yield app.client
    app.client.cookies.clear()


def test_signing_in_sets_a_signed_http_only_cookie_without_the_key(
    app: Api, client: TestClient
) -> None:
    key = app.keys[Role.EDITOR]

    response = sign_in(client, key.token, PROFILE)

    assert response.headers["location"] == PROFILE
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header
    assert "SameSite=lax" in header
    assert f"Max-Age={8 * 3600}" in header
    assert "Secure" not in header  # plain HTTP: the test client's
    value = client.cookies[COOKIE]
    payload = base64.urlsafe_b64decode(value.split(".")[0] + "==")
    assert key.secret not in value
    assert key.secret.encode() not in payload
    assert key.key_id.encode() in payload
    page = client.get(PROFILE)
    assert "You are signed in." in page.text  # the flash, once
    assert "You are signed in." not in client.get(PROFILE).text
    assert "Signed in: tests (editor)" in page.text
    assert f"({key.key_id}, editor)" in page.text
    assert 'action="/en/sign-out"' in page.text
    assert page.headers["cache-control"] == "no-store"


def test_over_https_the_cookie_is_secure(app: Api, client: TestClient) -> None:
    page = client.get("https://testserver/en/sign-in")
    fields = {"csrf": token_of(page.text), "key": app.keys[Role.EDITOR].token}

    response = client.post("https://testserver/en/sign-in", data=fields, follow_redirects=False)

    assert response.status_code == 303
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "Secure" in header


def test_a_wrong_key_is_refused_beside_the_field_and_not_shown_back(client: TestClient) -> None:
    page = client.get("/de/sign-in")
    wrong = "crm_000000000000_" + "x" * 43
    response = client.post("/de/sign-in", data={"csrf": token_of(page.text), "key": wrong})

    assert response.status_code == 422
    assert "Dieser Schlüssel ist nicht gültig" in main(response.text)
    assert 'aria-invalid="true"' in response.text
    assert wrong not in response.text
    assert COOKIE not in client.cookies


@pytest.mark.parametrize(
    "back_to",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_after_signing_in_the_visitor_goes_only_to_a_path_of_the_site(
    app: Api, client: TestClient, back_to: str
) -> None:
    response = sign_in(client, app.keys[Role.EDITOR].token, back_to)

    assert response.headers["location"] == "/en/"


def test_a_forged_cookie_leads_to_sign_in_and_back(app: Api, client: TestClient) -> None:
    sign_in(client, app.keys[Role.EDITOR].token)
    value = client.cookies[COOKIE]
    put_cookie(client, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))

    response = client.get(PROFILE + "?members=", follow_redirects=False)

    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/en/sign-in?next=%2Fen%2Fclusters%2Falucluster%3Fmembers%3D"
    )
    assert any(h.startswith(f'{COOKIE}=""') for h in response.headers.get_list("set-cookie"))
    page = client.get(response.headers["location"])
    assert "Your session has ended. Please sign in again." in page.text
    back = sign_in(client, app.keys[Role.EDITOR].token, PROFILE + "?members=")
    assert back.headers["location"] == PROFILE + "?members="


def test_an_expired_cookie_leads_to_sign_in(
    app: Api, client: TestClient, site_settings: Settings
) -> None:
    maker = cookies_of(site_settings)  # as the app makes them: the secret in the data folder
    key = app.keys[Role.EDITOR]
    old = Session(key.key_id, Role.EDITOR, int(time.time()) - 9 * 3600, "old-session", "c" * 43)
    put_cookie(client, maker.value(old))

    answer = client.get(PROFILE, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/en/sign-in?next=")


def test_a_cookie_of_another_secret_is_refused(app: Api, client: TestClient) -> None:
    other = SessionCookies(lambda: b"another-secret-of-more-than-32-characters", 8)
    key = app.keys[Role.EDITOR]
    put_cookie(client, other.value(other.start(key.key_id, Role.ADMIN)))

    assert client.get(PROFILE, follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session_for_good(app: Api, client: TestClient) -> None:
    sign_in(client, app.keys[Role.EDITOR].token)
    old = client.cookies[COOKIE]
    page = client.get("/en/")

    response = client.post(
        "/en/sign-out", data={"csrf": token_of(page.text)}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/en/"
    assert "You are signed out." in client.get("/en/").text
    put_cookie(client, old)  # a copy kept from before
    again = client.get(EDIT, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/en/sign-in?next=%2Fen%2Fclusters%2Falucluster%2Fedit"


def test_signing_out_needs_the_session_s_token(app: Api, client: TestClient) -> None:
    sign_in(client, app.keys[Role.EDITOR].token)

    response = client.post("/en/sign-out", data={"csrf": "not-the-token"})

    assert response.status_code == 403
    assert client.get(EDIT).status_code == 200  # still signed in


def test_a_revoked_key_s_session_ends_at_once(app: Api, client: TestClient) -> None:
    key = new_key()

    async def make(store: GraphStore) -> None:
        await create_key(
            store,
            key,
            Role.EDITOR,
            "to revoke",
            Change("createKey", CLI, "2026-01-01T00:00:00.000Z"),
        )

    app.run(make)
    sign_in(client, key.token)
    assert client.get(EDIT).status_code == 200

    async def revoke(store: GraphStore) -> None:
        await revoke_key(store, key.key_id, Change("revokeKey", CLI, "2026-01-02T00:00:00.000Z"))

    app.run(revoke)
    response = client.get(EDIT, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/en/sign-in")


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, {}),
        ("wrong", {}),
        ("right", {"sec-fetch-site": "cross-site"}),
        ("right", {"sec-fetch-site": "same-site"}),
        ("right", {"origin": "https://evil.example"}),
        ("right", {"origin": "null"}),
    ],
)
def test_a_form_without_its_token_or_from_elsewhere_is_refused(
    app: Api, client: TestClient, token: str | None, headers: dict[str, str]
) -> None:
    sign_in(client, app.keys[Role.EDITOR].token)
    right = token_of(client.get(EDIT).text)
    fields = {"name": "Hijacked"} | (
        {} if token is None else {"csrf": right if token == "right" else token}
    )

    response = client.post(EDIT, data=fields, headers=headers)

    assert response.status_code == 403
    assert "The form was not accepted" in response.text
    assert 'href="/en/clusters/alucluster/edit"' in main(response.text)
    assert "Hijacked" not in client.get(PROFILE).text


def test_a_form_from_the_site_itself_is_accepted(app: Api, client: TestClient) -> None:
    sign_in(client, app.keys[Role.EDITOR].token)
    fields = {"csrf": token_of(client.get("/en/").text)}
    same = {"sec-fetch-site": "same-origin", "origin": "http://testserver"}

    response = client.post("/en/sign-out", data=fields, headers=same, follow_redirects=False)

    assert response.status_code == 303
    assert "You are signed out." in client.get("/en/").text


def test_a_reader_opening_an_edit_page_is_refused_with_a_way_to_sign_in(
    app: Api, client: TestClient
) -> None:
    anonymous = client.get("/da" + EDIT.removeprefix("/en"))
    sign_in(client, app.keys[Role.READER].token)
    reader = client.get(EDIT)

    assert anonymous.status_code == 403
    assert '<html lang="da">' in anonymous.text
    assert 'href="/da/sign-in?next=%2Fda%2Fclusters%2Falucluster%2Fedit"' in main(anonymous.text)
    assert reader.status_code == 403
    assert "Sign in with another key" in main(reader.text)
    assert reader.headers["cache-control"] == "no-store"
    for path in ("/en/new/person", "/en/new/organisation", "/en/new/interaction", "/en/new/job"):
        assert client.get(path).status_code == 403
        assert (
            client.post(path, data={"csrf": token_of(client.get("/en/").text)}).status_code == 403
        )
    assert client.get("/en/suggest/people?q=jana").status_code == 403


def test_editors_get_links_to_the_forms_and_readers_do_not(app: Api, client: TestClient) -> None:
    reader_page = client.get("/en/people/p-michael-nedergaard").text
    sign_in(client, app.keys[Role.EDITOR].token)
    editor_page = client.get("/en/people/p-michael-nedergaard").text
    profile = client.get(PROFILE).text

    assert "/new/interaction" not in reader_page
    assert 'href="/en/new/interaction?with=p-michael-nedergaard"' in editor_page
    assert 'href="/en/new/job?person=p-michael-nedergaard"' in editor_page
    assert 'href="/en/new/person"' in editor_page
    assert 'href="/en/new/organisation"' in editor_page
    assert 'href="/en/clusters/alucluster/edit"' in profile


def test_a_sign_out_without_a_session_just_signs_out(client: TestClient) -> None:
    response = client.post("/en/sign-out", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/en/"


def test_sign_in_and_out_are_not_logged_with_the_key(
    app: Api, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    key = app.keys[Role.ADMIN]
    with caplog.at_level("DEBUG"):
        sign_in(client, key.token)
        client.post("/en/sign-in", data={"csrf": "x", "key": key.token})

    assert not [r for r in caplog.records if key.secret in r.getMessage()]


def test_the_session_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "crm-data")

    first = session_secret(settings)
    second = session_secret(settings)

    path = tmp_path / "crm-data" / SECRET_FILE
    assert first == second
    assert len(first) >= 32
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE]
    assert session_secret(Settings(session_secret=SecretStr("s" * 32))) == b"s" * 32


def test_a_session_outlives_a_restart_of_the_app(app: Api, site_settings: Settings) -> None:
    """The secret kept in the data folder signs the cookies of the next app too."""
    sign_in(app.client, app.keys[Role.EDITOR].token)
    value = app.client.cookies[COOKIE]
    app.client.cookies.clear()
    for again in serve(site_settings):
        put_cookie(again.client, value)
        assert again.client.get(EDIT).status_code == 200
