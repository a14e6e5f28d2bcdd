"""Numbers and dates in each language's conventions, and the Python macros' markup."""

from datetime import date
from decimal import Decimal

import jinja2
import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from crm.web.i18n import LANGUAGES, Formats, InLanguage, messages
from crm.web.macros import MACROS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_whole_numbers_are_grouped_as_babel_groups_them(lang: str) -> None:
    fmt = Formats(lang)
    values = [0, 7, -7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -98_765_432, 10**12 + 1]

    assert [fmt.number(value) for value in values] == [
        format_decimal(value, locale=fmt.locale) for value in values
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_whole_amounts_are_written_as_babel_writes_them_without_cents(lang: str) -> None:
    fmt = Formats(lang)
    amounts: list[int | float | Decimal] = [0, 5, 295_578, -1_250_000, 295_578.0, Decimal("1000")]
    whole = "#,##0\xa0¤¤"

    assert [fmt.money(amount) for amount in amounts] == [
        format_currency(amount, "EUR", whole, locale=fmt.locale, currency_digits=False)
        for amount in amounts
    ]
    assert fmt.money(1234.5) == format_currency(
        1234.5, "EUR", "#,##0.00\xa0¤¤", locale=fmt.locale, currency_digits=False
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_percentages_are_written_and_rounded_as_babel_writes_them(lang: str) -> None:
    fmt = Formats(lang)
    shares = [0, 0.5, 0.125, 0.135, 0.005, 0.015, 0.025, 1, 12.345, -0.4, 0.33333]

    assert [fmt.percent(share) for share in shares] == [
        format_percent(share, locale=fmt.locale) for share in shares
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_numbers_and_dates_are_babel_s(lang: str) -> None:
    fmt = Formats(lang)

    assert fmt.number(1234.5) == format_decimal(1234.5, locale=fmt.locale)
    assert fmt.date("2012-11-08") == format_date(date(2012, 11, 8), "long", locale=fmt.locale)
    assert fmt.date(date(2012, 11, 8)) == fmt.date("2012-11-08")


def render(source: str, lang: str, **values: object) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.globals["python_macros"] = MACROS
    template = environment.from_string(source)
    return template.render(lang=lang, fmt=Formats(lang), **values)


def test_a_text_in_another_language_is_marked_and_escaped() -> None:
    shown = InLanguage("Wind & <Sonne>", "de")

    assert render("{{ python_macros.text(shown, 'p') }}", "en", shown=shown) == (
        '<p lang="de">Wind &amp; &lt;Sonne&gt;</p> '
        '<small class="other-language">(in German)</small>'
    )
    assert render("{{ python_macros.text(shown) }}", "de", shown=shown) == (
        "<span>Wind &amp; &lt;Sonne&gt;</span>"
    )
    assert render("{{ python_macros.text(shown) }}", "da", shown=shown).endswith(
        f'<small class="other-language">{messages("da").gettext("(in German)")}</small>'
    )


def test_links_names_and_countries_escape_what_they_show() -> None:
    person = {
        "__typename": "Person",
        "recordId": "p/1 & 2",
        "givenName": "<Ann>",
        "familyName": "O'Hara",
    }
    source = (
        '<a href="{{ python_macros.href(person) }}">{{ python_macros.person_name(person) }}</a>'
        " {{ python_macros.country(code) }}"
    )

    assert render(source, "de", person=person, code='D"K') == (
        '<a href="/de/people/p%2F1%20%26%202">&lt;Ann&gt; O&#39;Hara</a>'
        ' <abbr title="D&#34;K">D&#34;K</abbr>'
    )


def test_a_period_s_dates_are_the_language_s_and_its_words_translated() -> None:
    source = "{{ python_macros.period(since, until) }}"

    assert render(source, "en", since="2012-11-08", until=None) == "since 8 November 2012"
    assert render(source, "de", since=None, until="2012-11-08") == (
        messages("de").gettext("until %(date)s", date="8. November 2012")
    )
    assert render(source, "en", since="2012-11-08", until="2013-01-02") == (
        "8 November 2012 \N{EN DASH} 2 January 2013"
    )
    assert render(source, "en", since=None, until=None) == ""
