"""Compiled reads: a query whose every field the compiler supports is answered by one Cypher
statement per top-level field, whose rows already nest as the response does, instead of by
strawberry's resolvers field by field.

The document is parsed, validated and checked against the limits exactly as strawberry's path
does (with the same caches); the caller's role must allow every field. ``planner.py`` turns the
selection into plans (``crm.queries.compiled`` renders and reads them), ``shape.py`` the rows
into the response. Whatever the compiler does not support (introspection included), a bad
argument, an unknown id or a store error goes to strawberry, which answers, or reports, as it
always has: ``answer`` returns ``None`` for it. Any other failure is a bug: it is logged once
with the request id and counted (``COMPILED_READ_FAILURES``), then strawberry answers.
"""

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSchema, OperationType
from graphql.execution.executor import Executor
from strawberry.types.execution import ExecutionResult

from crm.api.access import required_roles
from crm.api.compiled.planner import NotCompilable, Plan, Planner
from crm.api.context import Context
from crm.api.execution import Compiled
from crm.api.limits import parse_document, refusals
from crm.api.metrics import COMPILED_READ_FAILURES
from crm.errors import CrmError
from crm.graph.store import GraphStore
from crm.keys import Role
from crm.queries.compiled.cypher import read_node, read_page
from crm.queries.compiled.plan import Lookup

logger = logging.getLogger(__name__)


class _Missing(Exception):
    """A lookup found no node: strawberry reports ``NOT_FOUND``."""


def answerer(schema: strawberry.Schema) -> Compiled:
    """The compiled path for ``schema``: (query, variables, operation name, context) to the
    result, or ``None`` where strawberry must answer."""
    graphql_schema = schema._schema
    required = required_roles(schema)

    async def answer(
        query: str, variables: dict[str, Any] | None, operation_name: str | None, context: Any
    ) -> ExecutionResult | None:
        assert isinstance(context, Context)
        planner = _planner(
            graphql_schema,
            required,
            query=query,
            variables=variables,
            operation_name=operation_name,
            context=context,
        )
        if planner is None:
            return None
        try:
            plans = planner.plans()
            data = {plan.key: await _value(plan, context.store) for plan in plans}
        except (NotCompilable, _Missing, CrmError):
            return None
        except Exception:
            COMPILED_READ_FAILURES.inc()
            logger.exception(
                "request %s: the compiled read failed; the resolvers answer it",
                context.request_id,
            )
            return None
        return ExecutionResult(data=data, errors=None)

    return answer


def _planner(
    schema: GraphQLSchema,
    required: Callable[[str, str], Role | None],
    *,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Context,
) -> Planner | None:
    """The planner of a query operation that parses, validates and keeps within the limits,
    with variables that coerce; ``None`` for anything else (strawberry reports it)."""
    settings = context.settings
    if not settings.compiled_reads:
        return None
    try:
        document = parse_document(query, max_tokens=settings.max_tokens)
    except GraphQLError:
        return None
    if refusals(schema, query, document, settings, variables or {}):
        return None
    executor = Executor.build(
        schema, document, raw_variable_values=variables, operation_name=operation_name
    )
    if isinstance(executor, list) or executor.operation.operation != OperationType.QUERY:
        return None
    return Planner(
        schema,
        executor.fragments,
        executor.variable_values,
        executor.operation,
        context.caller.role,
        required,
        settings.max_page_size,
    )


async def _value(plan: Plan, store: GraphStore) -> Any:
    root = plan.root
    if root is None:
        return plan.shape(())
    if isinstance(root, Lookup):
        row = await read_node(store, root)
        if row is None:
            raise _Missing
        return plan.shape(row)
    page = await read_page(store, root)
    return plan.shape([page.rows, page.total])
