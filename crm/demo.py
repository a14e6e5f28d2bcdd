"""The demo's rules (what ``crm demo`` does beyond its options): a graph an earlier version wrote
is migrated; the InTra-Net dataset is loaded unless it is there already; on loopback, requests
without a key may read; the local user gets an admin key, made and shown on the first run only
(the graph keeps its hash)."""

import ipaddress
from dataclasses import dataclass

from crm.config import Settings
from crm.domain import Label
from crm.domain.values import now_timestamp
from crm.graph.store import GraphStore
from crm.keys import Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import all_keys, create_key
from crm.queries.nodes import nodes_by_id
from graph_loader.datasets import INTRANET
from graph_loader.load import LoadReport, load
from graph_loader.migrate import Migration, migrate

DATASET = INTRANET
PROJECT = "intranet"
"""The record id of the InTra-Net project: when it is in the graph, the demo is loaded."""
QUERY = '{ project(id: "intranet") { name impact { workshops initiatives totalInvestmentEur } } }'
"""A first query to try."""
KEY_NAME = "local user (crm demo)"


@dataclass(frozen=True)
class AdminKey:
    """The local user's admin key: its id, and its token when this run made it (only then can it
    be shown)."""

    key_id: str
    token: str | None


@dataclass(frozen=True)
class Prepared:
    """What preparing the demo did: the load (``None``: the demo was there) and the key."""

    report: LoadReport | None
    key: AdminKey
    migration: Migration


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with the anonymous reader when the server listens on loopback only and no
    anonymous role is set."""
    if settings.anonymous_role is None and is_loopback(settings.host):
        return settings.model_copy(update={"anonymous_role": Role.READER})
    return settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def prepare(store: GraphStore, batch_size: int) -> Prepared:
    """The graph migrated if an earlier version wrote it, the local user's admin key (made
    unless it exists), and the demo loaded unless it is."""
    migration = await migrate(store, batch_size)
    key = await admin_key(store)
    if await nodes_by_id(store, Label.PROJECT, [PROJECT]):
        return Prepared(None, key, migration)
    return Prepared(await load([DATASET], store, batch_size=batch_size), key, migration)


async def admin_key(store: GraphStore) -> AdminKey:
    """The local user's admin key: the one made by an earlier run (not revoked), or a new one."""
    for stored in await all_keys(store):
        if stored.name == KEY_NAME and stored.role == Role.ADMIN and not stored.revoked_at:
            return AdminKey(stored.key_id, None)
    key = new_key()
    await create_key(store, key, Role.ADMIN, KEY_NAME, Change("createKey", CLI, now_timestamp()))
    return AdminKey(key.key_id, key.token)
