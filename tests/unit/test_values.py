"""The shared value types: ids, countries, VAT ids, phone numbers, money, text, timestamps."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from crm.domain.nodes import Organization
from crm.domain.values import (
    Country,
    Identifier,
    LocalizedText,
    Money,
    Text,
    Timestamp,
    format_timestamp,
    normalize_phone,
    normalize_vat_id,
)

COUNTRY: TypeAdapter[str] = TypeAdapter(Country)
IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
MONEY: TypeAdapter[Decimal] = TypeAdapter(Money)
TEXT: TypeAdapter[str] = TypeAdapter(Text)
TIMESTAMP: TypeAdapter[datetime] = TypeAdapter(Timestamp)


# --- countries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("DK", "DK"), ("dk", "DK"), ("De", "DE"), ("no", "NO")],
)
def test_country_code_is_accepted_and_upper_cased(given: str, stored: str) -> None:
    assert COUNTRY.validate_python(given) == stored


@pytest.mark.parametrize("given", ["XX", "DEU", "D", "", "E1"])
def test_country_code_that_is_not_iso_alpha_2_is_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1 alpha-2"):
        COUNTRY.validate_python(given)


# --- VAT ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "country", "stored"),
    [
        ("DK13585628", "DK", "DK13585628"),
        ("13585628", "DK", "DK13585628"),
        ("DK 13 58 56 28", "DK", "DK13585628"),
        ("13 58 56 28", "DK", "DK13585628"),
        ("dk13585628", "DK", "DK13585628"),
        ("DE136695976", "DE", "DE136695976"),
        ("136695976", "DE", "DE136695976"),
        ("DE 136 695 976", "DE", "DE136695976"),
    ],
)
def test_vat_id_is_normalised_to_prefix_and_digits(given: str, country: str, stored: str) -> None:
    assert normalize_vat_id(given, country) == stored


@pytest.mark.parametrize(
    ("given", "country", "stored"),
    [
        ("NL004495445B01", "DK", "NL004495445B01"),
        ("FR 40 303 265 045", "DE", "FR40303265045"),
        ("DK13585628", "DE", "DK13585628"),
    ],
)
def test_vat_id_with_prefix_of_another_country_is_checked_by_that_country(
    given: str, country: str, stored: str
) -> None:
    assert normalize_vat_id(given, country) == stored


@pytest.mark.parametrize(
    ("given", "country", "named"),
    [
        ("DK13585629", "DK", "DK"),
        ("13585629", "DK", "DK"),
        ("DE136695977", "DE", "DE"),
        ("NL004495446B01", "DE", "NL"),
        ("FR 41 303 265 045", "DK", "FR"),
    ],
)
def test_vat_id_with_wrong_check_digit_is_refused_naming_the_country(
    given: str, country: str, named: str
) -> None:
    with pytest.raises(ValueError, match=f"not a valid {named} VAT id"):
        normalize_vat_id(given, country)


@pytest.mark.parametrize(("given", "country"), [("XX123456789", "DE"), ("123456789", "XX")])
def test_vat_id_of_unknown_country_is_refused(given: str, country: str) -> None:
    with pytest.raises(ValueError, match="no VAT id check is known for country 'XX'"):
        normalize_vat_id(given, country)


def test_greek_vat_id_is_stored_the_same_with_and_without_its_el_prefix() -> None:
    """Greece's VAT prefix is EL; one id must not be stored in two forms."""
    record = {"id": "o", "source": "s", "name": "N", "kind": "company", "country": "GR"}
    with_prefix = Organization.model_validate({**record, "vatId": "EL094259216"})
    without_prefix = Organization.model_validate({**record, "vatId": "094259216"})
    assert without_prefix.vat_id == with_prefix.vat_id == "EL094259216"


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "country", "e164"),
    [
        ("030 23125 123", "DE", "+493023125123"),
        ("(030) 23125-123", "DE", "+493023125123"),
        ("+49 30 23125123", "DE", "+493023125123"),
        ("+49 30 23125123", "DK", "+493023125123"),
        ("+49 30 23125123", None, "+493023125123"),
        ("+45 33 12 34 56", "DE", "+4533123456"),
        ("33 12 34 56", "DK", "+4533123456"),
    ],
)
def test_phone_number_is_stored_in_e164(number: str, country: str | None, e164: str) -> None:
    assert normalize_phone(number, country) == e164


@pytest.mark.parametrize(
    ("number", "country"),
    [
        ("123", "DE"),
        ("not a number", "DE"),
        ("030 23125 123", None),
        ("+49 0", "DE"),
        ("+999 1234567", None),
    ],
)
def test_invalid_phone_number_is_refused(number: str, country: str | None) -> None:
    with pytest.raises(ValueError, match="phone number"):
        normalize_phone(number, country)


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "amount"),
    [("12.34", Decimal("12.34")), ("0", Decimal(0)), (1000000, Decimal(1000000))],
)
def test_money_is_an_exact_decimal(given: Any, amount: Decimal) -> None:
    value = MONEY.validate_python(given)
    assert type(value) is Decimal
    assert value == amount


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ("1.005", "decimal_max_places"),
        ("-0.01", "greater_than_equal"),
        ("-1", "greater_than_equal"),
    ],
)
def test_money_with_more_than_cents_or_negative_is_refused(given: str, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        MONEY.validate_python(given)


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language", [{"de": "Hallo"}, {"da": "Hej"}, {"en": "Hello"}, {"de": "a", "en": "b"}]
)
def test_localized_text_in_any_language_is_accepted(language: dict[str, str]) -> None:
    text = LocalizedText.model_validate(language)
    assert text.model_dump(exclude_none=True) == language


@pytest.mark.parametrize("given", [{}, {"de": None, "da": None, "en": None}])
def test_localized_text_needs_at_least_one_language(given: dict[str, None]) -> None:
    with pytest.raises(ValidationError, match="at least one of de, da, en"):
        LocalizedText.model_validate(given)


@pytest.mark.parametrize(
    "given",
    [
        "  leading and trailing  ",
        "\tTab\n",
        'it\'s "quoted"',
        "`backticks`",
        "x'}) DETACH DELETE n //",
        "MATCH (n) RETURN n; %label%",
        "Ærø — København 🚢",
        "\\u0000 not an escape",
    ],
)
def test_text_is_kept_literally(given: str) -> None:
    assert TEXT.validate_python(given) == given
    assert LocalizedText(de=given).de == given


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "must not be blank"),
        (" ", "must not be blank"),
        ("\t\n ", "must not be blank"),
        ("\u00a0", "must not be blank"),
        ("a\x00b", "must not contain the NUL character"),
        ("x" * 10_001, "at most 10000 characters"),
    ],
)
def test_blank_or_unstorable_text_is_refused(given: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TEXT.validate_python(given)


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["a", "007", "p-anna-mustermann", "i.0001_x:y", "A" * 128, "9-"])
def test_id_is_accepted(given: str) -> None:
    assert IDENTIFIER.validate_python(given) == given


@pytest.mark.parametrize(
    "given", ["", "-a", ".a", "_a", "a b", " a", "a ", "a/b", "a'b", "ø", "A" * 129]
)
def test_id_outside_the_pattern_is_refused(given: str) -> None:
    with pytest.raises(ValidationError, match="is not an id"):
        IDENTIFIER.validate_python(given)


# --- timestamps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        (datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC), "2024-01-02T03:04:05.678Z"),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05.000Z"),
        (datetime(2024, 1, 2, 3, 4, 5, 678999, tzinfo=UTC), "2024-01-02T03:04:05.678Z"),
        (
            datetime(2024, 1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=2))),
            "2023-12-31T23:00:00.000Z",
        ),
    ],
)
def test_timestamp_is_stored_as_utc_milliseconds_z(moment: datetime, stored: str) -> None:
    assert format_timestamp(moment) == stored
    assert TIMESTAMP.dump_python(TIMESTAMP.validate_python(moment), mode="json") == stored


def test_timestamp_text_with_offset_is_accepted() -> None:
    moment = TIMESTAMP.validate_python("2024-01-02T05:04:05.678+02:00")
    assert TIMESTAMP.dump_python(moment, mode="json") == "2024-01-02T03:04:05.678Z"


@pytest.mark.parametrize("given", [datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"])
def test_timestamp_without_time_zone_is_refused(given: datetime | str) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        TIMESTAMP.validate_python(given)


def test_format_timestamp_without_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a time zone"):
        format_timestamp(datetime(2024, 1, 2, 3, 4, 5))
