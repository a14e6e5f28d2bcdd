"""Access control through the real app on the real engine: keys, roles, and the one policy that
every field follows, whichever route reaches it."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm.api.access import ROOT_ROLES, policy, required_roles
from crm.api.ids import global_id
from crm.api.schema import SCHEMA
from crm.config import load_settings
from crm.domain import Label
from crm.graph.store import GraphStore
from crm.keys import Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key, revoke_key
from tests.api.conftest import GRAPHQL_RESPONSE, Api, serve
from tests.faults import hold_lock, kill_engine

LOUISE = "p-louise-opdigtet"
LOUISE_EMAIL = "louise.opdigtet@proeve-omsorgsrobotter.example"
NOTE = "Aftalte fælles besøg hos virksomheden i Flensborg."


def forbidden(errors: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """The fields refused, with the role each needs."""
    assert all(error["extensions"]["code"] == "FORBIDDEN" for error in errors), errors
    return {(e["extensions"]["field"], e["extensions"]["requiredRole"]) for e in errors}


def body_of(api: Api, document: str) -> dict[str, Any]:
    response = api.post(document)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- keys: 401 ---


def post_with(api: Api, headers: dict[str, str]) -> Any:
    return api.client.post(
        "/graphql",
        json={"query": "{ topics { totalCount } }"},
        headers={"accept": GRAPHQL_RESPONSE, **headers},
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer crm_000000000000_" + "A" * 43},
        {"authorization": "Bearer not-a-key"},
        {"authorization": "Basic dXNlcjpwYXNz"},
        {"authorization": "Bearer"},
    ],
    ids=["none", "unknown", "malformed", "basic", "empty"],
)
def test_a_request_without_a_valid_key_is_401(intranet: Api, headers: dict[str, str]) -> None:
    response = post_with(intranet, headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "data" not in response.json()


def test_a_wrong_secret_for_a_real_key_id_is_401(intranet: Api) -> None:
    key_id = intranet.keys[Role.ADMIN].key_id
    response = post_with(intranet, {"authorization": f"Bearer crm_{key_id}_{'B' * 43}"})

    assert response.status_code == 401


def test_a_revoked_key_is_401_from_the_next_request(writable: Api) -> None:
    key = new_key()
    writable.run(
        lambda store: create_key(
            store, key, Role.EDITOR, "soon revoked", Change("createKey", CLI, "2026-01-01")
        )
    )
    header = {"authorization": f"Bearer {key.token}"}
    before = post_with(writable, header)

    writable.run(
        lambda store: revoke_key(store, key.key_id, Change("revokeKey", CLI, "2026-01-02"))
    )
    after = post_with(writable, header)

    assert before.status_code == 200
    assert after.status_code == 401
    assert "revoked" in after.json()["errors"][0]["message"]


def test_the_graph_keeps_only_a_hash_of_each_key(intranet: Api) -> None:
    async def stored(store: GraphStore) -> list[dict[str, Any]]:
        return [row["k"] for row in await store.read("MATCH (k:ApiKey) RETURN properties(k) AS k")]

    keys = intranet.run(stored)

    assert {key["role"] for key in keys} >= {"reader", "editor", "admin"}
    secrets = [key.secret for key in intranet.keys.values()]
    assert not any(
        secret in str(value) for key in keys for value in key.values() for secret in secrets
    )
    assert all(key["hash"].startswith("scrypt$") for key in keys)


@pytest.fixture(scope="module")
def anonymous_readers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An app that lets requests without a key read, over a graph with one person in it."""
    data_dir = tmp_path_factory.mktemp("anonymous") / "crm-data"
    for api in serve(load_settings(data_dir=data_dir, anonymous_role=Role.READER)):
        api.data(
            'mutation { createPerson(input: {recordId: "p-1", givenName: "Anna", '
            'familyName: "Mustermann", country: "DE", email: "anna@firma.example", '
            'consent: {basis: CONSENT, date: "2020-01-01"}}) { created } }'
        )
        yield api.as_role(None)


def test_anonymous_requests_get_the_configured_role(anonymous_readers: Api) -> None:
    body = body_of(anonymous_readers, '{ person(id: "p-1") { givenName email } }')
    mutation = body_of(anonymous_readers, 'mutation { deletePerson(id: "p-1") { deletedId } }')

    assert body["data"] == {"person": {"givenName": "Anna", "email": None}}
    assert forbidden(body["errors"]) == {("Person.email", "editor")}
    assert mutation["data"] is None
    assert forbidden(mutation["errors"]) == {("Mutation.deletePerson", "editor")}
    assert anonymous_readers.as_role(Role.ADMIN).data('{ person(id: "p-1") { email } }') == {
        "person": {"email": "anna@firma.example"}
    }


def test_a_wrong_key_is_401_even_where_anonymous_requests_may_read(
    anonymous_readers: Api,
) -> None:
    response = post_with(
        anonymous_readers, {"authorization": "Bearer crm_000000000000_" + "A" * 43}
    )

    assert response.status_code == 401


# --- readers: no contact data, no notes ---


def test_a_reader_gets_everything_but_contact_data_with_one_error_per_refused_field(
    intranet: Api,
) -> None:
    reader = intranet.as_role(Role.READER)
    body = body_of(reader, f'{{ person(id: "{LOUISE}") {{ givenName familyName email phone }} }}')

    assert body["data"] == {
        "person": {"givenName": "Louise", "familyName": "Opdigtet", "email": None, "phone": None}
    }
    assert forbidden(body["errors"]) == {("Person.email", "editor"), ("Person.phone", "editor")}
    assert {tuple(error["path"]) for error in body["errors"]} == {
        ("person", "email"),
        ("person", "phone"),
    }
    assert LOUISE_EMAIL not in str(body)


@pytest.mark.parametrize(
    "document",
    [
        '{ node(id: "%(gid)s") { ... on Person { email } } }',
        '{ nodes(ids: ["%(gid)s"]) { ... on Person { email } } }',
        '{ node(id: "%(gid)s") { ...Contact } } fragment Contact on Person { email }',
        '{ person(id: "%(gid)s") { mail: email } }',
        "{ people(first: 1000) { nodes { email } } }",
        "{ organizations(first: 100) { nodes { people(first: 100) { nodes { email } } } } }",
        "{ events(first: 100) { nodes { attendees(first: 1000) { edges { node { email } } } } } }",
    ],
    ids=["node", "nodes", "fragment", "alias", "list", "tie", "attendees"],
)
def test_no_route_reaches_an_email_as_a_reader(intranet: Api, document: str) -> None:
    reader = intranet.as_role(Role.READER)
    body = body_of(reader, document % {"gid": global_id(Label.PERSON, LOUISE)})

    assert forbidden(body["errors"]) == {("Person.email", "editor")}
    assert "@" not in str(body["data"])


def test_interaction_notes_are_for_editors(intranet: Api) -> None:
    document = (
        f'{{ person(id: "{LOUISE}") {{ interactions(first: 100) '
        "{ edges { id kind date note node { recordId } } } } }"
    )
    as_reader = body_of(intranet.as_role(Role.READER), document)
    as_editor = intranet.as_role(Role.EDITOR).data(document)

    edges = as_reader["data"]["person"]["interactions"]["edges"]
    assert [edge["note"] for edge in edges] == [None] * len(edges)
    assert edges
    assert all(edge["kind"] and edge["date"] for edge in edges)
    assert forbidden(as_reader["errors"]) == {("PersonInteractionsEdge.note", "editor")}
    assert NOTE not in str(as_reader)
    notes = [edge["note"] for edge in as_editor["person"]["interactions"]["edges"]]
    assert NOTE in notes


def test_a_reader_cannot_mutate_and_nothing_is_written(writable: Api) -> None:
    reader = writable.as_role(Role.READER)
    body = body_of(reader, 'mutation { createTopic(input: {name: "Hydrogen"}) { created } }')
    topics = writable.data('{ topics(where: {nameContains: "hydrogen"}) { totalCount } }')

    assert body["data"] is None
    assert forbidden(body["errors"]) == {("Mutation.createTopic", "editor")}
    assert topics == {"topics": {"totalCount": 0}}


def test_an_editor_mutates_and_sees_contact_data_but_not_the_audit_trail(writable: Api) -> None:
    editor = writable.as_role(Role.EDITOR)
    created = editor.data(
        'mutation { createTopic(input: {recordId: "t-editor", name: "Editors"}) { created } }'
    )
    email = editor.data(f'{{ person(id: "{LOUISE}") {{ email }} }}')
    audit = body_of(editor, "{ auditLog { totalCount } }")

    assert created == {"createTopic": {"created": True}}
    assert email == {"person": {"email": LOUISE_EMAIL}}
    assert audit["data"] is None
    assert forbidden(audit["errors"]) == {("Query.auditLog", "admin")}


def test_admins_may_do_everything(intranet: Api) -> None:
    data = intranet.data(
        f'{{ person(id: "{LOUISE}") {{ email interactions(first: 1) {{ edges {{ note }} }} }} '
        "auditLog(first: 1) { totalCount } }"
    )

    assert data["person"]["email"] == LOUISE_EMAIL


# --- the policy ---


def test_every_root_field_needs_a_role_by_default_and_the_table_only_makes_it_stronger() -> None:
    required = required_roles(SCHEMA)
    graphql_schema = SCHEMA._schema
    assert graphql_schema.query_type is not None
    assert graphql_schema.mutation_type is not None

    for name in graphql_schema.query_type.fields:
        assert required("Query", name) in (Role.READER, Role.EDITOR, Role.ADMIN), name
    for name in graphql_schema.mutation_type.fields:
        assert required("Mutation", name) in (Role.EDITOR, Role.ADMIN), name
    assert graphql_schema.subscription_type is not None
    for name in graphql_schema.subscription_type.fields:
        assert required("Subscription", name) in (Role.READER, Role.EDITOR, Role.ADMIN), name
    assert ROOT_ROLES == {
        "Query": Role.READER,
        "Mutation": Role.EDITOR,
        "Subscription": Role.READER,
    }
    table = policy(SCHEMA)
    assert table["Query.exportPersonalData"] == table["Mutation.erasePerson"] == Role.ADMIN
    assert table["Query.dataQuality"] == Role.ADMIN
    assert table["Query.duplicateCandidates"] == Role.EDITOR  # the pairs show personal data
    assert all(role in (Role.EDITOR, Role.ADMIN) for role in table.values())


def test_every_field_the_policy_names_exists_in_the_schema_or_is_announced() -> None:
    """A renamed field must not silently drop out of the policy (the GDPR fields are added by
    another part of the work, under these names)."""
    announced = {"Query.exportPersonalData", "Mutation.erasePerson"}
    for coordinate in set(policy(SCHEMA)) - announced:
        type_name, field = coordinate.split(".")
        graphql_type = SCHEMA._schema.get_type(type_name)
        assert graphql_type is not None, coordinate
        assert field in getattr(graphql_type, "fields", {}), coordinate


def test_a_key_that_cannot_be_checked_is_503_not_500(tmp_path: Path) -> None:
    data_dir = tmp_path / "crm-data"
    for api in serve(load_settings(data_dir=data_dir, store_wait_s=1)):
        holder = hold_lock(data_dir)
        kill_engine(data_dir)
        try:
            response = api.post("{ __typename }")
        finally:
            holder.kill()
            holder.communicate()

        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"


def test_a_refusal_says_why_in_a_code(intranet: Api) -> None:
    body = intranet.as_role(None).post("{ __typename }").json()

    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
