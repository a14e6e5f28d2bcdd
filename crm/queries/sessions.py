"""Web sessions that were signed out before their cookie expires, as ``:EndedSession`` nodes (an
internal label like ``:ApiKey``), so that a copy of a signed-out cookie no longer signs anyone
in. A node is kept until the cookie it names would have expired anyway, then purged."""

from dataclasses import dataclass

from crm.graph.store import GraphStore
from crm.queries.keys import StoredKey

LABEL = "EndedSession"
PROPERTIES = ("id", "until")
"""The internal label and the properties its nodes may have (what Neo4j's linter checks)."""

_KEY_AND_SESSION = """
MATCH (k:ApiKey {id: $key})
OPTIONAL MATCH (e:EndedSession {id: $session})
RETURN properties(k) AS k, e IS NOT NULL AS ended
"""
_END = """
MERGE (e:EndedSession {id: $session})
SET e.until = $until
WITH e
OPTIONAL MATCH (old:EndedSession)
WHERE old.until < $now
DELETE old
"""


@dataclass(frozen=True)
class KeyOfSession:
    """A session's key as stored, and whether the session was signed out."""

    key: StoredKey
    ended: bool


async def key_of_session(store: GraphStore, key_id: str, session_id: str) -> KeyOfSession | None:
    """The key a session signed in with and whether the session ended (one read); ``None``
    when there is no such key."""
    rows = await store.read(_KEY_AND_SESSION, {"key": key_id, "session": session_id})
    if not rows:
        return None
    return KeyOfSession(StoredKey.from_record(rows[0]["k"]), bool(rows[0]["ended"]))


async def end_session(store: GraphStore, session_id: str, until: str, now: str) -> None:
    """Record that ``session_id`` ended (its cookie would have lasted ``until``), and purge the
    records of sessions whose cookies have expired by ``now``; one statement."""
    await store.write(_END, {"session": session_id, "until": until, "now": now})
