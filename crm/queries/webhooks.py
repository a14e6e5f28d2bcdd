"""Webhook endpoints as ``:Webhook`` nodes: an internal label like ``:ApiKey``, outside the
domain model, so no list, lookup, count or export of records shows them.

A node holds what an admin registered (``url``, the filter's ``labels`` and ``ids``, the
``secret`` that signs deliveries), whether it is paused, and its delivery state: ``cursor``, the
last sequence of the change log it has delivered or passed over (so a restarted server resumes
there), and what the last attempts did. Registering, pausing, resuming and deleting are logged
(``crm.queries.changes``); the deliveries' own bookkeeping is not.

One API process at a time delivers an endpoint: the one holding its lease (``leaseHolder``
until ``leaseUntil``, seconds since the epoch), taken in one statement that first writes the
node (on Neo4j that locks it until the statement commits, so two processes cannot both find the
lease free). Delivery results are written only while the lease is held.
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged

LABEL = "Webhook"
PROPERTIES = (
    "id",
    "url",
    "secret",
    "labels",
    "ids",
    "createdAt",
    "pausedAt",
    "pauseReason",
    "cursor",
    "attempts",
    "failures",
    "delivered",
    "failingSince",
    "nextAttemptAt",
    "lastAttemptAt",
    "lastStatus",
    "lastError",
    "deliveredAt",
    "leaseHolder",
    "leaseUntil",
    "leaseAsked",
)
"""The internal label and the properties its nodes may have (what Neo4j's linter checks)."""

_CREATE: LiteralString = (
    "CREATE (w:Webhook {id: $id, url: $url, secret: $secret, labels: $labels, ids: $ids, "
    "createdAt: $now, attempts: 0, failures: 0, delivered: 0}) "
    + logged("w")
    # From the change after its own registration on.
    + "MATCH (seq:ChangeSequence {id: 'changes'}) SET w.cursor = seq.value "
    "RETURN properties(w) AS w"
)
_ALL = "MATCH (w:Webhook) RETURN properties(w) AS w ORDER BY w.createdAt, w.id"
_ACTIVE = "MATCH (w:Webhook) WHERE w.pausedAt IS NULL RETURN w.id AS id"
_BY_ID = "MATCH (w:Webhook {id: $id}) RETURN properties(w) AS w"
_PAUSE: LiteralString = (
    "MATCH (w:Webhook {id: $id}) WITH w, w.pausedAt IS NULL AS pausing "
    "SET w.pausedAt = coalesce(w.pausedAt, $now), "
    "w.pauseReason = CASE WHEN pausing THEN $reason ELSE w.pauseReason END "
    + logged("w", ids="CASE WHEN pausing THEN $change.ids ELSE [] END")
    + "RETURN properties(w) AS w"
)
_RESUME: LiteralString = (
    "MATCH (w:Webhook {id: $id}) WITH w, w.pausedAt IS NOT NULL AS resuming "
    "FOREACH (_ IN CASE WHEN resuming THEN [1] ELSE [] END | "
    "SET w.pausedAt = null, w.pauseReason = null, w.attempts = 0, w.failingSince = null, "
    "w.nextAttemptAt = null) "
    + logged("w", ids="CASE WHEN resuming THEN $change.ids ELSE [] END")
    + "RETURN properties(w) AS w"
)
_DELETE: LiteralString = (
    "MATCH (w:Webhook {id: $id}) WITH w, w.id AS gone DETACH DELETE w "
    + logged("gone")
    + "RETURN gone"
)
_LEASE = """
MATCH (w:Webhook {id: $id})
SET w.leaseAsked = $now
WITH w, w.pausedAt IS NULL
     AND (coalesce(w.leaseHolder = $holder, false) OR coalesce(w.leaseUntil, 0) < $now) AS mine
FOREACH (_ IN CASE WHEN mine THEN [1] ELSE [] END |
    SET w.leaseHolder = $holder, w.leaseUntil = $until)
RETURN properties(w) AS w, mine
"""
_RELEASE = """
MATCH (w:Webhook {id: $id}) WHERE w.leaseHolder = $holder
SET w.leaseUntil = 0
RETURN w.id AS id
"""
_PASSED = """
MATCH (w:Webhook {id: $id}) WHERE w.leaseHolder = $holder AND w.cursor < $cursor
SET w.cursor = $cursor
RETURN w.id AS id
"""
_DELIVERED = """
MATCH (w:Webhook {id: $id}) WHERE w.leaseHolder = $holder
SET w.cursor = $cursor, w.attempts = 0, w.failingSince = null, w.nextAttemptAt = null,
    w.delivered = coalesce(w.delivered, 0) + 1, w.lastAttemptAt = $at, w.deliveredAt = $at,
    w.lastStatus = $status
RETURN w.id AS id
"""
_FAILED = """
MATCH (w:Webhook {id: $id}) WHERE w.leaseHolder = $holder
SET w.attempts = coalesce(w.attempts, 0) + 1, w.failures = coalesce(w.failures, 0) + 1,
    w.failingSince = coalesce(w.failingSince, $now), w.nextAttemptAt = $next,
    w.lastAttemptAt = $at, w.lastStatus = $status, w.lastError = $error
WITH w, $now - w.failingSince >= $window AS expired
FOREACH (_ IN CASE WHEN expired THEN [1] ELSE [] END |
    SET w.pausedAt = $at, w.pauseReason = $reason)
RETURN properties(w) AS w
"""


@dataclass(frozen=True)
class StoredWebhook:
    """What the graph holds of an endpoint (its secret included: it signs, so it is kept)."""

    webhook_id: str
    url: str
    secret: str
    labels: list[str] | None
    ids: list[str] | None
    created_at: str
    paused_at: str | None
    pause_reason: str | None
    cursor: int
    attempts: int
    failures: int
    delivered: int
    failing_since: float | None
    next_attempt_at: float | None
    last_attempt_at: str | None
    last_status: int | None
    last_error: str | None
    delivered_at: str | None
    lease_holder: str | None
    lease_until: float

    @classmethod
    def from_record(cls, record: Record) -> "StoredWebhook":
        status = record.get("lastStatus")
        return cls(
            webhook_id=record["id"],
            url=record["url"],
            secret=record["secret"],
            labels=record.get("labels"),
            ids=record.get("ids"),
            created_at=record["createdAt"],
            paused_at=record.get("pausedAt"),
            pause_reason=record.get("pauseReason"),
            cursor=int(record.get("cursor") or 0),
            attempts=int(record.get("attempts") or 0),
            failures=int(record.get("failures") or 0),
            delivered=int(record.get("delivered") or 0),
            failing_since=record.get("failingSince"),
            next_attempt_at=record.get("nextAttemptAt"),
            last_attempt_at=record.get("lastAttemptAt"),
            last_status=None if status is None else int(status),
            last_error=record.get("lastError"),
            delivered_at=record.get("deliveredAt"),
            lease_holder=record.get("leaseHolder"),
            lease_until=float(record.get("leaseUntil") or 0),
        )


def webhook_name(webhook_id: str) -> str:
    """How the change log names an endpoint: ``Webhook:<id>``."""
    return f"{LABEL}:{webhook_id}"


@dataclass(frozen=True)
class NewWebhook:
    webhook_id: str
    url: str
    secret: str
    labels: list[str] | None
    ids: list[str] | None


async def create_webhook(store: GraphStore, webhook: NewWebhook, change: Change) -> StoredWebhook:
    fields = ["url", "secret", *(["labels"] if webhook.labels is not None else [])]
    rows = await store.write(
        _CREATE,
        {
            "id": webhook.webhook_id,
            "url": webhook.url,
            "secret": webhook.secret,
            "labels": webhook.labels,
            "ids": webhook.ids,
            "now": change.at,
        }
        | change.parameters(
            [webhook_name(webhook.webhook_id)], [*fields, *(["ids"] if webhook.ids else [])]
        ),
    )
    return StoredWebhook.from_record(rows[0]["w"])


async def all_webhooks(store: GraphStore) -> list[StoredWebhook]:
    return [StoredWebhook.from_record(row["w"]) for row in await store.read(_ALL)]


async def active_webhook_ids(store: GraphStore) -> list[str]:
    """The endpoints not paused."""
    return [row["id"] for row in await store.read(_ACTIVE)]


async def webhook_by_id(store: GraphStore, webhook_id: str) -> StoredWebhook | None:
    rows = await store.read(_BY_ID, {"id": webhook_id})
    return StoredWebhook.from_record(rows[0]["w"]) if rows else None


async def pause_webhook(
    store: GraphStore, webhook_id: str, reason: str, change: Change
) -> StoredWebhook | None:
    """Pause the endpoint (one already paused keeps its moment and reason); ``None`` if there is
    no such endpoint."""
    rows = await store.write(
        _PAUSE,
        {"id": webhook_id, "now": change.at, "reason": reason}
        | change.parameters([webhook_name(webhook_id)], ["pausedAt"]),
    )
    return StoredWebhook.from_record(rows[0]["w"]) if rows else None


async def resume_webhook(
    store: GraphStore, webhook_id: str, change: Change
) -> StoredWebhook | None:
    """Deliver again from the endpoint's cursor, its failures forgotten."""
    rows = await store.write(
        _RESUME, {"id": webhook_id} | change.parameters([webhook_name(webhook_id)], ["pausedAt"])
    )
    return StoredWebhook.from_record(rows[0]["w"]) if rows else None


async def delete_webhook(store: GraphStore, webhook_id: str, change: Change) -> bool:
    rows = await store.write(
        _DELETE, {"id": webhook_id} | change.parameters([webhook_name(webhook_id)])
    )
    return bool(rows)


async def take_lease(
    store: GraphStore, webhook_id: str, holder: str, now: float, until: float
) -> tuple[StoredWebhook, bool] | None:
    """The endpoint, and whether ``holder`` now holds its lease until ``until`` (it is free,
    expired or already ``holder``'s, and the endpoint is not paused); ``None`` if it is gone."""
    rows = await store.write(
        _LEASE, {"id": webhook_id, "holder": holder, "now": now, "until": until}
    )
    return (StoredWebhook.from_record(rows[0]["w"]), bool(rows[0]["mine"])) if rows else None


async def release_lease(store: GraphStore, webhook_id: str, holder: str) -> None:
    """Let another process take the endpoint at once (a server stopping)."""
    await store.write(_RELEASE, {"id": webhook_id, "holder": holder})


async def pass_over(store: GraphStore, webhook_id: str, holder: str, cursor: int) -> None:
    """Move the cursor past entries the endpoint's filter does not want."""
    await store.write(_PASSED, {"id": webhook_id, "holder": holder, "cursor": cursor})


async def record_delivered(
    store: GraphStore, webhook_id: str, holder: str, *, cursor: int, at: str, status: int
) -> bool:
    """The entry ``cursor`` was delivered; false if the lease was lost meanwhile (another
    process will deliver it again: at least once)."""
    rows = await store.write(
        _DELIVERED,
        {"id": webhook_id, "holder": holder, "cursor": cursor, "at": at, "status": status},
    )
    return bool(rows)


@dataclass(frozen=True)
class Failure:
    at: str
    """When the attempt was made (ISO)."""
    now: float
    """The same moment in seconds since the epoch."""
    next_attempt: float
    status: int | None
    error: str


async def record_failed(
    store: GraphStore, webhook_id: str, holder: str, failure: Failure, window_s: float
) -> StoredWebhook | None:
    """An attempt failed: count it, and pause the endpoint if it has failed for ``window_s``
    seconds; the endpoint as it is now, or ``None`` if the lease was lost."""
    rows = await store.write(
        _FAILED,
        {
            "id": webhook_id,
            "holder": holder,
            "now": failure.now,
            "next": failure.next_attempt,
            "at": failure.at,
            "status": failure.status,
            "error": failure.error,
            "window": window_s,
            "reason": f"deliveries failed for {window_s:g} s; last error: {failure.error}",
        },
    )
    return StoredWebhook.from_record(rows[0]["w"]) if rows else None
