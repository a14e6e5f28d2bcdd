"""Lighthouse's scores for the web site: performance, accessibility and best practices of the
home page and a cluster profile, against a ``crm demo`` of its own (a free loopback port, a
scratch data folder), with Debian's Chromium. Needs Node.js 20 and npm (Lighthouse 12.2.3 is
pinned in ``benchmarks/package.json`` and ``package-lock.json``; ``npm ci`` installs it into
``benchmarks/node_modules`` on the first run).

    uv run python -m benchmarks.lighthouse [--out benchmarks/results/lighthouse]
        [--page /en/ --page /en/clusters/alucluster] [--chrome /usr/bin/chromium]

Lighthouse runs with its default settings for a mobile visit (simulated throttling), on a
demo that has served each page a few times (as a running site has: the first answers after a
start are slower); three runs per page, and the median score of each category is reported
(Lighthouse's own advice for variance). The targets (issue 13): performance >= 90,
accessibility >= 95, best practices >= 95. Exit code 1 when a page misses one.
"""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import httpx2 as httpx
import typer

HERE = Path(__file__).parent
ROOT = HERE.parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {"performance": 90, "accessibility": 95, "best-practices": 95}
PAGES = ["/en/", "/en/clusters/alucluster"]
RUNS = 3
WARM_UP = 3
READY_WAIT_S = 120.0
STOP_WAIT_S = 60.0

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    *,
    out: Annotated[Path, typer.Option(help="Where the reports and scores.json go.")] = Path(
        "benchmarks/results/lighthouse"
    ),
    page: Annotated[
        list[str] | None,
        typer.Option(help="A page's path (repeatable) [default: home, AluCluster]."),
    ] = None,
    chrome: Annotated[Path, typer.Option(help="The Chromium to drive.")] = Path(
        "/usr/bin/chromium"
    ),
    runs: Annotated[int, typer.Option(min=1, help="Runs per page (the median is kept).")] = RUNS,
) -> None:
    """Run Lighthouse on the demo's pages and print each category's median score."""
    _install()
    out.mkdir(parents=True, exist_ok=True)
    scores: dict[str, dict[str, float]] = {}
    with _demo() as base:
        for path in page or PAGES:
            for _ in range(WARM_UP):  # a running site has served its pages before
                httpx.get(base + path, timeout=60).raise_for_status()
            runs_of_page = [
                _lighthouse(base + path, chrome, out / f"{_slug(path)}-{index}.json")
                for index in range(runs)
            ]
            scores[path] = {
                category: statistics.median(run[category] for run in runs_of_page)
                for category in CATEGORIES
            }
    (out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    missed = []
    for path, found in scores.items():
        shown = ", ".join(f"{category} {found[category]:g}" for category in CATEGORIES)
        typer.echo(f"{path}: {shown}")
        missed += [
            f"{path} {category} {found[category]:g} < {target}"
            for category, target in CATEGORIES.items()
            if found[category] < target
        ]
    if missed:
        typer.echo("below target: " + "; ".join(missed), err=True)
        raise typer.Exit(1)


def _install() -> None:
    """Lighthouse as the lock file pins it (once)."""
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def _lighthouse(url: str, chrome: Path, report: Path) -> dict[str, float]:
    """One Lighthouse run of ``url``: each category's score (0-100); the JSON report kept."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": str(chrome)},
        check=True,
        timeout=300,
    )
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


@contextmanager
def _demo() -> Iterator[str]:
    """``crm demo`` on a free loopback port with a scratch data folder (its base URL); stopped
    by its pid."""
    folder = Path(tempfile.mkdtemp(prefix="crm-lighthouse-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from crm.cli import main; main()", "demo"]
    with (folder / "demo.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--data-dir", str(folder / "crm-data")],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_ready(process, base, folder / "demo.log")
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + READY_WAIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"crm demo exited; see {log}")
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"crm demo was not ready in {READY_WAIT_S:g} s; see {log}")


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "root"


if __name__ == "__main__":
    app()
