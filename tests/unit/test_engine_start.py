"""Waiting for the embedded engine to load its data: a server that takes a connection and does
not answer (reading a large append-only file, as on ``medium``) is waited for until the start
timeout and then reported, never raised as the driver's socket timeout."""

import socket
from pathlib import Path

from crm.config import Fsync
from crm.graph.embedded import EmbeddedEngine


def test_a_silent_engine_is_waited_for_then_reported(tmp_path: Path) -> None:
    engine = EmbeddedEngine(tmp_path / "data", Fsync.ALWAYS, start_timeout_s=0.5)
    engine.files.data_dir.mkdir(parents=True)
    with socket.socket(socket.AF_UNIX) as silent:
        silent.bind(str(engine.socket))
        silent.listen()
        assert engine._wait_until_loaded() is False
