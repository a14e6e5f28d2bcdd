"""The smaller defects of issue 17 that the ``crm`` command shows: deep nesting, a column named
twice, a folder without a graph. Real processes on the real engine."""

import json
from pathlib import Path

import pytest

from crm.config import Settings
from tests.e2e.test_cli import crm

DEPTH = 5000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "deep.json",
            '{"nodes": {"Topic": [{"id": "t", "name": ' + "[" * DEPTH + "]" * DEPTH + "}]}}",
        ),
        (
            "deep.yaml",
            "nodes:\n  Topic:\n    - id: t\n      name: " + "[" * DEPTH + "]" * DEPTH + "\n",
        ),
        ("deeper.json", "[" * 100_000 + "]" * 100_000),
        ("deeper.yaml", "- " * 20_000 + "x\n"),
    ],
)
def test_a_document_nested_thousands_deep_gets_one_line_naming_the_file(
    settings: Settings, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    result = crm("load", str(path), "--data-dir", str(settings.data_dir))

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "RecursionError" not in result.stderr + result.stdout
    problems = [line for line in result.stderr.splitlines() if str(path) in line]
    assert len(problems) == 1, result.stderr
    assert "nested too deeply" in problems[0]


def test_a_csv_column_named_twice_is_refused_naming_column_and_file(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "Topic.csv").write_text("id,name,id\nt-1,Energy,t-2\n", encoding="utf-8")

    result = crm("load", str(folder), "--data-dir", str(settings.data_dir))
    stats = crm("stats", "--json", "--data-dir", str(settings.data_dir))

    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "Topic.csv" in line]
    assert "the column 'id' appears more than once in the header" in line
    assert json.loads(stats.stdout)["nodes"]["Topic"] == 0  # nothing was written


@pytest.mark.parametrize("command", ["stats", "export"])
def test_a_folder_without_a_graph_is_warned_about_naming_data_dir(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "no-graph-here"
    args = [str(tmp_path / "out.yaml")] if command == "export" else []

    result = crm(command, *args, "--data-dir", str(folder))

    assert result.returncode == 0, result.stderr
    warning = " ".join(result.stderr.split())
    assert "warning:" in warning
    assert "holds no graph" in warning
    assert "--data-dir" in warning
