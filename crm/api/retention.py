"""The change log's retention: while the API server runs, entries older than
``change_retention_days`` are pruned once an hour (and once at start-up)."""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from crm.config import Settings
from crm.domain.values import format_timestamp
from crm.errors import CrmError
from crm.graph.store import GraphStore
from crm.queries.changes import prune_changes

logger = logging.getLogger(__name__)

PRUNE_EVERY_S = 3600.0


async def prune_once(store: GraphStore, settings: Settings, now: datetime | None = None) -> int:
    """Delete the entries older than the retention; how many went."""
    moment = (now or datetime.now(UTC)) - timedelta(days=settings.change_retention_days)
    return await prune_changes(store, format_timestamp(moment))


async def keep_pruning(store: GraphStore, settings: Settings) -> None:
    """Prune now and every ``PRUNE_EVERY_S`` until cancelled; a failed round is logged and
    tried again at the next."""
    while True:
        try:
            pruned = await prune_once(store, settings)
            if pruned:
                logger.info("pruned %d change log entries past their retention", pruned)
        except CrmError:
            logger.exception("pruning the change log failed; trying again in an hour")
        await asyncio.sleep(PRUNE_EVERY_S)
