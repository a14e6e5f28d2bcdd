"""The engine-specific statements of the network questions."""

from crm.graph.dialect import FALKORDB, NEO4J, NEO4J_GDS


def test_falkordb_leaves_betweenness_to_cypher_and_runs_its_community_algorithms() -> None:
    assert FALKORDB.betweenness() is None
    communities = FALKORDB.communities()
    assert "algo.WCC" in communities
    assert "algo.labelPropagation" in communities


def test_neo4j_uses_graph_data_science_only_where_it_is() -> None:
    assert NEO4J.betweenness() is None
    assert NEO4J.communities() is None
    for statement, procedure in (
        (NEO4J_GDS.betweenness(), "gds.betweenness.stream"),
        (NEO4J_GDS.communities(), "gds.labelPropagation.stream"),
    ):
        assert statement is not None
        assert procedure in statement
        assert "gds.graph.drop" in statement
