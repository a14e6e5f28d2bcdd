"""The NUL character in a request's strings: refused before anything runs.

No string argument (a literal in the document or a variable's value, however deeply nested) may
hold NUL (U+0000): the engines cannot hold it (FalkorDB's parameter parser fails on it), so the
domain model refuses it in records, and an id, filter or search text holding it would otherwise
reach the engine and fail there. The refusal is a ``BAD_USER_INPUT`` error saying where it was.
Other control characters are text like any other, stored as given (as the loader stores them).
"""

from typing import Any

from graphql import DocumentNode, GraphQLError, StringValueNode, Visitor, visit

BAD_USER_INPUT = "BAD_USER_INPUT"
NUL = "\x00"


def _refusal(where: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(
        f"{where} holds the NUL character (U+0000), which the graph cannot store; leave it out",
        nodes,
        extensions={"code": BAD_USER_INPUT},
    )


class _Strings(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[GraphQLError] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if NUL in node.value:
            self.errors.append(_refusal("a string argument", node))


def in_document(document: DocumentNode) -> list[GraphQLError]:
    """Refusals for the string literals of ``document`` that hold NUL."""
    strings = _Strings()
    visit(document, strings)
    return strings.errors


def in_variables(variables: dict[str, Any]) -> list[GraphQLError]:
    """Refusals for the variables whose values hold NUL (in any string)."""
    return [_refusal(f"the variable ${name}") for name, value in variables.items() if _holds(value)]


def _holds(value: Any) -> bool:
    """Whether a string of a JSON value holds NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds(item) for item in value)
    return False
