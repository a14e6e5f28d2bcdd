"""The ``crm`` command as a user runs it: real processes, real engine, exit codes and messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crm.config import Settings
from crm.graph.store import GraphStore
from graph_loader.datasets import INTRANET
from tests.conftest import wait_for_engine_exit

ROOT = Path(__file__).resolve().parents[2]
CRM = [sys.executable, "-c", "from crm.cli import main; main()"]


def crm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CRM, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def data_dir(settings: Settings) -> str:
    return str(settings.data_dir)


@pytest.mark.parametrize(
    "command",
    [
        "load",
        "export",
        "stats",
        "migrate",
        "backup",
        "restore",
        "keys create",
        "keys list",
        "keys revoke",
    ],
)
def test_every_command_explains_itself(command: str) -> None:
    result = crm(*command.split(), "--help")

    assert result.returncode == 0
    assert "--data-dir" in result.stdout


def test_load_twice_then_stats_then_export(data_dir: str, tmp_path: Path) -> None:
    first = crm("load", str(INTRANET), "--data-dir", data_dir)
    second = crm("load", str(INTRANET), "--data-dir", data_dir)
    stats = crm("stats", "--json", "--data-dir", data_dir)
    exported = crm("export", str(tmp_path / "graph.json"), "--data-dir", data_dir)

    assert first.returncode == 0, first.stderr
    assert "wrote 172 Person rows" in first.stderr  # line-oriented progress, not a bar
    assert second.returncode == 0
    totals = [line for line in second.stdout.splitlines() if "nodes" in line or "relation" in line]
    assert all(" 0 " in line.replace("│", " ") for line in totals), second.stdout
    counts = json.loads(stats.stdout)
    assert counts["nodes"]["Person"] == 172
    assert counts["relationships"]["INTERACTED"] == 460
    assert exported.returncode == 0, exported.stderr
    document = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert len(document["nodes"]["Person"]) == 172
    assert wait_for_engine_exit(Path(data_dir)) == []


def test_bad_input_exits_1_with_messages_and_no_traceback(data_dir: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes:\n  Cluster:\n    - {id: a, name: A, country: XX}\n", encoding="utf-8")

    result = crm("load", str(bad), "--data-dir", data_dir)

    assert result.returncode == 1
    assert "bad.yaml:3 nodes.Cluster[0], field 'country'" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_skip_invalid_exits_3_after_writing_the_valid_records(
    data_dir: str, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        "nodes:\n  Cluster:\n    - {id: a, name: A, country: XX}\n"
        "    - {id: b, name: B, country: DE}\n",
        encoding="utf-8",
    )

    result = crm("load", str(mixed), "--skip-invalid", "--data-dir", data_dir)
    stats = crm("stats", "--json", "--data-dir", data_dir)

    assert result.returncode == 3
    assert "1 records were skipped" in result.stderr
    assert json.loads(stats.stdout)["nodes"]["Cluster"] == 1


def test_a_dry_run_validates_and_writes_nothing(data_dir: str, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        "nodes:\n  Cluster:\n    - {id: a, name: A, country: XX}\n"
        "    - {id: b, name: B, country: DE}\n",
        encoding="utf-8",
    )

    checked = crm("load", str(mixed), "--dry-run", "--data-dir", data_dir)
    clean = crm("load", str(INTRANET), "--dry-run", "--data-dir", data_dir)
    stats = crm("stats", "--json", "--data-dir", data_dir)

    assert checked.returncode == 1
    assert "1 records are valid, 1 have problems; nothing was written" in checked.stderr
    assert clean.returncode == 0, clean.stderr
    assert set(json.loads(stats.stdout)["nodes"].values()) == {0}


def test_python_dash_m_graph_loader_loads(data_dir: str, tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("nodes:\n  Topic:\n    - {id: t, name: T}\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "graph_loader", str(one), "--data-dir", data_dir],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Topic" in result.stdout


async def test_what_the_loader_wrote_is_seen_by_the_process_that_holds_the_store(
    data_dir: str, store: GraphStore, tmp_path: Path
) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("nodes:\n  Topic:\n    - {id: shared, name: Shared}\n", encoding="utf-8")

    result = crm("load", str(one), "--data-dir", data_dir)

    assert result.returncode == 0, result.stderr
    assert await store.read("MATCH (t:Topic) RETURN t.id AS id") == [{"id": "shared"}]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CRM_BATCH_SIZE": "0"}, "CRM_BATCH_SIZE"),
        ({"CRM_GRAPH_URL": "mysql://db"}, "CRM_GRAPH_URL: unsupported scheme mysql://"),
    ],
)
def test_a_wrong_setting_is_named_without_a_traceback(
    data_dir: str, env: dict[str, str], message: str
) -> None:
    result = crm("stats", "--data-dir", data_dir, env=env)

    assert result.returncode in {2, 4}
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_export_refuses_an_unknown_format(data_dir: str, tmp_path: Path) -> None:
    result = crm("export", str(tmp_path / "graph.xml"), "--data-dir", data_dir)

    assert result.returncode == 2
    assert "give a .yaml, .yml or .json file" in result.stderr
