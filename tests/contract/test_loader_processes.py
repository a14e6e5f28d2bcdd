"""Validation in worker processes says exactly what the serial validator says (the same problems,
in the same order, and the same rows to write) on every bad input of the loader's tests, and a
load with several processes writes the same graph as a serial one."""

from pathlib import Path
from typing import Any

import pytest

from crm.graph.store import GraphStore
from graph_loader.load import load
from graph_loader.readers import Input
from graph_loader.validate import Plan, validate
from tests.contract.csv_input import people_and_interactions
from tests.contract.graphs import Snapshot, snapshot
from tests.contract.test_loader_bad_input import BASE, CASES, write_files
from tests.contract.test_loader_natural_keys import INCOMING, STORED

EVERY_PROBLEM = (
    "nodes:\n  Cluster:\n    - {id: a, name: A, country: XX}\n"
    "    - {id: b, name: '', country: DK}\n"
    "    - {id: a, name: A again, country: DK}\n"
    "relationships:\n  MEMBER_OF:\n    - {from: nobody, to: a}\n"
    "    - {from: org-base, to: cl-base}\n    - {from: org-base, to: cl-base}\n"
    "  ATTENDED:\n    - {from: org-base, to: cl-base, fromLabel: Organization}\n"
    "    - {to: ev-base}\n"
)


async def _plan(paths: list[Path], store: GraphStore, **how: Any) -> tuple[Any, ...]:
    """What validation found: problems in order, counts, matches and every row to write."""
    with await validate(Input(paths), store, **how) as plan:
        return (
            plan.problems,
            plan.invalid,
            plan.rows,
            plan.matches,
            plan.touched,
            _rows(plan),
        )


def _rows(plan: Plan) -> list[Any]:
    return [*plan.node_batches(7), *plan.link_batches(7)]


async def _same_with_processes(paths: list[Path], store: GraphStore) -> None:
    serial = await _plan(paths, store, processes=1)
    assert serial[0], "the input must have problems"
    # One and two records a chunk: every record's checks cross a process boundary, and the
    # chunks finish in any order.
    for chunk in (1, 2):
        assert await _plan(paths, store, processes=2, chunk=chunk) == serial


@pytest.fixture
async def base(store: GraphStore, tmp_path: Path) -> GraphStore:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    assert not (await load([tmp_path / "base.yaml"], store, batch_size=100)).problems
    return store


@pytest.mark.parametrize("case", CASES)
async def test_each_bad_input_gets_the_same_problems_in_the_same_order(
    base: GraphStore, tmp_path: Path, case: str
) -> None:
    files, _ = CASES[case]
    await _same_with_processes(write_files(tmp_path / "input", files), base)


async def test_all_bad_inputs_at_once_and_checks_across_records_agree(
    base: GraphStore, tmp_path: Path
) -> None:
    paths = [tmp_path / "every.yaml"]
    paths[0].write_text(EVERY_PROBLEM, encoding="utf-8")
    for number, (files, _) in enumerate(CASES.values()):
        paths += write_files(tmp_path / f"case{number}", files)

    await _same_with_processes(paths, base)


async def test_natural_keys_taken_in_the_graph_agree(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "stored.yaml").write_text(STORED, encoding="utf-8")
    assert not (await load([tmp_path / "stored.yaml"], store, batch_size=10)).problems
    (tmp_path / "incoming.yaml").write_text(INCOMING, encoding="utf-8")

    await _same_with_processes([tmp_path / "incoming.yaml"], store)


async def test_a_large_input_with_a_bad_row_agrees(store: GraphStore, tmp_path: Path) -> None:
    folder = people_and_interactions(tmp_path / "in", 1200, 1500)
    people = folder / "Person.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    lines[-2] = lines[-2].replace(",DK,", ",Denmark,")
    lines.append("p-short,Only,two")
    people.write_text("\n".join(lines) + "\n", encoding="utf-8")

    serial = await _plan([folder], store, processes=1)
    assert len(serial[0]) > 2
    assert await _plan([folder], store, processes=2) == serial


def _without_timestamps(graph: Snapshot) -> Snapshot:
    def strip(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if k not in ("createdAt", "updatedAt")}
        if isinstance(item, tuple):
            return tuple(strip(part) for part in item)
        return item

    return {name: [strip(item) for item in items] for name, items in graph.items()}


async def test_a_load_with_two_processes_writes_the_graph_a_serial_load_writes(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = people_and_interactions(tmp_path / "in", 1500, 2500)

    serial = await load([folder], store, batch_size=400, processes=1)
    written = _without_timestamps(await snapshot(store))
    await store.write("MATCH (n) DETACH DELETE n")
    parallel = await load([folder], store, batch_size=400, processes=2)

    assert serial.summary is not None
    assert serial.summary.node_total.created == 1500
    assert parallel.summary == serial.summary
    assert _without_timestamps(await snapshot(store)) == written
