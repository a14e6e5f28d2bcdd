"""What every mutation shares: how refusals become user errors, validation by the domain
model, ids in arguments, and patches."""

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from pydantic import ValidationError

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError, validation_errors
from crm.api.ids import WrongLabel, node_ref
from crm.api.records import RECORD_ID, ApiObject
from crm.domain import Label
from crm.domain.values import Model
from crm.errors import InvalidInput
from crm.graph.properties import TIMESTAMPS, Properties
from crm.queries.changes import Change

API_SOURCE = "graphql"
"""The ``source`` of records and ties written through the API when the input names none."""

STORED_ONLY = frozenset(TIMESTAMPS)
"""Fields the store writes; no input sets them."""
RENAMES = {"id": RECORD_ID}


class Refused(Exception):
    """Raised inside a mutation to answer with these errors and write nothing."""

    def __init__(self, *errors: UserError) -> None:
        super().__init__(errors[0].message if errors else "refused")
        self.errors = list(errors)


def refuse(field: list[str], code: ErrorCode, message: str) -> Refused:
    return Refused(UserError(field=field, code=code, message=message))


def mutation(resolve: Callable[..., Awaitable[ApiObject]], payload: Any, description: str) -> Any:
    """A mutation field whose refusals become the payload's ``errors``."""

    async def guarded(*args: Any, **kwargs: Any) -> ApiObject:
        try:
            result = await resolve(*args, **kwargs)
        except Refused as refused:
            return _empty(payload) | {"errors": refused.errors}
        return _empty(payload) | result | {"errors": []}

    signature = inspect.signature(resolve).replace(return_annotation=payload)
    guarded.__signature__ = signature  # type: ignore[attr-defined]
    guarded.__annotations__ = dict(resolve.__annotations__) | {"return": payload}
    guarded.__name__ = resolve.__name__
    return strawberry.mutation(resolver=guarded, description=description)


def _empty(payload: Any) -> ApiObject:
    """Every payload field unset (null, false or zero)."""
    defaults: dict[str, Any] = {"created": False, "detached_ties": 0, "removed": 0}
    names = payload.__strawberry_definition__.fields
    return {field.python_name: defaults.get(field.python_name) for field in names}


def validated[M: Model](model: type[M], data: dict[str, Any], path: list[str]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise Refused(*validation_errors(error, path, RENAMES)) from None


def ref(value: str, labels: tuple[Label, ...], field: list[str]) -> tuple[Label | None, str]:
    try:
        return node_ref(value, labels)
    except InvalidInput as error:
        code = ErrorCode.NOT_ALLOWED if isinstance(error, WrongLabel) else ErrorCode.INVALID
        raise refuse(field, code, str(error)) from None


def not_found(field: list[str], label: Label, record_id: str) -> Refused:
    return refuse(field, ErrorCode.NOT_FOUND, f"no {label.value} with id {record_id!r}")


def change(info: Info) -> Change:
    """What the mutation's writes log of themselves (``crm.queries.changes``): its name, the
    caller's key id, the moment and the request."""
    context = info.context
    return Change(info.field_name, context.caller.audit_id, context.now(), context.request_id)


def changed(current: Properties, new: Properties) -> Properties:
    """What to set so that ``current`` holds ``new`` (``None`` removes)."""
    return {key: value for key, value in new.items() if current.get(key) != value}


def patched(data: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the patch applied: a field set to null is removed."""
    merged = dict(data)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
