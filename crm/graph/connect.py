"""Open the store that ``CRM_GRAPH_URL`` names, with the constraints and indexes in place (and
a new graph's schema version recorded)."""

from urllib.parse import urlsplit

from crm.config import Settings
from crm.errors import InvalidInput
from crm.graph.falkordb import URL_SCHEMES as FALKORDB_SCHEMES
from crm.graph.falkordb import FalkorDBStore
from crm.graph.schema import load_schema
from crm.graph.schema_version import stamp_if_new
from crm.graph.store import GraphStore

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "bolt", "bolt+s")
"""``neo4j`` routes (clusters, Aura); ``bolt`` talks to one server; ``+s`` encrypts."""
SCHEMES = (*FALKORDB_SCHEMES, *NEO4J_SCHEMES)


async def open_store(settings: Settings) -> GraphStore:
    """The embedded engine when no URL is set; otherwise the engine the URL's scheme names."""
    store: GraphStore
    scheme = None if settings.graph_url is None else urlsplit(settings.graph_url).scheme
    if scheme is None or scheme in FALKORDB_SCHEMES:
        store = await FalkorDBStore.open(settings)
    elif scheme in NEO4J_SCHEMES:
        # here, not at the top: the Neo4j driver takes a second to import, which the embedded
        # engine's every command and server would wait for
        from crm.graph.neo4j import Neo4jStore  # noqa: PLC0415

        store = await Neo4jStore.open(settings)
    else:
        known = ", ".join(f"{name}://" for name in SCHEMES)
        raise InvalidInput(
            f"CRM_GRAPH_URL: unsupported scheme {scheme + '://' if scheme else '(none)'}; "
            f"use one of {known}, or leave it unset for the embedded engine"
        )
    try:
        await store.ping()
        await store.ensure_schema(load_schema())
        await stamp_if_new(store)
    except BaseException:
        await store.close()
        raise
    return store
