"""ruff and strict mypy stay clean: the configuration in pyproject.toml is the rule; and no import
goes the wrong way between the layers."""

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=" ".join,
)
def test_the_code_passes(command: list[str]) -> None:
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


# --- the layering ------------------------------------------------------------------------------
# Each layer of the code may import only the layers listed for it (and itself); imports are read
# with ``ast``, so one inside a function or under ``TYPE_CHECKING`` counts too. ``crm.cli`` (the
# command line) sits on top and may import anything.

KERNEL = ("crm.config", "crm.errors", "crm.keys")
"""Settings, errors and key handling: every layer may use them."""

LAYERS: dict[str, tuple[str, ...]] = {
    "crm.domain": ("crm.domain",),
    "crm.config": ("crm.config", "crm.keys"),
    "crm.errors": ("crm.errors",),
    "crm.keys": ("crm.keys",),
    "crm.graph": ("crm.graph", "crm.domain", *KERNEL),
    "crm.queries": ("crm.queries", "crm.graph", "crm.domain", *KERNEL),
    # The app may mount the web pages beside the API.
    "crm.api": ("crm.api", "crm.queries", "crm.graph", "crm.domain", "crm.web", *KERNEL),
    # The web pages run operations as any client does, through the API's one execution entry:
    # never a query module or the store directly.
    "crm.web": ("crm.web", "crm.api.execution", "crm.domain", *KERNEL),
    "crm.console": ("crm.console", "crm.graph", *KERNEL),
    "graph_loader": (
        "graph_loader",
        "crm.console",
        "crm.queries",
        "crm.graph",
        "crm.domain",
        *KERNEL,
    ),
    "crm.demo": ("crm.demo", "graph_loader", "crm.queries", "crm.graph", "crm.domain", *KERNEL),
}
TOP = ("crm.cli",)
PROJECT = ("crm", "graph_loader")


def within(name: str, prefix: str) -> bool:
    """Whether the dotted ``name`` is ``prefix`` or inside it."""
    return name == prefix or name.startswith(prefix + ".")


def layer_of(module: str) -> str | None:
    """The rule of ``module``: its layer's (the longest matching), ``None`` for the top and for
    the (empty) packages ``crm`` and ``graph_loader`` themselves."""
    if module in PROJECT or any(within(module, top) for top in TOP):
        return None
    matches = [layer for layer in LAYERS if within(module, layer)]
    assert matches, f"{module} is in no layer: add it to LAYERS or TOP"
    return max(matches, key=len)


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """The project's names ``source`` (the text of ``module``) imports, with their lines: each
    ``from a import b`` as ``a.b``, so importing a submodule of a package counts as that."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] in PROJECT]


def wrong_way(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``module`` that its layer does not allow."""
    layer = layer_of(module)
    if layer is None:
        return []
    return [
        f"{module}:{line} imports {name}"
        for line, name in imported(source, module, is_package)
        if not any(within(name, allowed) for allowed in LAYERS[layer])
    ]


def project_modules() -> Iterator[tuple[Path, str]]:
    for root in PROJECT:
        for path in sorted((ROOT / root).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_goes_the_wrong_way() -> None:
    problems = [
        problem
        for path, module in project_modules()
        for problem in wrong_way(
            path.read_text(encoding="utf-8"), module, path.name == "__init__.py"
        )
    ]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "allowed"),
    [
        ("crm.domain.nodes", "from crm.graph.store import GraphStore", False),
        ("crm.domain.nodes", "from crm.domain.values import Model", True),
        ("crm.graph.store", "from crm.queries import nodes", False),
        ("crm.graph.store", "import crm.api.schema", False),
        ("crm.queries.nodes", "from crm.api.records import api_node", False),
        ("crm.queries.nodes", "from crm import api", False),
        ("crm.queries.nodes", "from ..api import records", False),
        ("crm.queries.network.paths", "from .strength import active", True),
        ("crm.web.pages", "from crm.api.execution import Executor", True),
        ("crm.web.pages", "from crm.api import execution", True),
        ("crm.web.pages", "from crm.api.context import Context", False),
        ("crm.web.pages", "from crm.api import schema", False),
        ("crm.web.pages", "from crm.queries.nodes import page_nodes", False),
        ("crm.web.pages", "from crm.graph.store import GraphStore", False),
        ("crm.web.pages", "def f():\n    from crm.graph import connect", False),
        ("crm.web.pages", "from crm.web.templates import render", True),
        ("crm.web.pages", "from crm.domain.labels import PLURALS", True),
        ("crm.web.pages", "from crm.keys import Role\nfrom crm.config import Settings", True),
        ("graph_loader.load", "from crm.cli import main", False),
        ("crm.cli.data", "from crm.api.server import run", True),
    ],
)
def test_the_layering_rule_catches_a_wrong_import(module: str, source: str, allowed: bool) -> None:
    assert (wrong_way(source, module) == []) is allowed


CYPHER = re.compile(r"\b(?:MATCH|MERGE|CREATE)\s*\(")
"""A Cypher clause with its pattern (prose that names a clause does not match)."""
CYPHER_LAYERS = ("crm.queries", "crm.graph")
"""Where statements are written: the use cases' Cypher, and the engines' dialects and DDL."""


def test_cypher_lives_in_the_query_layer() -> None:
    found = [
        f"{module}:{line}"
        for path, module in project_modules()
        if not any(within(module, layer) for layer in CYPHER_LAYERS)
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CYPHER.search(text)
    ]

    assert not found, "Cypher outside crm/queries and crm/graph: " + ", ".join(found)


@pytest.mark.parametrize(
    ("text", "cypher"),
    [
        ('render("MATCH (n:%label% {id: $id}) ", label=label)', True),
        ('"OPTIONAL MATCH (a)-[r]->(b)"', True),
        ("plain ``CREATE``: validation has proven the ids unique", False),
        ("TieOutcome.CREATED", False),
        ("RelType.EMERGED_FROM", False),
    ],
)
def test_the_cypher_pattern_tells_statements_from_prose(text: str, cypher: bool) -> None:
    assert bool(CYPHER.search(text)) is cypher
