"""The audit trail as ``:AuditEntry`` nodes: an internal label like ``:ApiKey``, outside the
domain model, so no list, lookup, count or export of records shows them. Entries hold ids and
names of operations, never personal values."""

from dataclasses import dataclass
from typing import Any, LiteralString

from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record

LABEL = "AuditEntry"
PROPERTIES = ("id", "at", "keyId", "operation", "ids", "requestId")
"""The internal label and the properties its nodes may have (what Neo4j's linter checks)."""

_RECORD = """
CREATE (e:AuditEntry {id: $id, at: $at, keyId: $keyId, operation: $operation, ids: $ids,
                      requestId: $requestId})
RETURN e.id AS id
"""


def renaming_in_trail(carry: LiteralString) -> LiteralString:
    """Cypher that, after rows of the variables in ``carry``, puts ``$trailNew`` for the id
    ``$trailOld`` in every entry (an erased person's id is personal data: their placeholder's
    takes its place); the rows go on."""
    return (
        "WITH " + carry + " OPTIONAL MATCH (e:AuditEntry) WHERE $trailOld IN e.ids "
        "WITH " + carry + ", collect(e) AS entries "
        "FOREACH (e IN entries | SET e.ids = "
        "[x IN e.ids | CASE WHEN x = $trailOld THEN $trailNew ELSE x END]) "
    )


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: str
    key_id: str
    operation: str
    ids: list[str]
    request_id: str


@dataclass(frozen=True)
class AuditFilter:
    """Conditions an entry must meet; ``None`` means none. ``since`` and ``until`` are ISO
    timestamps, inclusive."""

    since: str | None = None
    until: str | None = None
    key_id: str | None = None
    operation: str | None = None
    after: tuple[str, str] | None = None
    """The time and id of the last entry already seen (entries come newest first)."""

    def where(self, dialect: Dialect) -> tuple[LiteralString, dict[str, Any]]:
        at, entry_id = dialect.ordered_text("e.at"), dialect.ordered_text("e.id")
        clauses: list[LiteralString] = []
        parameters: dict[str, Any] = {}
        for clause, name, value in (
            ("e.at >= $since", "since", self.since),
            (at + " <= $until", "until", self.until),
            ("e.keyId = $keyId", "keyId", self.key_id),
            ("e.operation = $operation", "operation", self.operation),
        ):
            if value is not None:
                clauses.append(clause)
                parameters[name] = value
        if self.after is not None:
            clauses.append(
                "(" + at + " < $afterAt OR (e.at = $afterAt AND " + entry_id + " < $afterId))"
            )
            parameters |= {"afterAt": self.after[0], "afterId": self.after[1]}
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), parameters


async def record_entry(store: GraphStore, entry: AuditEntry) -> None:
    await store.write(
        _RECORD,
        {
            "id": entry.id,
            "at": entry.at,
            "keyId": entry.key_id,
            "operation": entry.operation,
            "ids": entry.ids,
            "requestId": entry.request_id,
        },
    )


async def page_entries(store: GraphStore, where: AuditFilter, limit: int) -> list[AuditEntry]:
    """Up to ``limit`` entries, newest first."""
    clause, parameters = where.where(store.dialect)
    rows = await store.read(
        "MATCH (e:AuditEntry) "
        + clause
        + " RETURN properties(e) AS e ORDER BY e.at DESC, e.id DESC LIMIT $limit",
        parameters | {"limit": limit},
    )
    return [_entry(row["e"]) for row in rows]


async def count_entries(store: GraphStore, where: AuditFilter) -> int:
    clause, parameters = where.where(store.dialect)
    rows = await store.read("MATCH (e:AuditEntry) " + clause + " RETURN count(e) AS n", parameters)
    return int(rows[0]["n"]) if rows else 0


def _entry(record: Record) -> AuditEntry:
    return AuditEntry(
        id=record["id"],
        at=record["at"],
        key_id=record["keyId"],
        operation=record["operation"],
        ids=list(record.get("ids") or []),
        request_id=record.get("requestId") or "",
    )
