"""``crm migrate`` on a graph as the previous release left it (no schema version, no search or
natural keys, duplicate ties), and ``crm serve``'s refusal before it. Real processes on the real
embedded engine."""

import asyncio
import json
from pathlib import Path
from typing import Any

import redis

from crm.config import Settings, load_settings
from crm.graph.connect import open_store
from crm.graph.dialect import FALKORDB
from crm.graph.embedded import EngineFiles
from crm.graph.schema import load_schema
from crm.graph.schema_version import CURRENT, stored_version
from graph_loader.datasets import INTRANET
from tests.conftest import wait_for_engine_exit
from tests.e2e.test_cli import crm

DERIVED = (
    "searchName",
    "searchPlace",
    "searchText",
    "searchSpecialties",
    "sortFamilyName",
    "nameKey",
    "emailKey",
)
KEYS = "MATCH (n) WHERE n.id IS NOT NULL RETURN labels(n)[0] AS label, n.id AS id, " + ", ".join(
    f"n.{name} AS {name}" for name in DERIVED
)
# Ties as two writers at one moment could leave them: the same interaction twice, and a job twice.
DUPLICATES = """
MATCH (a)-[r:INTERACTED]->(b) WITH a, r, b ORDER BY r.id LIMIT 3
CREATE (a)-[copy:INTERACTED]->(b) SET copy = properties(r)
WITH count(*) AS _
MATCH (p)-[w:WORKS_AT]->(o) WITH p, w, o ORDER BY p.id, o.id LIMIT 2
CREATE (p)-[copy:WORKS_AT]->(o) SET copy = properties(w)
RETURN count(*) AS planted
"""
TIES = "MATCH ()-[r]->() WHERE type(r) <> 'CHANGE' RETURN count(r) AS ties"


def previous_release(settings: Settings) -> int:
    """Make the graph in ``settings.data_dir`` as the previous release would have written it;
    the ties it now has."""

    async def work() -> int:
        store = await open_store(settings)
        try:
            socket = EngineFiles(settings.data_dir.resolve()).socket
            with redis.Redis(unix_socket_path=str(socket)) as raw:
                for target in load_schema().unique_relationships:
                    raw.execute_command(
                        *FALKORDB.unique_constraint(target, settings.graph_name, "DROP")
                    )
            await store.write("MATCH (v:SchemaVersion) DELETE v")
            await store.write("MATCH (n) REMOVE " + ", ".join(f"n.{name}" for name in DERIVED))
            [planted] = await store.write(DUPLICATES)
            assert planted["planted"] == 2
            [ties] = await store.read(TIES)
            return int(ties["ties"])
        finally:
            await store.close()

    return asyncio.run(work())


def inspect(settings: Settings) -> tuple[int | None, list[dict[str, Any]], int]:
    """The graph's recorded version, every node's derived keys, and its ties."""

    async def work() -> tuple[int | None, list[dict[str, Any]], int]:
        store = await open_store(settings)
        try:
            keys = sorted(await store.read(KEYS), key=lambda row: (row["label"], row["id"]))
            [ties] = await store.read(TIES)
            return await stored_version(store), keys, int(ties["ties"])
        finally:
            await store.close()

    return asyncio.run(work())


def test_a_graph_of_the_previous_release_is_refused_then_migrated_to_a_fresh_loads_answers(
    tmp_path: Path,
) -> None:
    fresh = load_settings(data_dir=tmp_path / "fresh")
    old = load_settings(data_dir=tmp_path / "old")
    assert crm("load", str(INTRANET), "--data-dir", str(fresh.data_dir)).returncode == 0
    document = tmp_path / "fresh.json"
    assert crm("export", str(document), "--data-dir", str(fresh.data_dir)).returncode == 0
    loaded = crm("load", str(document), "--data-dir", str(old.data_dir))
    assert loaded.returncode == 0, loaded.stderr
    fresh_version, fresh_keys, fresh_ties = inspect(fresh)
    assert fresh_version == CURRENT
    assert previous_release(old) == fresh_ties + 5

    refused = crm("serve", "--port", "0", "--data-dir", str(old.data_dir))
    migrated = crm("migrate", "--data-dir", str(old.data_dir))
    again = crm("migrate", "--data-dir", str(old.data_dir))
    exported = tmp_path / "migrated.json"
    export = crm("export", str(exported), "--data-dir", str(old.data_dir))

    assert refused.returncode == 4, refused.stderr
    assert "written by an earlier version" in refused.stderr
    assert "`crm migrate`" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Uvicorn running" not in refused.stderr
    assert migrated.returncode == 0, migrated.stderr
    message = " ".join(migrated.stderr.split())
    assert f"from schema version 1 to {CURRENT}: 5 duplicate ties merged away" in message
    assert again.returncode == 0
    assert "nothing to do" in again.stderr
    assert export.returncode == 0, export.stderr
    assert json.loads(exported.read_text()) == json.loads(document.read_text())
    assert inspect(old) == (CURRENT, fresh_keys, fresh_ties)
    assert wait_for_engine_exit(old.data_dir) == []


def test_demo_migrates_its_own_graph(tmp_path: Path) -> None:
    """``crm demo`` runs the migration before serving (it stops at once here: the port is taken
    by nothing, but ``--host`` is not an address, so only the preparation runs)."""
    old = load_settings(data_dir=tmp_path / "crm-data")
    assert crm("load", str(INTRANET), "--data-dir", str(old.data_dir)).returncode == 0
    previous_release(old)

    result = crm("demo", "--host", "256.0.0.1", "--port", "0", "--data-dir", str(old.data_dir))

    message = " ".join(result.stderr.split())
    assert f"migrated the graph from schema version 1 to {CURRENT}" in message, result.stderr
    assert "the InTra-Net demo is already loaded" in message
    assert inspect(old)[0] == CURRENT
