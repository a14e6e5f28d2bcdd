"""Label and type slots in Cypher text, and the schema statements rendered from graph.yaml."""

from typing import Any

import pytest

from crm.domain import Label, RelType
from crm.domain.labels import InternalLabel, InternalType
from crm.domain.natural_keys import NATURAL_KEYS
from crm.graph.cypher import render
from crm.graph.dialect import FALKORDB, NEO4J, FalkorDBDialect
from crm.graph.neo4j import fallback_indexes
from crm.graph.schema import load_schema


@pytest.mark.parametrize("label", list(Label))
def test_render_fills_label_slot(label: Label) -> None:
    assert render("MATCH (n:%label% {id: $id}) RETURN n", label=label) == (
        f"MATCH (n:{label.value} {{id: $id}}) RETURN n"
    )


@pytest.mark.parametrize("rel_type", list(RelType))
def test_render_fills_type_slot(rel_type: RelType) -> None:
    assert render("MATCH ()-[r:%type%]->() RETURN r", type=rel_type) == (
        f"MATCH ()-[r:{rel_type.value}]->() RETURN r"
    )


def test_render_fills_every_slot_each_time_it_occurs() -> None:
    rendered = render(
        "MATCH (a:%from%)-[r:%type%]->(b:%to%), (c:%from%) RETURN a",
        type=RelType.WORKS_AT,
        to=Label.CLUSTER,
        **{"from": Label.PERSON},
    )
    assert rendered == "MATCH (a:Person)-[r:WORKS_AT]->(b:Cluster), (c:Person) RETURN a"


def test_render_leaves_text_without_slots_unchanged() -> None:
    assert render("MATCH (n) WHERE n.note = '100%' RETURN n") == (
        "MATCH (n) WHERE n.note = '100%' RETURN n"
    )


@pytest.mark.parametrize("value", ["Cluster", "WORKS_AT", "Cluster) DETACH DELETE (n", 1, None])
def test_render_refuses_anything_but_a_label_or_type(value: Any) -> None:
    with pytest.raises(TypeError, match="slot 'label' takes a label or relationship type"):
        render("MATCH (n:%label%) RETURN n", label=value)


@pytest.mark.parametrize(
    ("template", "slots"),
    [
        ("MATCH (n:%label%) RETURN n", {}),
        ("MATCH (n:%label%) RETURN n", {"type": RelType.WORKS_AT}),
        ("MATCH (a:%from%)-[:%type%]->(b:%to%)", {"from": Label.PERSON, "type": RelType.WORKS_AT}),
    ],
)
def test_render_refuses_a_missing_slot(template: str, slots: dict[str, Any]) -> None:
    with pytest.raises(KeyError, match="no value for slot"):
        render(template, **slots)


# --- schema and dialect ----------------------------------------------------------------------


def test_schema_makes_every_label_id_and_every_natural_key_unique() -> None:
    unique = [(target.label, target.property) for target in load_schema().unique]
    natural = [(label, key) for label, keys in NATURAL_KEYS.items() for key in keys]
    change_log = [(InternalLabel.CHANGE_SEQUENCE, "id")]
    expected: list[tuple[Label | InternalLabel, str]] = [(label, "id") for label in Label]
    assert sorted(unique) == sorted([*expected, *natural, *change_log])


def test_schema_makes_interaction_ids_and_change_log_places_unique() -> None:
    unique = [(target.type, target.property) for target in load_schema().unique_relationships]
    assert unique == [(RelType.INTERACTED, "id"), (InternalType.CHANGE, "sequence")]


@pytest.mark.parametrize("label", list(Label))
def test_falkordb_ddl_indexes_and_constrains_every_label_id(label: Label) -> None:
    ddl = FalkorDBDialect().ddl(load_schema(), "crm")
    assert f"CREATE INDEX FOR (n:{label.value}) ON (n.id)" in ddl
    assert f"GRAPH.CONSTRAINT CREATE crm UNIQUE NODE {label.value} PROPERTIES 1 id" in ddl


def test_falkordb_ddl_indexes_before_constraining() -> None:
    ddl = FALKORDB.ddl(load_schema(), "crm")
    first_constraint = next(i for i, line in enumerate(ddl) if line.startswith("GRAPH.CONSTRAINT"))
    assert all(line.startswith("CREATE INDEX") for line in ddl[:first_constraint])
    after = ddl[first_constraint:]
    assert all(line.startswith(("GRAPH.CONSTRAINT", "CALL db.idx.fulltext")) for line in after)


def test_falkordb_ddl_has_each_statement_once() -> None:
    ddl = FALKORDB.ddl(load_schema(), "crm")
    assert len(ddl) == len(set(ddl))


def test_falkordb_ddl_names_the_graph_in_constraints() -> None:
    ddl = FALKORDB.ddl(load_schema(), "other_graph")
    constraints = [line for line in ddl if line.startswith("GRAPH.CONSTRAINT")]
    # and interactions' ids, and the change log's places
    assert len(constraints) == len(load_schema().unique) + len(load_schema().unique_relationships)
    assert all(line.split()[2] == "other_graph" for line in constraints)


def test_falkordb_ddl_indexes_and_constrains_interaction_ids() -> None:
    ddl = FALKORDB.ddl(load_schema(), "crm")
    assert "CREATE INDEX FOR ()-[r:INTERACTED]-() ON (r.id)" in ddl
    assert "GRAPH.CONSTRAINT CREATE crm UNIQUE RELATIONSHIP INTERACTED PROPERTIES 1 id" in ddl


def test_neo4j_constrains_tie_properties_with_a_plain_index_to_fall_back_on() -> None:
    schema = load_schema()
    constraint = "CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:INTERACTED]-() REQUIRE (r.id) IS UNIQUE"
    log = "CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:CHANGE]-() REQUIRE (r.sequence) IS UNIQUE"
    assert constraint in NEO4J.schema_statements(schema)
    assert fallback_indexes(schema) == {
        constraint: "CREATE INDEX IF NOT EXISTS FOR ()-[r:INTERACTED]-() ON (r.id)",
        log: "CREATE INDEX IF NOT EXISTS FOR ()-[r:CHANGE]-() ON (r.sequence)",
    }
