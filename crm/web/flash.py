"""Messages shown once on the page a form redirects to ("Saved."), after post/redirect/get.

The redirect sets a short-lived cookie naming one of ``MESSAGES``; the next page rendered shows
it and deletes the cookie. The cookie holds a name, never text, so it cannot put words on a
page."""

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from crm.web.i18n import N_
from crm.web.session import clear_cookie, set_cookie

COOKIE = "crm_flash"
LIFETIME_S = 120
MESSAGES: Mapping[str, str] = {
    "saved": N_("Your changes are saved."),
    "created": N_("The record is created."),
    "recorded": N_("The interaction is recorded."),
    "linked": N_("The job is recorded."),
    "signed-in": N_("You are signed in."),
    "signed-out": N_("You are signed out."),
    "session-ended": N_("Your session has ended. Please sign in again."),
}
"""The messages, by the name the cookie holds."""


def flash(response: Response, request: Request, name: str) -> Response:
    """``response`` (a redirect), which makes the next page show the message ``name``."""
    assert name in MESSAGES, name
    set_cookie(response, request, COOKIE, name, LIFETIME_S)
    return response


def take(request: Request, response: Response) -> None:
    """Delete the flash cookie, if any, with ``response`` (the page showing it)."""
    if COOKIE in request.cookies:
        clear_cookie(response, request, COOKIE)


def shown(request: Request) -> str | None:
    """The message id of the flash cookie of ``request``, if it names one."""
    return MESSAGES.get(request.cookies.get(COOKIE, ""))
