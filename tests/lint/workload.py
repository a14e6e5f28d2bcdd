"""A built-in workload, so that the lint has the code's statements to check even when it runs
alone: load the InTra-Net demo, export it, count it, and ask the API a set of questions and
changes (lists with filters, orders and cursors, nested ties, lookups, impact, mutations)."""

import time
from pathlib import Path
from typing import Any

from crm.api.context import Context
from crm.api.retention import prune_once
from crm.api.schema import SCHEMA
from crm.config import Settings
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Caller, Role
from crm.queries.changes import entries_after, log_bounds
from crm.queries.stats import count_nodes, count_relationships
from crm.queries.webhooks import (
    Failure,
    active_webhook_ids,
    pass_over,
    record_delivered,
    record_failed,
    release_lease,
    take_lease,
    webhook_by_id,
)
from graph_loader.datasets import INTRANET
from graph_loader.export import export_graph
from graph_loader.load import load

ADMIN = Caller(None, Role.ADMIN)
"""The workload runs every mutation, erasure included."""

FIRST_PAGE = """
query ($from: Date, $to: Date) {
  events(first: 3, where: {dateFrom: $from, dateTo: $to}, orderBy: {field: DATE, direction: DESC}) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id title attendees(first: 2) { totalCount nodes { id givenName } } }
  }
  people(first: 2, where: {nameContains: "sorensen"}, orderBy: {field: RECORD_ID}) {
    totalCount pageInfo { endCursor } nodes { id }
  }
}
"""
NEXT_PAGES = """
query ($events: String, $people: String) {
  events(first: 3, after: $events, orderBy: {field: DATE, direction: DESC}) { nodes { id } }
  people(first: 2, after: $people, orderBy: {field: RECORD_ID}) {
    nodes { id interactions(first: 2) { totalCount edges { kind outgoing node { id } } } }
  }
}
"""
QUESTIONS = [
    """{ project(id: "intranet") { name impact { workshops networkMeetings conferences
         initiatives conferenceAttendees topics totalInvestmentEur cofinancingRate } } }""",
    """{ cluster(id: "alucluster") { name members(first: 2) { totalCount edges { since
         node { name people(first: 2) { edges { role node { givenName } } } } } } } }""",
    """{ organizations(first: 5, where: {country: "DK", placeContains: "sonderborg"},
         orderBy: {field: UPDATED_AT, direction: DESC}) { totalCount nodes { name } } }""",
    """{ initiatives(first: 2, orderBy: {field: CREATED_AT}) { nodes { name
         events { nodes { title topics { nodes { name } } } } } } }""",
]
REGISTER_WEBHOOK = """
mutation { registerWebhook(url: "http://127.0.0.1:9/hook", labels: ["Topic"]) {
  webhook { id } secret errors { code } } }
"""
CHANGES = """
mutation ($event: ID!, $a: ID!, $b: ID!) {
  createTopic(input: {recordId: "lint-topic", name: "Lint", source: "lint"}) {
    created errors { code } }
  updateTopic(id: "lint-topic", input: {name: "Lint again"}) { errors { code } }
  linkCovered(from: $event, to: "lint-topic") { outcome errors { code } }
  unlinkCovered(from: $event, to: "lint-topic") { removed errors { code } }
  recordInteraction(from: $a, to: $b,
      interaction: {recordId: "lint-i", kind: CALL, date: "2020-01-02", source: "lint"}) {
    interactionId errors { code } }
  updateInteraction(id: "lint-i", properties: {note: "checked"}) { errors { code } }
  deleteInteraction(id: "lint-i") { removed errors { code } }
  deleteTopic(id: "lint-topic") { detachedTies errors { code } }
}
"""


async def run_workload(data_dir: Path) -> None:
    """Run the workload on a store of its own in ``data_dir``."""
    settings = Settings(data_dir=data_dir, webhooks_allow_private=True)
    store = await open_store(settings)
    try:
        report = await load([INTRANET], store, batch_size=settings.batch_size)
        assert not report.problems, report.problems
        await export_graph(store, settings.batch_size)
        await count_nodes(store)
        await count_relationships(store)
        first = await _ask(store, settings, FIRST_PAGE, {"from": "2012-01-01", "to": "2014-12-31"})
        await _ask(
            store,
            settings,
            NEXT_PAGES,
            {
                "events": first["events"]["pageInfo"]["endCursor"],
                "people": first["people"]["pageInfo"]["endCursor"],
            },
        )
        for question in QUESTIONS:
            await _ask(store, settings, question)
        people = first["events"]["nodes"][0]["attendees"]["nodes"]
        await _ask(
            store,
            settings,
            CHANGES,
            {
                "event": first["events"]["nodes"][0]["id"],
                "a": people[0]["id"],
                "b": people[1]["id"],
            },
        )
        # What the change feed of a server process reads (crm.api.live.feed), and pruning.
        await log_bounds(store)
        await entries_after(store, 0, 10)
        await prune_once(store, settings)
        await _webhooks(store, settings)
    finally:
        await store.close()


async def _webhooks(store: GraphStore, settings: Settings) -> None:
    """What admins ask of webhooks, and what the server's deliveries write."""
    registered = await _ask(store, settings, REGISTER_WEBHOOK)
    webhook_id = registered["registerWebhook"]["webhook"]["id"]
    await _ask(store, settings, "{ webhooks { id delivery { status sequence } } }")
    await active_webhook_ids(store)
    await webhook_by_id(store, webhook_id)
    now = time.time()
    await take_lease(store, webhook_id, "lint", now, now + 30)
    await pass_over(store, webhook_id, "lint", 1)
    await record_delivered(
        store, webhook_id, "lint", cursor=2, at="2020-01-01T00:00:00Z", status=200
    )
    failure = Failure("2020-01-01T00:00:01Z", now, now + 1, 500, "HTTP 500")
    await record_failed(store, webhook_id, "lint", failure, 60)
    await release_lease(store, webhook_id, "lint")
    for change in ("pauseWebhook", "resumeWebhook"):
        await _ask(
            store, settings, f'mutation {{ {change}(id: "{webhook_id}") {{ errors {{ code }} }} }}'
        )
    await _ask(store, settings, f'mutation {{ deleteWebhook(id: "{webhook_id}") {{ removed }} }}')


async def _ask(
    store: GraphStore, settings: Settings, document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    result = await SCHEMA.execute(
        document, variable_values=variables, context_value=Context(store, settings, caller=ADMIN)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data
