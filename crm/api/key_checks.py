"""Failed key checks, limited per client address and per key id: each may cost an uncached
scrypt (tens of milliseconds of CPU and 16 MiB), so a client guessing keys is refused (429 with
``Retry-After``) once it has ``CRM_MAX_FAILED_KEY_CHECKS`` failures within
``CRM_FAILED_KEY_WINDOW_S``, before its key is checked again."""

import math
import time
from collections import deque
from dataclasses import dataclass, field

from crm.api.metrics import REFUSALS
from crm.config import Settings

MAX_TRACKED = 10_000
"""The most addresses and key ids remembered at once; the least recently failing go first."""


@dataclass
class FailedKeyChecks:
    """When the recent failures of each address and key id happened (``time.monotonic``)."""

    settings: Settings
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def wait_s(self, address: str, key_id: str | None) -> int | None:
        """Seconds until ``address`` and ``key_id`` may be checked again; ``None``: now.
        A refusal is counted in the metrics."""
        now = time.monotonic()
        waits = [self._wait(name, now) for name in _names(address, key_id)]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            REFUSALS.labels("failed_key_checks").inc()
        return wait

    def failed(self, address: str, key_id: str | None) -> None:
        now = time.monotonic()
        for name in _names(address, key_id):
            times = self._failures.pop(name, None) or deque()
            times.append(now)
            self._failures[name] = times  # last: the most recent
        while len(self._failures) > MAX_TRACKED:
            del self._failures[next(iter(self._failures))]

    def _wait(self, name: str, now: float) -> int | None:
        times = self._failures.get(name)
        if times is None:
            return None
        window = self.settings.failed_key_window_s
        while times and times[0] <= now - window:
            times.popleft()
        if not times:
            del self._failures[name]
            return None
        if len(times) < self.settings.max_failed_key_checks:
            return None
        # the oldest failure that must leave the window for one more check
        oldest = times[len(times) - self.settings.max_failed_key_checks]
        return max(1, math.ceil(oldest + window - now))


def _names(address: str, key_id: str | None) -> list[str]:
    return [f"address {address}"] + ([] if key_id is None else [f"key {key_id}"])
