"""Ids of merged records: a record merged into another (``crm.queries.merge``) lives on as an
entry of the kept record's ``mergedIds``, so that its id still resolves."""

from collections.abc import Iterable
from itertools import batched
from typing import LiteralString

from crm.domain import Label
from crm.graph.cypher import render
from crm.graph.store import GraphStore
from crm.queries.lookup import CHUNK

MERGED_IDS: LiteralString = "mergedIds"
"""The property of a kept record that lists the ids of the records merged into it."""

MERGEABLE = frozenset({Label.PERSON, Label.ORGANIZATION, Label.CLUSTER})
"""The labels whose records are merged as duplicates, and whose ``mergedIds`` are indexed."""

_KEPT = "UNWIND $ids AS id MATCH (n:%label%) WHERE id IN n.mergedIds RETURN id, n.id AS kept"


async def kept_ids(store: GraphStore, label: Label, ids: Iterable[str]) -> dict[str, str]:
    """For the ids among ``ids`` of records merged into another: the id of the kept record."""
    statement = render(_KEPT, label=label)
    kept: dict[str, str] = {}
    for chunk in batched(sorted(set(ids)), CHUNK):
        rows = await store.read(statement, {"ids": list(chunk)})
        kept.update((row["id"], row["kept"]) for row in rows)
    return kept
