"""Writers of the same ties at the same time, as a hostile user would run them: two ``crm load``
processes and the API (the real app) on one data folder, writing interactions (one tie per id)
and attendance (one tie per pair) with the same ids and pairs, some of them between other ends,
round after round on an emptied type, so that the loaders' bulk path races too. Whatever the
order, the graph ends with one tie per id and one per pair."""

import json
import os
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import batched, cycle
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Role
from tests.e2e.test_cli import CRM, ROOT

PEOPLE = 40
EVENTS = 8
INTERACTIONS = 1000
"""Per round and loader; every fifth id is given other ends by the second loader."""
ATTENDANCE = 300
ROUNDS = 3
BATCH = "10"
API_WORKERS = 4

RECORD = """mutation($from: ID!, $to: ID!, $i: InteractionInput!) {
  recordInteraction(from: $from, to: $to, interaction: $i) { outcome errors { code } } }"""
LINK = """mutation($from: ID!, $to: ID!) { linkAttended(from: $from, to: $to) {
  outcome errors { code } } }"""


def person(n: int) -> str:
    return f"p-{n % PEOPLE:02d}"


def ends(n: int, shift: int = 0) -> tuple[str, str]:
    """Two different people for interaction ``n`` (another pair for another ``shift``)."""
    source = (n + shift) % PEOPLE
    return person(source), person(source + 1 + (n * 7 + shift) % (PEOPLE - 1))


def attendance(n: int) -> tuple[str, str]:
    """A distinct pair of a person and an event for each ``n`` below ``PEOPLE * EVENTS``."""
    return person(n // EVENTS), f"ev-{n % EVENTS}"


def base(path: Path) -> Path:
    people = [
        {
            "id": person(n),
            "givenName": "Samtidig",
            "familyName": f"Person {n}",
            "country": "DK" if n % 2 else "DE",
            "consent": {"basis": "consent", "date": "2020-01-01"},
        }
        for n in range(PEOPLE)
    ]
    events = [
        {"id": f"ev-{n}", "kind": "workshop", "title": f"Workshop {n}", "date": "2020-01-01"}
        for n in range(EVENTS)
    ]
    path.write_text(json.dumps({"nodes": {"Person": people, "Event": events}}), encoding="utf-8")
    return path


def ties(path: Path, round_: int, *, second: bool) -> Path:
    """A loader's file for one round: the first loader's ties in order, the second's reversed,
    with every fifth interaction between other people."""
    interactions = [
        {
            "id": f"r{round_}-i{n}",
            "from": ends(n, 3 if second and n % 5 == 0 else 0)[0],
            "to": ends(n, 3 if second and n % 5 == 0 else 0)[1],
            "kind": "meeting",
            "date": "2021-03-04",
            "source": "second" if second else "first",
        }
        for n in range(INTERACTIONS)
    ]
    attended = [
        {
            "from": attendance(n)[0],
            "to": attendance(n)[1],
            "source": "second" if second else "first",
        }
        for n in range(ATTENDANCE)
    ]
    if second:
        interactions.reverse()
        attended.reverse()
    document = {"relationships": {"INTERACTED": interactions, "ATTENDED": attended}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def start_load(path: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    """``crm load`` of ``path`` in a process of its own; what it says goes to ``path.log``."""
    options = ["--skip-invalid", "--batch-size", BATCH, "--data-dir", str(data_dir)]
    with path.with_suffix(".log").open("wb") as log:
        return subprocess.Popen(
            [*CRM, "load", str(path), *options],
            cwd=ROOT,
            stdout=log,
            stderr=log,
            env=os.environ,
        )


def api_writes(round_: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """What the API sends in a round: interactions with the loaders' ids (every third with the
    first loader's ends, every sixth with a third pair of people) and attendance."""
    for n in range(0, INTERACTIONS, 3):
        source, target = ends(n, 5 if n % 2 else 0)
        interaction = {"recordId": f"r{round_}-i{n}", "kind": "CALL", "date": "2021-05-06"}
        yield RECORD, {"from": source, "to": target, "i": interaction}
    for n in range(0, ATTENDANCE, 2):
        source, target = attendance(n)
        yield LINK, {"from": source, "to": target}


async def counts(store: GraphStore) -> dict[str, int]:
    (interacted,) = await store.read(
        "MATCH ()-[r:INTERACTED]->() RETURN count(r) AS ties, count(DISTINCT r.id) AS ids"
    )
    (attended,) = await store.read(
        "MATCH (p:Person)-[r:ATTENDED]->(e:Event) "
        "RETURN count(r) AS ties, count(DISTINCT [p.id, e.id]) AS pairs"
    )
    return {
        "interactions": interacted["ties"],
        "interaction ids": interacted["ids"],
        "attendance": attended["ties"],
        "attended pairs": attended["pairs"],
    }


async def clear_ties(store: GraphStore) -> None:
    await store.write("MATCH ()-[r:INTERACTED|ATTENDED]->() DELETE r")


def test_two_loaders_and_the_api_writing_the_same_ties_leave_one_tie_per_id_and_pair(
    settings: Settings, tmp_path: Path
) -> None:
    opened: list[GraphStore] = []

    async def keep(settings: Settings) -> GraphStore:
        opened.append(await open_store(settings))
        return opened[0]

    app = create_app(settings.model_copy(update={"anonymous_role": Role.EDITOR}), open_store=keep)
    with TestClient(app) as client, ThreadPoolExecutor(API_WORKERS) as pool:
        portal = client.portal
        assert portal is not None
        store = opened[0]
        loaded = subprocess.run(
            [*CRM, "load", str(base(tmp_path / "base.json")), "--data-dir", str(settings.data_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert loaded.returncode == 0, loaded.stderr

        def post(call: tuple[str, dict[str, Any]]) -> dict[str, Any]:
            response = client.post("/graphql", json={"query": call[0], "variables": call[1]})
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            return body

        for round_ in range(ROUNDS):
            portal.call(clear_ties, store)
            first = ties(tmp_path / f"first-{round_}.json", round_, second=False)
            second = ties(tmp_path / f"second-{round_}.json", round_, second=True)
            loaders = [start_load(first, settings.data_dir), start_load(second, settings.data_dir)]
            logs = [first.with_suffix(".log"), second.with_suffix(".log")]
            while not any("wrote" in log.read_text() for log in logs):  # validated, writing
                assert all(loader.poll() is None for loader in loaders), "a load ended early"
                time.sleep(0.005)
            sent = 0
            calls = cycle(batched(api_writes(round_), API_WORKERS))
            while any(loader.poll() is None for loader in loaders):  # the API writes meanwhile
                for answer in pool.map(post, next(calls)):
                    (payload,) = answer["data"].values()
                    assert {error["code"] for error in payload["errors"]} <= {"CONFLICT"}, answer
                    sent += 1
            codes = [loader.wait(timeout=120) for loader in loaders]
            outputs = [log.read_text() for log in logs]
            assert set(codes) <= {0, 3}, outputs  # written, or written but for refused rows
            assert sent > 0
            found = portal.call(counts, store)

            assert found == {
                "interactions": INTERACTIONS,
                "interaction ids": INTERACTIONS,
                "attendance": ATTENDANCE,
                "attended pairs": ATTENDANCE,
            }, (round_, outputs)
