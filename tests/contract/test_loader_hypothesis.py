"""The loader under hostile rows (hypothesis), on the real engine: it never fails with anything
but a report, what it stores equals what the file says, a file with a problem writes nothing,
and every statement it sends comes from one finite set, whatever the rows hold."""

import asyncio
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from crm.config import Settings
from crm.domain.nodes import Topic
from crm.graph.connect import open_store
from crm.graph.properties import record_data
from graph_loader.load import load
from tests.hostile import hostile_text, record_ids, storable_text, valid_ids
from tests.statements import RecordingStore


class Loader:
    """One store for all examples, on an event loop of its own."""

    def __init__(self, settings: Settings) -> None:
        self.runner = asyncio.Runner()
        self.store = RecordingStore(self.runner.run(open_store(settings)))

    def load(self, path: Path) -> Any:
        return self.runner.run(load([path], self.store, batch_size=3))

    def topics(self) -> dict[str, dict[str, Any]]:
        rows = self.runner.run(self.store.inner.read("MATCH (t:Topic) RETURN properties(t) AS t"))
        return {row["t"]["id"]: record_data(Topic, row["t"]) for row in rows}

    def ties(self) -> int:
        rows = self.runner.run(
            self.store.inner.read("MATCH ()-[c:COVERED]->() RETURN count(c) AS n")
        )
        return int(rows[0]["n"])

    def clear(self) -> None:
        """An empty graph, and no statement seen yet."""
        self.runner.run(self.store.inner.write("MATCH (n) DETACH DELETE n"))
        self.store.statements.clear()

    def close(self) -> None:
        self.runner.run(self.store.close())
        self.runner.close()


@pytest.fixture(scope="module")
def loader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loader]:
    folder = tmp_path_factory.mktemp("hostile")
    opened = Loader(Settings(data_dir=folder / "crm-data"))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def known_statements(loader: Loader, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every statement a load of benign rows of the same shape sends."""
    path = tmp_path_factory.mktemp("benign") / "benign.json"
    topics = [{"id": f"t{n}", "name": f"Topic {n}", "labels": {"de": "Thema"}} for n in range(4)]
    path.write_text(json.dumps(document(topics)), encoding="utf-8")
    report = loader.load(path)
    assert not report.problems, report.problems
    known = set(loader.store.statements)
    loader.clear()
    return known


def document(topics: list[dict[str, Any]]) -> dict[str, Any]:
    event = {"id": "ev", "kind": "workshop", "title": "Workshop", "date": "2014-01-01"}
    return {
        "nodes": {"Event": [event], "Topic": topics},
        "relationships": {
            "COVERED": [{"from": "ev", "to": topic["id"], "source": "s"} for topic in topics]
        },
    }


def topic_rows(ids: st.SearchStrategy[str], text: st.SearchStrategy[str]) -> Any:
    return st.lists(
        st.fixed_dictionaries(
            {"id": ids, "name": text},
            optional={"source": text, "labels": st.fixed_dictionaries({"de": text})},
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda row: str(row["id"]),
    )


storable_rows = topic_rows(valid_ids, storable_text)
"""Rows the model takes, however odd their text: they must be stored exactly."""
hostile_rows = topic_rows(record_ids, hostile_text)
"""Rows of anything: stored exactly, or refused with nothing written."""


def check(loader: Loader, rows: list[dict[str, Any]], report: Any, known: set[str]) -> None:
    """The properties every load must have, whatever it was given."""
    assert loader.store.statements <= known, loader.store.statements - known
    stored = loader.topics()
    event("refused" if report.problems else "written")
    if report.problems:
        assert stored == {}  # all or nothing
        assert loader.ties() == 0
        return
    assert set(stored) == {row["id"] for row in rows}
    for row in rows:
        held = stored[row["id"]]
        assert held["name"] == row["name"]
        assert held.get("labels") == row.get("labels")
        assert held["source"] == row.get("source", held["source"])
    assert loader.ties() == len(rows)


@given(rows=st.one_of(storable_rows, hostile_rows))
def test_hostile_json_rows(
    loader: Loader, known_statements: set[str], tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    loader.clear()
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document(rows)), encoding="utf-8")

    report = loader.load(path)

    check(loader, rows, report, known_statements)


@given(rows=st.one_of(storable_rows, hostile_rows))
def test_hostile_csv_rows(
    loader: Loader, known_statements: set[str], tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    loader.clear()
    folder = tmp_path / "csv"
    folder.mkdir(exist_ok=True)
    doc = document(rows)
    write_csv(folder / "Event.csv", doc["nodes"]["Event"])
    write_csv(folder / "Topic.csv", doc["nodes"]["Topic"])
    write_csv(folder / "COVERED.csv", doc["relationships"]["COVERED"])

    report = loader.load(folder)

    read = [as_csv_reads(row) for row in rows]
    if any("name" not in row or "id" not in row for row in read):
        assert report.problems
    check(loader, read, report, known_statements)


def as_csv_reads(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the CSV reader gives it back: an empty cell is an absent value."""
    read = {key: value for key, value in row.items() if key != "labels" and value != ""}
    if row.get("labels", {}).get("de"):
        read["labels"] = row["labels"]
    return read


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    flat = [
        {
            f"{key}.{sub}" if isinstance(value, dict) else key: item
            for key, value in row.items()
            for sub, item in (value.items() if isinstance(value, dict) else [(None, value)])
        }
        for row in rows
    ]
    columns = list(dict.fromkeys(column for row in flat for column in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(flat)
