"""Signing in with an API key, and out.

``/{lang}/sign-in?next=/path`` takes a key (``crm keys create editor`` makes one; ``crm demo``
prints an admin key on its first run), checks it as the API does, starts a session
(``crm.web.session``) and goes back to ``next``, a path of this site only. Signing out (a POST
from the user menu) ends the session for good: the graph notes it, so a copy of the cookie no
longer signs anyone in. The key itself is never shown back, stored in the cookie or logged.
"""

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from crm.errors import StoreUnavailable, TooManyFailures
from crm.web import csrf, forms
from crm.web.flash import flash
from crm.web.forms import STATUS, Form
from crm.web.i18n import LANGUAGES, N_, translations
from crm.web.links import local_path
from crm.web.operations import PageNotFound, StoreDown
from crm.web.session import COOKIE, clear_cookie
from crm.web.visitor import SessionEnded, account_of

if TYPE_CHECKING:
    from crm.web.site import Site

LABELS = {"key": N_("API key")}


async def sign_in_form(request: Request) -> Response:
    lang = _language(request)
    valid = await _visitor(request)
    form = _form(lang).fill({"next": local_path(request.query_params.get("next"))})
    return _show(request, lang, form, valid=valid)


async def sign_in(request: Request) -> Response:
    lang = _language(request)
    site = _site(request)
    valid = await _visitor(request)
    form = _form(lang).posted(await forms.read(request, site.runner.settings.max_body_bytes))
    token = form.required("key")
    form.values["key"] = ""  # a key is never shown back
    try:
        caller = await site.runner.caller_for_key(request.state.store, token, request)
    except StoreUnavailable:
        raise StoreDown from None
    except TooManyFailures as refused:
        message = N_("Too many keys that were not valid; try again in %(seconds)s seconds.")
        form.problem("key", form.gettext(message) % {"seconds": refused.wait_s})
        response = _show(request, lang, form, 429, valid=valid)
        response.headers["Retry-After"] = str(refused.wait_s)
        return response
    if caller is None or caller.key_id is None:
        message = N_("This key is not valid: it may be mistyped, or it has been revoked.")
        form.problem("key", form.gettext(message))
        return _show(request, lang, form, STATUS, valid=valid)
    await _end(request)  # the session of the key signed in before, if any
    session = site.sessions.start(caller.key_id, caller.role)
    response = RedirectResponse(local_path(form.value("next")) or f"/{lang}/", 303)
    site.sessions.set(response, request, session)
    clear_cookie(response, request, csrf.COOKIE)  # the session's token takes its place
    return flash(response, request, "signed-in")


async def sign_out(request: Request) -> Response:
    lang = _language(request)
    if await _visitor(request) and account_of(request) is not None:
        await forms.read(request, _site(request).runner.settings.max_body_bytes)  # CSRF
        await _end(request)
    response = RedirectResponse(f"/{lang}/", 303)
    clear_cookie(response, request, COOKIE)
    return flash(response, request, "signed-out")


async def _visitor(request: Request) -> bool:
    """Ask the site's visitor who this is (``account_of`` then says); false when the session
    cookie signs no one in any more (it is as good as signed out)."""
    try:
        await _site(request).visitor(request)
    except SessionEnded:
        return False
    return True


async def _end(request: Request) -> None:
    """End the visitor's session, if any, for good."""
    account = account_of(request)
    if account is None:
        return
    site = _site(request)
    try:
        await site.runner.end_session(
            request.state.store, account.session.session_id, site.sessions.ends_at(account.session)
        )
    except StoreUnavailable:
        raise StoreDown from None


def _language(request: Request) -> str:
    lang: str = request.path_params["lang"]
    if lang not in LANGUAGES:
        raise PageNotFound
    request.state.lang = lang
    return lang


def _form(lang: str) -> Form:
    return Form(LABELS, translations(lang).gettext)


def _site(request: Request) -> "Site":
    site: Site = request.app.state.site
    return site


def _show(
    request: Request, lang: str, form: Form, status: int = 200, *, valid: bool = True
) -> Response:
    """The sign-in page; a session cookie that signs no one in any more is deleted."""
    response = _site(request).render(request, "sign_in.html", lang, status, form=form)
    if not valid:
        clear_cookie(response, request, COOKIE)
    return response


routes = [
    Route("/{lang}/sign-in", sign_in_form, methods=["GET"]),
    Route("/{lang}/sign-in", sign_in, methods=["POST"]),
    Route("/{lang}/sign-out", sign_out, methods=["POST"]),
]
