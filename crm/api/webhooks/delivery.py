"""Delivering the change log to webhook endpoints, from the API server (``crm serve``).

Each endpoint has a task of its own in every API process; the one holding the endpoint's lease
(``crm.queries.webhooks``) delivers, the others only look whether the lease has expired (their
holder stopped). The holder reads the log on from the endpoint's cursor, sends the first entry
its filter wants, and moves the cursor to it only once the endpoint answered 2xx: deliveries
are in sequence order, at least once (an entry whose answer is lost is sent again). A failed
attempt (no answer within ``CRM_WEBHOOKS_TIMEOUT_S``, or not 2xx) is retried after a pause that
doubles each time, from ``CRM_WEBHOOKS_FIRST_RETRY_S`` up to an hour, with the same
``webhook-id``; an endpoint that has failed for ``CRM_WEBHOOKS_RETRY_HOURS`` is paused. A slow
or failing endpoint holds up only its own task.
"""

import asyncio
import json
import logging
import time
from contextlib import suppress
from datetime import UTC, datetime
from uuid import uuid4

import httpx2 as httpx

from crm.api.live.subscriptions import filter_names, is_wanted
from crm.api.webhooks.addresses import check_url
from crm.api.webhooks.signing import signed_headers
from crm.config import Settings
from crm.domain import Label
from crm.domain.values import format_timestamp
from crm.errors import CrmError, InvalidInput
from crm.graph.store import GraphStore
from crm.queries.changes import ChangeEntry, entries_after
from crm.queries.webhooks import (
    Failure,
    StoredWebhook,
    active_webhook_ids,
    pass_over,
    record_delivered,
    record_failed,
    release_lease,
    take_lease,
    webhook_by_id,
)

logger = logging.getLogger(__name__)

PAGE = 100
"""How many entries one read of the log takes."""
LONGEST_WAIT_S = 3600.0
"""The longest pause between two attempts."""
SHORTEST_LEASE_S = 30.0
MAX_ERROR = 500
"""The most characters of an error the delivery log keeps."""


def payload(entry: ChangeEntry) -> bytes:
    """What an endpoint receives of a change: what the change log holds, never a value."""
    data = {
        "sequence": entry.sequence,
        "at": entry.at,
        "operation": entry.operation,
        "ids": entry.ids,
        "fields": entry.fields,
    }
    body = {"type": "change", "timestamp": entry.at, "data": data}
    return json.dumps(body, separators=(",", ":")).encode()


def message_id(webhook_id: str, sequence: int) -> str:
    """The ``webhook-id`` of an entry's delivery to an endpoint: the same on every retry, so the
    receiver can tell a repeat."""
    return f"msg_{webhook_id}_{sequence}"


class Deliveries:
    """The deliveries of one API process, until ``close``."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.poll_s = settings.webhooks_poll_ms / 1000
        self.lease_s = max(SHORTEST_LEASE_S, 3 * settings.webhooks_timeout_s)
        self.holder = uuid4().hex
        self._held: dict[str, float] = {}
        """When this process's lease on each endpoint ends (as far as it knows)."""
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._client = httpx.AsyncClient(
            timeout=settings.webhooks_timeout_s, follow_redirects=False, trust_env=False
        )
        self._supervisor: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._supervisor = asyncio.create_task(self._supervise())

    async def close(self) -> None:
        tasks = [task for task in (self._supervisor, *self._tasks.values()) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        for webhook_id, until in self._held.items():
            if until > time.time():
                with suppress(CrmError):
                    await release_lease(self.store, webhook_id, self.holder)
        await self._client.aclose()

    async def _supervise(self) -> None:
        """A task for every endpoint not paused (one paused or deleted ends its task)."""
        while True:
            for webhook_id, task in list(self._tasks.items()):
                if task.done():
                    del self._tasks[webhook_id]
                    if not task.cancelled() and task.exception() is not None:
                        logger.error(
                            "webhook %s: delivery failed", webhook_id, exc_info=task.exception()
                        )
            try:
                for webhook_id in await active_webhook_ids(self.store):
                    if webhook_id not in self._tasks:
                        self._tasks[webhook_id] = asyncio.create_task(self._endpoint(webhook_id))
            except CrmError:
                logger.exception("listing the webhooks failed; trying again")
            await asyncio.sleep(self.poll_s)

    async def _endpoint(self, webhook_id: str) -> None:
        while True:
            try:
                if not await self._step(webhook_id):
                    self._held.pop(webhook_id, None)
                    return
            except CrmError:
                logger.exception("webhook %s: reading or writing its state failed", webhook_id)
                await asyncio.sleep(self.poll_s)

    async def _step(self, webhook_id: str) -> bool:
        """One delivery, or one look at the log or the lease; false once the endpoint is
        paused or gone."""
        now = time.time()
        stored = await webhook_by_id(self.store, webhook_id)
        if stored is not None and (
            stored.lease_holder != self.holder or stored.lease_until - now < self.lease_s / 2
        ):
            stored = await self._lease(stored, now)
        if stored is None or stored.paused_at is not None:
            return False
        if stored.lease_holder != self.holder:  # another process delivers it
            await asyncio.sleep(self.poll_s)
            return True
        # The lease holds for half its length at least: longer than an attempt may take.
        if stored.next_attempt_at is not None and stored.next_attempt_at > now:
            await asyncio.sleep(min(self.poll_s, stored.next_attempt_at - now))
            return True
        entries = await entries_after(self.store, stored.cursor, PAGE)
        labels = filter_names(Label, stored.labels, "labels")
        ids = None if stored.ids is None else set(stored.ids)
        wanted = next((entry for entry in entries if is_wanted(entry, labels, None, ids)), None)
        if wanted is not None:
            await self._attempt(stored, wanted)
            return True
        if entries:
            await pass_over(self.store, webhook_id, self.holder, entries[-1].sequence)
        if len(entries) < PAGE:
            await asyncio.sleep(self.poll_s)
        return True

    async def _lease(self, stored: StoredWebhook, now: float) -> StoredWebhook | None:
        """The endpoint, with this process's lease on it taken or renewed if it is free or
        expired, else as it is; ``None`` if it is gone."""
        if stored.lease_holder != self.holder and stored.lease_until > now:
            return stored
        until = now + self.lease_s
        taken = await take_lease(self.store, stored.webhook_id, self.holder, now, until)
        if taken is None:
            return None
        endpoint, mine = taken
        if mine:
            self._held[stored.webhook_id] = until
        return endpoint

    async def _attempt(self, stored: StoredWebhook, entry: ChangeEntry) -> None:
        now = time.time()
        at = format_timestamp(datetime.now(UTC))
        body = payload(entry)
        headers = signed_headers(
            stored.secret, message_id(stored.webhook_id, entry.sequence), int(now), body
        ) | {"content-type": "application/json", "user-agent": "crm-webhooks"}
        status: int | None = None
        timeout_s = self.settings.webhooks_timeout_s
        try:
            async with asyncio.timeout(timeout_s):  # the whole attempt, name lookup included
                # Again at every attempt: where the host points may have changed since.
                await check_url(stored.url, self.settings.webhooks_allow_private)
                response = await self._client.post(stored.url, content=body, headers=headers)
            status = response.status_code
            if response.is_success:
                if not await record_delivered(
                    self.store,
                    stored.webhook_id,
                    self.holder,
                    cursor=entry.sequence,
                    at=at,
                    status=status,
                ):
                    self._held.pop(stored.webhook_id, None)
                return
            error = f"HTTP {status} {response.reason_phrase}".strip()
        except InvalidInput as refused:
            error = f"refused: {refused}"
        except TimeoutError:
            error = f"no answer within {timeout_s:g} s"
        except (httpx.HTTPError, httpx.InvalidURL) as failed:
            error = f"{type(failed).__name__}: {failed}".removesuffix(": ")
        doublings = min(stored.attempts, 32)  # past the longest wait anyway; no overflow
        wait = min(self.settings.webhooks_first_retry_s * 2**doublings, LONGEST_WAIT_S)
        failure = Failure(at, now, now + wait, status, error[:MAX_ERROR])
        window_s = self.settings.webhooks_retry_hours * 3600
        after = await record_failed(self.store, stored.webhook_id, self.holder, failure, window_s)
        if after is None:
            self._held.pop(stored.webhook_id, None)
        elif after.paused_at is not None:
            logger.warning("webhook %s paused: %s", stored.webhook_id, after.pause_reason)
        else:
            logger.info(
                "webhook %s: delivering %d failed (%s); retrying in %g s",
                stored.webhook_id,
                entry.sequence,
                failure.error,
                wait,
            )
