"""The contracts in schema/ are what the code serves: the per-engine DDL is what the dialect
renders from schema/graph.yaml, and crm.graphql is the GraphQL schema."""

import os
from pathlib import Path

import pytest

from crm.api.schema import SCHEMA, SDL_PATH, sdl
from crm.graph.dialect import FALKORDB, NEO4J, Dialect
from crm.graph.schema import SCHEMA_DIR, load_schema

HEADERS = {
    "falkordb": (
        "// FalkorDB: the constraints and indexes of schema/graph.yaml, as the store applies them\n"
        "// (GRAPH.CONSTRAINT lines are engine commands, not Cypher). Generated; to refresh run\n"
        "// UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py\n"
    ),
    "neo4j": (
        "// Neo4j 5: the constraints and indexes of schema/graph.yaml, as the store applies them\n"
        "// (a unique constraint brings its own index). Generated; to refresh run\n"
        "// UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py\n"
    ),
}


@pytest.mark.parametrize("dialect", [FALKORDB, NEO4J], ids=lambda dialect: dialect.name)
def test_each_engines_ddl_in_schema_matches_its_dialect(dialect: Dialect) -> None:
    snapshot: Path = SCHEMA_DIR / f"{dialect.name}.cypher"
    lines = dialect.ddl(load_schema(), "crm")
    rendered = HEADERS[dialect.name] + "".join(f"{line};\n" for line in lines)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")

    assert snapshot.read_text(encoding="utf-8") == rendered


def test_the_checked_in_sdl_is_the_schema_the_code_serves() -> None:
    """Clients generate code from schema/crm.graphql; it must not drift from the code."""
    rendered = sdl(SCHEMA)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SDL_PATH.write_text(rendered, encoding="utf-8")

    assert SDL_PATH.read_text(encoding="utf-8") == rendered, (
        "the schema changed: review it, then run "
        "UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py"
    )
