"""Faults tests inflict on the embedded engine: killing its server, keeping it from starting."""

import subprocess
import sys
from pathlib import Path

import psutil

from crm.graph.embedded import EngineFiles, engine_processes


def kill_engine(data_dir: Path) -> None:
    """SIGKILL the engine's server of ``data_dir`` and wait until it is gone."""
    engines = engine_processes(data_dir)
    assert engines
    for engine in engines:
        engine.kill()
    psutil.wait_procs(engines, timeout=10)


def hold_lock(data_dir: Path) -> subprocess.Popen[str]:
    """Another process holding the engine's start-up lock: nothing can start the engine
    meanwhile. Kill it to let go."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
            "lock.acquire(); "
            "print('held', flush=True); time.sleep(600)",
            str(EngineFiles(data_dir.resolve()).lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    return holder
