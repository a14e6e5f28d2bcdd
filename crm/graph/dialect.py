"""What differs between the engines, rendered from one description; all other Cypher is shared."""

from collections.abc import Sequence
from typing import LiteralString, Protocol

from crm.domain import Label
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

    def fulltext_index(self, target: NodeProperty) -> LiteralString:
        """The statement that indexes one node property for full-text search."""
        ...

    def fulltext_search(self, label: Label) -> LiteralString:
        """A ``CALL`` clause that yields ``node`` and ``score`` for the nodes of ``label`` whose
        full-text index matches the parameter ``$query``."""
        ...

    def fulltext_query(self, groups: Sequence[Sequence[str]]) -> str:
        """The engine's query text for ``$query``: a node matches when each group has a word
        that begins a word of its text; whole words score more. Words are letters and digits."""
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
            *(self.fulltext_index(target) for target in schema.fulltext),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        """FalkorDB's range index on a text property drops ``<`` and ``<=`` conditions and
        answers every row (FalkorDB/FalkorDB#2239); ``toString`` keeps the comparison off the
        index and gives text back unchanged (and null as null)."""
        return "toString(" + expression + ")"

    def fulltext_index(self, target: NodeProperty) -> LiteralString:
        """One full-text index per label. Its ``language`` option (the stemmer) applies to the
        whole label, and the text holds three languages, so it keeps the default and the search
        stems the words it looks for instead; no stop words: one language's are another's words."""
        return _with_property(
            render(
                "CALL db.idx.fulltext.createNodeIndex({label: '%label%', stopwords: []}, '",
                label=target.label,
            ),
            target.property,
            "')",
        )

    def fulltext_search(self, label: Label) -> LiteralString:
        return render(
            "CALL db.idx.fulltext.queryNodes('%label%', $query) YIELD node, score", label=label
        )

    def fulltext_query(self, groups: Sequence[Sequence[str]]) -> str:
        """RediSearch syntax: ``(energi|energi*|energy|energy*) (cluster|cluster*)``."""
        return " ".join("(" + "|".join(_terms(group)) + ")" for group in groups)


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
        unique = set(schema.unique)
        return [
            *(self.unique_constraint(target) for target in schema.unique),
            *(self.node_index(target) for target in schema.node_indexes if target not in unique),
            *(self.relationship_index(target) for target in schema.relationship_indexes),
            *(self.fulltext_index(target) for target in schema.fulltext),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        return expression

    def fulltext_index(self, target: NodeProperty) -> LiteralString:
        """The analyser lower-cases and splits words; the text is folded already, and stop
        words of one language are words of another, so none are dropped."""
        return _with_property(
            render(
                "CREATE FULLTEXT INDEX fulltext_%label% IF NOT EXISTS FOR (n:%label%) ON EACH [n.",
                label=target.label,
            ),
            target.property,
            "] OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}",
        )

    def fulltext_search(self, label: Label) -> LiteralString:
        return render(
            "CALL db.index.fulltext.queryNodes('fulltext_%label%', $query) YIELD node, score",
            label=label,
        )

    def fulltext_query(self, groups: Sequence[Sequence[str]]) -> str:
        """Lucene syntax: ``+(energi energi* energy energy*) +(cluster cluster*)``."""
        return " ".join("+(" + " ".join(_terms(group)) + ")" for group in groups)


def _with_property(head: LiteralString, prop: str, tail: LiteralString = ")") -> LiteralString:
    """Close an index statement on ``prop``, which the schema model has checked is a plain name."""
    if not prop.isidentifier():
        raise ValueError(f"{prop!r} is not a property name")
    return head + prop + tail


def _terms(group: Sequence[str]) -> list[str]:
    """Each word as itself and as a prefix; anything but letters and digits is refused."""
    for word in group:
        if not word.isalnum():
            raise ValueError(f"{word!r} is not a search word")
    return [term for word in group for term in (word, word + "*")]


FALKORDB = FalkorDBDialect()
NEO4J = Neo4jDialect()
