"""The export formats on their own: what networkx reads back, hostile text kept harmless."""

import csv
import io

import networkx as nx
import pytest

from crm.api.network.formats import (
    Column,
    ColumnType,
    Graph,
    edges_csv,
    gexf,
    graphml,
    nodes_csv,
)

HOSTILE = 'A & B <b>"quoted"</b>\x01\x0b end'


def graph() -> Graph:
    return Graph(
        description="a test",
        node_columns=[Column("country"), Column("degree", ColumnType.INTEGER)],
        edge_columns=[
            Column("kind"),
            Column("strength", ColumnType.DOUBLE),
            Column("crossesBorder", ColumnType.BOOLEAN),
        ],
        nodes=[
            {"id": "Person:a", "label": HOSTILE, "country": "DE", "degree": 1, "start": None},
            {"id": "Person:b", "label": "=HYPERLINK(1)", "country": None, "degree": 1},
        ],
        edges=[
            {
                "id": "interaction:a:b",
                "source": "Person:a",
                "target": "Person:b",
                "weight": 0.5,
                "kind": "interaction",
                "strength": 0.5,
                "crossesBorder": True,
                "start": "2014-01-02",
                "end": None,
            }
        ],
        created="2020-01-01",
    )


@pytest.mark.parametrize("write", [gexf, graphml])
def test_xml_reads_back_with_its_types_and_no_control_characters(write: object) -> None:
    text = write(graph())  # type: ignore[operator]
    data = io.BytesIO(text.encode())
    read = nx.read_gexf(data, version="1.3") if write is gexf else nx.read_graphml(data)
    assert read.nodes["Person:a"]["label"] == 'A & B <b>"quoted"</b>\ufffd\ufffd end'
    assert read.nodes["Person:a"]["degree"] == 1
    assert "country" not in read.nodes["Person:b"]  # no value, no attribute
    [(_, _, edge)] = read.edges(data=True)
    assert (edge["strength"], edge["crossesBorder"], edge["start"]) == (0.5, True, "2014-01-02")


def test_gexf_is_1_3_and_dynamic() -> None:
    text = gexf(graph())
    assert '<gexf xmlns="http://gexf.net/1.3"' in text
    assert 'version="1.3"' in text
    assert 'mode="dynamic" timeformat="date"' in text


def test_csv_cells_are_no_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(nodes_csv(graph()))))
    assert rows[1]["label"] == "'=HYPERLINK(1)"
    assert rows[1]["country"] == ""
    [edge] = list(csv.DictReader(io.StringIO(edges_csv(graph()))))
    assert (edge["strength"], edge["crossesBorder"], edge["end"]) == ("0.5", "true", "")
