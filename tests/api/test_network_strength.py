"""The strength formula over many interactions of every kind and date: Ann (DE) and Ben (DK)
interact ``MANY`` times, every kind in an uneven mix, either way round, 17 days apart from
2019 to 2021; Ben and Cat (DK) meet once. The ties and the hops of a path agree with the
formula computed here, interaction by interaction, and ``asOf`` cuts the later ones off."""

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from crm.config import load_settings
from crm.queries.network.strength import FLOOR, HALF_LIFE_DAYS, KIND_WEIGHTS, SATURATION
from tests.api.conftest import Api, serve
from tests.conftest import load_files

MANY = 60
KINDS = ["meeting", "email", "email", "call", "introduction", "email", "call"]
START = date(2019, 1, 1)
MET = [
    (("ann", "ben") if n % 3 else ("ben", "ann"), KINDS[n % len(KINDS)], START + timedelta(17 * n))
    for n in range(MANY)
] + [(("ben", "cat"), "meeting", date(2020, 5, 5))]


def graph() -> dict[str, Any]:
    people = [
        {
            "id": p,
            "source": "test",
            "givenName": p.title(),
            "familyName": "Test",
            "country": c,
            "consent": {"basis": "consent", "date": "2018-01-01"},
        }
        for p, c in (("ann", "DE"), ("ben", "DK"), ("cat", "DK"))
    ]
    met = [
        {"id": f"i-{n}", "from": a, "to": b, "kind": kind, "date": day.isoformat(), "source": "t"}
        for n, ((a, b), kind, day) in enumerate(MET)
    ]
    return {"nodes": {"Person": people}, "relationships": {"INTERACTED": met}}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("network-strength")
    (folder / "graph.json").write_text(json.dumps(graph()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, folder / "graph.json")
    yield from serve(settings)


def days(day: date) -> float:
    """The formula's day number (``strength.days``)."""
    return day.year * 365.25 + day.month * 30.44 + day.day


def expected(pair: set[str], as_of: date) -> tuple[float, str, list[dict[str, Any]]]:
    """The strength, the last contact and the interactions by kind of ``pair`` on ``as_of``,
    one interaction at a time."""
    seen = [(kind, day) for (a, b), kind, day in MET if {a, b} == pair and day <= as_of]
    raw = sum(
        KIND_WEIGHTS[kind]
        * (FLOOR + (1 - FLOOR) * 0.5 ** ((days(as_of) - days(day)) / HALF_LIFE_DAYS))
        for kind, day in seen
    )
    kinds = [
        {"kind": kind.upper(), "count": sum(1 for k, _ in seen if k == kind)}
        for kind in KIND_WEIGHTS
        if any(k == kind for k, _ in seen)
    ]
    return raw / (raw + SATURATION), max(day for _, day in seen).isoformat(), kinds


TIES = """{ person(id: "ann") { ties(asOf: "%s") { strength lastContact person { recordId }
    evidence { interactions { kind count } } } } }"""


@pytest.mark.parametrize(
    ("as_of", "counted"), [(date(2019, 1, 1), 1), (date(2020, 3, 15), 26), (date(2023, 6, 1), MANY)]
)
def test_a_tie_of_many_interactions_is_their_sum(api: Api, as_of: date, counted: int) -> None:
    (tie,) = api.data(TIES % as_of.isoformat())["person"]["ties"]
    strength, last, kinds = expected({"ann", "ben"}, as_of)
    assert tie["person"]["recordId"] == "ben"
    assert tie["strength"] == pytest.approx(strength, rel=1e-9)
    assert tie["lastContact"] == last
    assert tie["evidence"]["interactions"] == kinds
    assert sum(kind["count"] for kind in tie["evidence"]["interactions"]) == counted


def test_a_paths_hops_carry_the_same_ties(api: Api) -> None:
    query = """{ introductionPaths(from: "ann", to: "cat", asOf: "2020-06-01") {
        score hops { person { recordId } strength } } }"""
    (path,) = api.data(query)["introductionPaths"]
    first, second = (
        expected({"ann", "ben"}, date(2020, 6, 1))[0],
        expected({"ben", "cat"}, date(2020, 6, 1))[0],
    )
    assert [hop["person"]["recordId"] for hop in path["hops"]] == ["ben", "cat"]
    assert [hop["strength"] for hop in path["hops"]] == [
        pytest.approx(first, rel=1e-9),
        pytest.approx(second, rel=1e-9),
    ]
    assert path["score"] == pytest.approx(first * second, rel=1e-9)
