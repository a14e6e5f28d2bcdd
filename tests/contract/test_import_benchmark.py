"""The import section of the benchmark suite, on a tiny dataset and the real engine."""

from pathlib import Path

from benchmarks.bench import Bench
from benchmarks.imports import run
from tests.contract.csv_input import people_and_interactions


async def test_the_import_section_measures_the_loader_against_both_baselines(
    tmp_path: Path,
) -> None:
    dataset = people_and_interactions(tmp_path / "dataset", people=60, interactions=80)
    bench = Bench(size="tiny", seed=7, workdir=tmp_path / "work", dataset=dataset, quick=True)

    figures = await run(bench)

    assert [figure.name for figure in figures] == [
        "node rows/s vs naive",
        "node rows/s vs raw",
        "tie rows/s vs naive",
        "tie rows/s vs raw",
        "whole load wall time",
    ]
    for figure in figures:
        assert figure.section == "imports"
        assert figure.value > 0
        assert figure.baseline_value is not None
        assert figure.baseline_value > 0
    assert figures[-1].details["node_rows"] == 60
    assert figures[-1].details["tie_rows"] == 80
