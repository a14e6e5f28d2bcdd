"""Reaching the store under a running app directly, to check what the API wrote."""

from collections.abc import Awaitable, Callable

from crm.graph.store import GraphStore
from tests.api.conftest import Api


def on_store[T](api: Api, work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Run ``work`` on the app's store, in the app's event loop."""
    portal = api.client.portal
    assert portal is not None
    return portal.call(work, api.store)
