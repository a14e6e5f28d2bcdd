"""The macros of ``macros.html`` that pages call most (on every row of a list), as Python.

A Jinja macro's call costs several times a function's, and a page calls these hundreds of
times. ``macros.html`` exports them under the same names (``m.href``, ``m.label``, …), so the
templates do not tell them apart. Like the macros they replace, they escape what they are
given: each value goes into the markup through ``escape`` (which leaves markup, such as a
translated message, as it is). ``Markup.format`` would do the same at several times the cost.
"""

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from crm.web.i18n import N_, InLanguage, messages, pick
from crm.web.labels import enum_label
from crm.web.links import record_href

NOTHING = Markup("")

LANG_NOTES: Mapping[str, str] = {
    "de": N_("(in German)"),
    "da": N_("(in Danish)"),
    "en": N_("(in English)"),
}
"""The note beside a text shown in another language than the page's."""


@pass_context
def lang_note(context: Context, text_lang: str) -> Markup:
    """``(in German)``, in the page's language."""
    return messages(context["lang"]).gettext(LANG_NOTES.get(text_lang, LANG_NOTES["en"]))


@pass_context
def text(context: Context, shown: InLanguage | None, tag: str = "span") -> Markup:
    """A record's text in the page's language, or in the next it has, marked as such."""
    if not shown:
        return NOTHING
    if shown.lang and shown.lang != context["lang"]:
        tag, text_lang, note = escape(tag), escape(shown.lang), lang_note(context, shown.lang)
        return Markup(
            f'<{tag} lang="{text_lang}">{escape(shown.text)}</{tag}>'
            f' <small class="other-language">{note}</small>'
        )
    tag = escape(tag)
    return Markup(f"<{tag}>{escape(shown.text)}</{tag}>")


@pass_context
def label(context: Context, node: Mapping[str, Any]) -> Markup:
    """A topic's, sector's or region's label in the page's language."""
    return text(context, pick(node.get("labels"), context["lang"], node.get("name")))


def person_name(person: Mapping[str, Any]) -> Markup:
    return Markup(f"{escape(person['givenName'])} {escape(person['familyName'])}")


@pass_context
def href(context: Context, node: Mapping[str, Any], kind: str | None = None) -> str:
    """The URL of a record's page in the page's language."""
    return record_href(context["lang"], node, kind)


@pass_context
def country(context: Context, code: str | None) -> Markup:
    """A country's code, its name (in the page's language) as its title."""
    if not code:
        return NOTHING
    return Markup(f'<abbr title="{escape(context["fmt"].country(code))}">{escape(code)}</abbr>')


@pass_context
def event_line(context: Context, event: Mapping[str, Any]) -> Markup:
    """An event's title (a link to it), kind, date and place."""
    fmt = context["fmt"]
    link = escape(record_href(context["lang"], event, "Event"))
    kind = messages(context["lang"]).gettext(enum_label(event["kind"]))
    day, shown_day = escape(event["date"]), escape(fmt.date(event["date"]))
    place = f" · {escape(event['place'])}" if event.get("place") else ""
    return Markup(
        f'<a href="{link}">{escape(event["title"])}</a>\n'
        f'<span class="meta">{kind} · <time datetime="{day}">{shown_day}</time>{place}</span>'
    )


@pass_context
def period(context: Context, since: str | None, until: str | None) -> Markup:
    """From when until when (either may be unknown)."""
    fmt = context["fmt"]
    if since and until:
        return Markup(f"{escape(fmt.date(since))} \N{EN DASH} {escape(fmt.date(until))}")
    if since:
        return messages(context["lang"]).gettext("since %(date)s", date=fmt.date(since))
    if until:
        return messages(context["lang"]).gettext("until %(date)s", date=fmt.date(until))
    return NOTHING


MACROS: Mapping[str, Callable[..., Any]] = {
    "lang_note": lang_note,
    "text": text,
    "label": label,
    "person_name": person_name,
    "href": href,
    "country": country,
    "event_line": event_line,
    "period": period,
}
"""What ``macros.html`` exports from here, by name."""
