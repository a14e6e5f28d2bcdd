"""What differs between the engines, rendered from one description; all other Cypher is shared."""

from typing import LiteralString, Protocol

from crm.graph.cypher import render
from crm.graph.schema import GraphSchema, NodeProperty, RelationshipProperty


class Dialect(Protocol):
    """The engine-specific parts of the statements a store sends."""

    name: str

    def node_index(self, target: NodeProperty) -> LiteralString:
        """The statement that indexes one node property."""
        ...

    def relationship_index(self, target: RelationshipProperty) -> LiteralString:
        """The statement that indexes one relationship property."""
        ...

    def ddl(self, schema: GraphSchema, graph: str) -> list[str]:
        """Everything that sets ``schema`` up on an empty graph, one step a line."""
        ...

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        """``expression`` (a text property) in a form that ``<`` and ``<=`` compare right."""
        ...


class FalkorDBDialect:
    """FalkorDB: range indexes in Cypher; unique constraints by the ``GRAPH.CONSTRAINT`` command,
    each on top of a range index of the same property."""

    name = "falkordb"

    def node_index(self, target: NodeProperty) -> LiteralString:
        return _with_property(
            render("CREATE INDEX FOR (n:%label%) ON (n.", label=target.label), target.property
        )

    def relationship_index(self, target: RelationshipProperty) -> LiteralString:
        return _with_property(
            render("CREATE INDEX FOR ()-[r:%type%]-() ON (r.", type=target.type), target.property
        )

    def unique_constraint(self, target: NodeProperty, graph: str) -> tuple[str, ...]:
        """The ``GRAPH.CONSTRAINT`` command's arguments."""
        return (
            "GRAPH.CONSTRAINT",
            "CREATE",
            graph,
            "UNIQUE",
            "NODE",
            target.label.value,
            "PROPERTIES",
            "1",
            target.property,
        )

    def ddl(self, schema: GraphSchema, graph: str) -> list[str]:
        indexed = list(dict.fromkeys((*schema.unique, *schema.node_indexes)))
        return [
            *(self.node_index(target) for target in indexed),
            *(self.relationship_index(target) for target in schema.relationship_indexes),
            *(" ".join(self.unique_constraint(target, graph)) for target in schema.unique),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        """FalkorDB's range index on a text property drops ``<`` and ``<=`` conditions and
        answers every row (FalkorDB/FalkorDB#2239); ``toString`` keeps the comparison off the
        index and gives text back unchanged (and null as null)."""
        return "toString(" + expression + ")"


class Neo4jDialect:
    """Neo4j 5: ``IF NOT EXISTS`` indexes and constraints in Cypher; a unique constraint brings
    its own index."""

    name = "neo4j"

    def node_index(self, target: NodeProperty) -> LiteralString:
        return _with_property(
            render("CREATE INDEX IF NOT EXISTS FOR (n:%label%) ON (n.", label=target.label),
            target.property,
        )

    def relationship_index(self, target: RelationshipProperty) -> LiteralString:
        return _with_property(
            render("CREATE INDEX IF NOT EXISTS FOR ()-[r:%type%]-() ON (r.", type=target.type),
            target.property,
        )

    def unique_constraint(self, target: NodeProperty) -> LiteralString:
        return (
            _with_property(
                render(
                    "CREATE CONSTRAINT IF NOT EXISTS FOR (n:%label%) REQUIRE (n.",
                    label=target.label,
                ),
                target.property,
            )
            + " IS UNIQUE"
        )

    def ddl(self, schema: GraphSchema, graph: str) -> list[str]:
        """Neo4j holds one graph per database, so ``graph`` plays no part."""
        return list(self.schema_statements(schema))

    def schema_statements(self, schema: GraphSchema) -> list[LiteralString]:
        """The constraints, then the indexes they do not bring themselves; all idempotent."""
        unique = set(schema.unique)
        return [
            *(self.unique_constraint(target) for target in schema.unique),
            *(self.node_index(target) for target in schema.node_indexes if target not in unique),
            *(self.relationship_index(target) for target in schema.relationship_indexes),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        return expression


def _with_property(head: LiteralString, prop: str) -> LiteralString:
    """Close an index statement on ``prop``, which the schema model has checked is a plain name."""
    if not prop.isidentifier():
        raise ValueError(f"{prop!r} is not a property name")
    return head + prop + ")"


FALKORDB = FalkorDBDialect()
NEO4J = Neo4jDialect()
