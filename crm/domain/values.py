"""Value types shared by the records: identifiers, countries, languages, money, contact data."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated

import phonenumbers
import pycountry
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.alias_generators import to_camel
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError


class Model(BaseModel):
    """Base of every domain model: immutable, camelCase on the outside, unknown fields refused.

    Text is kept exactly as given (no trimming); only codes are normalised (country codes,
    phone numbers, VAT ids, e-mail addresses)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
    )


_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def _identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an id: use 1 to 128 letters, digits and . _ : -, "
            "starting with a letter or digit"
        )
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]


def _storable_text(text: str) -> str:
    """Text every engine can hold: not blank, no NUL (pydantic already refuses lone surrogates)."""
    if not text.strip():
        raise ValueError("must not be blank")
    if "\x00" in text:
        raise ValueError("must not contain the NUL character")
    return text


Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_storable_text)]
Name = Annotated[str, StringConstraints(max_length=300), AfterValidator(_storable_text)]


class Language(StrEnum):
    """The languages the CRM holds text in (ISO 639-1)."""

    DE = "de"
    DA = "da"
    EN = "en"


def _country(code: str) -> str:
    upper = code.strip().upper()
    if len(upper) != 2 or pycountry.countries.get(alpha_2=upper) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return upper


Country = Annotated[
    str,
    AfterValidator(_country),
    Field(description="ISO 3166-1 alpha-2 country code (DK, DE, ...)."),
]
Url = Annotated[HttpUrl, PlainSerializer(str, return_type=str)]
Email = EmailStr
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=15, decimal_places=2, description="An exact amount in EUR."),
]


def format_timestamp(moment: datetime) -> str:
    """A moment as stored: UTC, ISO 8601, milliseconds, ``Z`` (sorts as text)."""
    if moment.tzinfo is None:
        raise ValueError("a timestamp needs a time zone")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_timestamp() -> str:
    """This moment, as stored."""
    return format_timestamp(datetime.now(UTC))


Timestamp = Annotated[AwareDatetime, PlainSerializer(format_timestamp, return_type=str)]


class LocalizedText(Model):
    """One text in German, Danish and English; at least one of them is given."""

    de: Text | None = None
    da: Text | None = None
    en: Text | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> "LocalizedText":
        if self.de is None and self.da is None and self.en is None:
            raise ValueError("give the text in at least one of de, da, en")
        return self


PHONE_HELP = "In E.164 (+4574123456); given national to the record's country, or international."


class Contact(Model):
    """How to reach a cluster's office."""

    email: Email | None = None
    phone: str | None = Field(default=None, description=PHONE_HELP)
    website: Url | None = None
    address: Text | None = None


class LawfulBasis(StrEnum):
    """The GDPR article 6(1) basis on which a person's data is held."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


@lru_cache(maxsize=2**14)
def normalize_phone(number: str, country: str | None) -> str:
    """Parse ``number`` (international, or national to ``country``) and return it in E.164;
    remembered per number and country (a load meets the same switchboard numbers often)."""
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{number!r} is not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"{number!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_VAT_PREFIXES = {"GR": "EL"}
"""Where a VAT id's prefix is not the ISO country code."""


def normalize_vat_id(number: str, country: str) -> str:
    """Check a VAT id (Danish CVR, German USt-IdNr, any other by its country) and return it
    compact with its country prefix, for example ``DK13585628``."""
    compact = number.replace(" ", "").replace("-", "").replace(".", "").upper()
    prefix = compact[:2] if compact[:2].isalpha() else _VAT_PREFIXES.get(country, country)
    digits = compact[2:] if compact[:2].isalpha() else compact
    scheme = "cvr" if prefix == "DK" else "vat"
    country_code = {prefix: code for code, prefix in _VAT_PREFIXES.items()}.get(prefix, prefix)
    try:
        module = get_cc_module(country_code.lower(), scheme)
    except (ImportError, ModuleNotFoundError):
        module = None
    if module is None:
        raise ValueError(f"no VAT id check is known for country {prefix!r}")
    try:
        return prefix + str(module.validate(digits))
    except StdnumError as error:
        raise ValueError(f"{number!r} is not a valid {prefix} VAT id: {error}") from None
