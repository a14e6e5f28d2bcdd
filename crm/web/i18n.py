"""Languages, message catalogs and locale-aware formatting.

The catalogs (``locale/<lang>/LC_MESSAGES/messages.po``) are compiled in memory when the site
is built, so users need no compile step; ``pybabel extract``/``update`` keep them current (see
the README). English is the source language: its catalog may leave a message untranslated.
"""

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pycountry
from babel import Locale, negotiate_locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_currency,
    format_decimal,
    get_group_symbol,
)
from babel.support import Translations
from markupsafe import Markup

LOCALE_DIR = Path(__file__).parent / "locale"

LANGUAGES: tuple[str, ...] = ("de", "da", "en")
"""The site's languages, in the order of the language switcher."""
DEFAULT_LANGUAGE = "en"
"""For a visitor whose ``Accept-Language`` names none of ours."""
LOCALES: Mapping[str, str] = {"de": "de_DE", "da": "da_DK", "en": "en_GB"}
"""The locale whose conventions format numbers and dates on each language's pages."""
FALLBACKS: Mapping[str, tuple[str, ...]] = {
    "de": ("de", "en", "da"),
    "da": ("da", "en", "de"),
    "en": ("en", "de", "da"),
}
"""Where a record's text is looked for when it lacks the page's language, in order."""


@cache
def translations(lang: str) -> Translations:
    """The catalog of ``lang``, compiled from its ``.po`` file (once per process)."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


@dataclass(frozen=True)
class Messages:
    """One language's translations as templates call them (``_``, ``gettext``, ``ngettext``):
    as Jinja's i18n extension's "newstyle" callables, autoescaped. The translation is markup,
    the variables are escaped into it, and it is always formatted (``%%`` shows ``%``)."""

    lang: str

    def gettext(self, message: str, **variables: Any) -> Markup:
        if not variables:  # most messages, shown many times a page
            return _plain(self.lang, message)
        return Markup(translations(self.lang).gettext(message)) % variables

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> Markup:
        translated = translations(self.lang).ngettext(singular, plural, num)
        return Markup(translated) % {"num": num, **variables}


@cache
def messages(lang: str) -> Messages:
    return Messages(lang)


@lru_cache(maxsize=2048)
def _plain(lang: str, message: str) -> Markup:
    """A message without variables, translated (the catalogs do not change while running)."""
    return Markup(translations(lang).gettext(message)) % {}


def negotiate(accept_language: str | None) -> str:
    """The site's language that an ``Accept-Language`` header prefers (by its q values)."""
    preferred = [tag for tag, _ in _ranked(accept_language or "")]
    found = negotiate_locale(preferred, LANGUAGES, sep="-")
    if found is None:  # "de-AT" and "da-DK" also name ours
        found = negotiate_locale([tag.split("-")[0] for tag in preferred], LANGUAGES, sep="-")
    return found or DEFAULT_LANGUAGE


def _ranked(header: str) -> list[tuple[str, float]]:
    entries = []
    for position, entry in enumerate(header.split(",")):
        tag, *params = entry.strip().split(";")
        quality = 1.0
        for param in params:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            entries.append((tag.lower(), quality, position))
    entries.sort(key=lambda item: (-item[1], item[2]))
    return [(tag, quality) for tag, quality, _ in entries]


@dataclass(frozen=True)
class InLanguage:
    """A text as shown: its value and the language it is in (``None``: a name, no language)."""

    text: str
    lang: str | None


def pick(texts: Mapping[str, Any] | None, lang: str, name: str | None = None) -> InLanguage | None:
    """A record's text in ``lang`` when it has it, else in the next language it has, else its
    ``name`` (which has no language of its own)."""
    for candidate in FALLBACKS[lang]:
        value = (texts or {}).get(candidate)
        if value:
            return InLanguage(value, candidate)
    return InLanguage(name, None) if name else None


@dataclass(frozen=True)
class Formats:
    """Numbers, money, percentages, dates and country names in one language's conventions."""

    lang: str

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    def number(self, value: int | float | Decimal) -> str:
        if type(value) is int:  # most figures: grouped as Babel would, without its pattern work
            return f"{value:,}".replace(",", _group_symbol(self.lang))
        return format_decimal(value, locale=self.locale)

    def money(self, value: int | float | Decimal) -> str:
        """An amount in EUR: ``295.578 EUR`` (cents only when it has them)."""
        amount = Decimal(str(value))
        if amount == amount.to_integral_value():
            return f"{self.number(int(amount))}\xa0EUR"
        return format_currency(
            value, "EUR", format="#,##0.00\xa0¤¤", locale=self.locale, currency_digits=False
        )

    def percent(self, value: float) -> str:
        """A share in whole percent, rounded half to even as Babel does: ``12 %``."""
        whole = round(Decimal(str(value)) * 100)
        return f"{self.number(whole)}{_percent_suffix(self.lang)}"

    def date(self, value: str | date | None) -> str:
        """An ISO date (``2012-11-08``) as the language writes it: ``8. November 2012``."""
        if not value:
            return ""
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return _long_date(self.lang, day)

    def country(self, code: str | None) -> str:
        """An ISO 3166-1 code's name in this language (the code itself when unknown)."""
        if not code:
            return ""
        return str(self.locale.territories.get(code.upper(), code))

    def language(self, code: str) -> str:
        """A language's name in this language: ``Englisch``."""
        return str(self.locale.languages.get(code.lower(), code))

    def countries(self) -> list[tuple[str, str]]:
        """Every country (code, name in this language) for a form's select: the border
        region's first, then the others by name."""
        names = {country.alpha_2: self.country(country.alpha_2) for country in pycountry.countries}
        rest = sorted(set(names) - set(FIRST_COUNTRIES), key=lambda code: names[code].casefold())
        return [(code, names[code]) for code in (*FIRST_COUNTRIES, *rest)]


FIRST_COUNTRIES = ("DK", "DE")
"""The countries forms offer first."""


@cache
def _locale(lang: str) -> Locale:
    """The Babel locale of ``lang``, parsed once (parsing costs more than formatting)."""
    return Locale.parse(LOCALES[lang])


@cache
def _group_symbol(lang: str) -> str:
    """The thousands separator of ``lang``'s numbers (each of ours groups by three and writes
    ``-`` before a negative one: ``#,##0.###``)."""
    return get_group_symbol(_locale(lang))


@cache
def _percent_suffix(lang: str) -> str:
    """What follows a percentage in ``lang`` (each of ours writes whole percent, a suffix
    after the number: ``#,##0\xa0%``)."""
    return str(_locale(lang).percent_formats[None].suffix[0])


@lru_cache(maxsize=4096)
def _long_date(lang: str, day: date) -> str:
    """A day as ``lang`` writes it in full (the same days recur on a page's rows, and Babel
    takes as long as the rest of a row's markup to format one)."""
    return format_date(day, format="long", locale=_locale(lang))


@cache
def language_names() -> Mapping[str, str]:
    """Each language's name in itself, for the switcher: ``Deutsch``, ``Dansk``, ``English``."""
    return {lang: str(Locale.parse(lang).display_name).capitalize() for lang in LANGUAGES}


def every_catalog() -> Iterable[tuple[str, Path]]:
    """Each language's ``.po`` file."""
    for lang in LANGUAGES:
        yield lang, LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a message marked, not translated)
    """Marks ``message`` for extraction (``pybabel extract -k N_``); translated where shown."""
    return message
