"""Rows to the response: small closures, made once per plan, that turn the statement's nested
lists into the response's dicts.

The statement returns, for every node, a list of values in the plan's column order (ties as
lists of such lists); the closures only name them with the response's keys and convert what
Cypher cannot: global ids, enum names, money, cursors.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from crm.api.pagination import encode_cursor
from crm.queries.compiled.cypher import Row

Getter = Callable[[Row], Any]
"""A response value from one node's row."""
Convert = Callable[[Any], Any]


def record(entries: Sequence[tuple[str, Getter]]) -> Getter:
    """An object: each response key with its value from the row."""
    fields = tuple(entries)

    def shape(row: Row) -> dict[str, Any]:
        return {key: get(row) for key, get in fields}

    return shape


def column(index: int, convert: Convert | None = None) -> Getter:
    """A column's value, converted when not null."""
    if convert is None:
        return itemgetter(index)

    def get(row: Row) -> Any:
        value = row[index]
        return None if value is None else convert(value)

    return get


def each(convert: Convert) -> Convert:
    """A list's items converted, nulls kept."""
    return lambda values: [None if value is None else convert(value) for value in values]


def constant(value: Any) -> Getter:
    return lambda _row: value


def nested(index: int, shape: Getter) -> Getter:
    """A nested record stored as several properties (the column lists them all, and ``shape``
    reads that list): null when none is set, as ``records.api_node`` leaves it out."""

    def get(row: Row) -> Any:
        values = row[index]
        return None if all(value is None for value in values) else shape(values)

    return get


def variant(index: int, shapes: dict[str, Getter]) -> Getter:
    """An object whose fields depend on its label (a member of a union), in column ``index``."""
    return lambda row: shapes[row[index]](row)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: the rows shown, and how to get a row's cursor (when asked)."""

    rows: Sequence[Row]
    has_next: bool
    has_previous: bool
    total: int | None
    cursor: Getter | None


PageGetter = Callable[[Page], Any]


def connection(
    entries: Sequence[tuple[str, PageGetter]],
    *,
    first: int,
    has_previous: bool,
    cursor: Getter | None,
    rows: int,
    total: int | None,
) -> Getter:
    """A connection from the columns ``rows`` (up to ``first + 1`` rows) and ``total`` (its
    count, when selected) of the parent's row."""
    fields = tuple(entries)

    def shape(row: Row) -> dict[str, Any]:
        found = row[rows]
        count = None if total is None else int(row[total])
        page = Page(found[:first], len(found) > first, has_previous, count, cursor)
        return {key: get(page) for key, get in fields}

    return shape


def items(shape: Getter) -> PageGetter:
    """``edges`` or ``nodes``: one object per row of the page."""
    return lambda page: [shape(row) for row in page.rows]


def page_record(entries: Sequence[tuple[str, PageGetter]]) -> PageGetter:
    """An object made from the page (``pageInfo``)."""
    fields = tuple(entries)
    return lambda page: {key: get(page) for key, get in fields}


def start_cursor(page: Page) -> str | None:
    assert page.cursor is not None
    return page.cursor(page.rows[0]) if page.rows else None


def end_cursor(page: Page) -> str | None:
    assert page.cursor is not None
    return page.cursor(page.rows[-1]) if page.rows else None


PAGE_INFO: dict[str, PageGetter] = {
    "hasNextPage": lambda page: page.has_next,
    "hasPreviousPage": lambda page: page.has_previous,
    "startCursor": start_cursor,
    "endCursor": end_cursor,
}


def cursor(scope: str, key: int, tie_breaker: int) -> Getter:
    """A row's cursor in a list of ``scope``, from its sort key and tie breaker columns."""
    return lambda row: encode_cursor(scope, row[key], row[tie_breaker])
