"""``person_ties`` weighs everyone a person shares something with from the person's side at
once, then rates only the strongest by the formula: the answers are those of rating every
candidate by the formula (``tie_strength``) and ranking them, on a graph of known answers and
on the whole demo.

Known answers: as of ``TODAY``, Pia met Anna three times that day (raw 3.0); she works at Org
O beside twelve colleagues since 2020 (raw 1.0 each) and met Zoe once (1.0: the same weight
as a colleague, so they are ranked by id); she and nineteen others attended a conference of
twenty (0.5 * 10 / 20 = 0.25 each). Org O and Org Q are partners in an initiative that starts
after ``TODAY``: Quinn of Org Q is no tie of Pia's until it has started.
"""

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import LiteralString

import pytest

from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.queries.network.strength import (
    INITIATIVE_WEIGHT,
    PARAMETERS,
    tie_strength,
)
from crm.queries.network.ties import PersonTie, person_ties
from graph_loader.datasets import INTRANET
from tests.conftest import copy_data, load_graph

TODAY = "2024-01-01"
FIRST = 20
"""The API's default page: on the demo, most people have more candidates than that."""
COLLEAGUES = [f"c{n:02}" for n in range(1, 13)]
ATTENDEES = [f"e{n:02}" for n in range(1, 20)]
GRAPH = f"""
CREATE (pia:Person {{id: 'pia', givenName: 'Pia', country: 'DK'}}),
       (o:Organization {{id: 'org-o', name: 'O'}}), (q:Organization {{id: 'org-q', name: 'Q'}}),
       (pia)-[:WORKS_AT {{id: 'w-pia', since: '2020-01-01'}}]->(o),
       (anna:Person {{id: 'anna', country: 'DE'}}), (zoe:Person {{id: 'zoe', country: 'DE'}}),
       (quinn:Person {{id: 'quinn', country: 'DE'}}),
       (quinn)-[:WORKS_AT {{id: 'w-quinn', since: '2020-01-01'}}]->(q),
       (n:Initiative {{id: 'ini', name: 'Later', startedOn: '2025-01-01'}}),
       (o)-[:PARTNER_IN {{id: 'p-o'}}]->(n), (q)-[:PARTNER_IN {{id: 'p-q'}}]->(n),
       (e:Event {{id: 'conf', title: 'Conference', date: '{TODAY}'}}),
       (pia)-[:ATTENDED {{id: 'a-pia'}}]->(e),
       (pia)-[:INTERACTED {{id: 'i-z', kind: 'meeting', date: '{TODAY}'}}]->(zoe)
WITH pia, o, e, anna
UNWIND range(1, 3) AS k
CREATE (pia)-[:INTERACTED {{id: 'i-a' + toString(k), kind: 'meeting', date: '{TODAY}'}}]->(anna)
WITH DISTINCT pia, o, e
UNWIND $colleagues AS c
CREATE (:Person {{id: c, country: 'DK'}})-[:WORKS_AT {{id: 'w-' + c, since: '2020-01-01'}}]->(o)
WITH DISTINCT e
UNWIND $attendees AS x
CREATE (:Person {{id: x, country: 'DE'}})-[:ATTENDED {{id: 'a-' + x}}]->(e)
"""

EVERY_CANDIDATE: LiteralString = """
UNWIND $ids AS pid MATCH (a:Person {id: pid})
OPTIONAL MATCH (a)-[i:INTERACTED]-(b1:Person) WHERE i.date <= $asOf
WITH pid, a, collect(DISTINCT b1) AS met
OPTIONAL MATCH (a)-[:ATTENDED]->(e:Event)<-[:ATTENDED]-(b2:Person) WHERE e.date <= $asOf
WITH pid, a, met, collect(DISTINCT b2) AS attended
OPTIONAL MATCH (a)-[:WORKS_AT]->()<-[:WORKS_AT]-(b3:Person)
WITH pid, a, met, attended, collect(DISTINCT b3) AS colleagues
OPTIONAL MATCH (a)-[:WORKS_AT]->()-[:PARTNER_IN]->(:Initiative)<-[:PARTNER_IN]-()
               <-[:WORKS_AT]-(b4:Person)
WITH pid, a, met, attended, colleagues, collect(DISTINCT b4) AS partners
UNWIND met + attended + colleagues + partners AS b
WITH DISTINCT pid, a, b
WHERE b <> a AND ($crossBorder IS NULL OR (a.country <> b.country) = $crossBorder)
"""
"""The reference: everyone ``a`` shares anything with (whatever the dates), each rated by the
formula."""


async def ranked(
    store: GraphStore, people: list[str], as_of: str, cross_border: bool | None
) -> dict[str, list[tuple[str, float]]]:
    """The reference ranking: every candidate rated by ``tie_strength``, ranked as
    ``person_ties`` ranks (by raw weight to nine decimals, then by id); the other person's id
    and the raw weight."""
    query = (
        EVERY_CANDIDATE
        + tie_strength(store.dialect, "pid")
        + " WITH pid, b, tie WHERE tie.raw > 0 RETURN pid, b.id AS id, tie.raw AS raw"
    )
    found: dict[str, list[tuple[str, float]]] = {person: [] for person in people}
    variables = PARAMETERS | {"ids": people, "asOf": as_of, "crossBorder": cross_border}
    for row in await store.read(query, variables):
        found[row["pid"]].append((row["id"], row["raw"]))
    for ties in found.values():
        ties.sort(key=lambda tie: (-round(tie[1] * 1e9), tie[0]))
    return found


def same(got: list[PersonTie], want: list[tuple[str, float]]) -> bool:
    """The same people in the same order with the same weights (to the last bits of their
    sums, which the engine adds in its own order)."""
    return [tie.person["id"] for tie in got] == [person for person, _ in want] and all(
        math.isclose(tie.tie.raw, raw, rel_tol=1e-12)
        for tie, (_, raw) in zip(got, want, strict=True)
    )


def ids(ties: list[PersonTie]) -> list[str]:
    return [tie.person["id"] for tie in ties]


@pytest.fixture
async def demo(settings: Settings, engine: str, demo_data: Path) -> AsyncIterator[GraphStore]:
    """A store on the demo."""
    if engine == "falkordb":
        copy_data(demo_data, settings.data_dir)
    else:
        await load_graph(settings, (INTRANET,), owner=object())
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()


async def test_known_ties_in_rank_order(store: GraphStore) -> None:
    await store.write(GRAPH, {"colleagues": COLLEAGUES, "attendees": ATTENDEES})

    ties = (await person_ties(store, ["pia"], first=100, cross_border=None, as_of=TODAY))["pia"]

    assert ids(ties) == ["anna", *COLLEAGUES, "zoe", *ATTENDEES]
    raws = [tie.tie.raw for tie in ties]
    assert raws == pytest.approx([3.0] + [1.0] * 13 + [0.25] * 19)
    assert ties[0].tie.strength == pytest.approx(0.75)
    assert [c.count for c in ties[0].tie.interactions] == [3]
    assert [o.name for o in ties[1].tie.organizations] == ["O"]
    assert [e.id for e in ties[-1].tie.events] == ["conf"]
    assert same(ties, (await ranked(store, ["pia"], TODAY, None))["pia"])


async def test_first_cuts_a_plateau_by_id(store: GraphStore) -> None:
    await store.write(GRAPH, {"colleagues": COLLEAGUES, "attendees": ATTENDEES})

    async def first(count: int, cross_border: bool | None = None) -> list[str]:
        found = await person_ties(
            store, ["pia"], first=count, cross_border=cross_border, as_of=TODAY
        )
        return ids(found["pia"])

    assert await first(3) == ["anna", "c01", "c02"]
    assert await first(1) == ["anna"]
    assert await first(0) == []
    assert await first(2, cross_border=True) == ["anna", "zoe"]
    assert await first(2, cross_border=False) == ["c01", "c02"]


async def test_an_initiative_ties_its_partners_once_it_has_started(store: GraphStore) -> None:
    await store.write(GRAPH, {"colleagues": COLLEAGUES, "attendees": ATTENDEES})

    async def quinn(as_of: str) -> list[PersonTie]:
        found = await person_ties(store, ["pia"], first=100, cross_border=None, as_of=as_of)
        return [tie for tie in found["pia"] if tie.person["id"] == "quinn"]

    assert await quinn(TODAY) == []
    (later,) = await quinn("2025-06-01")
    assert later.tie.raw == pytest.approx(INITIATIVE_WEIGHT)
    assert [n.id for n in later.tie.initiatives] == ["ini"]


async def test_nobody_and_a_stranger_have_no_ties(store: GraphStore) -> None:
    await store.write(GRAPH, {"colleagues": COLLEAGUES, "attendees": ATTENDEES})
    await store.write("CREATE (:Person {id: 'alone', country: 'DK'})")

    found = await person_ties(store, ["alone", "nobody"], first=5, cross_border=None, as_of=TODAY)

    assert found == {"alone": [], "nobody": []}


@pytest.mark.parametrize(("as_of", "cross_border"), [("2026-12-01", None), ("2013-06-30", True)])
async def test_every_demo_persons_ties_are_the_formulas_ranking(
    demo: GraphStore, as_of: str, cross_border: bool | None
) -> None:
    people = [row["id"] for row in await demo.read("MATCH (p:Person) RETURN p.id AS id")]
    assert len(people) > 150
    reference = await ranked(demo, people, as_of, cross_border)
    assert sum(len(ties) > FIRST for ties in reference.values()) > 10  # the cut is tested

    found = await person_ties(demo, people, first=FIRST, cross_border=cross_border, as_of=as_of)

    for person in people:
        assert same(found[person], reference[person][:FIRST]), person
