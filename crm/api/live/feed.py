"""The change feed of one API process: a poller reads the change log on from the last sequence
it saw and hands each entry to every subscription's bounded queue. The log is written by every
process and by ``crm load``, so subscribers hear of changes made anywhere.

A subscription that resumes ``after`` a sequence first reads the log from the store until it
has caught up, then takes its queue (registered before, so nothing falls between the two; a
sequence already delivered is skipped). A subscription whose queue is full has fallen behind:
it is ended with ``Lagging``, which names the last sequence it received, to resume from.

A subscription is held by a key: the key is checked again when it starts (a WebSocket may
outlive its key), and the entry that revokes it ends the subscription with ``KeyRevoked``.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import suppress
from dataclasses import dataclass, field

from crm.errors import CrmError, InvalidInput
from crm.graph.store import GraphStore
from crm.queries.changes import ChangeEntry, entries_after, log_bounds
from crm.queries.keys import key_by_id, revokes

logger = logging.getLogger(__name__)

PAGE = 500
"""How many entries one read of the log takes."""


class Lagging(CrmError):
    """The subscriber fell behind its queue's bound; it may resume after ``last``."""

    def __init__(self, last: int) -> None:
        super().__init__(f"the subscription fell behind and was ended; resume with after: {last}")
        self.last = last


class KeyRevoked(CrmError):
    """The key that holds the subscription has been revoked."""

    def __init__(self) -> None:
        super().__init__("the API key has been revoked; the subscription is ended")


class TooManySubscriptions(CrmError):
    """A limit on subscriptions (per key or per process) is reached."""


@dataclass(eq=False)
class _Subscriber:
    key: str
    queue: asyncio.Queue[ChangeEntry]
    lagging: bool = False


@dataclass
class ChangeFeed:
    store: GraphStore
    poll_s: float = 0.1
    queue_size: int = 1000
    per_key: int = 10
    per_process: int = 1000
    _subscribers: set[_Subscriber] = field(default_factory=set)
    _last: int | None = None
    _task: asyncio.Task[None] | None = None
    _starting: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def stream(
        self, key_id: str | None, after: int | None, *, latest: bool = False
    ) -> AsyncGenerator[ChangeEntry]:
        """Every entry after ``after`` (``None``: from now on), in sequence order, until the
        caller stops, for the key ``key_id`` (``None``: anonymous); ``Lagging`` if it falls
        behind. ``latest``: only the last of the entries waiting each time the caller asks (it
        wants to know that something changed, not what)."""
        key = key_id or "anonymous"
        self._admit(key)
        subscriber = _Subscriber(key, asyncio.Queue(self.queue_size))
        self._subscribers.add(subscriber)
        try:
            await self._start()
            assert self._last is not None
            delivered = self._last if after is None else await self._check(after)
            await self._check_key(key_id)
            while True:  # the backlog, from the store
                page = await entries_after(self.store, delivered, PAGE)
                for entry in _held(page, key_id, latest):
                    delivered = entry.sequence
                    yield entry
                if len(page) < PAGE:
                    break
            while True:
                if subscriber.lagging and subscriber.queue.empty():
                    raise Lagging(delivered)
                waiting = [await subscriber.queue.get()]
                while latest and not subscriber.queue.empty():
                    waiting.append(subscriber.queue.get_nowait())
                fresh = [entry for entry in waiting if entry.sequence > delivered]
                for entry in _held(fresh, key_id, latest):
                    delivered = entry.sequence
                    yield entry
        finally:
            self._subscribers.discard(subscriber)

    async def _check_key(self, key_id: str | None) -> None:
        if key_id is None:
            return
        stored = await key_by_id(self.store, key_id)
        if stored is None or stored.revoked_at is not None:
            raise KeyRevoked

    def _admit(self, key: str) -> None:
        if len(self._subscribers) >= self.per_process:
            raise TooManySubscriptions(
                f"this server holds its most subscriptions ({self.per_process}); try later"
            )
        if sum(1 for s in self._subscribers if s.key == key) >= self.per_key:
            raise TooManySubscriptions(f"a key may hold at most {self.per_key} subscriptions")

    async def _check(self, after: int) -> int:
        """``after`` if the log still holds every entry after it; else an error naming the
        oldest available."""
        if after < 0:
            raise InvalidInput("after: a sequence is 0 or more")
        oldest, last = await log_bounds(self.store)
        if after > last:
            raise InvalidInput(f"after: {after} is beyond the last change ({last})")
        if after < last and (oldest is None or oldest > after + 1):
            available = "none is left" if oldest is None else f"the oldest available is {oldest}"
            raise InvalidInput(
                f"after: the changes after {after} are past the retention; {available} "
                f"(resume with after: {(oldest or last + 1) - 1})"
            )
        return after

    async def _start(self) -> None:
        async with self._starting:  # subscriptions that start together start one poller
            if self._task is None:
                self._last = (await log_bounds(self.store))[1]
                self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                await self._read()
            except CrmError:
                logger.exception("reading the change log failed; trying again")
            await asyncio.sleep(self.poll_s)

    async def _read(self) -> None:
        assert self._last is not None
        while self._subscribers:
            page = await entries_after(self.store, self._last, PAGE)
            for entry in page:
                self._last = entry.sequence
                for subscriber in list(self._subscribers):
                    if subscriber.lagging:
                        continue
                    try:
                        subscriber.queue.put_nowait(entry)
                    except asyncio.QueueFull:
                        subscriber.lagging = True
            if len(page) < PAGE:
                return
        if not self._subscribers:  # nobody listens: keep the position current
            self._last = (await log_bounds(self.store))[1]

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task


def _held(entries: list[ChangeEntry], key_id: str | None, latest: bool) -> list[ChangeEntry]:
    """What a subscriber of ``key_id`` is handed of ``entries`` (in order): all, or the last
    (``latest``); ``KeyRevoked`` if one of them revokes its key."""
    if key_id is not None and any(revokes(entry, key_id) for entry in entries):
        raise KeyRevoked
    return entries[-1:] if latest else entries
