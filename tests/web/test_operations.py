"""Every operation the pages run is valid against the checked-in SDL, and the web layer keeps
to its side of the boundary: no Cypher, and of the API only ``crm.api.execution``."""

import ast
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse, validate

from crm.web.operations import Operations
from crm.web.pages import PAGES

ROOT = Path(__file__).parents[2]
WEB = ROOT / "crm" / "web"
OPERATION_FILES = sorted((WEB / "pages").glob("*.graphql"))
ALLOWED = ("crm.api.execution", "crm.config", "crm.keys", "crm.errors", "crm.domain", "crm.web")


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema((ROOT / "schema" / "crm.graphql").read_text(encoding="utf-8"))


def test_there_are_operation_files() -> None:
    assert len(OPERATION_FILES) >= 9


@pytest.mark.parametrize("path", OPERATION_FILES, ids=lambda path: path.name)
def test_every_operation_validates_against_the_sdl(schema: GraphQLSchema, path: Path) -> None:
    document = parse(path.read_text(encoding="utf-8"))
    errors = validate(schema, document)

    assert not errors, [error.message for error in errors]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert operations
    assert all(op.name is not None for op in operations)
    assert all(op.operation.value in ("query", "mutation", "subscription") for op in operations)


def test_every_page_module_has_its_operations_and_routes() -> None:
    for module in PAGES:
        operations = getattr(module, "OPERATIONS", None)
        beside = Path(str(module.__file__)).with_suffix(".graphql")
        if beside.exists():
            assert isinstance(operations, Operations), module.__name__
            assert operations.path == beside
            assert operations.names
        else:  # a page that runs no operation (signing in and out)
            assert operations is None, module.__name__
        assert module.routes, module.__name__
        for route in module.routes:
            assert route.path.startswith("/{lang}/"), route.path


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted(WEB.rglob("*.py")), ids=lambda path: str(path.relative_to(WEB))
)
def test_the_web_imports_of_the_crm_only_what_it_may(path: Path) -> None:
    ours = {name for name in _imports(path) if name == "crm" or name.startswith("crm.")}

    refused = [name for name in ours if not name.startswith(ALLOWED)]

    assert not refused, f"{path.name} imports {refused}"


def test_the_web_holds_no_cypher() -> None:
    words = ("MATCH (", "MERGE (", "RETURN ", "UNWIND ", "crm.queries", "crm.graph")
    for path in WEB.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".graphql", ".html"}:
            text = path.read_text(encoding="utf-8")
            assert not [word for word in words if word in text], path
