"""API keys as ``:ApiKey`` nodes: an internal label, outside the domain model, so no list,
lookup, count or export of records ever shows them."""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.keys import NewKey, Role
from crm.queries.changes import Change, ChangeEntry, logged

LABEL = "ApiKey"
PROPERTIES = ("id", "role", "name", "hash", "createdAt", "revokedAt")
"""The internal label and the properties its nodes may have (what Neo4j's linter checks)."""

_CREATE: LiteralString = (
    "CREATE (k:ApiKey {id: $id, role: $role, name: $name, hash: $hash, createdAt: $now}) "
    + logged("k")
    + "RETURN properties(k) AS k"
)
_BY_ID = "MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS k"
_ALL = "MATCH (k:ApiKey) RETURN properties(k) AS k ORDER BY k.createdAt, k.id"
_REVOKE: LiteralString = (
    "MATCH (k:ApiKey {id: $id}) WITH k, k.revokedAt IS NULL AS revoking "
    "SET k.revokedAt = coalesce(k.revokedAt, $now) "
    + logged("k", ids="CASE WHEN revoking THEN $change.ids ELSE [] END")
    + "RETURN properties(k) AS k"
)


@dataclass(frozen=True)
class StoredKey:
    """What the graph holds of a key: never its secret, only the secret's salted hash."""

    key_id: str
    role: Role
    name: str
    hash: str
    created_at: str
    revoked_at: str | None

    @classmethod
    def from_record(cls, record: Record) -> "StoredKey":
        return cls(
            key_id=record["id"],
            role=Role(record["role"]),
            name=record.get("name") or "",
            hash=record["hash"],
            created_at=record["createdAt"],
            revoked_at=record.get("revokedAt"),
        )


def key_name(key_id: str) -> str:
    """How the change log names a key: ``ApiKey:<id>``."""
    return f"{LABEL}:{key_id}"


def revokes(entry: ChangeEntry, key_id: str) -> bool:
    """Whether the change log's ``entry`` is the revocation of the key ``key_id``."""
    return key_name(key_id) in entry.ids and "revokedAt" in entry.fields


async def create_key(
    store: GraphStore, key: NewKey, role: Role, name: str, change: Change
) -> StoredKey:
    """Store ``key``'s id and hash (never its secret)."""
    rows = await store.write(
        _CREATE,
        {"id": key.key_id, "role": role.value, "name": name, "hash": key.hash, "now": change.at}
        | change.parameters([key_name(key.key_id)], ["role", "name"]),
    )
    return StoredKey.from_record(rows[0]["k"])


async def key_by_id(store: GraphStore, key_id: str) -> StoredKey | None:
    rows = await store.read(_BY_ID, {"id": key_id})
    return StoredKey.from_record(rows[0]["k"]) if rows else None


async def all_keys(store: GraphStore) -> list[StoredKey]:
    return [StoredKey.from_record(row["k"]) for row in await store.read(_ALL)]


async def revoke_key(store: GraphStore, key_id: str, change: Change) -> StoredKey | None:
    """Mark the key revoked (a revoked key stays revoked, at its first revocation's time);
    ``None`` if there is no such key."""
    rows = await store.write(
        _REVOKE,
        {"id": key_id, "now": change.at} | change.parameters([key_name(key_id)], ["revokedAt"]),
    )
    return StoredKey.from_record(rows[0]["k"]) if rows else None
