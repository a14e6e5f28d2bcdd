"""The network section of the benchmarks, quickly, on a tiny loaded graph."""

import asyncio
import json
from pathlib import Path

import pytest

from benchmarks.bench import Bench
from benchmarks.network import run
from tests.api.test_network_small import graph
from tests.conftest import load_files

pytestmark = pytest.mark.falkordb_only  # it measures the embedded engine's memory


def test_the_section_measures_us_and_networkx_on_the_same_graph(tmp_path: Path) -> None:
    dataset = tmp_path / "graph.json"
    dataset.write_text(json.dumps(graph()), encoding="utf-8")
    bench = Bench(size="tiny", seed=7, workdir=tmp_path, dataset=dataset, quick=True)
    load_files(bench.settings(), dataset)

    figures = asyncio.run(run(bench))

    assert [figure.section for figure in figures] == ["network"] * 3
    for figure in figures:
        assert figure.value > 0, figure.name
        assert figure.baseline_value is not None, figure.name
        assert figure.baseline_value > 0, figure.name
    memory, paths, brokers = figures
    assert memory.details["networkx_nodes"] == 5
    assert paths.details["pairs"] == 3
    assert paths.details["top_path_agrees"] == "3 of 3"
    assert brokers.details["sources"] == "all (exact)"
    assert brokers.details["top10_overlap_with_networkx"] == 4  # all but Dora, a leaf
