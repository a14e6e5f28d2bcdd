"""The duplicates section: how well and how fast duplicate detection finds the duplicates the
generator planted (``--duplicates RATE``; the truth is ``duplicates-truth.tsv`` beside the
dataset), against a baseline measured in the same run: exact match on folded names (a pair
when two records' names are equal once transliterated and without their legal forms).

The suite loads such a dataset matching natural keys (``--match vat,email,name``): a planted
duplicate with the original's e-mail address (in other capitals), VAT id or folded name is
matched to the original at load and never becomes a duplicate (the details count them as
"caught at load"). Of the planted pairs that made it into the graph, for people and for
organisations: precision (the share of reported pairs that are planted), recall (the share of
planted pairs reported) at the default threshold, and the time to find the candidates: reading
them from the loaded graph and scoring, as ``duplicateCandidates`` does.
The targets are absolute (precision >= 0.95, recall >= 0.90, people in under 60 s for 100,000);
each figure's details say whether it met its own.
"""

import csv
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure
from crm.domain import Label
from crm.domain.duplicates import DEFAULT_MIN_SCORE, NAME_OFFSET, Candidate, find_duplicates
from crm.graph.connect import open_store
from crm.queries.duplicates import read_candidates
from graph_loader.synthetic.duplicates import TRUTH_FILE

SECTION = "duplicates"
BASELINE = "exact match on folded names"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90
SECONDS_PER_100K_PEOPLE = 60.0

Pairs = set[tuple[str, str]]


class NoTruth(RuntimeError):
    """The dataset has no planted duplicates to measure against."""


def truth(dataset: Path) -> dict[str, Pairs]:
    """The planted pairs by label, ids in order."""
    path = dataset / TRUTH_FILE
    if not path.exists():
        raise NoTruth(
            f"{path} is missing: run the suite with --duplicates 0.02 (or give a dataset "
            "generated with crm generate --duplicates)"
        )
    planted: dict[str, Pairs] = defaultdict(set)
    with path.open(encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            first, second = sorted((row["original"], row["duplicate"]))
            planted[row["label"]].add((first, second))
    return planted


def exact_folded(records: list[Candidate]) -> Pairs:
    """The baseline: every pair of records whose folded names (and countries) are equal."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records:
        groups[(record.facts.get("country", ""), record.folded)].append(record.id)
    return {(a, b) if a < b else (b, a) for ids in groups.values() for a, b in combinations(ids, 2)}


def _figure(
    name: str,
    value: float,
    unit: str,
    better: Better,
    *,
    baseline: float,
    details: dict[str, object],
) -> Figure:
    """A figure against the baseline; a baseline of 0 (the exact match finds none of the
    planted pairs) has no ratio, so it is said in the details instead."""
    if baseline == 0:
        return Figure(SECTION, name, value, unit, better, details=details | {BASELINE: 0})
    return Figure(SECTION, name, value, unit, better, BASELINE, baseline, details=details)


def _quality(found: Pairs, planted: Pairs) -> tuple[float, float]:
    """Precision and recall; reporting nothing is precise only when there was nothing."""
    hits = len(found & planted)
    precision = hits / len(found) if found else float(not planted)
    recall = hits / len(planted) if planted else 1.0
    return precision, recall


async def run(bench: Bench) -> list[Figure]:
    planted = truth(bench.dataset)
    store = await open_store(bench.settings())
    figures: list[Figure] = []
    try:
        for label in (Label.PERSON, Label.ORGANIZATION):
            began = time.perf_counter()
            records = await read_candidates(store, label)
            read = time.perf_counter() - began
            scored = time.perf_counter()
            pairs = find_duplicates(records, DEFAULT_MIN_SCORE, offset=NAME_OFFSET[label.value])
            seconds = read + time.perf_counter() - scored
            found = {(pair.a, pair.b) for pair in pairs}
            ids = {record.id for record in records}
            in_graph = {p for p in planted[label.value] if p[0] in ids and p[1] in ids}
            began = time.perf_counter()
            baseline = exact_folded(records)
            baseline_seconds = read + time.perf_counter() - began
            figures += _figures(
                label,
                records,
                planted=in_graph,
                caught=len(planted[label.value]) - len(in_graph),
                found=found,
                baseline=baseline,
                seconds=seconds,
                baseline_seconds=baseline_seconds,
            )
    finally:
        await store.close()
    return figures


def _figures(
    label: Label,
    records: list[Candidate],
    *,
    planted: Pairs,
    caught: int,
    found: Pairs,
    baseline: Pairs,
    seconds: float,
    baseline_seconds: float,
) -> list[Figure]:
    precision, recall = _quality(found, planted)
    base_precision, base_recall = _quality(baseline, planted)
    name = "people" if label is Label.PERSON else "organisations"
    names = {record.id: record.name for record in records}

    def said(pairs: Pairs) -> list[str]:
        return [f"{names[a]} | {names[b]}" for a, b in sorted(pairs)[:5]]

    counts: dict[str, object] = {
        "records": len(records),
        "planted pairs in the graph": len(planted),
        "planted pairs caught at load": caught,
        "pairs found": len(found),
        "baseline pairs": len(baseline),
        "threshold": DEFAULT_MIN_SCORE,
    }
    limit = SECONDS_PER_100K_PEOPLE * len(records) / 100_000
    time_details: dict[str, object] = counts | {"read and score": round(seconds, 2)}
    if label is Label.PERSON:
        time_details |= {"target": f"< {limit:.0f} s", "target met": seconds < limit}
    return [
        _figure(
            f"{name}: precision",
            round(precision, 4),
            "",
            Better.HIGHER,
            baseline=round(base_precision, 4),
            details=counts
            | {"target": f">= {PRECISION_TARGET}", "target met": precision >= PRECISION_TARGET}
            | {"false pairs (the first)": said(found - planted)},
        ),
        _figure(
            f"{name}: recall",
            round(recall, 4),
            "",
            Better.HIGHER,
            baseline=round(base_recall, 4),
            details=counts
            | {"target": f">= {RECALL_TARGET}", "target met": recall >= RECALL_TARGET}
            | {"missed pairs (the first)": said(planted - found)},
        ),
        _figure(
            f"{name}: time to find the candidates",
            round(seconds, 2),
            "s",
            Better.LOWER,
            baseline=round(baseline_seconds, 2),
            details=time_details,
        ),
    ]
