"""Shared fixtures: settings on a fresh data folder, an open store on the embedded engine, and a
session-wide check that no engine process outlives the tests."""

import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psutil
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from crm.config import Settings, load_settings
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes
from crm.graph.store import GraphStore

# Property-based tests: few examples by default, so that each runs in seconds; more with
# HYPOTHESIS_PROFILE=crm-thorough. No example database: nothing is written into the checkout.
hypothesis_settings.register_profile(
    "crm",
    max_examples=25,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "crm-thorough", parent=hypothesis_settings.get_profile("crm"), max_examples=500
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "crm"))

ENGINE_EXIT_WAIT_S = 15.0
"""The engine's module takes a second or two to unload after a shutdown."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder: unit, contract, api or e2e."""
    for item in items:
        folder = item.path.parent.name
        if folder in {"unit", "contract", "api", "e2e"}:
            item.add_marker(getattr(pytest.mark, folder))


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
