"""Exports of an explorer's view: ``networkExport`` and ``GET /export/network.<format>``. Each
document is read back by networkx (GEXF 1.3, GraphML) or the csv module, and holds the view the
``network`` query answers; readers get no e-mail addresses or phone numbers."""

import csv
import io
from typing import Any

import networkx as nx
import pytest

from crm.keys import Role
from tests.api.conftest import Api

VIEW = """{ network(centers: ["alucluster"], depth: 2, asOf: "2016-12-31") {
    nodes { node { __typename ... on Person { recordId email phone }
                   ... on Organization { recordId } ... on Cluster { recordId } }
            country degree community since }
    edges { kind strength since until } } }"""

EXPORT = """query ($format: NetworkExportFormat!) {
  networkExport(format: $format, centers: ["alucluster"], depth: 2, asOf: "2016-12-31") {
    format mediaType fileName content } }"""


@pytest.fixture(scope="module")
def view(intranet: Api) -> Any:
    return intranet.data(VIEW)["network"]


def export(api: Api, format_name: str) -> Any:
    found = api.data(EXPORT, {"format": format_name})["networkExport"]
    assert found["format"] == format_name
    return found


def read_back(format_name: str, content: str) -> "nx.Graph[str]":
    data = io.BytesIO(content.encode())
    if format_name == "GEXF":
        return nx.read_gexf(data, version="1.3")
    return nx.read_graphml(data)


def node_key(node: Any) -> str:
    return f"{node['node']['__typename']}:{node['node']['recordId']}"


@pytest.mark.parametrize("format_name", ["GEXF", "GRAPHML"])
def test_a_graph_document_reads_back_as_the_view(
    intranet: Api, view: Any, format_name: str
) -> None:
    found = export(intranet.as_role(Role.EDITOR), format_name)
    graph = read_back(format_name, found["content"])
    assert graph.number_of_nodes() == len(view["nodes"]) == 40
    assert graph.number_of_edges() == len(view["edges"]) == 70
    for node in view["nodes"]:
        attributes = graph.nodes[node_key(node)]
        assert attributes["country"] == node["country"]
        assert attributes["degree"] == node["degree"]
        assert attributes["community"] == node["community"]
        assert attributes.get("start") == node["since"]
    alu = graph.nodes["Cluster:alucluster"]
    assert (alu["label"], alu["type"], alu["depth"]) == ("AluCluster", "Cluster", 0)
    kinds = [data["kind"] for _, _, data in graph.edges(data=True)]
    assert (kinds.count("membership"), kinds.count("employment")) == (14, 19)
    strengths = sorted(e["strength"] for e in view["edges"] if e["strength"] is not None)
    exported = sorted(d["strength"] for _, _, d in graph.edges(data=True) if "strength" in d)
    assert exported == pytest.approx(strengths)
    assert all(isinstance(d["crossesBorder"], bool) for _, _, d in graph.edges(data=True))


def test_the_csv_files_hold_the_nodes_and_the_edges(intranet: Api, view: Any) -> None:
    nodes = list(csv.DictReader(io.StringIO(export(intranet, "NODES_CSV")["content"])))
    edges = list(csv.DictReader(io.StringIO(export(intranet, "EDGES_CSV")["content"])))
    assert len(nodes) == 40
    assert len(edges) == 70
    assert {row["id"] for row in nodes} == {node_key(node) for node in view["nodes"]}
    ids = {row["id"] for row in nodes}
    assert all(row["source"] in ids and row["target"] in ids for row in edges)
    assert {row["kind"] for row in edges} == {"interaction", "employment", "membership"}
    assert list(nodes[0])[:4] == ["id", "label", "recordId", "type"]


@pytest.mark.parametrize("format_name", ["GEXF", "GRAPHML", "NODES_CSV", "EDGES_CSV"])
def test_readers_get_no_contact_data(intranet: Api, view: Any, format_name: str) -> None:
    contacts = {
        value
        for node in view["nodes"]
        if node["node"]["__typename"] == "Person"
        for value in (node["node"]["email"], node["node"]["phone"])
        if value
    }
    # The view's people have e-mail addresses, and some of them phone numbers.
    assert len(contacts) > 20
    assert any(value.startswith("+") for value in contacts)
    reader = export(intranet.as_role(Role.READER), format_name)["content"]
    assert not [value for value in contacts if value in reader]
    assert "email" not in reader
    assert "phone" not in reader
    editor = export(intranet.as_role(Role.EDITOR), format_name)["content"]
    if format_name != "EDGES_CSV":
        assert any(value in editor for value in contacts)


def test_the_dates_make_a_dynamic_gexf(intranet: Api) -> None:
    graph = read_back("GEXF", export(intranet, "GEXF")["content"])
    assert graph.graph["mode"] == "dynamic"
    ended = [d for _, _, d in graph.edges(data=True) if "end" in d]
    assert all(d["kind"] == "employment" and d["start"] <= d["end"] for d in ended)


# --- over HTTP -------------------------------------------------------------------------------


def get(api: Api, path: str, role: Role | None = Role.READER) -> Any:
    headers = api.as_role(role).headers
    return api.client.get(path, headers=headers)


@pytest.mark.parametrize(
    ("extension", "media_type", "file_name"),
    [
        ("gexf", "application/gexf+xml", "network.gexf"),
        ("graphml", "application/graphml+xml", "network.graphml"),
        ("nodes.csv", "text/csv; charset=utf-8; header=present", "network-nodes.csv"),
        ("edges.csv", "text/csv; charset=utf-8; header=present", "network-edges.csv"),
    ],
)
def test_a_script_fetches_a_view_as_a_file(
    intranet: Api, extension: str, media_type: str, file_name: str
) -> None:
    response = get(
        intranet, f"/export/network.{extension}?center=alucluster&depth=2&asOf=2016-12-31"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{file_name}"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"]
    same = export(intranet.as_role(Role.READER), extension.replace(".", "_").upper())
    assert response.text == same["content"]


def test_the_query_string_takes_networks_arguments(intranet: Api) -> None:
    path = (
        "/export/network.graphml?center=p-michael-nedergaard&center=alucluster&depth=1"
        "&crossBorderOnly=true&tieKind=interaction&tieKind=EMPLOYMENT&interactionKind=meeting"
        "&minStrength=0.1&sector=sector-manufacturing&limit=100&asOf=2016-12-31"
    )
    response = get(intranet, path)
    assert response.status_code == 200, response.text
    graph = read_back("GRAPHML", response.text)
    assert {"Person:p-michael-nedergaard", "Cluster:alucluster"} <= set(graph.nodes)
    assert {d["kind"] for _, _, d in graph.edges(data=True)} <= {"interaction", "employment"}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/export/network.pdf?center=alucluster", 404, "NOT_FOUND"),
        ("/export/network.gexf", 400, "BAD_USER_INPUT"),
        ("/export/network.gexf?center=alucluster&depth=two", 400, "BAD_USER_INPUT"),
        ("/export/network.gexf?center=alucluster&crossBorderOnly=yes", 400, "BAD_USER_INPUT"),
        ("/export/network.gexf?center=alucluster&colour=red", 400, "BAD_USER_INPUT"),
        ("/export/network.gexf?center=alucluster&depth=9", 400, "BAD_USER_INPUT"),
        (
            "/export/network.gexf?center=alucluster&asOf=2016-13-45",
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "/export/network.gexf?center=alucluster&tieKind=friendship",
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("/export/network.gexf?center=nobody", 404, "NOT_FOUND"),
        ("/export/network.gexf?center=alucluster&depth=3&limit=10", 400, "LIMIT_EXCEEDED"),
    ],
)
def test_bad_requests_get_a_status_and_a_code(
    intranet: Api, path: str, status: int, code: str
) -> None:
    response = get(intranet, path)
    assert response.status_code == status, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"]


def test_a_limit_names_itself(intranet: Api) -> None:
    response = get(intranet, "/export/network.gexf?center=alucluster&depth=3&limit=10")
    extensions = response.json()["errors"][0]["extensions"]
    assert (extensions["limit"], extensions["maximum"]) == ("limit", 10)


def test_without_a_key_there_is_no_export(intranet: Api) -> None:
    response = get(intranet, "/export/network.gexf?center=alucluster", role=None)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert intranet.client.post("/export/network.gexf?center=alucluster").status_code == 405
