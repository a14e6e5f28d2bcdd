"""Browser tests: Playwright for Python driving Debian's Chromium (``apt-get install -y
chromium``) against a real ``crm demo`` process on a free port and a data folder of its own.

One demo process and one browser serve all of them on a test worker (package-scoped:
Playwright's sync API keeps an event loop running in the thread while it is open, which the
tests after these would trip over). Without Chromium the tests skip with the reason, except on
CI (``CI=true``), where they fail instead.
"""

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.conftest import copy_data, wait_for_engine_exit
from tests.e2e.test_cli import CRM, ROOT
from tests.e2e.test_serve import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_WAIT_S = 90.0
STOP_WAIT_S = 60.0
STORE_WAIT_S = "1"
"""The demo's ``CRM_STORE_WAIT_S``: a store that is down is answered within a second or two."""
_ADMIN_KEY = re.compile(r"Bearer (crm_[0-9a-f]{12}_[A-Za-z0-9_-]{43})")


@dataclass
class Demo:
    """A running ``crm demo``: its address, the admin key it printed, its data folder, and
    where its output goes."""

    base: str
    admin_key: str
    data_dir: Path
    stderr: Path
    stdout: Path

    def output(self) -> str:
        """All it printed so far (uvicorn's access log goes to standard output)."""
        return self.stdout.read_text(encoding="utf-8") + self.stderr.read_text(encoding="utf-8")

    def graphql(self, query: str, variables: dict[str, object] | None = None) -> object:
        """POST a GraphQL request with the admin key; the answer's data (no errors)."""
        response = httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {self.admin_key}"},
            timeout=30,
        )
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body
        return body["data"]


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    reason = f"no Chromium at {CHROMIUM}: apt-get install -y chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser tests must run on CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Demo]:
    """The demo the reading tests share: they rely on its known figures, so tests that write
    start their own with ``running_demo``."""
    with running_demo(tmp_path_factory, demo_data) as started:
        yield started


@contextmanager
def running_demo(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Demo]:
    """``crm demo`` on a free loopback port with a data folder of its own, a copy of
    ``demo_data`` (``crm demo`` finds the demo there and makes its admin key); stopped by its
    pid."""
    _chromium_or_skip()
    folder = tmp_path_factory.mktemp("browser")
    data_dir = folder / "crm-data"
    copy_data(demo_data, data_dir)
    port = free_port()
    stderr, stdout = folder / "stderr", folder / "stdout"
    with stderr.open("wb") as err, stdout.open("wb") as out:
        process = subprocess.Popen(
            [*CRM, "demo", "--port", str(port), "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            env={**os.environ, "CRM_STORE_WAIT_S": STORE_WAIT_S},
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_ready(process, base, stderr)
        key = _ADMIN_KEY.search(stderr.read_text(encoding="utf-8"))
        assert key is not None, stderr.read_text(encoding="utf-8")
        yield Demo(base, key[1], data_dir, stderr, stdout)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        wait_for_engine_exit(data_dir)


def _wait_until_ready(process: subprocess.Popen[bytes], base: str, stderr: Path) -> None:
    deadline = time.monotonic() + READY_WAIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"crm demo exited: {stderr.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"crm demo was not ready in {READY_WAIT_S:g} s")


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    _chromium_or_skip()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the session."""
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()
