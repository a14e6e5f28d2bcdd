"""What every resolver gets: the store, fresh loaders, the settings; made anew per request."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import strawberry

from crm.api.live.feed import ChangeFeed
from crm.api.loaders import Loaders
from crm.config import Settings
from crm.domain.values import format_timestamp
from crm.graph.store import GraphStore
from crm.keys import Caller, Role


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    loaders: Loaders = field(init=False)
    caller: Caller = field(default=Caller(None, Role.READER))
    """Who sends the request (``access.authenticate``)."""
    request_id: str = field(default_factory=lambda: uuid4().hex)
    """Names the request in the answer (``X-Request-ID``), the log and the change log."""
    feed: ChangeFeed | None = None
    """The process's change feed, for subscriptions (``crm.api.live``)."""
    connection_params: dict[str, Any] | None = None
    """A WebSocket's ``connection_init`` payload (where its key may be)."""
    authorization: str | None = None
    """The ``Authorization`` header of a WebSocket's handshake or an SSE request, if any."""
    address: str = "unknown"
    """A subscriber's address (failed key checks are counted by it)."""

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    @staticmethod
    def now() -> str:
        """The moment written as ``createdAt``/``updatedAt`` by this request's changes."""
        return format_timestamp(datetime.now(UTC))


Info = strawberry.Info[Context, None]
