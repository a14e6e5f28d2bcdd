"""The scalars the schema adds to GraphQL's own: dates, moments and exact money."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from crm.domain.values import format_timestamp


def _iso(value: Any) -> str:
    """Stored dates and moments are ISO 8601 text already; the model's are objects."""
    return value if isinstance(value, str) else value.isoformat()


def _parse_date(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("a Date is written as text, YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


Date = NewType("Date", date)
DateTime = NewType("DateTime", str)
Money = NewType("Money", Decimal)


def _serialize_money(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _parse_money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError("an amount is a number, or its decimal text")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


SCALARS: dict[object, ScalarDefinition] = {
    Date: strawberry.scalar(
        name="Date",
        description="A calendar date, ISO 8601: YYYY-MM-DD.",
        serialize=_iso,
        parse_value=_parse_date,
    ),
    DateTime: strawberry.scalar(
        name="DateTime",
        description="A moment in UTC, ISO 8601 with milliseconds: 2015-12-16T09:30:00.000Z.",
        serialize=lambda value: value if isinstance(value, str) else format_timestamp(value),
        parse_value=_iso,
    ),
    Money: strawberry.scalar(
        name="Money",
        description="An exact amount in EUR with at most two decimals; a JSON number "
        "(or its decimal text on input).",
        serialize=_serialize_money,
        parse_value=_parse_money,
    ),
}
"""The scalars' definitions, for the schema's ``scalar_map``."""
