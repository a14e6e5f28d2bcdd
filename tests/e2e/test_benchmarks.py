"""The benchmark suite as anyone runs it, quick: the shape of its output, never its timings; on
a generated dataset a quarter of ``small`` (the shape does not depend on the size)."""

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.__main__ import SECTIONS, section_name
from graph_loader.synthetic import write_dataset
from tests.e2e.test_cli import ROOT
from tests.synthetic_specs import QUARTER

PLANTED = 0.02
"""The share of people and organisations planted twice, as the benchmark plants by default."""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("results")
    dataset = write_dataset(QUARTER, tmp_path_factory.mktemp("dataset"), duplicates=PLANTED).path
    command = [sys.executable, "-m", "benchmarks", "--quick", "--size", QUARTER.name]
    result = subprocess.run(
        [*command, "--dataset", str(dataset), "--duplicates", str(PLANTED), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result, out


@pytest.fixture(scope="module")
def results(run: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, Any]:
    result, out = run
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return loaded


def test_the_results_say_what_was_measured_on_what(results: dict[str, Any]) -> None:
    assert results["format"] == "crm-benchmarks/1"
    assert results["machine"]["cpus"] >= 1
    assert results["machine"]["memory_gib"] > 0
    assert results["size"] == QUARTER.name
    assert results["dataset"]["node_total"] == sum(results["dataset"]["nodes"].values()) > 0
    assert results["dataset"]["relationship_total"] > 0


def test_every_section_ran_and_has_figures(results: dict[str, Any]) -> None:
    names = [section_name(section) for section in SECTIONS]
    assert [run["name"] for run in results["sections"]] == names
    assert all(run["error"] is None for run in results["sections"]), results["sections"]
    measured = {figure["section"] for figure in results["figures"]}
    assert measured == set(names)


def test_every_figure_is_a_positive_number_with_its_ratio(results: dict[str, Any]) -> None:
    for figure in results["figures"]:
        assert 0 < figure["value"] < math.inf, figure
        if figure["baseline"] is not None:
            assert 0 < figure["baseline_value"] < math.inf, figure
            assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline_value"])
        if figure["target"] is not None:
            assert figure["met"] in (True, False), figure


def test_the_api_figures_cover_every_query(results: dict[str, Any]) -> None:
    api = [figure["name"] for figure in results["figures"] if figure["section"] == "api"]
    assert [name for name in api if name.startswith("list of")], api
    for query in ("impact report", "intro paths", "brokers", "search"):
        assert any(name.startswith(query) for name in api), (query, api)


def test_the_web_figures_cover_the_pages_and_their_weight(results: dict[str, Any]) -> None:
    web = {figure["name"]: figure for figure in results["figures"] if figure["section"] == "web"}
    for page in ("home", "cluster directory", "search", "dashboard", "cluster profile"):
        figure = web[f"page {page}: server time, median"]
        assert figure["target"]["ratio"] == 1.25
        assert figure["details"]["operations"], figure
        assert figure["details"]["page_over_its_operations"] >= 1, figure
        afresh = web[f"page {page}: rendered afresh (as after a write), server time, median"]
        assert afresh["target"] is None, afresh
    for page in ("home", "cluster profile"):
        weight = web[f"{page}: transferred on a first visit, compressed (page, CSS, scripts)"]
        assert weight["details"]["page_bytes"] < weight["value"]
        assert set(weight["details"]["assets"]) == {"/static/app.css", "/static/app.js"}


def test_no_request_failed_under_concurrent_clients(results: dict[str, Any]) -> None:
    throughput = [figure for figure in results["figures"] if figure["section"] == "throughput"]
    assert [figure["name"] for figure in throughput] == [
        "8 concurrent clients, 1 worker",
        "32 concurrent clients, 1 worker",
        "1 concurrent clients, 2 workers",
        "8 concurrent clients, 2 workers",
        "32 concurrent clients, 2 workers",
        "32 clients, 2 workers, against the engine",
    ]
    for figure in throughput:
        assert figure["details"]["errors"] == 0
        assert figure["details"]["requests"] > 0
    engine = throughput[-1]["details"]["engine"]
    assert (engine["errors"], engine["clients"]) == (0, 32)
    assert engine["requests"] > 0


def test_the_questions_that_follow_people_answer(results: dict[str, Any]) -> None:
    pairs = {f["name"]: f for f in results["figures"] if f["section"] == "pairs"}
    assert sorted(pairs) == [
        "brokers (top 10), first answer",
        "brokers (top 10), kept answer",
        "communities(asOf), median",
        "intro paths, 2,000 interactions a hop",
        "ties of 10 people in one request, median",
    ]
    overlap = pairs["brokers (top 10), first answer"]["details"]["top10_overlap_with_exact"]
    assert 0 <= overlap <= 10


def test_the_table_has_a_row_per_figure(
    run: tuple[subprocess.CompletedProcess[str], Path], results: dict[str, Any]
) -> None:
    result, out = run
    table = (out / "results.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]
    assert len(rows) == len(results["figures"])
    for row, figure in zip(rows, results["figures"], strict=True):
        assert row.startswith(f"| {figure['section']} | {figure['name']} |")
    assert table in result.stdout
