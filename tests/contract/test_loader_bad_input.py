"""Bad input gets a message naming file, line or row, and field; the graph stays as it was."""

import json
from pathlib import Path

import pytest

from crm.domain.nodes import Label
from crm.graph.store import GraphStore
from graph_loader.load import load
from tests.contract.graphs import snapshot

BASE = """
nodes:
  Cluster:
    - {id: cl-base, name: Base cluster, country: DK}
  Organization:
    - {id: org-base, name: Base company, kind: company, country: DE}
  Event:
    - {id: ev-base, kind: workshop, title: Base workshop, date: 2014-05-01}
"""

NASTY = (
    "Grüße \"quoted\" 'single' `backtick` $param {map: 1} // comment\n"
    "'}) MATCH (n) DETACH DELETE n // ø æ å ß 你好 🙂 \u202eRTL\u202c e\u0301 \\ back"
)

# Each case: the files to write, and the fragments every problem line must show.
CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "malformed YAML": (
        {"in.yaml": "nodes:\n  Cluster:\n    - {id: a, name: [unclosed\n"},
        ["in.yaml:", "not valid YAML"],
    ),
    "malformed JSON": (
        {"in.json": '{"nodes": {"Cluster": [\n  {"id": "a",}\n]}}'},
        ["in.json:2", "not valid JSON"],
    ),
    "malformed CSV": (
        {"csv/Cluster.csv": "id,name,country\ncl-x,Name,DK\ncl-y,Only two\n"},
        ["Cluster.csv:3", "row 3", "cells"],
    ),
    "unknown label": (
        {"in.yaml": "nodes:\n  Clustr:\n    - {id: a, name: A, country: DK}\n"},
        ["in.yaml:3", "nodes.Clustr[0]", "unknown label 'Clustr'"],
    ),
    "label shaped like Cypher": (
        {"in.yaml": 'nodes:\n  "Cluster) DETACH DELETE (n":\n    - {id: a}\n'},
        ["in.yaml:3", "unknown label"],
    ),
    "unknown field": (
        {"in.yaml": "nodes:\n  Cluster:\n    - {id: a, name: A, country: DK, colour: red}\n"},
        ["in.yaml:3", "field 'colour'", "unknown field"],
    ),
    "wrong type": (
        {
            "in.yaml": "nodes:\n  Event:\n"
            "    - {id: e, kind: workshop, title: T, date: 2014-01-01,"
            " reportedAttendance: many}\n"
        },
        ["in.yaml:3", "field 'reportedAttendance'", "integer"],
    ),
    "invalid date": (
        {
            "in.yaml": "nodes:\n  Event:\n"
            "    - {id: e, kind: workshop, title: T, date: 2014-13-01}\n"
        },
        ["in.yaml:3", "field 'date'"],
    ),
    "invalid VAT id": (
        {
            "in.yaml": "nodes:\n  Organization:\n"
            "    - {id: o, name: O, kind: company, country: DK, vatId: DK13585627}\n"
        },
        ["in.yaml:3", "field 'vatId'", "not a valid DK VAT id"],
    ),
    "invalid phone number": (
        {
            "in.yaml": "nodes:\n  Person:\n    - {id: p, givenName: A, familyName: B, country: DE,"
            " phone: '12', consent: {basis: consent, date: 2020-01-01}}\n"
        },
        ["in.yaml:3", "field 'phone'", "phone number"],
    ),
    "duplicate id": (
        {
            "in.yaml": "nodes:\n  Cluster:\n    - {id: a, name: A, country: DK}\n"
            "    - {id: a, name: B, country: DE}\n"
        },
        ["in.yaml:4", "field 'id'", "also appears at", "in.yaml:3 nodes.Cluster[0]"],
    ),
    "dangling relationship": (
        {"in.yaml": "relationships:\n  MEMBER_OF:\n    - {from: org-nowhere, to: cl-base}\n"},
        ["in.yaml:3", "field 'from'", "no Organization with id 'org-nowhere'"],
    ),
    "relationship between labels the model does not allow": (
        {
            "in.yaml": "relationships:\n  ATTENDED:\n    - {from: org-base, to: cl-base,"
            " fromLabel: Organization}\n"
        },
        ["in.yaml:3", "fromLabel", "ATTENDED may start at Person, not 'Organization'"],
    ),
    "unknown relationship type": (
        {"in.yaml": "relationships:\n  KNOWS:\n    - {from: a, to: b}\n"},
        ["in.yaml:3", "unknown relationship type 'KNOWS'"],
    ),
    "text an engine cannot hold": (
        {
            "in.json": '{"nodes": {"Cluster": [{"id": "a", "name": "nul\\u0000", "country": "DK"},'
            ' {"id": "b", "name": "\\ud800 lone", "country": "DK"}]}}'
        },
        [
            "nodes.Cluster[0], field 'name': must not contain the NUL character",
            "nodes.Cluster[1], field 'name': Input should be a valid string",
        ],
    ),
    "a valid record beside an invalid one": (
        {
            "in.yaml": "nodes:\n  Cluster:\n    - {id: fine, name: Fine, country: DK}\n"
            "    - {id: bad, name: Bad, country: XX}\n"
        },
        ["in.yaml:4", "field 'country'"],
    ),
}


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    paths = set()
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.add(path.parent if path.suffix == ".csv" else path)
    return sorted(paths)


@pytest.fixture
async def base(store: GraphStore, tmp_path: Path) -> GraphStore:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    report = await load([tmp_path / "base.yaml"], store, batch_size=100)
    assert report.problems == []
    return store


@pytest.mark.parametrize("case", CASES)
async def test_bad_input_is_named_and_leaves_the_graph_unchanged(
    base: GraphStore, tmp_path: Path, case: str
) -> None:
    files, fragments = CASES[case]
    before = await snapshot(base)

    report = await load(write_files(tmp_path / "input", files), base, batch_size=100)

    assert report.summary is None
    assert report.problems
    for fragment in fragments:
        assert any(fragment in str(problem) for problem in report.problems), (
            fragment,
            [str(problem) for problem in report.problems],
        )
    assert await snapshot(base) == before


async def test_every_problem_is_reported_not_just_the_first(
    base: GraphStore, tmp_path: Path
) -> None:
    text = (
        "nodes:\n  Cluster:\n    - {id: a, name: A, country: XX}\n"
        "    - {id: b, name: '', country: DK}\n"
        "relationships:\n  MEMBER_OF:\n    - {from: nobody, to: a}\n"
    )
    (tmp_path / "in.yaml").write_text(text, encoding="utf-8")

    report = await load([tmp_path / "in.yaml"], base, batch_size=100)

    lines = sorted(str(problem) for problem in report.problems)
    assert len(lines) == 4, lines
    assert report.invalid == 3


async def test_skip_invalid_writes_the_valid_records_and_reports_the_rest(
    base: GraphStore, tmp_path: Path
) -> None:
    files, _ = CASES["a valid record beside an invalid one"]

    report = await load(write_files(tmp_path, files), base, batch_size=100, skip_invalid=True)

    assert report.summary is not None
    assert report.summary.node_total.created == 1
    assert [problem.field for problem in report.problems] == ["country"]
    rows = await base.read("MATCH (c:Cluster) RETURN c.id AS id ORDER BY id")
    assert [row["id"] for row in rows] == ["cl-base", "fine"]


async def test_text_is_stored_literally(base: GraphStore, tmp_path: Path) -> None:
    record = {
        "id": "cl-nasty",
        "name": NASTY,
        "country": "DK",
        "specialties": [NASTY, "; semicolon"],
        "description": {"de": NASTY},
    }
    document = {"nodes": {"Cluster": [record]}}
    (tmp_path / "in.json").write_text(json.dumps(document), encoding="utf-8")

    report = await load([tmp_path / "in.json"], base, batch_size=100)
    rows = await base.read(
        "MATCH (c:Cluster {id: 'cl-nasty'}) "
        "RETURN c.name AS name, c.specialties AS specialties, c.descriptionDe AS de"
    )

    assert report.problems == []
    assert rows == [{"name": NASTY, "specialties": [NASTY, "; semicolon"], "de": NASTY}]
    domain = " OR ".join(f"n:{label}" for label in Label)
    assert len(await base.read(f"MATCH (n) WHERE {domain} RETURN n.id AS id")) == 4
