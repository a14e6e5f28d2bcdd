"""The contracts in schema/ are what the code serves: the per-engine DDL is what the dialect
renders from schema/graph.yaml, and crm.graphql is the GraphQL schema."""

import os

from crm.api.schema import SCHEMA, SDL_PATH, sdl
from crm.graph.dialect import FALKORDB
from crm.graph.schema import SCHEMA_DIR, load_schema

SNAPSHOT = SCHEMA_DIR / "falkordb.cypher"
HEADER = (
    "// FalkorDB: the constraints and indexes of schema/graph.yaml, as the store applies them\n"
    "// (GRAPH.CONSTRAINT lines are engine commands, not Cypher). Generated; to refresh run\n"
    "// UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py\n"
)


def test_the_falkordb_ddl_in_schema_matches_the_dialect() -> None:
    rendered = HEADER + "".join(f"{line};\n" for line in FALKORDB.ddl(load_schema(), "crm"))
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")

    assert SNAPSHOT.read_text(encoding="utf-8") == rendered


def test_the_checked_in_sdl_is_the_schema_the_code_serves() -> None:
    """Clients generate code from schema/crm.graphql; it must not drift from the code."""
    rendered = sdl(SCHEMA)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SDL_PATH.write_text(rendered, encoding="utf-8")

    assert SDL_PATH.read_text(encoding="utf-8") == rendered, (
        "the schema changed: review it, then run "
        "UPDATE_SNAPSHOTS=1 uv run pytest tests/unit/test_schema_files.py"
    )
