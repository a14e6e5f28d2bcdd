"""The GraphQL operations a page runs, kept as ``.graphql`` files beside its module.

A file holds one or more named queries and the fragments they use; a page runs one of them by
name, with the visitor's caller, in-process (``crm.api.execution.InProcess``). Errors come back
as exceptions the site answers with a page: an unknown record (``NOT_FOUND`` or a ``null``
lookup) a 404, a store that is away a 503, bad input the page shows itself.
"""

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

logger = logging.getLogger(__name__)


class PageNotFound(Exception):
    """The page names a record that does not exist (or a language we do not have)."""


class StoreDown(Exception):
    """The graph store did not answer."""


class Busy(Exception):
    """The page's question ran out of its time budget, or found no place among the network
    questions running (``crm.api.budgets``)."""


class BadInput(Exception):
    """The API refused the visitor's input (a search text without words, a stale cursor)."""

    def __init__(self, message: str, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions or {}
        """The error's ``extensions`` (``code``; a limit's ``maximum`` and what it counted)."""


class OperationFailed(Exception):
    """The API answered an error the page cannot explain (logged with its request id)."""


@dataclass(frozen=True)
class Operations:
    """The operations of one ``.graphql`` file."""

    path: Path

    @classmethod
    def beside(cls, module_file: str) -> "Operations":
        """The ``.graphql`` file named like a page's module (``home.py`` -> ``home.graphql``)."""
        return cls(Path(module_file).with_suffix(".graphql"))

    @cached_property
    def document(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def names(self) -> frozenset[str]:
        """The names of the file's operations."""
        return frozenset(
            definition.name.value
            for definition in parse(self.document).definitions
            if isinstance(definition, OperationDefinitionNode) and definition.name is not None
        )


CODES_OF_BAD_INPUT = frozenset({"BAD_USER_INPUT", "LIMIT_EXCEEDED"})


def data_of(result_data: Any, errors: list[Any] | None, request_id: str) -> dict[str, Any]:
    """The data of an operation's result, or the exception that the site answers instead."""
    codes = {(error.extensions or {}).get("code") for error in errors or []}
    if "STORE_UNAVAILABLE" in codes:
        raise StoreDown
    if codes & {"TOO_MANY_REQUESTS", "BUDGET_EXCEEDED"}:
        raise Busy
    if "NOT_FOUND" in codes:
        raise PageNotFound
    if errors and codes <= CODES_OF_BAD_INPUT:
        raise BadInput(errors[0].message, dict(errors[0].extensions or {}))
    if errors or result_data is None:
        logger.error("request %s: a page's operation failed (codes %s)", request_id, codes)
        raise OperationFailed
    data: dict[str, Any] = result_data
    return data
