"""The graph's schema version: which version of the CRM's data layout the stored graph has.

It is one ``:SchemaVersion`` node (an internal label, outside the domain model: no list, count
or export shows it), written when a store opens a graph that holds no records yet (a new graph
has the current layout) and by ``crm migrate`` after it has upgraded an older graph. A graph
with records and no such node was written before versions were recorded: version 1.

Versions:

1. Before versions were recorded: a graph may lack the search keys (``searchText``) and the
   natural-key properties (``nameKey``, ``emailKey``) that every write stores since, and may
   hold duplicate ties (two ``INTERACTED`` ties with one id, two ties of another type between
   one pair of ends) that concurrent writers could make.
2. Every node has its derived keys; ties are one per id (one per pair of ends); the unique
   constraint on interaction ids holds. The change log's entries are ``:Change`` nodes.
3. The change log's entries are ``CHANGE`` ties on its counter (``crm.queries.changes``).
"""

from typing import LiteralString

from crm.domain import Label
from crm.domain.values import now_timestamp
from crm.errors import OutdatedGraph
from crm.graph.cypher import render
from crm.graph.store import GraphStore

CURRENT = 3
UNRECORDED = 1
"""The version of a graph that holds records and no version: written before versions were."""
LABEL = "SchemaVersion"
PROPERTIES = ("id", "version", "recordedAt")
"""The internal label and the properties its node has (what Neo4j's linter checks)."""

_READ = "MATCH (v:SchemaVersion {id: 'graph'}) RETURN v.version AS version"
_RECORD = """
MERGE (v:SchemaVersion {id: 'graph'})
SET v.version = $version, v.recordedAt = $now
RETURN v.version AS version
"""
_ANY_RECORD: LiteralString = " UNION ALL ".join(
    render("MATCH (n:%label%) WITH n LIMIT 1 RETURN 1 AS found", label=label) for label in Label
)


async def stored_version(store: GraphStore) -> int | None:
    """The version the graph records, or ``None`` when it records none."""
    rows = await store.read(_READ)
    return int(rows[0]["version"]) if rows else None


async def holds_records(store: GraphStore) -> bool:
    """Whether the graph holds any record of the domain (API keys and the like do not count)."""
    return bool(await store.read(_ANY_RECORD))


async def graph_version(store: GraphStore) -> int:
    """The graph's version: the one it records; else ``UNRECORDED`` when it holds records, and
    ``CURRENT`` when it is empty (whatever is written into it now has the current layout)."""
    recorded = await stored_version(store)
    if recorded is not None:
        return recorded
    return UNRECORDED if await holds_records(store) else CURRENT


async def record_version(store: GraphStore, version: int) -> None:
    await store.write(_RECORD, {"version": version, "now": now_timestamp()})


async def stamp_if_new(store: GraphStore) -> None:
    """Record the current version on a graph that records none and holds no records yet."""
    if await stored_version(store) is None and not await holds_records(store):
        await record_version(store, CURRENT)


async def require_current(store: GraphStore) -> None:
    """Raise ``OutdatedGraph``, naming ``crm migrate``, unless the graph has the current
    version (a newer one is refused too: this version would not understand it)."""
    version = await graph_version(store)
    if version < CURRENT:
        raise OutdatedGraph(
            f"the graph was written by an earlier version of the CRM (schema version {version}; "
            f"this one needs {CURRENT}): run `crm migrate` with the same --data-dir or "
            "--graph-url to upgrade it (back it up first)"
        )
    if version > CURRENT:
        raise OutdatedGraph(
            f"the graph has schema version {version}, newer than this version of the CRM "
            f"understands ({CURRENT}); run the version that wrote it"
        )
