"""Forms: what the visitor typed, what is wrong with it, and the API's typed errors put beside
the fields that caused them.

A page reads a POST with ``read`` (a form of the site's, within the size limit, with its CSRF
token), turns the text into its mutation's variables with the ``Form``'s converters, runs the
mutation and hands its payload's ``errors`` to ``Form.take``, which puts each beside the field
its path names. Text that cannot even be sent (a date that does not parse, a choice the form
does not offer) is the form's own problem, said in the page's language; everything else is the
API's to judge, and its message is shown as it comes (in English), after the field's label. A
form with problems is shown again with the input kept; the mutation wrote nothing.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from crm.web import csrf
from crm.web.i18n import N_
from crm.web.operations import BadInput

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 200
API_LANGUAGE = "en"
"""The language of the API's messages."""
STATUS = 422
"""The status of a form shown again with its problems."""


@dataclass(frozen=True)
class Problem:
    """A message about a field (or the whole form), and its language when it is not the page's
    (the API's messages are English)."""

    text: str
    lang: str | None = None


@dataclass
class Form:
    """A form's fields (their labels, message ids, in the form's order), what was typed in
    them, and the problems found with it."""

    labels: Mapping[str, str]
    gettext: Callable[[str], str]
    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[Problem]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)

    def fill(self, data: Mapping[str, Any]) -> "Form":
        """The form with ``data`` typed in (a text, or a list for checkboxes and lines)."""
        for name, value in data.items():
            if isinstance(value, list):
                self.lists[name] = [str(item) for item in value]
                self.values[name] = "\n".join(self.lists[name])
            elif value is not None:
                self.values[name] = str(value)
        return self

    def posted(self, data: FormData) -> "Form":
        """The form with a POST's fields typed in (the CSRF token left out)."""
        for name in data:
            if name != csrf.FIELD:
                texts = [value for value in data.getlist(name) if isinstance(value, str)]
                self.lists[name] = texts
                self.values[name] = texts[0] if texts else ""
        return self

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def chosen(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def problem(self, name: str | None, message: str, lang: str | None = None) -> None:
        """Note a problem with the field ``name`` (``None``: with the form as a whole)."""
        problem = Problem(message, lang)
        if name is None:
            self.general.append(problem)
        else:
            self.errors.setdefault(name, []).append(problem)

    @property
    def valid(self) -> bool:
        return not self.errors and not self.general

    def summary(self) -> list[tuple[str | None, Problem]]:
        """Every problem, in the order of the form's fields, those of no field last."""
        order = {name: position for position, name in enumerate(self.labels)}
        named = sorted(self.errors.items(), key=lambda item: order.get(item[0], len(order)))
        return [(name, p) for name, problems in named for p in problems] + [
            (None, p) for p in self.general
        ]

    # Turning text into variables.

    def text(self, name: str) -> str | None:
        """The field's text, or ``None`` when it is blank (an optional field left empty)."""
        return self.value(name).strip() or None

    def required(self, name: str) -> str:
        """The field's text even when blank (the API says what a blank required field needs)."""
        return self.value(name).strip()

    def items(self, name: str) -> list[str]:
        """The entries of a list field: one a line, or separated by commas on one line."""
        text = self.value(name).strip()
        parts = text.splitlines() if "\n" in text else text.split(",")
        return [part.strip() for part in parts if part.strip()]

    def localized(self, prefix: str) -> dict[str, str | None] | None:
        """A text in German, Danish and English from the fields ``{prefix}De``, ``…Da`` and
        ``…En``; ``None`` (no text) when all three are empty."""
        texts = {lang: self.text(prefix + lang.capitalize()) for lang in ("de", "da", "en")}
        return texts if any(texts.values()) else None

    def date(self, name: str, *, required: bool = False) -> str | None:
        """The field's date (ISO 8601); a problem when it does not parse or is missing."""
        text = self.value(name).strip()
        if not text:
            if required:
                self.problem(name, self.gettext(N_("Enter a date.")))
            return None
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            message = N_("Enter a date as year-month-day, such as 2026-03-31.")
            self.problem(name, self.gettext(message))
            return None

    def choice(self, name: str, options: Collection[str], *, required: bool = False) -> str | None:
        """The option chosen in a select (or radio buttons), if it is one of ``options``."""
        value = self.value(name)
        if not value:
            if required:
                self.problem(name, self.gettext(N_("Choose one.")))
            return None
        if value not in options:
            self.problem(name, self.gettext(N_("Choose one of the options.")))
            return None
        return value

    def choices(self, name: str, options: Collection[str]) -> list[str]:
        """The checkboxes ticked, those ``options`` offers."""
        chosen = self.chosen(name)
        if any(value not in options for value in chosen):
            self.problem(name, self.gettext(N_("Choose among the options.")))
        return [value for value in chosen if value in options]

    # The API's answer.

    def take(
        self, errors: Sequence[Mapping[str, Any]], fields: Mapping[tuple[str, ...], str]
    ) -> None:
        """Put a mutation's typed ``errors`` beside the fields that ``fields`` maps their paths
        to (the longest prefix that it names counts); the others concern the whole form."""
        for error in errors:
            path = tuple(str(part) for part in error["field"])
            name = next(
                (fields[path[:end]] for end in range(len(path), 0, -1) if path[:end] in fields),
                None,
            )
            self.problem(name, str(error["message"]), API_LANGUAGE)


async def read(request: Request, max_bytes: int) -> FormData:
    """The fields of a POSTed form of the site; ``BadInput`` for anything else (another media
    type, more than ``max_bytes``, text that is no form), ``CsrfRefused`` without the visitor's
    CSRF token or from another site."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise BadInput(f"a form is sent as {FORM_TYPE}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise BadInput(f"a form has at most {max_bytes} bytes")
    try:
        pairs = parse_qsl(
            body.decode(), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        raise BadInput("the form is not readable") from None
    data = FormData(list[tuple[str, str | UploadFile]](pairs))
    token = data.get(csrf.FIELD)
    csrf.check(request, token if isinstance(token, str) else None)
    return data
