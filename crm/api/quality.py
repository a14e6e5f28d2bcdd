"""Data quality in the API: ``duplicateCandidates`` (editors: the pairs show which personal data
match) and ``dataQuality`` (admins). ``markNotDuplicate`` and ``mergeRecords`` are mutations
(``crm.api.mutations.merge``)."""

import asyncio
from collections import OrderedDict
from enum import Enum
from typing import Any

import strawberry

from crm.api.context import Info
from crm.api.ids import global_id
from crm.api.nodes import Node
from crm.api.pagination import PageInfo, decode_cursor, encode_cursor, make_page, page_size
from crm.api.records import api_node
from crm.domain import Label
from crm.domain.duplicates import DEFAULT_MIN_SCORE, NAME_OFFSET, Pair, find_duplicates
from crm.errors import InvalidInput
from crm.graph.store import GraphStore
from crm.queries import doctor as doctor_queries
from crm.queries.duplicates import (
    fingerprint,
    not_duplicates,
    read_candidates,
)


@strawberry.enum(description="The labels whose duplicates are looked for.")
class DuplicateLabel(Enum):
    PERSON = "Person"
    ORGANIZATION = "Organization"
    CLUSTER = "Cluster"


@strawberry.type(description="Two records that are probably one, and why.")
class DuplicatePair:
    a: Node = strawberry.field(description="One record (the one with the smaller record id).")
    b: Node = strawberry.field(description="The other record.")
    score: float = strawberry.field(description="From 0 to 1: how sure; 1 is certain.")
    reasons: list[str] = strawberry.field(description="What the two share or not, in words.")


@strawberry.type(description="A pair in the list of duplicate candidates.")
class DuplicatePairEdge:
    cursor: str
    node: DuplicatePair


@strawberry.type(description="A page of duplicate candidates, best first.")
class DuplicatePairConnection:
    edges: list[DuplicatePairEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many pairs score enough in all, from the top of the list."
    )


CACHE_SIZE = 6
_cache: OrderedDict[tuple[int, Label, float, tuple[Any, ...]], list[Pair]] = OrderedDict()
"""Pairs found, by store, label, threshold and the label's fingerprint (how many records, when
the last changed): a next page, or a repeat, is not scored again while nothing changed."""


async def duplicate_pairs(store: GraphStore, label: Label, min_score: float) -> list[Pair]:
    """Every pair of ``label`` scoring ``min_score`` or more (marked pairs left out), best
    first; scored in a worker thread."""
    key = (id(store), label, min_score, await fingerprint(store, label))
    if key in _cache:
        _cache.move_to_end(key)
        pairs = _cache[key]
    else:
        candidates = await read_candidates(store, label)
        pairs = await asyncio.to_thread(
            find_duplicates, candidates, min_score, frozenset(), NAME_OFFSET[label.value]
        )
        _cache[key] = pairs
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    hidden = await not_duplicates(store, label)
    return [pair for pair in pairs if (pair.a, pair.b) not in hidden]


async def _candidates(
    info: Info,
    label: DuplicateLabel,
    min_score: float = DEFAULT_MIN_SCORE,
    first: int | None = None,
    after: str | None = None,
) -> Any:
    if not 0 <= min_score <= 1:
        raise InvalidInput(f"minScore must be between 0 and 1, not {min_score}")
    context = info.context
    size = page_size(first, context.settings.max_page_size)
    node_label = Label(label.value)
    scope = f"duplicates.{node_label.value}.{min_score}"
    cursor = decode_cursor(after, scope)
    pairs = await duplicate_pairs(context.store, node_label, min_score)
    total = len(pairs)
    if cursor is not None:
        key = (-float(cursor[0]), *cursor[1].split("|", 1))
        pairs = [pair for pair in pairs if (-pair.score, pair.a, pair.b) > key]
    shown = pairs[: size + 1]
    ids = sorted({pair.a for pair in shown} | {pair.b for pair in shown})
    records = await context.loaders.node(node_label).load_many(ids)
    by_id = {record["id"]: record for record in records if record is not None}

    def edge(pair: Pair) -> dict[str, Any]:
        return {
            "node": DuplicatePair(
                a=api_node(node_label, by_id[pair.a]),  # type: ignore[arg-type]
                b=api_node(node_label, by_id[pair.b]),  # type: ignore[arg-type]
                score=pair.score,
                reasons=list(pair.reasons),
            )
        }

    present = [pair for pair in shown if pair.a in by_id and pair.b in by_id]
    page = make_page(
        present,
        size,
        after,
        edge=edge,
        cursor=lambda pair: encode_cursor(scope, f"{pair.score}", f"{pair.a}|{pair.b}"),
        count=_no_count,
    )
    return DuplicatePairConnection(
        edges=[DuplicatePairEdge(cursor=e["cursor"], node=e["node"]) for e in page.edges],
        page_info=page.page_info,
        total_count=total,
    )


async def _no_count() -> int:
    """The pairs are counted when found; ``make_page`` wants a way to count."""
    return 0


@strawberry.type(description="A record a finding concerns.")
class FindingRecord:
    id: strawberry.ID = strawberry.field(description="The record's global id.")
    record_id: str
    label: str
    name: str
    detail: str = strawberry.field(description="What is wrong with it, where that says more.")


@strawberry.type(description="Records with one kind of data-quality problem.")
class Finding:
    code: str = strawberry.field(description="Names the kind of problem, for programs.")
    title: str
    fix: str = strawberry.field(description="How to fix it.")
    total: int = strawberry.field(description="How many there are.")
    records: list[FindingRecord] = strawberry.field(description="The first of them.")


@strawberry.type(description="What the data-quality report found.")
class DataQualityReport:
    clean: bool = strawberry.field(description="True when there is nothing to report.")
    findings: list[Finding]


async def data_quality(
    store: GraphStore, min_score: float = DEFAULT_MIN_SCORE
) -> list[doctor_queries.Finding]:
    """The report on ``store``, duplicates found at ``min_score``."""

    async def duplicates(label: Label) -> list[Pair]:
        return await duplicate_pairs(store, label, min_score)

    return await doctor_queries.doctor(store, duplicates, min_score=min_score)


async def _report(info: Info, min_score: float = DEFAULT_MIN_SCORE) -> DataQualityReport:
    findings = await data_quality(info.context.store, min_score)
    return DataQualityReport(
        clean=not findings,
        findings=[
            Finding(
                code=f.code,
                title=f.title,
                fix=f.fix,
                total=f.total,
                records=[
                    FindingRecord(
                        id=strawberry.ID(global_id(e.label, e.id)),
                        record_id=e.id,
                        label=e.label.value,
                        name=e.name,
                        detail=e.detail,
                    )
                    for e in f.examples
                ],
            )
            for f in findings
        ],
    )


def quality_query_fields() -> dict[str, Any]:
    return {
        "duplicateCandidates": strawberry.field(
            resolver=_candidates,
            graphql_type=DuplicatePairConnection,
            description="Pairs of records that are probably the same, best first, with the "
            "reasons; pairs marked as not duplicates are left out (editors).",
        ),
        "dataQuality": strawberry.field(
            resolver=_report,
            graphql_type=DataQualityReport,
            description="What is missing, contradictory or doubled in the graph, and how to fix "
            "it (admins): the report `crm doctor` prints.",
        ),
    }
