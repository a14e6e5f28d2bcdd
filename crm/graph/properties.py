"""How a domain record becomes graph properties and back.

Engines store only scalars and lists of scalars, so the encoding flattens what the model nests:
a nested record's fields get their parent's name as a prefix (``description.de`` is stored as
``descriptionDe``, ``consent.basis`` as ``consentBasis``), money is stored as an exact integer
number of cents (``totalInvestmentEur`` as ``totalInvestmentEurCents``), dates and times as ISO
8601 text (which sorts and compares correctly on every engine), enums as their value.
Organisations and people also get their derived natural keys (``nameKey``, ``emailKey``: see
``crm.domain.natural_keys``).
Nodes also get ``searchName`` (and ``searchPlace`` where they have a place): their name folded
for case- and accent-insensitive search; and ``searchText``: the name and every text field, all
languages, folded the same way, which the full-text indexes hold (the engines' own analysers
neither lower-case nor fold ``Ø``, ``Ä`` or ``ß``). Clusters get ``searchSpecialties`` (each
specialty, service and technology, folded) and people ``sortFamilyName`` (family name, then given
name, folded: the key of the family-name order).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from crm.domain.natural_keys import DERIVED_KEYS, derived_keys
from crm.domain.nodes import Cluster, Node, Person
from crm.domain.search import fold
from crm.domain.values import Model, format_timestamp

TIMESTAMPS = ("createdAt", "updatedAt")
SEARCH_NAME = "searchName"
SEARCH_PLACE = "searchPlace"
SEARCH_TEXT = "searchText"
SEARCH_SPECIALTIES = "searchSpecialties"
SORT_FAMILY_NAME = "sortFamilyName"
"""Derived from the record, never read back into it."""
"""Written by the store, not by the caller; kept apart from the record's own properties."""

Properties = dict[str, Any]


@dataclass(frozen=True)
class _Field:
    alias: str
    nested: type[BaseModel] | None
    money: bool


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if get_origin(annotation) in (Union, UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


@cache
def _fields(model: type[BaseModel]) -> tuple[_Field, ...]:
    fields = []
    for name, info in model.model_fields.items():
        inner = _unwrap(info.annotation)
        nested = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
        fields.append(_Field(info.alias or name, nested, inner is Decimal))
    return tuple(fields)


@cache
def property_names(model: type[Model]) -> tuple[str, ...]:
    """Every graph property a record of ``model`` may set, timestamps excluded."""
    names: list[str] = []
    for field in _fields(model):
        if field.alias in TIMESTAMPS:
            continue
        if field.nested is not None:
            names.extend(field.alias + _capital(sub.alias) for sub in _fields(field.nested))
        else:
            names.append(_stored_name(field))
    if issubclass(model, Node):
        names.extend((SEARCH_NAME, SEARCH_TEXT, *DERIVED_KEYS.get(model.label, ())))
        if model.place_field is not None:
            names.append(SEARCH_PLACE)
        if issubclass(model, Cluster):
            names.append(SEARCH_SPECIALTIES)
        if issubclass(model, Person):
            names.append(SORT_FAMILY_NAME)
    return tuple(names)


def to_properties(record: Model) -> Properties:
    """The record as graph properties; absent values are ``None`` so that an upsert removes them."""
    data = record.model_dump(mode="json", by_alias=True)
    properties: Properties = {}
    for field in _fields(type(record)):
        if field.alias in TIMESTAMPS:
            continue
        value = data[field.alias]
        if field.nested is not None:
            for sub in _fields(field.nested):
                properties[field.alias + _capital(sub.alias)] = (
                    None if value is None else value[sub.alias]
                )
        elif field.money:
            properties[_stored_name(field)] = None if value is None else _cents(value)
        else:
            properties[field.alias] = value
    if isinstance(record, Node):
        properties[SEARCH_NAME] = fold(record.display_name)
        properties[SEARCH_TEXT] = fold(record.search_text)
        properties.update(derived_keys(record))
        if record.place_field is not None:
            place = record.place_name
            properties[SEARCH_PLACE] = None if place is None else fold(place)
    if isinstance(record, Cluster):
        offered = [*record.specialties, *record.services, *record.technologies]
        properties[SEARCH_SPECIALTIES] = [fold(text) for text in offered]
    if isinstance(record, Person):
        properties[SORT_FAMILY_NAME] = fold(f"{record.family_name} {record.given_name}")
    return properties


def timestamps(record: Model) -> Properties:
    """The record's own ``createdAt`` and ``updatedAt`` (from an export), or ``None``."""
    # Read from the attributes: a second ``model_dump`` per row would cost a bulk import dearly.
    created, updated = getattr(record, "created_at", None), getattr(record, "updated_at", None)
    return {
        "createdAt": None if created is None else format_timestamp(created),
        "updatedAt": None if updated is None else format_timestamp(updated),
    }


def from_properties[M: Model](model: type[M], properties: Properties) -> M:
    """Rebuild a record from what the graph holds (the inverse of ``to_properties``)."""
    return model.model_validate(record_data(model, properties))


def record_data(model: type[Model], properties: Properties) -> dict[str, Any]:
    """What the graph holds in the shape of ``model``'s fields (by alias), not validated:
    nested records rebuilt, cents back to amounts, absent values left out."""
    data: dict[str, Any] = {}
    for field in _fields(model):
        if field.nested is not None:
            nested = {
                sub.alias: properties.get(field.alias + _capital(sub.alias))
                for sub in _fields(field.nested)
            }
            nested = {key: value for key, value in nested.items() if value is not None}
            if nested:
                data[field.alias] = nested
        elif field.money:
            cents = properties.get(_stored_name(field))
            if cents is not None:
                data[field.alias] = Decimal(cents).scaleb(-2)
        elif properties.get(field.alias) is not None:
            data[field.alias] = properties[field.alias]
    return data


@dataclass(frozen=True)
class Storage:
    """Where a field of a record is stored: one property (``name``; in cents when ``money``),
    or, for a nested record, one property per field of it (``nested``: alias -> property)."""

    name: str
    money: bool = False
    nested: tuple[tuple[str, str], ...] | None = None


@cache
def storage(model: type[BaseModel]) -> dict[str, Storage]:
    """Each field of ``model`` (by alias): where the graph keeps it, for readers that fetch
    just the properties they need (the inverse of ``to_properties``, field by field)."""
    return {
        field.alias: Storage(
            _stored_name(field),
            field.money,
            None
            if field.nested is None
            else tuple(
                (sub.alias, field.alias + _capital(sub.alias)) for sub in _fields(field.nested)
            ),
        )
        for field in _fields(model)
    }


def _stored_name(field: _Field) -> str:
    return field.alias + "Cents" if field.money else field.alias


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def _cents(amount: str) -> int:
    return int(Decimal(amount).scaleb(2))
