"""Who may read and change what: API keys checked per request, and one policy for every field.

A request names its key in ``Authorization: Bearer <key>``; without one it gets the role of
``CRM_ANONYMOUS_ROLE``, or a 401 when that is unset. ``AccessControl`` checks every field a
query selects against ``policy``, whatever route reached it (``node``, ``nodes``, a list, a tie,
a mutation's payload), so fields added later are covered by their root's default: ``Query``
fields need ``reader``, ``Mutation`` fields ``editor``; the table names the stronger ones.
"""

import asyncio
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, get_named_type
from starlette.requests import HTTPConnection, Request
from strawberry.extensions import SchemaExtension

from crm.api.context import Context
from crm.api.http import RequestRefused
from crm.api.key_checks import FailedKeyChecks
from crm.api.ties import TIE_FIELDS
from crm.config import Settings
from crm.domain import RelType
from crm.errors import StoreUnavailable, TooManyFailures
from crm.graph.store import GraphStore
from crm.keys import Caller, Role, parse_token, verify_secret
from crm.queries.keys import key_by_id

ROOT_ROLES = {"Query": Role.READER, "Mutation": Role.EDITOR, "Subscription": Role.READER}
"""What a root field needs unless ``STRONGER`` says more."""

STRONGER: Mapping[str, Role] = {
    "Query.auditLog": Role.ADMIN,
    "Query.exportPersonalData": Role.ADMIN,
    "Query.dataQuality": Role.ADMIN,
    "Query.duplicateCandidates": Role.EDITOR,
    "Mutation.erasePerson": Role.ADMIN,
    "Query.webhooks": Role.ADMIN,
    "Mutation.registerWebhook": Role.ADMIN,
    "Mutation.pauseWebhook": Role.ADMIN,
    "Mutation.resumeWebhook": Role.ADMIN,
    "Mutation.deleteWebhook": Role.ADMIN,
    "Person.email": Role.EDITOR,
    "Person.phone": Role.EDITOR,
}
"""Fields (``Type.field``) that need more than their default."""

PERSONAL_TIE_PROPERTIES: Mapping[RelType, tuple[str, ...]] = {RelType.INTERACTED: ("note",)}
"""Properties of ties that only editors may read, on the edges of every field walking them."""


def policy(schema: strawberry.Schema) -> dict[str, Role]:
    """Every field (``Type.field``) that needs more than its root's default: ``STRONGER``, plus the
    personal tie properties on each edge type that carries them (found in the schema, so a tie
    field added to ``TIE_FIELDS`` is covered)."""
    table = dict(STRONGER)
    graphql_schema = schema._schema
    for label, fields in TIE_FIELDS.items():
        for name, walk in fields.items():
            for prop in PERSONAL_TIE_PROPERTIES.get(walk.rel_type, ()):
                edge = _edge_type(graphql_schema.get_type(label.value), name)
                table[f"{edge.name}.{prop}"] = Role.EDITOR
    return table


def _edge_type(node_type: Any, field: str) -> GraphQLObjectType:
    connection = get_named_type(node_type.fields[field].type)
    edge = get_named_type(connection.fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    return edge


@cache
def required_roles(schema: strawberry.Schema) -> Callable[[str, str], Role | None]:
    """The role a field (type and field name) needs, or ``None`` when any caller may see it."""
    table = policy(schema)

    @cache
    def required(type_name: str, field_name: str) -> Role | None:
        return table.get(f"{type_name}.{field_name}", ROOT_ROLES.get(type_name))

    return required


class AccessControl(SchemaExtension):
    """Refuses, with a ``FORBIDDEN`` error naming it, each field the caller's role may not see;
    the rest of the answer is given."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Context],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        required = required_roles(self.execution_context.schema)(
            info.parent_type.name, info.field_name
        )
        caller: Caller = info.context.caller
        if required is not None and not caller.role.allows(required):
            coordinate = f"{info.parent_type.name}.{info.field_name}"
            raise GraphQLError(
                f"{coordinate} needs the {required} role; this request has {caller.role}",
                extensions={
                    "code": "FORBIDDEN",
                    "field": coordinate,
                    "requiredRole": required.value,
                },
            )
        return _next(root, info, *args, **kwargs)


class Unauthenticated(RequestRefused):
    """No valid key, and anonymous requests have no role: 401."""

    def __init__(self, message: str) -> None:
        super().__init__(
            message, 401, "UNAUTHENTICATED", {"WWW-Authenticate": 'Bearer realm="crm"'}
        )


async def authenticate(
    request: Request, store: GraphStore, settings: Settings, failures: FailedKeyChecks
) -> Caller:
    """The caller a request's ``Authorization`` header names, or the anonymous one."""
    header = request.headers.get("authorization")
    return await caller_of_header(header, store, settings, address_of(request), failures)


async def caller_of_header(
    header: str | None,
    store: GraphStore,
    settings: Settings,
    address: str,
    failures: FailedKeyChecks,
) -> Caller:
    """The caller an ``Authorization`` value (``Bearer <key>``) names, or the anonymous one. A
    client ``address`` or key id with too many recent ``failures`` is refused (429) unchecked."""
    if header is None:
        if settings.anonymous_role is None:
            raise Unauthenticated("send an API key: Authorization: Bearer <key>")
        return Caller(None, settings.anonymous_role)
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    try:
        return await checked_caller(store, token, address, failures)
    except TooManyFailures as refused:
        headers = {"Retry-After": str(refused.wait_s)}
        raise RequestRefused(str(refused), 429, "TOO_MANY_REQUESTS", headers) from None
    except StoreUnavailable:
        raise RequestRefused(
            "the graph store is unavailable; the key cannot be checked", 503, "STORE_UNAVAILABLE"
        ) from None


def address_of(request: HTTPConnection) -> str:
    """The client's address, as the server saw it."""
    return request.client.host if request.client is not None else "unknown"


async def checked_caller(
    store: GraphStore, token: str, address: str, failures: FailedKeyChecks
) -> Caller:
    """``caller_for_token``, unless the address or the key id has failed too often lately
    (``TooManyFailures``, the key not checked); a failure is counted against both."""
    parsed = parse_token(token)
    key_id = None if parsed is None else parsed[0]
    wait = failures.wait_s(address, key_id)
    if wait is not None:
        raise TooManyFailures(wait)
    try:
        return await caller_for_token(store, token)
    except Unauthenticated:
        failures.failed(address, key_id)
        raise


async def caller_for_token(store: GraphStore, token: str) -> Caller:
    """The caller of an API key; ``Unauthenticated`` for a malformed, unknown or revoked key.

    Raises ``StoreUnavailable`` when the key cannot be looked up."""
    parsed = parse_token(token)
    if parsed is None:
        raise Unauthenticated(
            "the API key is malformed: a key looks like crm_<key id>_<secret>, as "
            "`crm keys create` prints it"
        )
    key_id, secret = parsed
    stored = await key_by_id(store, key_id)
    # scrypt holds the CPU for tens of milliseconds the first time: off the event loop.
    if stored is None or not await asyncio.to_thread(verify_secret, secret, stored.hash):
        raise Unauthenticated("the API key is not valid")
    if stored.revoked_at is not None:
        raise Unauthenticated("the API key has been revoked")
    return Caller(key_id, stored.role)
