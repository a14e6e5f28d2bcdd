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

    def subquery(self, variables: LiteralString) -> LiteralString:
        """The opening of a ``CALL { ... }`` subquery that sees ``variables`` (``"p, a"``;
        ``""``: none)."""
        ...

    def node_key(self, variable: LiteralString) -> LiteralString:
        """The engine's own key of the node ``variable``: cheaper to read than an id property,
        and comparable only within one statement (the engine may give a deleted node's key to a
        new one)."""
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

    def betweenness(self) -> LiteralString | None:
        """The statement that returns a row per person: ``id``, the person's id, and ``score``,
        their exact betweenness centrality among people joined by interactions (either way,
        each pair of people counted once), by the engine's own algorithm; ``None`` where the
        engine has none that computes just that (the caller computes it itself)."""
        ...

    def communities(self) -> LiteralString | None:
        """The statement that returns two rows per organisation, in the graph of organisations,
        their people and the people's interactions: weakly connected components' (``id`` and
        ``country``, the organisation's, and ``component``; ``community`` null) and label
        propagation's (``community``; ``component`` null), each algorithm's in its own order.
        The caller joins and groups them: a join in the statement would look each organisation
        up in a list of them all. ``None`` where the engine has no such algorithms."""
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

    def unique_constraint(
        self, target: NodeProperty | RelationshipProperty, graph: str, verb: str = "CREATE"
    ) -> tuple[str, ...]:
        """The ``GRAPH.CONSTRAINT`` command's arguments (``verb``: ``CREATE`` or ``DROP``)."""
        entity = (
            ("NODE", target.label.value)
            if isinstance(target, NodeProperty)
            else ("RELATIONSHIP", target.type.value)
        )
        return (
            "GRAPH.CONSTRAINT",
            verb,
            graph,
            "UNIQUE",
            *entity,
            "PROPERTIES",
            "1",
            target.property,
        )

    def ddl(self, schema: GraphSchema, graph: str) -> list[str]:
        indexed = list(dict.fromkeys((*schema.unique, *schema.node_indexes)))
        edges = list(dict.fromkeys((*schema.unique_relationships, *schema.relationship_indexes)))
        unique: tuple[NodeProperty | RelationshipProperty, ...] = (
            *schema.unique,
            *schema.unique_relationships,
        )
        return [
            *(self.node_index(target) for target in indexed),
            *(self.relationship_index(target) for target in edges),
            *(" ".join(self.unique_constraint(target, graph)) for target in unique),
            *(self.fulltext_index(target) for target in schema.fulltext),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        """FalkorDB's range index on a text property drops ``<`` and ``<=`` conditions and
        answers every row (FalkorDB/FalkorDB#2239); ``toString`` keeps the comparison off the
        index and gives text back unchanged (and null as null)."""
        return "toString(" + expression + ")"

    def subquery(self, variables: LiteralString) -> LiteralString:
        """FalkorDB has no variable scope clause (``CALL (p) {``): an importing ``WITH`` (none
        where the subquery imports nothing)."""
        return "CALL { WITH " + variables + " " if variables else "CALL { "

    def node_key(self, variable: LiteralString) -> LiteralString:
        return "id(" + variable + ")"

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

    def betweenness(self) -> LiteralString | None:
        """None: FalkorDB's ``algo.betweenness`` follows the relationships' direction (an
        interaction's says who reached out, not who knows whom), with no option to ignore it.
        Its ``samplingSize`` and ``samplingSeed`` (FalkorDB 4.x, as in falkordblite 0.11) make
        a sample repeatable, but it draws the sources with replacement, each node in
        proportion to its incoming relationships, and has no exact mode (without a size it
        draws 32); so ``crm.queries.network.brokers`` runs Brandes' algorithm on the
        undirected contacts instead (BENCHMARKS.md: "The engine's betweenness on a symmetric
        projection")."""
        return None

    def communities(self) -> LiteralString:
        return (
            "CALL algo.WCC({nodeLabels: ['Organization', 'Person'], "
            "relationshipTypes: ['WORKS_AT', 'INTERACTED']}) YIELD node, componentId "
            "WITH node, componentId WHERE node:Organization "
            "RETURN node.id AS id, node.country AS country, componentId AS component, "
            "null AS community "
            "UNION ALL "
            "CALL algo.labelPropagation({nodeLabels: ['Organization', 'Person'], "
            "relationshipTypes: ['WORKS_AT', 'INTERACTED']}) YIELD node, communityId "
            "WITH node, communityId WHERE node:Organization "
            "RETURN node.id AS id, node.country AS country, null AS component, "
            "communityId AS community"
        )


class Neo4jDialect:
    """Neo4j 5: ``IF NOT EXISTS`` indexes and constraints in Cypher; a unique constraint brings
    its own index."""

    name = "neo4j"
    gds = False
    """Whether the server has the Graph Data Science plugin (see ``Neo4jGdsDialect``)."""

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

    def unique_relationship_constraint(self, target: RelationshipProperty) -> LiteralString:
        """A relationship property uniqueness constraint: Neo4j 5.7 and later, every edition."""
        return (
            _with_property(
                render(
                    "CREATE CONSTRAINT IF NOT EXISTS FOR ()-[r:%type%]-() REQUIRE (r.",
                    type=target.type,
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
        unique_edges = set(schema.unique_relationships)
        return [
            *(self.unique_constraint(target) for target in schema.unique),
            *(self.unique_relationship_constraint(t) for t in schema.unique_relationships),
            *(self.node_index(target) for target in schema.node_indexes if target not in unique),
            *(
                self.relationship_index(target)
                for target in schema.relationship_indexes
                if target not in unique_edges
            ),
            *(self.fulltext_index(target) for target in schema.fulltext),
        ]

    def ordered_text(self, expression: LiteralString) -> LiteralString:
        return expression

    def subquery(self, variables: LiteralString) -> LiteralString:
        """The variable scope clause; Neo4j 5 deprecates the importing ``WITH``."""
        return "CALL (" + variables + ") { "

    def node_key(self, variable: LiteralString) -> LiteralString:
        """``id()`` is deprecated in Neo4j 5."""
        return "elementId(" + variable + ")"

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

    def betweenness(self) -> LiteralString | None:
        """Graph Data Science's ``gds.betweenness.stream`` on a projection of the people and
        their interactions (undirected), dropped again in the same statement; ``None`` without
        GDS."""
        if not self.gds:
            return None
        return (
            "MATCH (a:Person)-[:INTERACTED]->(b:Person) WITH DISTINCT a, b "
            "WITH gds.graph.project('crm-brokers-' + randomUUID(), a, b, {}, "
            "{undirectedRelationshipTypes: ['*']}) AS g "
            "CALL gds.betweenness.stream(g.graphName) YIELD nodeId, score "
            "WITH g, collect({x: gds.util.asNode(nodeId), score: score}) AS rows "
            "CALL gds.graph.drop(g.graphName, false) YIELD graphName "
            "UNWIND rows AS row WITH row.x AS x, row.score AS score RETURN x.id AS id, score"
        )

    def communities(self) -> LiteralString | None:
        """``gds.wcc.stream`` and ``gds.labelPropagation.stream`` on a projection of the
        organisations, their people and the people's interactions; ``None`` without GDS."""
        if not self.gds:
            return None
        return (
            "MATCH (a)-[:WORKS_AT|INTERACTED]->(b) WHERE (a:Person) AND (b:Person OR "
            "b:Organization) "
            "WITH gds.graph.project('crm-communities-' + randomUUID(), a, b, {}, "
            "{undirectedRelationshipTypes: ['*']}) AS g "
            "CALL gds.wcc.stream(g.graphName) YIELD nodeId, componentId "
            "WITH g, collect({id: nodeId, component: componentId}) AS components "
            "CALL gds.labelPropagation.stream(g.graphName) YIELD nodeId, communityId "
            "WITH g, components, collect({id: nodeId, community: communityId}) AS found "
            "CALL gds.graph.drop(g.graphName, false) YIELD graphName "
            "UNWIND components + found AS row "
            "WITH gds.util.asNode(row.id) AS o, row WHERE o:Organization "
            "RETURN o.id AS id, o.country AS country, row.component AS component, "
            "row.community AS community"
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


class Neo4jGdsDialect(Neo4jDialect):
    """Neo4j 5 with the Graph Data Science plugin, whose algorithms the network questions use
    (a Neo4j store picks it when ``gds.version()`` answers)."""

    gds = True


FALKORDB = FalkorDBDialect()
NEO4J = Neo4jDialect()
NEO4J_GDS = Neo4jGdsDialect()
