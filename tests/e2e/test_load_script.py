"""The load script as anyone runs it: it starts the demo, runs its clients, stops, reports."""

import json
import subprocess
import sys

from tests.e2e.test_cli import ROOT


def test_a_short_run_reports_rates_latencies_and_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--clients", "2", "--seconds", "2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["clients"] == 2
    assert report["requests"] > 0
    assert report["errors"] == 0
    assert report["reads"]["requests"] + report["writes"]["requests"] == report["requests"]
    assert set(report["latency_ms"]) == {"p50", "p95", "p99"}
    assert sum(op["requests"] for op in report["operations"].values()) == report["requests"]


def test_only_loopback_targets_are_accepted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--url", "http://192.0.2.1:8000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "loopback" in result.stderr
