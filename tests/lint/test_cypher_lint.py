"""Every statement the Neo4j adapter can send passes Neo4j's own linter, offline.

The statements are collected from the real code paths, not copied by hand: the schema
statements the adapter sends, and every statement the code sent through a store during this
test session (``tests/lint/capture.py``), rewritten into their Neo4j form. This test runs last
(see ``tests/conftest.py``); on its own it still checks what a built-in workload sends. Under
pytest-xdist it also waits for what the other workers' tests sent.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import crm.queries
from crm.graph.neo4j import GDS_PROBE, fallback_indexes, schema_statements
from crm.graph.schema import load_schema
from crm.graph.store import GraphStore
from tests.lint.capture import RECORDER, ROOT, Statement, gather, shared_folder
from tests.lint.linter import lint
from tests.lint.workload import run_workload

COLLECTED = pytest.StashKey[set[Path]]()
"""The test files of this session, stashed by ``tests/conftest.py``."""
WHOLE_SUITE = ("contract", "api")
"""When every test file of these folders ran, every query module must have sent something."""
GATHER_TIMEOUT_S = 1800.0
"""How long the lint waits for the other test workers to finish their tests."""


def adapter_statements() -> list[Statement]:
    schema = load_schema()
    fallbacks: list[tuple[str, dict[str, object]]] = [
        (index, {}) for index in fallback_indexes(schema).values()
    ]
    return [
        Statement(query, dict(parameters), "crm.graph.neo4j")
        for query, parameters in [*schema_statements(schema), *fallbacks, (GDS_PROBE, {})]
    ]


def whole_suite_ran(config: pytest.Config) -> bool:
    collected = config.stash.get(COLLECTED, set())
    return all(
        path in collected
        for folder in WHOLE_SUITE
        for path in (ROOT / "tests" / folder).glob("test_*.py")
    )


def sends_statements(module: ModuleType) -> bool:
    """Whether ``module`` has a function that takes a store (one that only renders fragments for
    others, like ``network.strength``, has none)."""
    return any(
        parameter.annotation is GraphStore
        for _, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        for parameter in inspect.signature(function, eval_str=True).parameters.values()
    )


async def test_every_statement_the_neo4j_adapter_can_send_passes_its_linter(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    await run_workload(tmp_path / "crm-data")
    worker = getattr(request.config, "workerinput", None)
    if worker is not None:
        others = {f"gw{index}" for index in range(worker["workercount"])} - {worker["workerid"]}
        gather(shared_folder(request.config), others, GATHER_TIMEOUT_S)
    statements = [*adapter_statements(), *RECORDER.statements()]

    problems = lint(statements, getattr(request.config, "cache", None))  # none: -p no:cacheprovider

    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems))
    sources = {statement.source for statement in statements}
    modules = {
        module.name
        for module in pkgutil.walk_packages(crm.queries.__path__, "crm.queries.")
        if sends_statements(importlib.import_module(module.name))
    }
    if whole_suite_ran(request.config):
        assert not modules - sources, f"no statement captured from {sorted(modules - sources)}"
    assert len(statements) > 100


PLANTED = {
    "MATCH (n:Person) RETURN m": "Variable `m` not defined",
    "MATCH (n:Person RETURN n": "Invalid input 'RETURN'",
    "MATCH (n:Persn) RETURN n.id": "Label Persn is not present",
    "MATCH (n:Person) RETURN n.nmae": "nmae is not present",
    "RETURN $undeclared": "Parameter $undeclared is not defined",
    "CALL db.idx.fulltext.queryNodes('Person', 'x') YIELD node RETURN node": "is not present",
    "RETURN toUpper('a') AS a, tolower('b') AS b, nosuchfn(1) AS c": "nosuchfn is not present",
    "MATCH (n:Person) RETURN id(n) AS n": "Function id is deprecated",
}
"""Mistakes the lint must catch: an undefined variable, a syntax error, a label or property
the graph does not have, an undeclared parameter, a procedure or a function Neo4j does not
have, a deprecated function."""
CLEAN = (
    "RETURN TRIM(' a ') AS a, Coalesce(null, 1) AS b",
    "CALL db.labels() YIELD label RETURN label",
)
"""Neo4j's own functions (in any case, as Cypher allows) and procedures: no problem."""


def test_the_lint_finds_every_planted_mistake_and_nothing_else() -> None:
    problems = lint([Statement(query, {}, "planted") for query in [*PLANTED, *CLEAN]])

    found = {(problem.statement.query, problem.message) for problem in problems}
    for query, expected in PLANTED.items():
        assert any(q == query and expected in message for q, message in found), (query, found)
    assert not [message for q, message in found if q in CLEAN]
    assert not [message for q, message in found if "toUpper" in message or "tolower" in message]
