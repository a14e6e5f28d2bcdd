"""The YAML, JSON and CSV readers: raw records with where they came from, and problems."""

from pathlib import Path
from typing import Any

import pytest

from crm.domain import Label, RelType
from graph_loader.readers import Input, read_csv, read_csv_folder, read_json, read_path, read_yaml
from graph_loader.records import Kind, Location, Problem, RawInput, RawRecord


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _only_problem(raw: RawInput) -> Problem:
    assert raw.records == []
    assert len(raw.problems) == 1, raw.problems
    return raw.problems[0]


# --- YAML ------------------------------------------------------------------------------------

SCALARS = """\
nodes:
  Cluster:
    - id: 007
      country: NO
      date: 2014-03-11
      n: 171
      ratio: 1.5
      flag: yes
      off: false
      stamp: 2014-03-11T10:00:00Z
      empty:
      tilde: ~
      word: null
      quoted: "null"
      list: [1, on, 2014-03-11]
"""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "007"),
        ("country", "NO"),
        ("date", "2014-03-11"),
        ("n", "171"),
        ("ratio", "1.5"),
        ("flag", "yes"),
        ("off", "false"),
        ("stamp", "2014-03-11T10:00:00Z"),
        ("empty", None),
        ("tilde", None),
        ("word", None),
        ("quoted", "null"),
        ("list", ["1", "on", "2014-03-11"]),
    ],
)
def test_yaml_plain_scalars_stay_text_and_null_stays_none(
    tmp_path: Path, field: str, value: Any
) -> None:
    raw = read_yaml(_write(tmp_path, "in.yaml", SCALARS))
    assert raw.problems == []
    assert raw.records[0].data[field] == value


def test_yaml_records_have_line_and_pointer(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "in.yaml",
        "nodes:\n"
        "  Cluster:\n"
        "    - id: a\n"
        "      name: A\n"
        "    - id: b\n"
        "relationships:\n"
        "  WORKS_AT:\n"
        "    - {from: p, to: b, toLabel: Cluster}\n",
    )
    raw = read_yaml(path)
    assert raw.problems == []
    assert [(r.kind, r.name, r.location) for r in raw.records] == [
        (Kind.NODE, "Cluster", Location(str(path), 3, "nodes.Cluster[0]")),
        (Kind.NODE, "Cluster", Location(str(path), 5, "nodes.Cluster[1]")),
        (Kind.RELATIONSHIP, "WORKS_AT", Location(str(path), 8, "relationships.WORKS_AT[0]")),
    ]
    assert raw.records[2].data == {"from": "p", "to": "b", "toLabel": "Cluster"}


def test_yaml_location_prints_as_file_line_and_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path, "in.yaml", "nodes:\n  Topic:\n    - id: a\n    - id: b\n")
    assert str(read_yaml(path).records[1].location) == f"{path}:4 nodes.Topic[1]"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("nodes:\n  Cluster:\n    - id: a\n      name: A\n      id: b\n", 5),
        ("nodes:\n  Cluster:\n    - id: a\n    - id: b\n      contact: {email: x, email: y}\n", 5),
    ],
)
def test_yaml_duplicate_key_in_a_record_is_a_problem_with_its_line(
    tmp_path: Path, text: str, line: int
) -> None:
    problem = _only_problem(read_yaml(_write(tmp_path, "in.yaml", text)))
    assert "duplicate key" in problem.message
    assert problem.location.line == line


@pytest.mark.parametrize(
    "text",
    [
        "nodes:\n  Cluster:\n    - id: a\n  Cluster:\n    - id: b\n",
        "nodes:\n  Cluster:\n    - id: a\nnodes:\n  Cluster:\n    - id: b\n",
    ],
    ids=["label", "section"],
)
def test_yaml_duplicate_label_or_section_is_a_problem(tmp_path: Path, text: str) -> None:
    """The loader refuses duplicate keys; JSON refuses the same document."""
    raw = read_yaml(_write(tmp_path, "in.yaml", text))
    assert any("duplicate" in problem.message for problem in raw.problems)
    assert raw.problems[0].location.line == 4


def test_malformed_yaml_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "in.yaml", "nodes:\n  Cluster:\n    - id: a\n     name: b\n")
    problem = _only_problem(read_yaml(path))
    assert problem.message.startswith("not valid YAML")
    assert problem.location == Location(str(path), 4)


def test_yaml_unknown_section_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "in.yaml", "nodes:\n  Topic:\n    - id: a\nedges:\n  X: []\n")
    raw = read_yaml(path)
    assert [record.name for record in raw.records] == ["Topic"]
    assert raw.problems == [
        Problem(
            Location(str(path), 4, "edges"),
            "unknown section: expected 'nodes' or 'relationships'",
        )
    ]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("nodes:\n  Cluster: {id: a}\n", (2, "nodes.Cluster"), "must be a list of records"),
        ("nodes:\n  Cluster: a\n", (2, "nodes.Cluster"), "must be a list of records"),
        ("nodes:\n  - Cluster\n", (1, "nodes"), "must map names to lists"),
        ("nodes:\n  Cluster:\n    - a\n", (3, "nodes.Cluster[0]"), "must be a mapping"),
    ],
)
def test_yaml_wrong_shape_is_a_problem(
    tmp_path: Path, text: str, location: tuple[int, str], message: str
) -> None:
    path = _write(tmp_path, "in.yaml", text)
    problem = _only_problem(read_yaml(path))
    assert problem.location == Location(str(path), *location)
    assert message in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the document is empty"),
        ("# only a comment\n", "the document is empty"),
        ("- nodes\n", "must be a mapping"),
        ("just text\n", "must be a mapping"),
    ],
)
def test_yaml_empty_or_not_a_mapping_is_a_problem(tmp_path: Path, text: str, message: str) -> None:
    problem = _only_problem(read_yaml(_write(tmp_path, "in.yaml", text)))
    assert message in problem.message


def test_yaml_empty_sections_and_groups_give_nothing(tmp_path: Path) -> None:
    raw = read_yaml(_write(tmp_path, "in.yaml", "nodes:\n  Cluster:\nrelationships:\n"))
    assert raw == RawInput()


# --- JSON ------------------------------------------------------------------------------------


def test_json_records_have_pointer_locations(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "in.json",
        '{"nodes": {"Cluster": [{"id": "a"}, {"id": "b", "n": 171}]},\n'
        ' "relationships": {"WORKS_AT": [{"from": "p", "to": "a", "toLabel": "Cluster"}]}}\n',
    )
    raw = read_json(path)
    assert raw.problems == []
    assert [(r.kind, r.name, r.data, r.location) for r in raw.records] == [
        (Kind.NODE, "Cluster", {"id": "a"}, Location(str(path), None, "nodes.Cluster[0]")),
        (
            Kind.NODE,
            "Cluster",
            {"id": "b", "n": 171},
            Location(str(path), None, "nodes.Cluster[1]"),
        ),
        (
            Kind.RELATIONSHIP,
            "WORKS_AT",
            {"from": "p", "to": "a", "toLabel": "Cluster"},
            Location(str(path), None, "relationships.WORKS_AT[0]"),
        ),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"nodes": {"Cluster": [{"id": "a", "id": "b"}]}}', "id"),
        ('{"nodes": {"Cluster": [{"id": "a"}], "Cluster": [{"id": "b"}]}}', "Cluster"),
    ],
)
def test_json_duplicate_key_is_refused(tmp_path: Path, text: str, key: str) -> None:
    problem = _only_problem(read_json(_write(tmp_path, "in.json", text)))
    assert problem.message == f"not valid input: duplicate key {key!r}"


def test_json_syntax_error_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "in.json", '{"nodes":\n {"Cluster": [\n}\n')
    problem = _only_problem(read_json(path))
    assert problem.message.startswith("not valid JSON")
    assert problem.location.line == 3


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ('{"edges": {}}', "edges", "unknown section"),
        ('{"nodes": []}', "nodes", "must map names to lists"),
        ('{"nodes": {"Cluster": {"id": "a"}}}', "nodes.Cluster", "must be a list of records"),
        ('{"nodes": {"Cluster": ["a"]}}', "nodes.Cluster[0]", "must be a mapping"),
        ("[]", None, "must be a mapping"),
    ],
)
def test_json_wrong_shape_is_a_problem(
    tmp_path: Path, text: str, pointer: str | None, message: str
) -> None:
    path = _write(tmp_path, "in.json", text)
    problem = _only_problem(read_json(path))
    assert problem.location == Location(str(path), None, pointer)
    assert message in problem.message


# --- CSV -------------------------------------------------------------------------------------


def _read_one_csv(folder: Path, name: str, text: str, encoding: str = "utf-8") -> dict[str, Any]:
    _write(folder, name, text, encoding)
    raw = read_csv_folder(folder)
    assert raw.problems == []
    assert len(raw.records) == 1
    return raw.records[0].data


@pytest.mark.parametrize(
    ("name", "text", "data"),
    [
        (
            "Cluster.csv",
            "id,description.de,description.en,contact.email\na,Text,,x@y.example\n",
            {"id": "a", "description": {"de": "Text"}, "contact": {"email": "x@y.example"}},
        ),
        (
            "Person.csv",
            "id,languages,consent.basis,consent.date\np,de;da,consent,2014-05-02\n",
            {
                "id": "p",
                "languages": ["de", "da"],
                "consent": {"basis": "consent", "date": "2014-05-02"},
            },
        ),
        (
            "Cluster.csv",
            "id,specialties\na,aluminium;a\\;b;surface treatment\n",
            {"id": "a", "specialties": ["aluminium", "a;b", "surface treatment"]},
        ),
        ("Cluster.csv", "id,specialties\na,only one\n", {"id": "a", "specialties": ["only one"]}),
        ("Cluster.csv", "id,name,specialties,country\na,,,DK\n", {"id": "a", "country": "DK"}),
        ("Topic.csv", 'id,name\na,"x; y, ""z"""\n', {"id": "a", "name": 'x; y, "z"'}),
        (
            "WORKS_AT.csv",
            "from,to,toLabel,role\np-anna,alucluster,Cluster,project manager\n",
            {"from": "p-anna", "to": "alucluster", "toLabel": "Cluster", "role": "project manager"},
        ),
    ],
)
def test_csv_cells_become_a_record(
    tmp_path: Path, name: str, text: str, data: dict[str, Any]
) -> None:
    assert _read_one_csv(tmp_path, name, text) == data


def test_csv_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    data = _read_one_csv(tmp_path, "Topic.csv", "id,name\nt,Tema\n", encoding="utf-8-sig")
    assert data == {"id": "t", "name": "Tema"}


def test_csv_records_have_kind_name_and_row_location(tmp_path: Path) -> None:
    node = _write(tmp_path, "Topic.csv", "id,name\na,A\nb,B\n")
    tie = _write(tmp_path, "COVERED.csv", "from,to\ne,a\n")
    raw = read_csv_folder(tmp_path)
    assert raw.problems == []
    assert [(r.kind, r.name, r.location) for r in raw.records] == [
        (Kind.RELATIONSHIP, "COVERED", Location(str(tie), 2, "row 2")),
        (Kind.NODE, "Topic", Location(str(node), 2, "row 2")),
        (Kind.NODE, "Topic", Location(str(node), 3, "row 3")),
    ]


@pytest.mark.parametrize("row", ["b", "b,B,extra"])
def test_csv_wrong_cell_count_is_a_problem_naming_the_row(tmp_path: Path, row: str) -> None:
    path = _write(tmp_path, "Topic.csv", f"id,name\na,A\n{row}\nc,C\n")
    raw = read_csv_folder(tmp_path)
    assert [record.data["id"] for record in raw.records] == ["a", "c"]
    assert len(raw.problems) == 1
    problem = raw.problems[0]
    assert problem.location == Location(str(path), 3, "row 3")
    assert "where the header has 2" in problem.message


@pytest.mark.parametrize("name", ["Clusters.csv", "cluster.csv", "works_at.csv", "Node.csv"])
def test_csv_file_not_named_for_a_label_or_type_is_a_problem(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, "id\na\n")
    problem = _only_problem(read_csv_folder(tmp_path))
    assert problem.location == Location(str(path))
    assert "must be a label or a relationship type" in problem.message


def test_csv_file_without_header_is_a_problem(tmp_path: Path) -> None:
    _write(tmp_path, "Topic.csv", "")
    assert "needs a header row" in _only_problem(read_csv_folder(tmp_path)).message


def test_csv_folder_without_csv_files_is_a_problem(tmp_path: Path) -> None:
    _write(tmp_path, "notes.txt", "id\na\n")
    assert "no .csv files" in _only_problem(read_csv_folder(tmp_path)).message


# --- read_path -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["in.yaml", "in.yml", "IN.YAML", "in.json", "in.JSON"])
def test_read_path_reads_by_suffix(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, '{"nodes": {"Topic": [{"id": "t"}]}}')
    raw = read_path(path)
    assert raw.problems == []
    assert [record.data for record in raw.records] == [{"id": "t"}]


def test_read_path_reads_a_csv_folder(tmp_path: Path) -> None:
    _write(tmp_path, "Topic.csv", "id\nt\n")
    assert [record.data for record in read_path(tmp_path).records] == [{"id": "t"}]


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.yaml", "no such file or folder"), ("in.txt", "unknown format")],
)
def test_read_path_missing_or_unknown_format_is_a_problem(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("nodes: {}\n", encoding="utf-8")
    problem = _only_problem(read_path(path))
    assert problem.location == Location(str(path))
    assert message in problem.message


def test_csv_rows_are_read_one_at_a_time_not_whole(tmp_path: Path) -> None:
    path = tmp_path / "Topic.csv"
    path.write_bytes(b"id,name\na,A\n" + b"b,B\n" * 20_000 + b"c,\xff\n")
    reads = read_csv(path)
    first = next(reads)
    assert isinstance(first, RawRecord)
    assert first.data == {"id": "a", "name": "A"}
    *_, last = reads
    assert isinstance(last, Problem)
    assert "cannot be read" in last.message


def test_an_input_gives_node_files_before_relationship_files(tmp_path: Path) -> None:
    _write(tmp_path, "COVERED.csv", "from,to\ne,a\n")
    _write(tmp_path, "Topic.csv", "id,name\na,A\n")
    _write(tmp_path, "Topics.csv", "id\na\n")
    source = Input([tmp_path])
    nodes, ties = list(source.reads(Kind.NODE)), list(source.reads(Kind.RELATIONSHIP))
    assert [read.name for read in nodes if isinstance(read, RawRecord)] == ["Topic"]
    assert [str(read) for read in nodes if isinstance(read, Problem)] == [
        f"{tmp_path / 'Topics.csv'}: the file name must be a label or a relationship type: "
        + ", ".join([*Label.__members__.values(), *RelType.__members__.values()])
    ]
    assert [read.name for read in ties if isinstance(read, RawRecord)] == ["COVERED"]
