"""``crm backup`` while another process writes, and ``crm restore``: the restored graph is the
source as it stood at one moment. Real processes on the real embedded engine."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph_loader.datasets import INTRANET
from tests.conftest import wait_for_engine_exit
from tests.e2e.backup_writer import write_id
from tests.e2e.test_cli import ROOT, crm
from tests.e2e.test_serve import Running, free_port

WRITER_WAIT_S = 120.0
COUNT = "{ topics { totalCount } }"


def exported(data_dir: Path, path: Path) -> dict[str, Any]:
    result = crm("export", str(path), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def written_ids(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The writer's topics and interactions in an export, by id."""
    topics = [t["id"] for t in document["nodes"].get("Topic", []) if t["source"] == "writer"]
    ties = [
        r["id"] for r in document["relationships"].get("INTERACTED", []) if r["source"] == "writer"
    ]
    return sorted(topics), sorted(ties)


def before(document: dict[str, Any], written: int) -> dict[str, Any]:
    """``document`` without the writer's records from number ``written`` on: the source as it
    stood when the writer had written that many."""
    later = {write_id(number) for number in range(written, 10**6)}
    return {
        section: {
            name: [record for record in records if record["id"] not in later]
            if name in ("Topic", "INTERACTED")
            else records
            for name, records in groups.items()
        }
        for section, groups in document.items()
    }


def test_a_backup_taken_during_writes_restores_one_moment_of_the_source(tmp_path: Path) -> None:
    source, restored = tmp_path / "source", tmp_path / "restored"
    loaded = crm("load", str(INTRANET), "--data-dir", str(source))
    assert loaded.returncode == 0, loaded.stderr
    started, stop = tmp_path / "started", tmp_path / "stop"
    port = free_port()
    env = {"CRM_PORT": str(port), "CRM_ANONYMOUS_ROLE": "reader"}
    with Running(["serve", "--data-dir", str(source)], port, tmp_path / "serve", env) as server:
        server.wait_until_ready()
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.backup_writer", str(source), str(started), str(stop)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        try:
            deadline = time.monotonic() + WRITER_WAIT_S
            while not started.exists() and writer.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            backed_up = crm("backup", str(tmp_path / "backup"), "--data-dir", str(source))
            served = server.query(COUNT)  # the API kept serving, and sees the writes go on
        finally:
            stop.touch()
            out, errors = writer.communicate(timeout=WRITER_WAIT_S)
        assert server.interrupt() == 0, server.stderr
    assert writer.returncode == 0, errors
    total = int(out)
    assert backed_up.returncode == 0, backed_up.stderr
    assert "sha256" in backed_up.stderr
    assert not (source / "dump.rdb").exists()  # moved into the backup, not left behind

    result = crm("restore", str(tmp_path / "backup"), "--data-dir", str(restored))
    source_now = exported(source, tmp_path / "source.json")
    copy = exported(restored, tmp_path / "restored.json")

    assert result.returncode == 0, result.stderr
    assert "the checksum matches" in result.stderr
    assert "INTERACTED" in result.stdout  # the stats of the restored graph
    topics, ties = written_ids(copy)
    moment = len(topics)
    # one moment: a prefix of the writer's statements, each whole (its topic with its tie)
    assert 0 < moment < total, (moment, total)
    assert topics == ties == [write_id(number) for number in range(moment)]
    demo_topics = len(source_now["nodes"]["Topic"]) - total
    assert served["data"]["topics"]["totalCount"] >= demo_topics + moment  # asked after it
    assert copy == before(source_now, moment)
    assert wait_for_engine_exit(source) == []
    assert wait_for_engine_exit(restored) == []


def test_restore_refuses_a_damaged_backup_and_a_folder_in_use(tmp_path: Path) -> None:
    source = tmp_path / "source"
    assert crm("load", str(INTRANET), "--data-dir", str(source)).returncode == 0
    backup = tmp_path / "backup"
    assert crm("backup", str(backup), "--data-dir", str(source)).returncode == 0

    again = crm("backup", str(backup), "--data-dir", str(source))
    in_use = crm("restore", str(backup), "--data-dir", str(source))
    snapshot = backup / "graph.rdb"
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))
    damaged = crm("restore", str(backup), "--data-dir", str(tmp_path / "new"))

    assert again.returncode == 1
    assert "the backup folder" in again.stderr
    assert "is not empty" in again.stderr
    assert in_use.returncode == 1
    assert "is not empty" in in_use.stderr
    assert damaged.returncode == 1
    assert "does not match the checksum" in damaged.stderr
    assert not (tmp_path / "new" / "appendonlydir").exists()
    assert "Traceback" not in again.stderr + in_use.stderr + damaged.stderr
