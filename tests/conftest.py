"""Shared fixtures: settings on a fresh data folder, an open store on the embedded engine, and a
session-wide check that no engine process outlives the tests."""

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psutil
import pytest

from crm.config import Settings, load_settings
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore
from tests.lint import capture
from tests.lint.test_cypher_lint import COLLECTED

ENGINE_EXIT_WAIT_S = 15.0
"""The engine's module takes a second or two to unload after a shutdown."""


def pytest_configure(config: pytest.Config) -> None:
    """Remember every statement the code sends, for the Neo4j lint (tests/lint)."""
    capture.install()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by its folder: unit, contract, api, e2e or lint; the lint goes last, when
    every other test has sent its statements."""
    for item in items:
        folder = item.path.parent.name
        if folder in {"unit", "contract", "api", "e2e", "lint"}:
            item.add_marker(getattr(pytest.mark, folder))
    items.sort(key=lambda item: item.path.parent.name == "lint")
    config.stash[COLLECTED] = {item.path for item in items}


def wait_for_engine_exit(data_dir: Path | None = None) -> list[int]:
    """Wait until no engine process (of ``data_dir``, or of any folder) runs; return the pids
    still running when the wait ran out."""
    deadline = time.monotonic() + ENGINE_EXIT_WAIT_S
    while (left := engine_processes(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [process.pid for process in left]


def engines_under(root: Path) -> list[psutil.Process]:
    """Engine processes whose data folder (their working directory) lies under ``root``."""
    found = []
    for process in engine_processes():
        try:
            if Path(process.cwd()).resolve().is_relative_to(root):
                found.append(process)
        except psutil.Error:
            continue  # gone meanwhile, or not ours to inspect
    return found


@pytest.fixture(scope="session", autouse=True)
def no_engine_outlives_the_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test that starts an engine must stop it: after the session none may be left.

    Only engines on this session's temporary folders count, so that test runs of other checkouts
    on the same machine neither fail this check nor get killed by it."""
    root = tmp_path_factory.getbasetemp().resolve()
    yield
    deadline = time.monotonic() + ENGINE_EXIT_WAIT_S
    while (left := engines_under(root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for process in left:
        process.kill()
    assert not left, f"engine processes outlived the tests: {sorted(p.pid for p in left)}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a data folder of this test's own."""
    return load_settings(data_dir=tmp_path / "crm-data")


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[GraphStore]:
    """A store on the embedded engine, closed (and its engine stopped) after the test."""
    opened = await open_store(settings)
    try:
        yield opened
    finally:
        await opened.close()
