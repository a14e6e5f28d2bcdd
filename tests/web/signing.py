"""What the in-process tests of signing in and editing share: reading a page's CSRF token and
main content, and signing a client in."""

import re
from collections.abc import Mapping

import httpx2 as httpx
from starlette.testclient import TestClient

from crm.web.session import COOKIE


def token_of(html: str) -> str:
    """The CSRF token of the page's first form."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found[1]


def main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found is not None
    return found[0]


def sign_in(client: TestClient, key: str, back_to: str | None = None) -> httpx.Response:
    """Sign ``client`` in with ``key`` through the sign-in form; the answer (not followed)."""
    page = client.get("/en/sign-in", params={"next": back_to} if back_to else None)
    fields = {"csrf": token_of(page.text), "key": key, "next": back_to or ""}
    response: httpx.Response = client.post("/en/sign-in", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert COOKIE in client.cookies
    return response


def post_form(
    client: TestClient, path: str, fields: Mapping[str, str | list[str]]
) -> httpx.Response:
    """POST ``fields`` to the form at ``path`` with the token its page gives; not followed."""
    token = token_of(client.get(path).text)
    response: httpx.Response = client.post(
        path, data={"csrf": token, **fields}, follow_redirects=False
    )
    return response


def put_cookie(client: TestClient, value: str) -> None:
    """Make ``client`` send ``value`` as its session cookie (one the server could have set)."""
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, value, domain="testserver.local", path="/")
