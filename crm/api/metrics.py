"""What the service did, in the Prometheus text format at ``/metrics`` (``crm.api.app``) or on
``CRM_METRICS_PORT``: requests by operation and outcome, their latency, errors by code, refusals
by limit, compiled reads that failed. The store's statements and the engine's restarts are
counted where they happen (``crm.graph.statements``); all share prometheus-client's registry."""

import re
from collections.abc import Iterable
from functools import lru_cache

from graphql import GraphQLError, OperationDefinitionNode
from prometheus_client import Counter, Histogram

from crm.api.limits import parse_document

REQUESTS = Counter(
    "crm_requests",
    "GraphQL operations run (over HTTP and for the web pages), by operation name and outcome "
    "(ok, error: with errors, refused: over a cap, budget_exceeded).",
    ["operation", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "crm_request_duration_seconds",
    "How long GraphQL operations took, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ERRORS = Counter("crm_errors", "GraphQL errors answered, by extensions.code.", ["code"])
REFUSALS = Counter(
    "crm_rate_limit_refusals",
    "Requests refused with 429: expensive (a cap on network questions running at once), "
    "failed_key_checks (too many failed key checks from an address or for a key id).",
    ["limit"],
)
COMPILED_READ_FAILURES = Counter(
    "crm_compiled_read_failures",
    "Compiled reads that failed with a bug (not a store error, not a query the compiler leaves "
    "to the resolvers); the resolvers answered them instead.",
)
"""Each failure is also logged once, with its request id (``crm.api.compiled``)."""

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATIONS = 200
"""Operation names are the client's to choose: past this many distinct ones, the others are
counted as ``other`` (so a client cannot grow the metrics without bound)."""
_seen: set[str] = set()


@lru_cache(maxsize=256)
def _only_name(query: str, max_tokens: int) -> str | None:
    """The name of the one operation of ``query``, if it has one operation and it is named."""
    try:
        document = parse_document(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None:
        return None
    return operations[0].name.value


def operation_label(name: str | None, query: str, max_tokens: int) -> str:
    """The ``operation`` label: the operation name the request gave, or its document's."""
    name = name or _only_name(query, max_tokens)
    if name is None:
        return "(unnamed)"
    if name in _seen:
        return name
    if not _NAME.match(name) or len(_seen) >= MAX_OPERATIONS:
        return "other"
    _seen.add(name)
    return name


def observe(label: str, outcome: str, seconds: float, errors: Iterable[GraphQLError]) -> None:
    """Count one operation (``operation_label``): its outcome, latency and its errors' codes."""
    REQUESTS.labels(label, outcome).inc()
    REQUEST_SECONDS.labels(label).observe(seconds)
    for error in errors:
        ERRORS.labels(str((error.extensions or {}).get("code", "NONE"))).inc()
