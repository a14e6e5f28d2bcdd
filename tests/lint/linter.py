"""Neo4j's Cypher linter (``lintCypherQuery`` of ``@neo4j-cypher/language-support``), run offline
by Node against the graph's own labels, relationship types and property keys.

The package is pinned in ``package.json`` and ``package-lock.json`` beside this file and
installed into ``node_modules`` here (git-ignored) the first time it is needed.
"""

import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.domain.labels import InternalLabel, InternalType
from crm.graph import schema_version
from crm.graph.properties import TIMESTAMPS, property_names
from crm.queries import changes as changes_query
from crm.queries import duplicates as duplicates_query
from crm.queries import keys as keys_query
from crm.queries import sessions as sessions_query
from crm.queries import webhooks as webhooks_query
from crm.queries.merged import MERGED_IDS
from tests.lint.capture import Statement

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "lint_cypher.mjs"
PACKAGE = HERE / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"
PLUGINS: tuple[str, ...] = ("gds.",)
"""Prefixes of plugin procedures and functions the Neo4j server may have: Graph Data Science
(its statements are sent only when ``gds.version`` exists; the linter cannot check their
signatures)."""
LINT_TIMEOUT_S = 600
CACHE = "cypher-lint"
PER_PROCESS = 50
"""Statements a Node process lints at least: each spends some seconds loading and warming up the
linter before its first verdict."""


@dataclass(frozen=True)
class Problem:
    statement: Statement
    severity: str
    message: str
    offset: int

    def __str__(self) -> str:
        at = self.statement.query[self.offset : self.offset + 40]
        return (
            f"{self.severity} in a statement of {self.statement.source}: {self.message}\n"
            f"  at: {at!r}\n  statement: {' '.join(self.statement.query.split())}"
        )


def ensure_package() -> None:
    """Install the pinned linter (``npm ci``) unless it is there."""
    if PACKAGE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the Cypher lint needs Node.js 20 and npm on the PATH")
    with FileLock(HERE / "node_modules.lock"):
        if not PACKAGE.exists():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=HERE,
                check=True,
                capture_output=True,
                timeout=LINT_TIMEOUT_S,
            )


@cache
def db_schema() -> dict[str, Any]:
    """What the linter checks names against: the domain model as the graph stores it."""
    keys = {*TIMESTAMPS}
    for node_model in NODE_MODELS.values():
        keys.update(property_names(node_model))
    for spec in RELATIONSHIPS.values():
        keys.update(property_names(spec.properties))
    internal = (
        keys_query,
        changes_query,
        duplicates_query,
        sessions_query,
        schema_version,
        webhooks_query,
    )
    for module in internal:
        keys.update(module.PROPERTIES)
    keys.add(MERGED_IDS)
    return {
        "labels": list(
            dict.fromkeys(
                [label.value for label in Label]
                + [module.LABEL for module in internal]
                + [label.value for label in InternalLabel]
            )
        ),
        "relationshipTypes": [rel_type.value for rel_type in (*RelType, *InternalType)],
        "propertyKeys": sorted(keys),
        "graphSchema": [
            {"from": source.value, "to": target.value, "relType": spec.name.value}
            for spec in RELATIONSHIPS.values()
            for source in spec.sources
            for target in spec.targets
        ]
        + [{"from": changes_query.LABEL, "to": changes_query.LABEL, "relType": changes_query.TYPE}],
    }


def lint(statements: list[Statement], cache: pytest.Cache | None = None) -> list[Problem]:
    """Every error and warning the linter finds, in a Node process per CPU (one for a few
    statements).

    The linter takes about a fifth of a second per statement, so a statement it found clean is
    remembered in pytest's cache (by a hash of everything the verdict depends on) and not linted
    again."""
    ensure_package()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("the Cypher lint needs Node.js 20 on the PATH")
    by_key = {_key(statement): statement for statement in statements}
    entries = {key: _entry(statement) for key, statement in by_key.items()}
    todo = [key for key in entries if cache is None or not cache.get(f"{CACHE}/{key}", False)]
    if not todo:
        return []
    processes = max(1, min(cpus(), math.ceil(len(todo) / PER_PROCESS)))
    running = [
        _start(node, [entries[key] | {"id": key} for key in todo[index::processes]])
        for index in range(processes)
    ]
    try:
        report = {
            entry["id"]: entry["diagnostics"] for process in running for entry in _verdicts(process)
        }
    finally:
        for process in running:  # none left running after a failure or a timeout
            if process.poll() is None:
                process.kill()
                process.wait()
    if cache is not None:
        for key in todo:
            if key not in report:
                cache.set(f"{CACHE}/{key}", True)
    return [
        Problem(by_key[key], found["severity"], found["message"], found["offset"])
        for key, diagnostics in report.items()
        for found in diagnostics
    ]


def cpus() -> int:
    """The CPUs this process may run on (all of the machine's where the system cannot say)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _start(node: str, statements: list[dict[str, Any]]) -> subprocess.Popen[str]:
    """A Node process linting ``statements``, their request its input."""
    request = {"schema": db_schema(), "plugins": list(PLUGINS), "statements": statements}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as handle:
        json.dump(request, handle)
        handle.seek(0)
        return subprocess.Popen(
            [node, str(SCRIPT)],
            stdin=handle,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )


def _verdicts(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    """What a linting process found; it must end well."""
    out, errors = process.communicate(timeout=LINT_TIMEOUT_S)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, process.args, out, errors)
    found: list[dict[str, Any]] = json.loads(out)
    return found


def _entry(statement: Statement) -> dict[str, Any]:
    return {
        "query": statement.query,
        "parameters": statement.parameters,
        "mapKeys": sorted(_map_keys(list(statement.parameters.values()))),
    }


def _key(statement: Statement) -> str:
    """A hash of the statement and of everything else the linter's verdict depends on."""
    inputs = [_entry(statement), _context()]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


@cache
def _context() -> str:
    """What every verdict depends on: the schema, the plugins, the script, the package."""
    inputs = [
        db_schema(),
        PLUGINS,
        SCRIPT.read_text(encoding="utf-8"),
        (HERE / "package-lock.json").read_text(encoding="utf-8"),
    ]
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def _map_keys(value: Any) -> set[str]:
    """The keys of every map inside a parameter's value."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _map_keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _map_keys(item)}
    return set()
