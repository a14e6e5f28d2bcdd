"""Control characters in a request's strings: refused before anything runs.

A string argument (a literal in the document or a variable's value, however deeply nested) may
hold tab, line feed and carriage return, but no other control character: the engines' parameter
parsers fail on some of them (FalkorDB on NUL), and none belongs in a CRM's text. The refusal is
a ``BAD_USER_INPUT`` error naming the character and where it was.
"""

import re
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit

BAD_USER_INPUT = "BAD_USER_INPUT"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refusal(character: str, where: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(
        f"{where} holds the control character U+{ord(character):04X}; strings may hold no "
        "control characters but tab, line feed and carriage return",
        nodes,
        extensions={"code": BAD_USER_INPUT},
    )


class _Strings(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[GraphQLError] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        found = _CONTROL.search(node.value)
        if found is not None:
            self.errors.append(_refusal(found.group(), "a string argument", node))


def in_document(document: DocumentNode) -> list[GraphQLError]:
    """Refusals for the string literals of ``document`` that hold control characters."""
    strings = _Strings()
    visit(document, strings)
    return strings.errors


def in_variables(variables: dict[str, Any]) -> list[GraphQLError]:
    """Refusals for the variables whose values hold control characters (in any string)."""
    errors = []
    for name, value in variables.items():
        found = next(_characters(value), None)
        if found is not None:
            errors.append(_refusal(found, f"the variable ${name}"))
    return errors


def _characters(value: Any) -> Iterator[str]:
    """The control characters in the strings of a JSON value."""
    if isinstance(value, str):
        yield from (found.group() for found in _CONTROL.finditer(value))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _characters(item)
    elif isinstance(value, list):
        for item in value:
            yield from _characters(item)
