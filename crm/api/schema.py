"""The GraphQL schema, assembled once from the domain model, the tie table and the resolvers."""

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig

from crm.api.access import AccessControl
from crm.api.audit import audit_fields
from crm.api.errors import ErrorCodes
from crm.api.gdpr import gdpr_query_fields
from crm.api.insight.fields import insight_fields
from crm.api.limits import DocumentCache, ExecutionContext, Limits
from crm.api.live.fields import subscription_fields
from crm.api.mutations import mutation_fields
from crm.api.network import network_fields
from crm.api.nodes import node_types, query_fields
from crm.api.quality import quality_query_fields
from crm.api.scalars import SCALARS
from crm.api.webhooks.endpoints import webhook_mutations, webhook_query_fields
from crm.graph.schema import SCHEMA_DIR

SDL_PATH = SCHEMA_DIR / "crm.graphql"
"""The checked-in SDL that clients generate code from; a test keeps it equal to ``SCHEMA``."""


def resolve_default(obj: Any, name: str) -> Any:
    """Records travel as dicts keyed by field name; everything else as attributes."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Strawberry would log every error with a traceback, refusals (``FORBIDDEN``, limits,
        bad input) included; ``ErrorCodes`` logs the unexpected ones, with the request id."""


def build_schema() -> strawberry.Schema:
    types = node_types()
    query = type(
        "Query",
        (),
        {
            "__annotations__": {},
            **query_fields(types),
            **insight_fields(types),
            **network_fields(types),
            **gdpr_query_fields(),
            **audit_fields(),
            **quality_query_fields(),
            **webhook_query_fields(),
        },
    )
    mutation = type(
        "Mutation",
        (),
        {"__annotations__": {}, **mutation_fields(types), **webhook_mutations()},
    )
    subscription = type("Subscription", (), {"__annotations__": {}, **subscription_fields(types)})
    return _Schema(
        query=strawberry.type(query),
        mutation=strawberry.type(mutation),
        subscription=strawberry.type(subscription),
        types=list(types.values()),
        extensions=[ErrorCodes, Limits, DocumentCache, AccessControl],
        execution_context_class=ExecutionContext,
        config=StrawberryConfig(default_resolver=resolve_default, scalar_map=SCALARS),
    )


def sdl(schema: strawberry.Schema) -> str:
    return schema.as_str() + "\n"


SCHEMA = build_schema()
