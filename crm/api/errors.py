"""How the API answers what goes wrong.

Expected failures of a mutation (invalid fields, unknown ends, conflicts) are data: a list of
``UserError`` in its payload, each naming the input field a form can show it next to. Failures
of a query are GraphQL errors with an ``extensions.code``. Anything unexpected is logged and
answered as ``INTERNAL_SERVER_ERROR`` without details.
"""

import logging
from collections.abc import Iterator, Sequence
from enum import Enum

import strawberry
from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension

from crm.api.live.feed import KeyRevoked, Lagging, TooManySubscriptions
from crm.errors import (
    BudgetExceeded,
    Conflict,
    CrmError,
    InvalidInput,
    NotFound,
    QueryTimeout,
    StoreUnavailable,
)

logger = logging.getLogger(__name__)


@strawberry.enum(description="Why a mutation refused its input.")
class ErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    NOT_ALLOWED = "not_allowed"


@strawberry.type(description="A problem with one input field, for a form to show beside it.")
class UserError:
    field: list[str] = strawberry.field(
        description="The path of the input field, from the argument's name down."
    )
    code: ErrorCode
    message: str
    existing: strawberry.ID | None = strawberry.field(
        default=None,
        description="For a conflict: the global id of the record the input collides with.",
    )


def validation_errors(
    error: ValidationError, path: Sequence[str], renames: dict[str, str] | None = None
) -> list[UserError]:
    """A pydantic error as user errors under ``path`` (the argument), fields renamed to the
    names the input uses."""
    renames = renames or {}
    errors = []
    for detail in error.errors(include_url=False):
        location = [renames.get(str(part), str(part)) for part in detail["loc"]]
        code = ErrorCode.REQUIRED if detail["type"] == "missing" else ErrorCode.INVALID
        message = detail["msg"].removeprefix("Value error, ")
        errors.append(UserError(field=[*path, *location], code=code, message=message))
    return errors


_CODES: tuple[tuple[type[CrmError], str], ...] = (
    (BudgetExceeded, "BUDGET_EXCEEDED"),
    (QueryTimeout, "LIMIT_EXCEEDED"),
    (InvalidInput, "BAD_USER_INPUT"),
    (NotFound, "NOT_FOUND"),
    (Conflict, "CONFLICT"),
    (StoreUnavailable, "STORE_UNAVAILABLE"),
    (TooManySubscriptions, "LIMIT_EXCEEDED"),
    (Lagging, "SUBSCRIBER_LAGGING"),
    (KeyRevoked, "KEY_REVOKED"),
)


def code_of(error: CrmError) -> str | None:
    """The code of an error the client may be told about; ``None`` for an unexpected one."""
    return next((code for kind, code in _CODES if isinstance(error, kind)), None)


def indefinite(noun: str) -> str:
    """``Organization`` -> ``an Organization``, for messages that name a label."""
    return ("an " if noun[:1] in "AEIOU" else "a ") + noun


class ErrorCodes(SchemaExtension):
    """Give every error a code; mask and log the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            # Variables that do not coerce: no data, and errors without a path (a field error
            # always has one), whose original error is the scalar's or the enum's refusal.
            unexecuted = result.data is None and all(error.path is None for error in result.errors)
            request_id = getattr(self.execution_context.context, "request_id", None)
            result.errors = [_coded(error, unexecuted, request_id) for error in result.errors]


def _coded(error: GraphQLError, unexecuted: bool, request_id: str | None) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is None or unexecuted:  # the request itself: it does not parse, validate or coerce
        return _with_code(error, error.message, "GRAPHQL_VALIDATION_FAILED")
    if isinstance(original, BudgetExceeded):
        more = {"budgetMs": original.budget_ms, "limit": original.setting}
        return _with_code(error, str(original), "BUDGET_EXCEEDED", more)
    code = code_of(original) if isinstance(original, CrmError) else None
    if code is not None:
        return _with_code(error, str(original), code)
    logger.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
    return _with_code(error, "internal error", "INTERNAL_SERVER_ERROR")


def _with_code(
    error: GraphQLError, message: str, code: str, more: dict[str, object] | None = None
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), **(more or {}), "code": code},
    )
