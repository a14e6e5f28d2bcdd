"""What a page handler works with: the visitor's language and caller, its operations, its
forms, its template. A handler is ``async def handler(request) -> Response`` that opens a
``Page``."""

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from uuid import uuid4

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crm.errors import StoreUnavailable
from crm.keys import Caller, Role
from crm.web import csrf, flash, forms
from crm.web.forms import Form
from crm.web.i18n import LANGUAGES, translations
from crm.web.kept import Answers
from crm.web.labels import enum_label
from crm.web.operations import Operations, PageNotFound, StoreDown, data_of
from crm.web.visitor import account_of

if TYPE_CHECKING:
    from crm.web.site import Site


class SignInNeeded(Exception):
    """The visitor has no role: anonymous visitors may not read (``CRM_ANONYMOUS_ROLE`` unset)."""


class Forbidden(Exception):
    """The visitor's role may not use this page (a reader opening an edit page)."""


@dataclass
class Page:
    """One page request: where it is, in which language, for whom."""

    request: Request
    site: "Site"
    lang: str
    caller: Caller
    request_id: str
    answers: Answers = field(default_factory=Answers)
    """What its queries answered, for finding the page rendered for the same answers
    (``crm.web.kept``)."""

    @classmethod
    async def open(cls, request: Request, needs: Role | None = None) -> "Page":
        """The page of ``request``; its language is the path's first segment (a 404 page when
        it is none of ours), its caller the visitor's (``SignInNeeded`` when there is none;
        ``Forbidden`` when its role does not allow what ``needs`` does)."""
        lang = request.path_params.get("lang", "")
        if lang not in LANGUAGES:
            raise PageNotFound
        site: Site = request.app.state.site
        request.state.lang = lang
        caller = await site.visitor(request)
        if caller is None:
            raise SignInNeeded
        request.state.caller = caller
        page = cls(request, site, lang, caller, uuid4().hex)
        if needs is not None:
            page.require(needs)
        return page

    @property
    def editor(self) -> bool:
        """Whether the visitor may see what editors see (people's e-mail and phone, notes)."""
        return self.caller.role.allows(Role.EDITOR)

    def require(self, role: Role) -> None:
        """``Forbidden`` unless the visitor's role allows ``role``'s work."""
        if not self.caller.role.allows(role):
            raise Forbidden

    async def query(
        self, operations: Operations, name: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The data of the query ``name`` run as the visitor; ``PageNotFound``,
        ``StoreDown``, ``BadInput`` or ``OperationFailed`` when the API says so."""
        return await self._run(operations, name, variables, mutation=False)

    async def subscribe(
        self, operations: Operations, name: str, variables: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """The data of each result of the subscription ``name`` run as the visitor (errors as
        for ``query``)."""
        assert name in operations.names, f"{operations.path.name} has no operation {name}"
        results = self.site.runner.subscribe(
            self.request.state.store,
            self.request.state.feed,
            self.caller,
            self.request_id,
            operations.document,
            operation_name=name,
            variables=variables,
        )
        async for result in results:
            yield data_of(result.data, result.errors, self.request_id)

    async def _run(
        self,
        operations: Operations,
        name: str,
        variables: dict[str, Any] | None,
        *,
        mutation: bool,
    ) -> dict[str, Any]:
        assert name in operations.names, f"{operations.path.name} has no operation {name}"
        try:
            result = await self.site.runner.run(
                self.request.state.store,
                self.caller,
                self.request_id,
                operations.document,
                operation_name=name,
                variables=variables,
                mutation=mutation,
            )
        except StoreUnavailable:
            raise StoreDown from None
        data = data_of(result.data, result.errors, self.request_id)
        if not mutation:
            self.answers.add(name, data)
        return data

    async def save(
        self,
        operations: Operations,
        name: str,
        variables: dict[str, Any],
        form: Form,
        fields: Mapping[tuple[str, ...], str],
    ) -> dict[str, Any] | None:
        """Run the mutation ``name`` with ``form``'s variables: its payload when it was done,
        else ``None``, with the payload's ``errors`` beside the fields ``fields`` maps them to.
        Errors beyond those raise what ``query`` raises."""
        data = await self._run(operations, name, variables, mutation=True)
        payload: dict[str, Any] = next(iter(data.values()))
        if payload["errors"]:
            form.take(payload["errors"], fields)
            return None
        return payload

    def form(self, labels: dict[str, str]) -> Form:
        """An empty form with fields labelled by ``labels`` (message ids), in this language."""
        return Form(labels, translations(self.lang).gettext)

    async def posted(self, labels: dict[str, str]) -> Form:
        """The form the visitor POSTed (``BadInput`` or ``CsrfRefused`` when it is none)."""
        data = await forms.read(self.request, self.site.runner.settings.max_body_bytes)
        return self.form(labels).posted(data)

    def options(self, values: Iterable[str]) -> list[tuple[str, str]]:
        """A select's options for enum ``values``: each value and its name in this language."""
        gettext = translations(self.lang).gettext
        return [(value, gettext(enum_label(value))) for value in values]

    def redirect(self, path: str, message: str) -> Response:
        """After a form's success: to ``path`` (after ``/{lang}``), which shows ``message``
        (a name in ``crm.web.flash.MESSAGES``) once."""
        return flash.flash(RedirectResponse(f"/{self.lang}{path}", 303), self.request, message)

    def href(self, path: str, **query: str | int | None) -> str:
        """A path on this page's language, with the query parameters that have a value."""
        given = {key: value for key, value in query.items() if value not in (None, "")}
        return f"/{self.lang}{path}" + (f"?{urlencode(given)}" if given else "")

    def kept(self, template: str) -> Response | None:
        """The page ``template`` rendered earlier for the same answers, address and visitor's
        role, when there is one and this visitor may get it (see ``crm.web.kept``)."""
        if not self._keepable():
            return None
        etag = self._etag(template)
        page = self.site.kept.get(etag)
        return page.response(self.request, etag) if page is not None else None

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        """The template rendered for this page (the layout's context added), or the page
        rendered earlier for the same answers."""
        if status == 200 and (kept := self.kept(template)) is not None:
            return kept
        response = self.site.render(
            self.request,
            template,
            self.lang,
            status,
            visitor=self.caller,
            **context,
        )
        if status != 200 or not self._keepable() or csrf.used(self.request):
            return response
        etag = self._etag(template)
        page = self.site.kept.keep(etag, response)
        return page.response(self.request, etag) if page is not None else response

    def _keepable(self) -> bool:
        """Whether nothing but the answers, address, role and day makes this page: a read
        by a visitor without an account and with no message to show once."""
        return (
            self.request.method == "GET"
            and self.answers.usable
            and account_of(self.request) is None
            and flash.COOKIE not in self.request.cookies
        )

    def _etag(self, template: str) -> str:
        return self.answers.key(self.request, template, self.caller.role.value)


def record(data: dict[str, Any], field: str) -> dict[str, Any]:
    """The record a lookup answered; ``PageNotFound`` when it answered ``null``."""
    found = data.get(field)
    if found is None:
        raise PageNotFound
    value: dict[str, Any] = found
    return value
