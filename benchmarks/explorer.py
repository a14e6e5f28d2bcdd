"""The network explorer's expansion (a double-click on a node): ``networkExpansion`` run in this
process through the API's executor (the server's time: resolvers, statements, measures; no
HTTP), for people with interactions and organisations drawn with the run's seed.

The baseline is one hand-written statement that reads the same node's ties (its interaction
partners with their interactions' dates, its jobs, or an organisation's people and clusters):
the floor of reading a neighbourhood, without rating the pairs by the strength formula, reading
the new nodes and the ties among them, or measuring the view. The issue's target is an answer
within 300 ms at the server on ``medium``: the figure's details say whether the 95th percentile
meets it. Expansions the limit refuses (``LIMIT_EXCEEDED``: more new nodes than
``CRM_MAX_EXPANSION_NODES``) are timed too (they answer fast) and counted apart.
"""

import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any, LiteralString

from benchmarks.bench import Bench
from benchmarks.report import Better, Figure
from crm.api.compiled import answerer
from crm.api.context import Context
from crm.api.execution import Executor
from crm.api.ids import global_id
from crm.api.schema import SCHEMA
from crm.domain import Label
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Caller, Role

SECTION = "explorer"
PEOPLE, ORGANIZATIONS = 30, 10
QUICK_PEOPLE, QUICK_ORGANIZATIONS = 3, 1
TARGET_S = 0.3

EXPAND = """
query Expand($of: [ID!]!, $shown: [ID!]) {
  networkExpansion(of: $of, shown: $shown) {
    limit firstDate
    nodes { id name country depth since degree betweenness community
            node { __typename ... on Person { recordId } ... on Organization { recordId kind } } }
    edges { id source target kind strength crossesBorder since until lastContact
            interactions { date kind } }
  }
}
"""

_PEOPLE: LiteralString = (
    "MATCH (p:Person)-[:INTERACTED]-() WITH DISTINCT p RETURN p.id AS id ORDER BY id"
)
_ORGANIZATIONS: LiteralString = (
    "MATCH (o:Organization)<-[:WORKS_AT]-() WITH DISTINCT o RETURN o.id AS id ORDER BY id"
)

_PERSON_TIES: LiteralString = """
MATCH (a:Person {id: $id})-[i:INTERACTED]-(b:Person) WHERE i.date <= $asOf
WITH b, collect(i.date) AS dates
RETURN b.id AS id, b.country AS country, dates
UNION ALL
MATCH (a:Person {id: $id})-[w:WORKS_AT]->(b)
RETURN b.id AS id, b.country AS country, [w.since] AS dates
"""
_ORGANIZATION_TIES: LiteralString = """
MATCH (a:Organization {id: $id})<-[w:WORKS_AT]-(b:Person)
RETURN b.id AS id, b.country AS country, [w.since] AS dates
UNION ALL
MATCH (a:Organization {id: $id})-[m:MEMBER_OF]->(b:Cluster)
RETURN b.id AS id, b.country AS country, [m.since] AS dates
"""


async def run(bench: Bench) -> list[Figure]:
    settings = bench.settings()
    store = await open_store(settings)
    try:
        nodes = await _sample(store, bench)
        executor = Executor(SCHEMA, answerer(SCHEMA))
        ours: list[float] = []
        floor: list[float] = []
        refused = 0
        sizes: list[tuple[int, int]] = []
        for label, record_id in nodes:
            node = global_id(label, record_id)
            context = Context(store, settings, caller=Caller(None, Role.READER))
            began = time.perf_counter()
            result = await executor.execute(EXPAND, context, variables={"of": [node]})
            ours.append(time.perf_counter() - began)
            if result.errors:
                codes = {(error.extensions or {}).get("code") for error in result.errors}
                if codes != {"LIMIT_EXCEEDED"}:
                    raise RuntimeError(f"expanding {record_id} failed: {result.errors[0]}")
                refused += 1
            else:
                assert result.data is not None
                found = result.data["networkExpansion"]
                sizes.append((len(found["nodes"]), len(found["edges"])))
            began = time.perf_counter()
            await _floor(store, label, record_id)
            floor.append(time.perf_counter() - began)
    finally:
        await store.close()
    p95 = _percentile(ours, 0.95)
    return [
        Figure(
            section=SECTION,
            name="expanding a node (networkExpansion), p95",
            value=p95,
            unit="s",
            better=Better.LOWER,
            baseline="one hand-written statement reading the node's ties, p95",
            baseline_value=_percentile(floor, 0.95),
            details={
                "nodes": len(nodes),
                "people": sum(1 for label, _ in nodes if label is Label.PERSON),
                "organizations": sum(1 for label, _ in nodes if label is Label.ORGANIZATION),
                "p50_s": round(statistics.median(ours), 4),
                "max_s": round(max(ours), 4),
                "baseline_p50_s": round(statistics.median(floor), 4),
                "refused_over_the_limit": refused,
                "median_nodes": statistics.median(n for n, _ in sizes) if sizes else 0,
                "median_ties": statistics.median(t for _, t in sizes) if sizes else 0,
                "max_nodes": max((n for n, _ in sizes), default=0),
                "target_s": TARGET_S,
                "p95_within_target": p95 <= TARGET_S,
            },
        )
    ]


async def _sample(store: GraphStore, bench: Bench) -> list[tuple[Label, str]]:
    """People with interactions and organisations with people, drawn with the run's seed."""
    rnd = random.Random(bench.seed)
    people = [row["id"] for row in await store.read(_PEOPLE)]
    organizations = [row["id"] for row in await store.read(_ORGANIZATIONS)]
    wanted_people = QUICK_PEOPLE if bench.quick else PEOPLE
    wanted_organizations = QUICK_ORGANIZATIONS if bench.quick else ORGANIZATIONS
    chosen: list[tuple[Label, str]] = [
        (Label.PERSON, person) for person in rnd.sample(people, min(wanted_people, len(people)))
    ]
    chosen += [
        (Label.ORGANIZATION, organization)
        for organization in rnd.sample(organizations, min(wanted_organizations, len(organizations)))
    ]
    return chosen


async def _floor(store: GraphStore, label: Label, record_id: str) -> Any:
    statement = _PERSON_TIES if label is Label.PERSON else _ORGANIZATION_TIES
    day = datetime.now(UTC).date().isoformat()
    return await store.read(statement, {"id": record_id, "asOf": day})


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0
