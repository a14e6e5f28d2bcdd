"""The change log: every write the product makes records itself as a ``CHANGE`` entry in the
statement that makes it, so an entry is there if and only if its change committed, on every
engine (FalkorDB has no transaction around two statements).

An entry is a tie from the one ``:ChangeSequence`` node to itself, not a node: on FalkorDB a
statement that sets a property and creates a node costs milliseconds more, growing with the
graph's nodes, where creating a tie does not (BENCHMARKS.md, the change log's cost).

An entry holds ``sequence``, a number that only grows: the statement increments the one
``:ChangeSequence`` node and takes its value. Writing the counter locks it on Neo4j until the
statement commits, so writers that log take turns and entries commit in the order of their
numbers (FalkorDB runs one write at a time anyway); a reader that has seen entry *n* never later
finds an entry below *n*. Then ``at`` (the time), ``operation`` (a mutation's name, ``load``,
``createKey``...), ``keyId`` (an API key's id, ``anonymous``, ``loader`` or ``cli``), ``ids``
(global ids of records and names of ties, ``crm.domain.global_ids``), ``fields`` (the names of
the properties written, never their values) and ``requestId``.

Entries are internal, like ``:ApiKey``: no list, lookup, count or export of records shows them.
The audit trail (``crm.api.audit``) is this log read newest first; entries older than the
retention setting are pruned (``prune_changes``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, LiteralString

from crm.domain.labels import InternalLabel, InternalType
from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record

LABEL = InternalLabel.CHANGE_SEQUENCE.value
TYPE = InternalType.CHANGE.value
PROPERTIES = ("sequence", "at", "operation", "keyId", "ids", "fields", "requestId", "id", "value")
"""An entry's properties, and its counter's ``id`` and ``value`` (what Neo4j's linter checks)."""

_ENTRIES: LiteralString = "MATCH (:ChangeSequence {id: 'changes'})-[e:CHANGE]->() "
"""The start of a read of the entries, as ``e``."""

LOADER = "loader"
"""The key id of a ``crm load`` or a contact import run from the command line."""
CLI = "cli"
"""The key id of a change made by a command run on the server (keys, repairs)."""


@dataclass(frozen=True)
class Change:
    """Who makes a change, when and by which operation: what every logged write is given."""

    operation: str
    key_id: str
    at: str
    request_id: str = ""

    def parameters(self, ids: Iterable[str] = (), fields: Iterable[str] = ()) -> dict[str, Any]:
        """The ``$change`` parameter of a statement that logs itself with ``logged``: ``ids``
        and ``fields`` are what it changes when the statement does not work them out itself."""
        return {
            "change": {
                "operation": self.operation,
                "keyId": self.key_id,
                "at": self.at,
                "requestId": self.request_id,
                "ids": list(dict.fromkeys(ids)),
                "fields": sorted(set(fields)),
            }
        }


def logged(
    carry: LiteralString,
    ids: LiteralString = "$change.ids",
    fields: LiteralString = "$change.fields",
) -> LiteralString:
    """Cypher that, after one row of the variables in ``carry`` (a write just made), appends an
    entry naming ``ids`` and ``fields`` (list expressions) to the log, unless ``ids`` is empty
    (nothing changed); the row goes on with ``carry``. The statement takes ``$change``."""
    return (
        "WITH " + carry + ", " + ids + " AS changeIds, " + fields + " AS changeFields "
        "FOREACH (_ IN CASE WHEN size(changeIds) > 0 THEN [1] ELSE [] END | "
        "MERGE (seq:ChangeSequence {id: 'changes'}) "
        # The first write locks the counter (Neo4j) before the second reads it.
        "SET seq.at = $change.at "
        "SET seq.value = coalesce(seq.value, 0) + 1 "
        "CREATE (seq)-[:CHANGE {sequence: seq.value, at: $change.at, operation: $change.operation, "
        "keyId: $change.keyId, requestId: $change.requestId, ids: changeIds, "
        "fields: changeFields}]->(seq)) "
        "WITH " + carry + " "
    )


def unwound(carry: LiteralString, lists: LiteralString, into: LiteralString) -> LiteralString:
    """Cypher that, after one row of ``carry`` and the list of lists ``lists`` (what the rows of
    a batch changed, each row naming its own records), goes on with one row of ``carry`` and
    ``into``, the items of those lists in order: in time linear in the items, where a
    ``reduce`` that appends would copy the list at every row."""
    return (
        "UNWIND CASE WHEN size(" + lists + ") = 0 THEN [[]] ELSE " + lists + " END AS rowItems "
        "UNWIND CASE WHEN size(rowItems) = 0 THEN [null] ELSE rowItems END AS item "
        "WITH " + carry + ", collect(item) AS " + into + " "
    )


def flattened(lists: LiteralString) -> LiteralString:
    """A list expression: the distinct items of the lists in the list expression ``lists``
    (for short lists that repeat: the names of the fields a batch's rows changed)."""
    return "reduce(acc = [], items IN " + lists + " | acc + [x IN items WHERE NOT x IN acc])"


def renaming_in_log(carry: LiteralString) -> LiteralString:
    """Cypher that, after rows of the variables in ``carry``, puts ``$logNew`` for the id
    ``$logOld`` in every entry (an erased person's id is personal data: their placeholder's
    takes its place); the rows go on."""
    return (
        "WITH " + carry + " OPTIONAL " + _ENTRIES + "WHERE $logOld IN e.ids "
        "WITH " + carry + ", collect(e) AS entries "
        "FOREACH (e IN entries | SET e.ids = "
        "[x IN e.ids | CASE WHEN x = $logOld THEN $logNew ELSE x END]) "
    )


@dataclass(frozen=True)
class ChangeEntry:
    sequence: int
    at: str
    operation: str
    key_id: str
    ids: list[str]
    fields: list[str]
    request_id: str


@dataclass(frozen=True)
class ChangeFilter:
    """Conditions an entry must meet; ``None`` means none. ``since`` and ``until`` are ISO
    timestamps, inclusive."""

    since: str | None = None
    until: str | None = None
    key_id: str | None = None
    operation: str | None = None
    before: int | None = None
    """Only entries older than this sequence (the last one already seen, newest first)."""

    def where(self, dialect: Dialect) -> tuple[LiteralString, dict[str, Any]]:
        at = dialect.ordered_text("e.at")
        clauses: list[LiteralString] = []
        parameters: dict[str, Any] = {}
        for clause, name, value in (
            ("e.at >= $since", "since", self.since),
            (at + " <= $until", "until", self.until),
            ("e.keyId = $keyId", "keyId", self.key_id),
            ("e.operation = $operation", "operation", self.operation),
            ("e.sequence < $before", "before", self.before),
        ):
            if value is not None:
                clauses.append(clause)
                parameters[name] = value
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), parameters


async def page_entries(store: GraphStore, where: ChangeFilter, limit: int) -> list[ChangeEntry]:
    """Up to ``limit`` entries, newest first."""
    clause, parameters = where.where(store.dialect)
    rows = await store.read(
        _ENTRIES + clause + " RETURN properties(e) AS e ORDER BY e.sequence DESC LIMIT $limit",
        parameters | {"limit": limit},
    )
    return [_entry(row["e"]) for row in rows]


async def count_entries(store: GraphStore, where: ChangeFilter) -> int:
    clause, parameters = where.where(store.dialect)
    rows = await store.read(_ENTRIES + clause + " RETURN count(e) AS n", parameters)
    return int(rows[0]["n"]) if rows else 0


async def entries_after(store: GraphStore, sequence: int, limit: int) -> list[ChangeEntry]:
    """Up to ``limit`` entries after ``sequence``, oldest first (reading the log on)."""
    rows = await store.read(
        _ENTRIES + "WHERE e.sequence > $after "
        "RETURN properties(e) AS e ORDER BY e.sequence LIMIT $limit",
        {"after": sequence, "limit": limit},
    )
    return [_entry(row["e"]) for row in rows]


async def prune_changes(store: GraphStore, before: str) -> int:
    """Delete the entries made before the moment ``before`` (ISO); how many went. (The log's
    own upkeep: not logged.)"""
    at = store.dialect.ordered_text("e.at")
    rows = await store.write(
        _ENTRIES + "WHERE " + at + " < $before DELETE e RETURN count(*) AS n",
        {"before": before},
    )
    return int(rows[0]["n"]) if rows else 0


async def move_entry_nodes(store: GraphStore, batch_size: int) -> int:
    """Turn the entries a graph of schema version 2 or earlier keeps as ``:Change`` nodes into
    ties on the counter, with the same properties; how many moved (``crm migrate``)."""
    moved = 0
    while True:
        rows = await store.write(
            "MATCH (old:Change) WITH old LIMIT $batch "
            "MATCH (seq:ChangeSequence {id: 'changes'}) "
            "CREATE (seq)-[e:CHANGE]->(seq) SET e = properties(old) "
            "DELETE old RETURN count(*) AS n",
            {"batch": batch_size},
        )
        count = int(rows[0]["n"]) if rows else 0
        moved += count
        if count < batch_size:
            return moved


def _entry(record: Record) -> ChangeEntry:
    return ChangeEntry(
        sequence=int(record["sequence"]),
        at=record["at"],
        operation=record["operation"],
        key_id=record["keyId"],
        ids=list(record.get("ids") or []),
        fields=list(record.get("fields") or []),
        request_id=record.get("requestId") or "",
    )


async def log_bounds(store: GraphStore) -> tuple[int | None, int]:
    """The oldest entry's sequence (``None`` when the log holds none) and the last sequence
    given out (0 before the first change)."""
    oldest = await store.read(_ENTRIES + "RETURN min(e.sequence) AS n")
    last = await store.read("MATCH (s:ChangeSequence {id: 'changes'}) RETURN s.value AS n")
    first = oldest[0]["n"] if oldest else None
    return (None if first is None else int(first)), (int(last[0]["n"] or 0) if last else 0)
