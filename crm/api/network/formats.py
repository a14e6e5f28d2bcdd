"""A graph as the documents analysts' tools read: GEXF 1.3 (Gephi), GraphML (Cytoscape desktop,
yEd, networkx, igraph) and two CSV files, nodes and edges (a spreadsheet, pandas).

The graph comes as plain rows (``Graph``): each node and edge with an id, the columns declared
with their types, and optional ``start``/``end`` days (GEXF's dynamic mode, so Gephi's timeline
replays it). XML is written with the standard library's ElementTree; characters XML 1.0 cannot
hold (control characters) become U+FFFD. A CSV text cell that a spreadsheet would take for a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with
``'``, as OWASP recommends against CSV injection.
"""

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

GEXF_NAMESPACE = "http://gexf.net/1.3"
GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class ColumnType(StrEnum):
    """A column's type, named as GEXF names it."""

    STRING = "string"
    INTEGER = "integer"
    DOUBLE = "double"
    BOOLEAN = "boolean"


_GRAPHML_TYPES = {
    ColumnType.STRING: "string",
    ColumnType.INTEGER: "int",
    ColumnType.DOUBLE: "double",
    ColumnType.BOOLEAN: "boolean",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = ColumnType.STRING


@dataclass(frozen=True)
class Graph:
    """Rows of nodes and edges. A node has ``id`` and ``label`` (its name), an edge ``id``,
    ``source``, ``target`` and ``weight``; either may have ``start`` and ``end`` (ISO days);
    the rest are the values of the declared columns (``None``: none)."""

    description: str
    node_columns: Sequence[Column]
    edge_columns: Sequence[Column]
    nodes: Sequence[Mapping[str, Any]]
    edges: Sequence[Mapping[str, Any]]
    created: str
    """The day it was made."""
    creator: str = field(default="Cross-border CRM")


def gexf(graph: Graph) -> str:
    """GEXF 1.3, undirected, dynamic by day (``start``/``end``)."""
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NAMESPACE,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd",
            "version": "1.3",
        },
    )
    meta = ET.SubElement(root, "meta", lastmodifieddate=graph.created)
    ET.SubElement(meta, "creator").text = _text(graph.creator)
    ET.SubElement(meta, "description").text = _text(graph.description)
    body = ET.SubElement(
        root, "graph", defaultedgetype="undirected", mode="dynamic", timeformat="date"
    )
    for kind, columns in (("node", graph.node_columns), ("edge", graph.edge_columns)):
        declared = ET.SubElement(body, "attributes", {"class": kind, "mode": "static"})
        for number, column in enumerate(columns):
            ET.SubElement(
                declared, "attribute", id=str(number), title=column.name, type=column.type.value
            )
    nodes = ET.SubElement(body, "nodes")
    for row in graph.nodes:
        node = ET.SubElement(nodes, "node", id=_text(row["id"]), label=_text(row["label"]))
        _set_dates(node, row)
        _attvalues(node, graph.node_columns, row)
    edges = ET.SubElement(body, "edges")
    for row in graph.edges:
        attributes = {
            "id": _text(row["id"]),
            "source": _text(row["source"]),
            "target": _text(row["target"]),
            "weight": _value(row["weight"], ColumnType.DOUBLE),
        }
        edge = ET.SubElement(edges, "edge", attributes)
        _set_dates(edge, row)
        _attvalues(edge, graph.edge_columns, row)
    return _document(root)


def graphml(graph: Graph) -> str:
    """GraphML, undirected, with a key per column (``n…`` of nodes, ``e…`` of edges); the
    days go in the columns ``start`` and ``end``."""
    root = ET.Element(
        "graphml",
        {
            "xmlns": GRAPHML_NAMESPACE,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd",
        },
    )
    node_columns = [Column("label"), *graph.node_columns, Column("start")]
    edge_columns = [*graph.edge_columns, Column("weight", ColumnType.DOUBLE)]
    edge_columns += [Column("start"), Column("end")]
    for prefix, kind, columns in (("n", "node", node_columns), ("e", "edge", edge_columns)):
        for number, column in enumerate(columns):
            ET.SubElement(
                root,
                "key",
                {
                    "id": f"{prefix}{number}",
                    "for": kind,
                    "attr.name": column.name,
                    "attr.type": _GRAPHML_TYPES[column.type],
                },
            )
    body = ET.SubElement(root, "graph", id="G", edgedefault="undirected")
    ET.SubElement(body, "desc").text = _text(graph.description)
    for row in graph.nodes:
        node = ET.SubElement(body, "node", id=_text(row["id"]))
        _data(node, "n", node_columns, row)
    for row in graph.edges:
        edge = ET.SubElement(
            body,
            "edge",
            id=_text(row["id"]),
            source=_text(row["source"]),
            target=_text(row["target"]),
        )
        _data(edge, "e", edge_columns, row)
    return _document(root)


def nodes_csv(graph: Graph) -> str:
    """One row per node: ``id``, ``label``, the columns, ``start``."""
    columns = [Column("id"), Column("label"), *graph.node_columns, Column("start")]
    return _csv(columns, graph.nodes)


def edges_csv(graph: Graph) -> str:
    """One row per edge: ``id``, ``source``, ``target``, the columns, ``weight``, ``start``,
    ``end``."""
    columns = [Column("id"), Column("source"), Column("target"), *graph.edge_columns]
    columns += [Column("weight", ColumnType.DOUBLE), Column("start"), Column("end")]
    return _csv(columns, graph.edges)


def _set_dates(element: ET.Element, row: Mapping[str, Any]) -> None:
    for name in ("start", "end"):
        if row.get(name) is not None:
            element.set(name, _text(row[name]))


def _attvalues(element: ET.Element, columns: Sequence[Column], row: Mapping[str, Any]) -> None:
    values = ET.SubElement(element, "attvalues")
    for number, column in enumerate(columns):
        value = row.get(column.name)
        if value is not None:
            ET.SubElement(
                values, "attvalue", {"for": str(number), "value": _value(value, column.type)}
            )


def _data(
    element: ET.Element, prefix: str, columns: Sequence[Column], row: Mapping[str, Any]
) -> None:
    for number, column in enumerate(columns):
        value = row.get(column.name)
        if value is not None:
            ET.SubElement(element, "data", key=f"{prefix}{number}").text = _value(
                value, column.type
            )


def _value(value: Any, kind: ColumnType) -> str:
    match kind:
        case ColumnType.BOOLEAN:
            return "true" if value else "false"
        case ColumnType.INTEGER:
            return str(int(value))
        case ColumnType.DOUBLE:
            return repr(float(value))
        case ColumnType.STRING:
            return _text(value)


def _text(value: Any) -> str:
    return _NOT_IN_XML.sub("\ufffd", str(value))


def _document(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _csv(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([_cell(row.get(column.name), column.type) for column in columns])
    return out.getvalue()


def _cell(value: Any, kind: ColumnType) -> str:
    if value is None:
        return ""
    text = _value(value, kind)
    if kind is ColumnType.STRING and text.startswith(_FORMULA):
        return "'" + text
    return text
