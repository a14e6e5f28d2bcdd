"""Natural keys: what identifies an organisation or a person besides its record id.

An organisation is identified by its VAT id (as python-stdnum normalises it: ``vatId``) and by
its name folded with its country (``nameKey``: ``DK:soenderborg energi`` for "Sønderborg
Energi ApS" and "Soenderborg Energi A/S" alike); a person by their e-mail address case-folded
(``emailKey``). Each is stored as a property on every write (``crm.graph.properties``) and is
unique per label (``schema/graph.yaml``).
"""

import hashlib
import re
from typing import Any, LiteralString

from crm.domain.nodes import Label, Node, Organization, Person
from crm.domain.search import transliterate

LEGAL_FORMS: tuple[str, ...] = (
    "GmbH & Co. KG",
    "UG (haftungsbeschränkt)",
    "GmbH",
    "G.m.b.H.",
    "gGmbH",
    "mbH",
    "ApS",
    "A/S",
    "AG",
    "A.G.",
    "e.V.",
    "I/S",
    "K/S",
    "P/S",
    "UG",
    "KG",
    "OHG",
    "GbR",
    "IVS",
    "SE",
    "AmbA",
    "a.m.b.a.",
)
"""Danish and German legal forms, as written; a name's key leaves them out wherever they end it."""

_TOKEN = re.compile(r"[a-z0-9]+")


def name_tokens(name: str) -> list[str]:
    """The transliterated words of a name: letters and digits only (``A/S`` -> ``a``, ``s``)."""
    return _TOKEN.findall(transliterate(name))


_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted({tuple(name_tokens(form)) for form in LEGAL_FORMS}, key=len, reverse=True)
)

_FORM_WORDS = frozenset(word for form in _FORMS for word in form)


def strip_legal_form(tokens: list[str]) -> list[str]:
    """The words without the legal forms that end them (``gmbh co kg``, ``a s``), repeatedly;
    a name that is nothing but a legal form keeps its words."""
    stripped = list(tokens)
    while True:
        form = next(
            (
                form
                for form in _FORMS
                if len(stripped) > len(form) and tuple(stripped[-len(form) :]) == form
            ),
            None,
        )
        if form is None:
            # A name that is nothing but legal forms ("GmbH & Co. KG") keeps its words.
            return list(tokens) if set(stripped) <= _FORM_WORDS else stripped
        del stripped[-len(form) :]


def folded_name(name: str) -> str:
    """A name transliterated, its punctuation and legal form removed: ``Sønderborg Energi ApS``
    -> ``soenderborg energi``."""
    return " ".join(strip_legal_form(name_tokens(name)))


def name_key(name: str, country: str) -> str:
    """An organisation's name key: ``DK:soenderborg energi``."""
    return f"{country}:{folded_name(name)}"


def email_key(email: str) -> str:
    """An e-mail address compared as people do: ``Jens.Hansen@Example.DK`` equals
    ``jens.hansen@example.dk``."""
    return email.strip().casefold()


NATURAL_KEYS: dict[Label, tuple[LiteralString, ...]] = {
    Label.ORGANIZATION: ("vatId", "nameKey"),
    Label.PERSON: ("emailKey",),
}
"""The properties that identify a record of each label besides its id (each unique)."""

DERIVED_KEYS: dict[Label, tuple[str, ...]] = {
    Label.ORGANIZATION: ("nameKey",),
    Label.PERSON: ("emailKey",),
}
"""The natural-key properties derived from other fields (``vatId`` is a field of its own)."""

KEY_WORDS = {"vatId": "VAT id", "nameKey": "name and country", "emailKey": "e-mail address"}
"""How messages name each key."""


def derived_keys(record: Node) -> dict[str, Any]:
    """The derived natural-key properties of a record (``None`` where a field is missing)."""
    if isinstance(record, Organization):
        return {"nameKey": name_key(record.name, record.country)}
    if isinstance(record, Person):
        return {"emailKey": None if record.email is None else email_key(record.email)}
    return {}


def record_id_for(label: Label, name: str, country: str | None, extra: str = "") -> str:
    """A readable record id made up from a name, the same for the same input:
    ``soenderborg-energi-dk-3f9a0c1e``. The hash covers the folded name, the country and
    ``extra`` (a person's e-mail address), so names that slug alike still get ids of their own."""
    folded = folded_name(name) or label.value.lower()
    slug = "-".join(folded.split())[:48].strip("-")
    suffix = (country or "").lower()
    seed = f"{label.value}|{folded}|{country or ''}|{extra.casefold()}"
    digest = hashlib.sha256(seed.encode()).hexdigest()[:8]
    return "-".join(part for part in (slug, suffix, digest) if part)
