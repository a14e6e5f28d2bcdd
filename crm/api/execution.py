"""Running one GraphQL operation in-process: the compiled path where it answers, else the schema.

The HTTP endpoint and the web pages both run operations through ``Executor.execute``, so the
same validation, limits, access policy and compiled reads apply to both.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

Compiled = Callable[
    [str, dict[str, Any] | None, str | None, Any], Awaitable[ExecutionResult | None]
]
"""A faster path for some queries: (query, variables, operation name, context) to the result,
or ``None`` to let the schema execute the request (``crm.api.compiled``)."""

QUERIES = frozenset({OperationType.QUERY})
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


@dataclass(frozen=True)
class Executor:
    """The schema, and the compiled path tried before it."""

    schema: strawberry.Schema
    compiled: Compiled | None = None

    async def execute(
        self,
        query: str,
        context: Any,
        *,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        operation_types: frozenset[OperationType] = QUERIES,
        extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """The result of one operation of ``query`` run with ``context`` (its caller's role).

        Raises strawberry's ``InvalidOperationTypeError`` for an operation of a type not in
        ``operation_types``, as ``schema.execute`` does."""
        if self.compiled is not None:
            compiled = await self.compiled(query, variables, operation_name, context)
            if compiled is not None:
                return compiled
        return await self.schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=operation_types,
            operation_extensions=extensions,
        )
