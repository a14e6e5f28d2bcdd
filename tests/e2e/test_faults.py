"""A load killed mid-way, as it happens to a user: ``crm load`` in a real process, the engine's
server or the loader killed with SIGKILL after some batches were acknowledged. Every acknowledged
batch stays, and loading again completes the graph without duplicates."""

import asyncio
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.embedded import engine_processes
from tests.e2e.test_cli import CRM, ROOT, crm

TOPICS = 3000
EVENTS = 30
BATCH = "20"
_WROTE = re.compile(r"wrote (\d+) (\w+) rows")


def dataset(path: Path) -> Path:
    """Events, topics and a COVERED tie per topic: enough batches to kill a load in between."""
    document = {
        "nodes": {
            "Event": [
                {
                    "id": f"ev-{n}",
                    "kind": "workshop",
                    "title": f"Workshop {n}",
                    "date": "2014-01-01",
                }
                for n in range(EVENTS)
            ],
            "Topic": [{"id": f"t-{n:05d}", "name": f"Topic {n}"} for n in range(TOPICS)],
        },
        "relationships": {
            "COVERED": [{"from": f"ev-{n % EVENTS}", "to": f"t-{n:05d}"} for n in range(TOPICS)]
        },
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def load_until_killed(
    data: Path, data_dir: Path, batches: int, victim: str
) -> tuple[dict[str, int], int]:
    """Start ``crm load``; after ``batches`` acknowledged batches, SIGKILL the ``victim`` (the
    ``engine`` or the ``loader``); the rows acknowledged, by label or type, and the loader's exit
    code."""
    loader = subprocess.Popen(
        [*CRM, "load", str(data), "--batch-size", BATCH, "--data-dir", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    assert loader.stderr is not None
    acknowledged: dict[str, int] = {}
    seen = 0
    for line in loader.stderr:
        match = _WROTE.search(line)
        if match is None:
            continue
        acknowledged[match[2]] = acknowledged.get(match[2], 0) + int(match[1])
        seen += 1
        if seen == batches:
            if victim == "loader":
                loader.send_signal(signal.SIGKILL)
            else:
                for engine in engine_processes(data_dir):
                    engine.send_signal(signal.SIGKILL)
            break
    for line in loader.stderr:  # what it acknowledged before the kill reached it
        if match := _WROTE.search(line):
            acknowledged[match[2]] = acknowledged.get(match[2], 0) + int(match[1])
    code = loader.wait(timeout=120)
    loader.stderr.close()
    assert seen == batches, "the load ended before it could be killed"
    return acknowledged, code


async def stored(settings: Settings) -> dict[str, int]:
    """Topics, distinct topic ids and COVERED ties in the graph."""
    store = await open_store(settings)
    try:
        (row,) = await store.read(
            "MATCH (t:Topic) RETURN count(t) AS topics, count(DISTINCT t.id) AS ids"
        )
        (ties,) = await store.read(
            "MATCH (:Event)-[c:COVERED]->(:Topic) "
            "RETURN count(c) AS ties, count(DISTINCT [startNode(c).id, endNode(c).id]) AS pairs"
        )
    finally:
        await store.close()
    return {**row, **ties}


def first_topics_present(settings: Settings, count: int) -> bool:
    async def check() -> bool:
        store = await open_store(settings)
        try:
            ids = [f"t-{n:05d}" for n in range(count)]
            rows = await store.read(
                "UNWIND $ids AS id MATCH (t:Topic {id: id}) RETURN count(t) AS n", {"ids": ids}
            )
        finally:
            await store.close()
        return bool(rows[0]["n"] == count)

    return asyncio.run(check())


@pytest.mark.parametrize("victim", ["loader", "engine"])
def test_a_load_killed_mid_way_keeps_every_acknowledged_batch_and_completes_when_run_again(
    settings: Settings, tmp_path: Path, victim: str
) -> None:
    data = dataset(tmp_path / "many.json")

    acknowledged, code = load_until_killed(data, settings.data_dir, batches=40, victim=victim)
    after_kill = asyncio.run(stored(settings))
    again = crm("load", str(data), "--batch-size", BATCH, "--data-dir", str(settings.data_dir))
    complete = asyncio.run(stored(settings))

    assert acknowledged.get("Topic", 0) > 0
    assert after_kill["topics"] >= acknowledged.get("Topic", 0)
    assert first_topics_present(settings, acknowledged["Topic"])  # batches go in file order
    assert after_kill["ties"] >= acknowledged.get("COVERED", 0)
    if victim == "loader":
        assert code == -signal.SIGKILL
        assert after_kill["ties"] < TOPICS  # killed mid-way
    else:  # the loader started the engine again and went on, or gave up: "the store failed"
        assert code in {0, 4}
    assert again.returncode == 0, again.stderr
    assert complete == {"topics": TOPICS, "ids": TOPICS, "ties": TOPICS, "pairs": TOPICS}
