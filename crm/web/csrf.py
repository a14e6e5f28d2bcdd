"""Cross-site request forgery: a form is accepted only with the token the site gave it.

A signed-in visitor's forms carry the session's CSRF secret (a synchronizer token in a hidden
field, compared in constant time). Visitors without a session (the sign-in form; anonymous
editors in development) get a token that a cookie of its own repeats (double submit). As
defence in depth a POST must also come from the site itself: by ``Sec-Fetch-Site`` where the
browser sends it, else by ``Origin``.
"""

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from crm.web.session import set_cookie
from crm.web.visitor import account_of

FIELD = "csrf"
"""The hidden field every form carries its token in."""
COOKIE = "crm_csrf"
"""The token of visitors without a session."""
COOKIE_S = 12 * 3600
_FROM_THE_SITE = frozenset({"same-origin", "none"})
"""``Sec-Fetch-Site`` of requests that the site's own pages (or the visitor, typing) started."""


class CsrfRefused(Exception):
    """A form without its token, with another one, or sent from another site."""


def token(request: Request) -> str:
    """The token the forms of this page carry (``keep`` sets its cookie when it is new)."""
    request.state.csrf_used = True
    account = account_of(request)
    if account is not None:
        return account.session.csrf
    made: str | None = getattr(request.state, "csrf_made", None)
    if made is not None:
        return made
    kept = request.cookies.get(COOKIE)
    if kept:
        return kept
    request.state.csrf_made = made = secrets.token_urlsafe(32)
    return made


def used(request: Request) -> bool:
    """Whether the page gave a form its token (then no cache may keep it)."""
    return bool(getattr(request.state, "csrf_used", False))


def keep(request: Request, response: Response) -> None:
    """Set the cookie of a token ``token`` made for this page."""
    made: str | None = getattr(request.state, "csrf_made", None)
    if made is not None:
        set_cookie(response, request, COOKIE, made, COOKIE_S)


def check(request: Request, sent: str | None) -> None:
    """Refuse (``CsrfRefused``) a form whose token ``sent`` is not the visitor's, or that came
    from another site."""
    account = account_of(request)
    expected = account.session.csrf if account is not None else request.cookies.get(COOKIE)
    if not from_the_site(request):
        raise CsrfRefused
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused


def from_the_site(request: Request) -> bool:
    """Whether the browser says the request came from one of the site's own pages."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in _FROM_THE_SITE
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"
