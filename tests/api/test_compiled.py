"""The compiled read path answers exactly as strawberry does: the same documents are sent to two
apps over the same demo graph, one compiling (the default) and one with
``CRM_COMPILED_READS=false``, and their answers must be the same JSON text. The documents cover
every label's list and lookup with every stored field, every tie field of ``TIE_FIELDS`` from
both ends (edges, properties, unions), fragments, aliases, variables, directives and pages
after cursors; the compiled side must answer each with one statement per top-level field."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.queries import LIST
from crm.api.schema import SCHEMA
from crm.api.ties import TIE_FIELDS
from crm.domain import NODE_MODELS, Label
from crm.domain.labels import PLURALS, singular
from crm.graph.properties import storage
from crm.keys import Role
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api, serve_loaded
from tests.conftest import engine_settings

GRAPHQL = SCHEMA._schema

HEADLINE = LIST
"""The benchmark suite's two-level list."""


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, Api]]:
    """Two apps over one copy of the demo: compiling, and strawberry only."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("compiled") / "crm-data")
    plain = settings.model_copy(update={"compiled_reads": False})
    for compiled in serve_loaded("falkordb", settings, INTRANET):
        for strawberry_only in serve_loaded("falkordb", plain):
            yield compiled, strawberry_only


def answer(api: Api, document: str, variables: dict[str, Any] | None) -> str:
    response = api.post(document, variables)
    body = response.json()
    body.get("extensions", {}).pop("requestId", None)
    return f"{response.status_code} {json.dumps(body, ensure_ascii=False)}"


def same(
    both: tuple[Api, Api], document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Both answers, which must be the same text; the compiled one's data."""
    compiled, strawberry_only = both
    expected = answer(strawberry_only, document, variables)
    assert answer(compiled, document, variables) == expected
    data: dict[str, Any] = json.loads(expected.partition(" ")[2]).get("data") or {}
    return data


def compiled_in_one_statement_per_field(
    both: tuple[Api, Api], document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The same answer from both, the compiled one in one statement per top-level field."""
    data = same(both, document, variables)
    fields = len(data)
    assert both[0].round_trips(document, variables) == fields, document
    return data


# --- selections generated from the schema ----------------------------------------------------


def stored_fields(type_name: str, label: Label | None) -> str:
    """Every field of an object that the graph stores (a record's, or a tie's on its edge)."""
    return " ".join(selections(type_name, label))


def leaves(label: Label) -> list[str]:
    """The stored fields of a label's records that are scalars or enums."""
    return [name for name in selections(label.value, label) if " " not in name]


def selections(type_name: str, label: Label | None) -> list[str]:
    object_type = GRAPHQL.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    names = set(storage(NODE_MODELS[label])) | {"id", "recordId"} if label else None
    selected = []
    for name, definition in object_type.fields.items():
        named = get_named_type(definition.type)
        if names is not None and name not in names:
            continue
        if is_leaf_type(named):
            selected.append(name)
        elif isinstance(named, GraphQLObjectType) and all(
            is_leaf_type(get_named_type(f.type)) for f in named.fields.values()
        ):
            selected.append(name + " { " + " ".join(named.fields) + " }")
    return selected


def far_selection(connection_type: str) -> str:
    """The far end of a tie field: each member of a union through an inline fragment."""
    connection = GRAPHQL.get_type(connection_type)
    assert isinstance(connection, GraphQLObjectType)
    far = get_named_type(connection.fields["nodes"].type)
    if isinstance(far, GraphQLUnionType):
        members = [
            f"... on {m.name} {{ {stored_fields(m.name, Label(m.name))} }}" for m in far.types
        ]
        return "__typename " + " ".join(members)
    return stored_fields(far.name, Label(far.name))


def edge_properties(connection_type: str) -> str:
    connection = GRAPHQL.get_type(connection_type)
    assert isinstance(connection, GraphQLObjectType)
    edge = get_named_type(connection.fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    names = [
        n
        for n, f in edge.fields.items()
        if n not in {"cursor", "node"} and is_leaf_type(get_named_type(f.type))
    ]
    return " ".join(names) + " " + stored_fields(edge.name, None).replace(" ".join(names), "")


TIES = [(label, name) for label, fields in TIE_FIELDS.items() for name in fields]


def tie_connection(label: Label, name: str) -> str:
    node_type = GRAPHQL.get_type(label.value)
    assert isinstance(node_type, GraphQLObjectType)
    name_of: str = get_named_type(node_type.fields[name].type).name
    return name_of


# --- the documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("first", [0, 1, 5, 200])
def test_the_headline_query(both: tuple[Api, Api], first: int) -> None:
    data = compiled_in_one_statement_per_field(both, HEADLINE, {"first": first})
    assert len(data["people"]["nodes"]) == min(first, data["people"]["totalCount"])


README_EXAMPLES = [
    """{ cluster(id: "alucluster") { name members(first: 2) { totalCount edges { since
        node { name country people(first: 2) { edges { role node { givenName familyName } } } } }
        } } }""",
    """{ initiatives(first: 1) { nodes { name status events { nodes { kind title date place } }
        } } }""",
]


@pytest.mark.parametrize("document", README_EXAMPLES)
def test_the_readme_examples(both: tuple[Api, Api], document: str) -> None:
    compiled_in_one_statement_per_field(both, document)


@pytest.mark.parametrize("label", list(Label))
def test_every_list_with_every_stored_field(both: tuple[Api, Api], label: Label) -> None:
    document = f"""{{ {PLURALS[label]}(first: 7) {{
        __typename totalCount
        pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor __typename }}
        edges {{ __typename cursor node {{ __typename {stored_fields(label.value, label)} }} }}
        nodes {{ id }} }} }}"""
    data = compiled_in_one_statement_per_field(both, document)
    assert data[PLURALS[label]]["edges"]


@pytest.mark.parametrize(("label", "name"), TIES, ids=[f"{lb.value}.{n}" for lb, n in TIES])
def test_every_tie_field_from_each_end(both: tuple[Api, Api], label: Label, name: str) -> None:
    connection = tie_connection(label, name)
    document = f"""{{ {PLURALS[label]}(first: 40) {{ nodes {{ recordId
        {name}(first: 3) {{ __typename totalCount
          pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
          edges {{ cursor {edge_properties(connection)} node {{ {far_selection(connection)} }} }}
          nodes {{ __typename ... on Node {{ id }} }} }} }} }} }}"""
    data = compiled_in_one_statement_per_field(both, document)
    parents = data[PLURALS[label]]["nodes"]
    assert any(parent[name]["edges"] for parent in parents), f"no {label.value}.{name} tie"


def test_pages_after_cursors_of_lists_and_ties(both: tuple[Api, Api]) -> None:
    document = """query ($after: String, $tieAfter: String) {
      people(first: 4, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node {
        recordId events(first: 2, after: $tieAfter) {
          totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
          nodes { recordId } } } } } }"""
    first = compiled_in_one_statement_per_field(both, document)
    after = first["people"]["pageInfo"]["endCursor"]
    ties = next(
        edge["node"]["events"]
        for edge in first["people"]["edges"]
        if edge["node"]["events"]["pageInfo"]["hasNextPage"]
    )
    second = compiled_in_one_statement_per_field(
        both, document, {"after": after, "tieAfter": ties["pageInfo"]["endCursor"]}
    )
    assert second["people"]["edges"][0]["cursor"] != after


@pytest.mark.parametrize(
    ("arguments", "variables"),
    [
        ("(first: 30, where: {kind: WORKSHOP}, orderBy: {field: DATE, direction: DESC})", {}),
        ("(first: 30, orderBy: {field: RECORD_ID, direction: DESC})", {}),
        (
            "(first: 30, where: $where)",
            {"where": {"dateFrom": "2014-01-01", "dateTo": "2016-12-31"}},
        ),
        ('(first: 30, where: {nameContains: "work"}, orderBy: {field: UPDATED_AT})', {}),
    ],
)
def test_filters_and_orders(
    both: tuple[Api, Api], arguments: str, variables: dict[str, Any]
) -> None:
    declared = "($where: EventFilter)" if variables else ""
    document = f"""query {declared} {{ events{arguments} {{ totalCount
        edges {{ cursor node {{ recordId title date kind }} }} }} }}"""
    compiled_in_one_statement_per_field(both, document, variables)


@pytest.mark.parametrize(
    ("plural", "arguments"),
    [
        ("people", '(first: 30, where: {employer: "alucluster"})'),
        ("people", '(first: 30, where: {cluster: "alucluster"}, orderBy: {field: FAMILY_NAME})'),
        ("people", '(first: 30, where: {sector: "sector-health", country: "DK", language: DE})'),
        ("people", "(first: 30, orderBy: {field: FAMILY_NAME, direction: DESC})"),
        ("organizations", '(first: 30, where: {specialtyContains: "ALUMINIUM"})'),
        ("organizations", '(first: 30, where: {region: "region-schleswig", country: "DE"})'),
        (
            "clusters",
            '(first: 30, where: {specialtyContains: "energ", region: "region-syddanmark"})',
        ),
        ("clusters", '(first: 30, where: {specialtyContains: "no such offer"})'),
    ],
)
def test_the_explorers_filters_and_the_family_name_order(
    both: tuple[Api, Api], plural: str, arguments: str
) -> None:
    document = f"""{{ {plural}{arguments} {{ totalCount pageInfo {{ hasNextPage endCursor }}
        edges {{ cursor node {{ recordId }} }} }} }}"""
    compiled_in_one_statement_per_field(both, document)


@pytest.mark.parametrize(
    ("plural", "arguments"),
    [
        ("people", "orderBy: {field: FAMILY_NAME}"),
        ("people", "orderBy: {field: FAMILY_NAME, direction: DESC}, where: {language: DA}"),
        ("organizations", 'where: {specialtyContains: "e"}'),
    ],
)
def test_keyset_pages_of_the_new_filters_and_order(
    both: tuple[Api, Api], plural: str, arguments: str
) -> None:
    """Page through with the compiled path, each page the same as strawberry's, and every row
    seen once, in the order of one long page."""
    document = f"""query ($after: String) {{ {plural}(first: 7, after: $after, {arguments}) {{
        pageInfo {{ hasNextPage endCursor }} nodes {{ recordId }} }} }}"""
    whole = same(both, f"{{ {plural}(first: 1000, {arguments}) {{ nodes {{ recordId }} }} }}")
    seen: list[str] = []
    after = None
    while True:
        page = compiled_in_one_statement_per_field(both, document, {"after": after})[plural]
        seen += [node["recordId"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [node["recordId"] for node in whole[plural]["nodes"]]
    assert len(seen) > 7


def test_lookups_by_global_and_record_id(both: tuple[Api, Api]) -> None:
    people = same(both, "{ people(first: 2) { nodes { id recordId } } }")["people"]["nodes"]
    document = """query ($a: ID!, $b: ID!) {
      first: person(id: $a) { ...who events { nodes { title } } }
      second: person(id: $b) { ...who }
      __typename }
    fragment who on Person { id recordId givenName familyName employers(first: 2) {
      edges { role node { ... on Organization { name kind } ... on Cluster { name } } } } }"""
    variables = {"a": people[0]["id"], "b": people[1]["recordId"]}
    compiled = both[0]
    data = same(both, document, variables)
    assert data["first"]["recordId"] == people[0]["recordId"]
    assert compiled.round_trips(document, variables) == 2


def test_aliases_fragments_and_directives(both: tuple[Api, Api]) -> None:
    document = """query ($yes: Boolean!, $no: Boolean!) {
      a: organizations(first: 5) { ...page }
      b: organizations(first: 2, orderBy: {field: NAME, direction: DESC}) {
        nodes { name @include(if: $yes) country @skip(if: $yes) kind @include(if: $no)
          who: people(first: 1) { total: totalCount nodes { n: givenName } }
          people(first: 3) @skip(if: $no) { edges { node { familyName } role } } } } }
    fragment page on OrganizationConnection {
      edges { node { ... on Organization { recordId name } ... on Node { id } } }
      edges { node { website } } }"""
    compiled_in_one_statement_per_field(both, document, {"yes": True, "no": False})


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ people(first: -1) { nodes { id } } }", None),
        ("{ people(first: 100000) { nodes { id } } }", None),
        ('{ people(after: "nonsense") { nodes { id } } }', None),
        ('{ person(id: "no-such-person") { id } }', None),
        ('{ person(id: "T3JnYW5pemF0aW9uOng=") { id } }', None),
        ("{ people(first: 2) { nodes { events(first: -3) { totalCount } } } }", None),
        ("query ($n: Int!) { people(first: $n) { totalCount } }", {"n": "many"}),
        ("{ people { nodes { nope } } }", None),
        ("{ projects(first: 2) { nodes { name impact { __typename } } } }", None),
    ],
)
def test_what_is_not_compiled_answers_as_before(
    both: tuple[Api, Api], document: str, variables: dict[str, Any] | None
) -> None:
    same(both, document, variables)


def test_a_role_that_may_not_see_a_field_gets_the_same_refusal(both: tuple[Api, Api]) -> None:
    document = "{ people(first: 3) { nodes { givenName email phone } } }"
    compiled, strawberry_only = both
    readers = (compiled.as_role(Role.READER), strawberry_only.as_role(Role.READER))
    same(readers, document)
    assert "errors" in json.loads(answer(readers[0], document, None).partition(" ")[2])
    same(both, document)


def test_a_personal_tie_property_is_refused_to_readers_alike(both: tuple[Api, Api]) -> None:
    document = "{ people(first: 20) { nodes { interactions { edges { date note } } } } }"
    readers = (both[0].as_role(Role.READER), both[1].as_role(Role.READER))
    same(readers, document)


# --- random selections -----------------------------------------------------------------------


def selection(label: Label) -> st.SearchStrategy[str]:
    chosen = st.lists(st.sampled_from(leaves(label)), min_size=1, max_size=4)
    tie = st.sampled_from(sorted(TIE_FIELDS[label])).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.integers(0, 4),
            st.sampled_from(
                ["nodes", "edges { cursor node", "totalCount pageInfo { hasNextPage } nodes"]
            ),
        )
    )

    def with_tie(parts: tuple[list[str], tuple[str, int, str]]) -> str:
        scalars_chosen, (name, first, kind) = parts
        walk = TIE_FIELDS[label][name]
        far = walk.far[0]
        body = "id " + leaves(far)[-1]
        if len(walk.far) > 1:
            body = f"__typename ... on {far.value} {{ {body} }}"
        close = " }" if kind.startswith("edges") else ""
        return f"{' '.join(scalars_chosen)} {name}(first: {first}) {{ {kind} {{ {body} }}{close} }}"

    return st.tuples(chosen, tie).map(with_tie)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_selections(both: tuple[Api, Api], data: st.DataObject) -> None:
    label = data.draw(st.sampled_from(list(Label)))
    inner = data.draw(selection(label))
    first = data.draw(st.integers(0, 12))
    document = f"{{ {PLURALS[label]}(first: {first}) {{ nodes {{ {inner} }} }} }}"
    compiled_in_one_statement_per_field(both, document)


def test_every_lookup(both: tuple[Api, Api]) -> None:
    for label in Label:
        plural = PLURALS[label]
        ids = same(both, f"{{ {plural}(first: 1) {{ nodes {{ id }} }} }}")[plural]["nodes"]
        fields = stored_fields(label.value, label)
        document = f"query ($id: ID!) {{ {singular(label)}(id: $id) {{ {fields} }} }}"
        compiled_in_one_statement_per_field(both, document, {"id": ids[0]["id"]})
