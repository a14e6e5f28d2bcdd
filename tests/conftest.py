"""Shared fixtures: settings and an open store on every reachable engine (the embedded FalkorDB
always, Neo4j when ``NEO4J_URI`` is set), and a session-wide check that no engine process
outlives the tests."""

import asyncio
import os
import shutil
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psutil
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from crm.config import Settings, load_settings
from crm.graph.connect import open_store
from crm.graph.embedded import APPEND_DIR, engine_processes
from crm.graph.store import GraphStore
from graph_loader.datasets import INTRANET
from graph_loader.load import load
from tests.lint import capture
from tests.lint.capture import shared_folder
from tests.lint.test_cypher_lint import COLLECTED

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


BYTECODE = Path(__file__).resolve().parents[1] / ".pytest_cache" / "bytecode"
"""Where this session's Python processes keep compiled modules when Python is told to write
none beside the sources (``keep_bytecode``)."""


def pytest_configure(config: pytest.Config) -> None:
    """Keep compiled modules; remember every statement the code sends, for the Neo4j lint
    (tests/lint)."""
    keep_bytecode()
    capture.install()


def keep_bytecode() -> None:
    """Where ``PYTHONDONTWRITEBYTECODE`` is set (as on the CI machine), let this session's
    processes keep compiled modules in ``BYTECODE`` (``PYTHONPYCACHEPREFIX``) instead.

    The suite starts about 150 Python processes (its workers, every ``crm`` command and server
    the tests run), and each would compile every module it imports from source again: a
    server's imports take 2.8 s so, 1.5 s from compiled modules, and the whole suite about a
    third longer. The checkout's own folders stay free of ``__pycache__``."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    sys.dont_write_bytecode = False  # this process too, from its next import on
    sys.pycache_prefix = str(BYTECODE)


FOLDERS = ("unit", "contract", "api", "e2e", "web", "browser", "lint")
STARTED_FIRST = ("e2e", "browser")
"""Folders whose tests run real processes and take longest: the test workers start on them, so
that no worker is left with one of them at the end while the others idle."""


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Iterator[None]:
    """Mark each test by its folder (unit, contract, api, e2e, web, browser or lint); then order
    them: the slow folders first, the lint last, when every other test has sent its statements.
    pytest-xdist hands each module to one worker (``--dist loadscope``), in this order."""
    for item in items:
        folder = item.path.parent.name
        if folder in FOLDERS:
            item.add_marker(getattr(pytest.mark, folder))
        if folder in {"e2e", "browser"}:  # real `crm` processes on their own data folders
            item.add_marker(pytest.mark.falkordb_only)
    yield
    items.sort(
        key=lambda item: (
            item.path.parent.name == "lint",
            item.path.parent.name not in STARTED_FIRST,
        )
    )
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


ENGINES = ("falkordb", "neo4j")
NEO4J_MISSING = (
    "no Neo4j to test against: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD; NEO4J_DATABASE "
    "optional) to run the contract suite on a live server"
)


def engine_settings(engine: str, data_dir: Path) -> Settings:
    """Settings for ``engine``: the embedded FalkorDB in ``data_dir``, or the Neo4j server that
    the ``NEO4J_*`` variables name."""
    if engine == "falkordb":
        return load_settings(data_dir=data_dir)
    return load_settings(
        data_dir=data_dir,
        graph_url=os.environ["NEO4J_URI"],
        neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD", ""),
        neo4j_database=os.environ.get("NEO4J_DATABASE") or None,
    )


def skip_unreachable(engine: str, node: pytest.Item | None = None) -> None:
    """Skip, with the reason shown, a Neo4j run that cannot or should not happen."""
    if engine != "neo4j":
        return
    if node is not None and node.get_closest_marker("falkordb_only"):
        pytest.skip("about the embedded FalkorDB engine")
    if not os.environ.get("NEO4J_URI"):
        pytest.skip(NEO4J_MISSING)


class SharedGraph:
    """Neo4j keeps one graph per database, which every fixture on it shares: a fixture that
    needs a graph of its own clears it and becomes its ``owner``; one that loaded data for
    several tests loads it again when another fixture has owned the graph since."""

    owner: object = None

    @classmethod
    async def clear(cls, store: GraphStore, owner: object) -> None:
        await store.write("MATCH (n) DETACH DELETE n")
        cls.owner = owner


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test: every test that asks for settings or a store runs on each."""
    skip_unreachable(request.param, request.node)
    name: str = request.param
    return name


@pytest.fixture
def settings(tmp_path: Path, engine: str) -> Settings:
    """Settings on a data folder of this test's own, for the engine under test."""
    return engine_settings(engine, tmp_path / "crm-data")


@pytest.fixture
async def store(settings: Settings, engine: str) -> AsyncIterator[GraphStore]:
    """An open store on an empty graph, closed (and an embedded engine stopped) after the test."""
    opened = await open_store(settings)
    try:
        if engine == "neo4j":
            await SharedGraph.clear(opened, owner=opened)
        yield opened
    finally:
        await opened.close()


def load_files(settings: Settings, *paths: Path) -> None:
    """Load files into the store of ``settings`` as ``crm load`` would."""
    asyncio.run(load_graph(settings, paths))


async def load_graph(settings: Settings, paths: tuple[Path, ...], owner: object = None) -> None:
    """Load ``paths``; on Neo4j (an ``owner`` given), into a cleared graph that ``owner`` then
    holds."""
    store = await open_store(settings)
    try:
        if owner is not None:
            await SharedGraph.clear(store, owner)
        problems = (await load(list(paths), store, batch_size=settings.batch_size)).problems
    finally:
        await store.close()
    assert not problems, problems


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The InTra-Net demo loaded once per test worker into a data folder of the embedded engine
    (stopped), for fixtures to copy with ``copy_data``: a copy opens in a fraction of a second,
    where loading the demo takes seconds."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("demo") / "crm-data")
    load_files(settings, INTRANET)
    return settings.data_dir


def copy_data(source: Path, data_dir: Path) -> None:
    """The embedded engine's stopped data folder ``source`` copied into the new data folder
    ``data_dir``, as ``crm restore`` makes one: the append-only files alone."""
    data_dir.mkdir(mode=0o700, parents=True)
    shutil.copytree(source / APPEND_DIR, data_dir / APPEND_DIR)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker leaves the statements its tests sent for the one running the lint."""
    worker = getattr(session.config, "workerinput", None)
    if worker is not None:
        capture.RECORDER.save(shared_folder(session.config) / f"{worker['workerid']}.pickle")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason tests were skipped (a line per test would bury everything else)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"skipped {count}: {reason}")
