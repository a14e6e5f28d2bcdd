"""GraphQL object and input types derived from the domain model's fields.

The domain model is the one declaration of what a record holds; the schema follows it, so a field
added to a model appears in the API (and in the SDL snapshot) without a second declaration.
Field names are the model's aliases (camelCase), which are also the keys of the dicts the
resolvers hand to strawberry (see ``schema.resolve_default``).
"""

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import strawberry
from pydantic import AwareDatetime, BaseModel, HttpUrl
from strawberry.types.unset import UNSET

from crm.api.scalars import Date, DateTime, Money

_SCALARS: dict[Any, Any] = {
    str: str,
    int: int,
    bool: bool,
    float: float,
    date: Date,
    datetime: DateTime,
    AwareDatetime: DateTime,
    Decimal: Money,
    HttpUrl: str,
}


@cache
def graphql_enum(enum: type[Enum]) -> Any:
    return strawberry.enum(enum, description=enum.__doc__)


def _graphql(annotation: Any, nested: Callable[[type[BaseModel]], Any]) -> Any:
    """The strawberry annotation for a model field's type, ``None`` allowed or not as there."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"no GraphQL type for {annotation}")
        return _graphql(inner[0], nested) | None
    if origin is Annotated:
        return _graphql(get_args(annotation)[0], nested)
    if origin is list:
        return list[_graphql(get_args(annotation)[0], nested)]  # type: ignore[misc]
    return _named(annotation, nested)


def _named(annotation: Any, nested: Callable[[type[BaseModel]], Any]) -> Any:
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return graphql_enum(annotation)
        if issubclass(annotation, BaseModel):
            return nested(annotation)
        for python, graphql in _SCALARS.items():
            if issubclass(annotation, python):
                return graphql
    if getattr(annotation, "__name__", "") == "EmailStr":
        return str
    raise TypeError(f"no GraphQL type for {annotation}")


def _optional(annotation: Any) -> Any:
    return annotation if get_origin(annotation) in (Union, UnionType) else annotation | None


def object_type(
    name: str,
    model: type[BaseModel],
    *,
    skip: frozenset[str] = frozenset(),
    bases: tuple[type, ...] = (),
    extra: dict[str, Any] | None = None,
) -> type:
    """An undecorated class with ``model``'s fields (but those in ``skip``) and ``extra``
    (strawberry fields); decorate it with ``strawberry.type`` once it is complete."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for field_name, info in model.model_fields.items():
        alias = info.alias or field_name
        if alias in skip:
            continue
        namespace["__annotations__"][alias] = _graphql(info.annotation, nested_object)
        namespace[alias] = strawberry.field(description=info.description)
    namespace.update(extra or {})
    return type(name, bases, namespace)


@cache
def nested_object(model: type[BaseModel]) -> Any:
    """The object type of a record nested in another (a contact, a consent, a text)."""
    return strawberry.type(object_type(model.__name__, model), description=model.__doc__)


def input_type(
    name: str,
    model: type[BaseModel],
    *,
    patch: bool = False,
    skip: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
    extra: dict[str, Any] | None = None,
) -> Any:
    """An input with ``model``'s fields. A patch has every field optional and tells a field left
    out (``UNSET``: keep it) from a field set to null (remove it)."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": __name__}
    for field_name, info in model.model_fields.items():
        alias = info.alias or field_name
        if alias in skip:
            continue
        annotation = _graphql(info.annotation, nested_input)
        if patch or alias in optional or not info.is_required():
            annotation = _optional(annotation)
            namespace[alias] = strawberry.field(
                default=UNSET if patch else None, description=info.description
            )
        else:
            namespace[alias] = strawberry.field(description=info.description)
        annotations[alias] = annotation
    for field_name, (annotation, default) in (extra or {}).items():
        annotations[field_name] = annotation
        namespace[field_name] = default
    cls = type(name, (), namespace)
    cls.__doc__ = f"{'Changes to' if patch else 'A new'} {model.__name__}: {model.__doc__ or ''}"
    return strawberry.input(cls)


@cache
def nested_input(model: type[BaseModel]) -> Any:
    return input_type(model.__name__ + "Input", model)


def input_data(value: Any) -> Any:
    """An input object as plain data for the domain model: fields left out are dropped, enums
    become their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: input_data(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not UNSET
        }
    if isinstance(value, list):
        return [input_data(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value
