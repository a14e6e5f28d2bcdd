"""Counters of what the service did, for a ``/metrics`` endpoint to export (none serves them
yet): each has a Prometheus-style name and help text."""

import threading
from dataclasses import dataclass, field


@dataclass
class Counter:
    """A count that only goes up, from the process's start."""

    name: str
    help: str
    _value: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def value(self) -> int:
        return self._value

    def increment(self) -> None:
        with self._lock:
            self._value += 1


COMPILED_READ_FAILURES = Counter(
    "crm_compiled_read_failures_total",
    "Compiled reads that failed with a bug (not a store error, not a query the compiler leaves "
    "to the resolvers); the resolvers answered them instead.",
)
"""Each failure is also logged once, with its request id (``crm.api.compiled``)."""
