"""The web site as an ASGI app mounted under the API's app: pages, static files, error pages.

``Site`` is built once per app (catalogs compiled, asset hashes computed, templates loaded);
its ``app`` is mounted at ``/`` after the API's routes, and ``graphiql`` answers browsers at
``/graphql``. Pages come from ``crm.web.pages.PAGES``: adding a page adds no code here.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from crm.api.execution import InProcess
from crm.keys import Caller, Role
from crm.web import charts, csrf, flash, i18n
from crm.web.assets import Assets
from crm.web.i18n import LANGUAGES, Formats, messages, negotiate, pick, translations
from crm.web.kept import KeptPages
from crm.web.labels import enum_label, role_label
from crm.web.links import record_href, sign_in_href
from crm.web.macros import MACROS
from crm.web.nav import NavItem
from crm.web.operations import BadInput, Busy, OperationFailed, PageNotFound, StoreDown
from crm.web.page import Forbidden, SignInNeeded
from crm.web.pages import PAGES
from crm.web.security import SecurityHeaders, secure
from crm.web.session import COOKIE as SESSION_COOKIE
from crm.web.session import SessionCookies, clear_cookie, cookies_of
from crm.web.visitor import SessionEnded, Visitor, account_of, signed_in

TEMPLATES_DIR = Path(__file__).parent / "templates"
GZIP_MIN_BYTES = 500
GZIP_LEVEL = 6
"""zlib's default: a large dashboard (350 KB) compresses in two thirds of level 9's time, 4 %
larger."""


@dataclass
class Site:
    """Everything the pages share, built once."""

    runner: InProcess
    sessions: SessionCookies
    visitor: Visitor
    assets: Assets = field(default_factory=Assets)
    kept: KeptPages = field(default_factory=KeptPages)
    templates: Jinja2Templates = field(init=False)
    nav: list[NavItem] = field(init=False)

    def __post_init__(self) -> None:
        for lang in LANGUAGES:
            translations(lang)  # compile every catalog now: a broken one stops the start
        environment = DataEnvironment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.globals["asset_url"] = self.assets.url
        environment.globals["enum_label"] = enum_label
        environment.globals["role_label"] = role_label
        environment.globals["record_href"] = record_href
        environment.globals["python_macros"] = MACROS
        environment.globals["chart_svg"] = charts.svg
        self.templates = Jinja2Templates(env=environment)
        self.nav = [item for module in PAGES if (item := getattr(module, "NAV", None))]

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = [
            Route("/", _root, methods=["GET"]),
            Route("/static/{name:path}", self.assets.serve, methods=["GET", "HEAD"]),
            Route("/{lang}", _language_root, methods=["GET"]),
        ]
        for module in PAGES:
            routes.extend(module.routes)
        return routes

    def app(self) -> Starlette:
        """The site as an ASGI app (mount it at ``/``)."""
        app = Starlette(
            routes=self.routes(),
            middleware=[
                Middleware(SecurityHeaders),
                Middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL),
            ],
            exception_handlers={
                HTTPException: self._http_error,
                PageNotFound: self._not_found,
                StoreDown: self._store_down,
                Busy: self._busy,
                SignInNeeded: self._sign_in_needed,
                SessionEnded: self._session_ended,
                Forbidden: self._forbidden,
                csrf.CsrfRefused: self._form_refused,
                BadInput: self._bad_input,
                OperationFailed: self._failed,
                Exception: self._failed,
            },
        )
        app.state.site = self
        return app

    def render(
        self, request: Request, template: str, lang: str, status: int = 200, **context: Any
    ) -> Response:
        """``template`` in ``lang``, with the layout's context: language links, formats, the
        signed-in visitor, a message after a form (shown once)."""
        response = self.templates.TemplateResponse(
            request,
            template,
            {**self._layout(request, lang), **context},
            status_code=status,
        )
        flash.take(request, response)
        csrf.keep(request, response)
        if account_of(request) is not None or csrf.used(request):
            response.headers["Cache-Control"] = "no-store"
        return response

    async def graphiql(self, request: Request) -> Response:
        """The GraphiQL page (development only), its scripts and styles served by the app."""
        lang = negotiate(request.headers.get("accept-language"))
        response = self.render(request, "graphiql.html", lang)
        secure(response.headers)
        return response

    def _layout(self, request: Request, lang: str) -> dict[str, Any]:
        rest = _without_language(request.url.path)
        query = request.url.query
        base = str(request.base_url).rstrip("/")

        def there(other: str) -> str:
            return f"/{other}{rest}" + (f"?{query}" if query else "")

        translated = messages(lang)
        return {
            "lang": lang,
            "_": translated.gettext,
            "gettext": translated.gettext,
            "ngettext": translated.ngettext,
            "fmt": Formats(lang),
            "pick": lambda texts, name=None: pick(texts, lang, name),
            "languages": [
                {"lang": other, "name": name, "href": there(other), "current": other == lang}
                for other, name in i18n.language_names().items()
            ],
            "alternates": [{"lang": other, "href": base + there(other)} for other in LANGUAGES],
            "x_default": base + there(i18n.DEFAULT_LANGUAGE),
            "canonical": base + f"/{lang}{rest}",
            "nav": self.nav,
            "path": request.url.path,
            "query_string": lambda **params: _query(request, **params),
            "visitor": None,
            "editor": _may_edit(request),
            "account": account_of(request),
            "csrf_token": lambda: csrf.token(request),
            "csrf_field": csrf.FIELD,
            "flash": flash.shown(request),
            "sign_in_href": sign_in_href(lang, _here(request)),
        }

    def _error(self, request: Request, status: int, template: str) -> Response:
        lang = getattr(request.state, "lang", None) or _path_language(request)
        return self.render(request, template, lang, status)

    async def _not_found(self, request: Request, _: Exception) -> Response:
        return self._error(request, 404, "errors/not_found.html")

    async def _http_error(self, request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 405:
            allow = {"Allow": (error.headers or {}).get("Allow", "GET")}
            return Response("method not allowed", 405, allow, media_type="text/plain")
        return self._error(request, 404, "errors/not_found.html")

    async def _store_down(self, request: Request, _: Exception) -> Response:
        response = self._error(request, 503, "errors/store_down.html")
        response.headers["Retry-After"] = "5"
        return response

    async def _busy(self, request: Request, _: Exception) -> Response:
        response = self._error(request, 503, "errors/busy.html")
        response.headers["Retry-After"] = "5"
        return response

    async def _sign_in_needed(self, request: Request, _: Exception) -> Response:
        return self._error(request, 401, "errors/sign_in.html")

    async def _session_ended(self, request: Request, _: Exception) -> Response:
        """To the sign-in page, which sends the visitor back here afterwards."""
        lang = getattr(request.state, "lang", None) or _path_language(request)
        response = RedirectResponse(sign_in_href(lang, _here(request)), 303)
        clear_cookie(response, request, SESSION_COOKIE)
        return flash.flash(response, request, "session-ended")

    async def _forbidden(self, request: Request, _: Exception) -> Response:
        return self._error(request, 403, "errors/forbidden.html")

    async def _form_refused(self, request: Request, _: Exception) -> Response:
        return self._error(request, 403, "errors/form_refused.html")

    async def _bad_input(self, request: Request, _: Exception) -> Response:
        """A link the API refuses: a cursor of a list that changed, a mistyped parameter."""
        return self._error(request, 400, "errors/bad_link.html")

    async def _failed(self, request: Request, _: Exception) -> Response:
        """Logged where it happened (``OperationFailed``) or by the server (anything else,
        which Starlette raises on once this page is sent)."""
        return self._error(request, 500, "errors/failed.html")


class DataEnvironment(jinja2.Environment):
    """Jinja's environment, quicker at ``edge.node.name`` on the dicts of GraphQL's data."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """As Jinja's: a plain dict's key, unless a dict has an attribute of that name (then
        that). Jinja asks for the attribute first, which for a key costs an exception raised
        and caught; a page looks up hundreds."""
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


DICT_ATTRIBUTES = frozenset(dir(dict))


def create_site(runner: InProcess, visitor: Visitor | None = None) -> Site:
    """The site over ``runner``; ``visitor`` decides who visits (default: the visitor's session,
    else the anonymous role)."""
    sessions = cookies_of(runner.settings)
    return Site(runner, sessions, visitor or signed_in(runner, sessions))


async def _root(request: Request) -> Response:
    """``/``: to the home page in the language the browser prefers."""
    lang = negotiate(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", 302, headers={"Vary": "Accept-Language"})


async def _language_root(request: Request) -> Response:
    """``/de``: to ``/de/``; any other single segment is an unknown page."""
    if request.path_params["lang"] in LANGUAGES:
        return RedirectResponse(f"/{request.path_params['lang']}/", 301)
    raise PageNotFound


def _may_edit(request: Request) -> bool:
    """Whether the visitor (once its page asked who it is) may use the editors' forms."""
    caller: Caller | None = getattr(request.state, "caller", None)
    return caller is not None and caller.role.allows(Role.EDITOR)


def _here(request: Request) -> str:
    """Where the visitor is: the path and query of a page, the path of a form sent to it."""
    if request.method == "GET" and request.url.query:
        return f"{request.url.path}?{request.url.query}"
    return request.url.path


def _path_language(request: Request) -> str:
    """The path's language, else the one the browser prefers."""
    first = request.url.path.strip("/").split("/")[0]
    return first if first in LANGUAGES else negotiate(request.headers.get("accept-language"))


def _without_language(path: str) -> str:
    """``/de/clusters`` -> ``/clusters``; a path without a language of ours -> ``/``."""
    first, _, rest = path.strip("/").partition("/")
    if first in LANGUAGES:
        return "/" + rest
    return "/"


def _query(request: Request, **params: str | int | None) -> str:
    """The request's query string with ``params`` set (``None`` removes one)."""
    merged: dict[str, Any] = dict(request.query_params)
    for key, value in params.items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = value
    return f"?{urlencode(merged)}" if merged else "?"
