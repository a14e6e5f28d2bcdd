"""The engine-specific statements of the network questions."""

from crm.graph.dialect import FALKORDB, Neo4jDialect


def test_falkordb_leaves_betweenness_to_cypher_and_runs_its_community_algorithms() -> None:
    assert FALKORDB.betweenness() is None
    communities = FALKORDB.communities()
    assert "algo.WCC" in communities
    assert "algo.labelPropagation" in communities


def test_neo4j_uses_graph_data_science_only_where_it_is() -> None:
    assert Neo4jDialect().betweenness() is None
    assert Neo4jDialect().communities() is None
    with_gds = Neo4jDialect(gds=True)
    for statement, procedure in (
        (with_gds.betweenness(), "gds.betweenness.stream"),
        (with_gds.communities(), "gds.labelPropagation.stream"),
    ):
        assert statement is not None
        assert procedure in statement
        assert "gds.graph.drop" in statement
