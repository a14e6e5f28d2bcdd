"""The audit trail through the real app on the real engine: the change log, one entry per write
that changed something, with ids and field names and no values, readable by admins page by page
and filtered."""

import base64
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crm.api.ids import global_id
from crm.api.retention import prune_once
from crm.config import load_settings
from crm.domain import Label
from crm.keys import Role
from crm.queries.changes import ChangeEntry, entries_after
from crm.queries.stats import count_nodes
from graph_loader.export import export_graph
from tests.api.conftest import Api, serve
from tests.api.test_mutations import fresh_vat_id
from tests.api.test_natural_keys import create_org, organization

ENTRY = "id at keyId operation ids fields requestId"
TOPICS = 'operation: "createTopic"'
LOUISE = "p-louise-opdigtet"


def entries(api: Api, arguments: str = "") -> list[dict[str, Any]]:
    document = f"{{ auditLog{arguments} {{ nodes {{ {ENTRY} }} }} }}"
    nodes: list[dict[str, Any]] = api.data(document)["auditLog"]["nodes"]
    return nodes


def create_topic(api: Api, record_id: str, name: str = "Audited") -> str:
    """Create a topic; the request id of the answer."""
    response = api.post(
        f'mutation {{ createTopic(input: {{recordId: "{record_id}", name: "{name}"}}) '
        "{ created errors { code } } }"
    )
    assert response.status_code == 200, response.text
    return response.headers["x-request-id"]


def test_a_mutation_is_recorded_with_key_time_operation_ids_and_request(writable: Api) -> None:
    editor = writable.as_role(Role.EDITOR)
    request_id = create_topic(editor, "t-audit-1")

    [entry] = entries(writable, '(operation: "createTopic", first: 1)')

    assert entry["keyId"] == writable.keys[Role.EDITOR].key_id
    assert entry["operation"] == "createTopic"
    assert entry["ids"] == [global_id(Label.TOPIC, "t-audit-1")]
    assert {"name", "source"} <= set(entry["fields"])
    assert entry["requestId"] == request_id
    assert entry["at"].endswith("Z")


def test_what_changed_nothing_leaves_no_entry(writable: Api) -> None:
    create_topic(writable, "t-audit-2")
    before = len(entries(writable, "(first: 1000)"))

    create_topic(writable, "t-audit-2")  # an idempotent repeat: created false
    create_topic(writable, "t-audit-2", "Other")  # a conflict, refused
    writable.post('mutation { createTopic(input: {name: ""}) { created } }')  # invalid
    writable.post('mutation { updateTopic(id: "t-audit-2", input: {}) { created } }')  # no change
    writable.post('mutation { deleteTopic(id: "t-nowhere") { deletedId } }')  # not found
    writable.as_role(Role.READER).post('mutation { deleteTopic(id: "t-audit-2") { deletedId } }')

    assert len(entries(writable, "(first: 1000)")) == before


def test_ties_and_interactions_name_their_ends_and_own_ids(writable: Api) -> None:
    writable.data(
        'mutation { recordInteraction(from: "p-louise-opdigtet", to: "p-michael-nedergaard", '
        'interaction: {recordId: "ix-audit", kind: CALL, date: "2015-01-02", note: "secret"}) '
        "{ outcome } }"
    )
    writable.data('mutation { deleteInteraction(id: "ix-audit") { removed } }')

    deleted, recorded = entries(writable, "(first: 2)")
    ends = [global_id(Label.PERSON, LOUISE), global_id(Label.PERSON, "p-michael-nedergaard")]
    assert (recorded["operation"], recorded["ids"]) == (
        "recordInteraction",
        [*ends, "INTERACTED:ix-audit"],
    )
    assert (deleted["operation"], deleted["ids"]) == ("deleteInteraction", ["INTERACTED:ix-audit"])


def test_entries_hold_ids_never_values(writable: Api) -> None:
    writable.data(
        f'mutation {{ updatePerson(id: "{LOUISE}", input: {{email: "new.address@firma.example", '
        'phone: "+49 30 23125 999"}) { created } }'
    )

    [entry] = entries(writable, '(operation: "updatePerson", first: 1)')
    assert entry["ids"] == [global_id(Label.PERSON, LOUISE)]
    assert set(entry["fields"]) >= {"email", "phone"}
    assert "firma" not in str(entry)
    assert "23125" not in str(entry)


def test_several_mutations_in_one_request_are_one_entry_each(writable: Api) -> None:
    writable.data(
        'mutation { a: createTopic(input: {recordId: "t-a", name: "A"}) { created } '
        'b: createTopic(input: {recordId: "t-b", name: "B"}) { created } }'
    )

    second, first = entries(writable, "(first: 2)")
    assert (first["ids"], second["ids"]) == (
        [global_id(Label.TOPIC, "t-a")],
        [global_id(Label.TOPIC, "t-b")],
    )
    assert first["requestId"] == second["requestId"]


def test_the_trail_is_for_admins_only(writable: Api) -> None:
    for role in (Role.READER, Role.EDITOR):
        body = writable.as_role(role).post("{ auditLog { totalCount } }").json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- reading the trail ---


@pytest.fixture
def three(empty: Api) -> Api:
    """Three entries: topics t-1 (editor), t-2 (admin), t-3 (editor), in this order."""
    create_topic(empty.as_role(Role.EDITOR), "t-1")
    create_topic(empty, "t-2")
    create_topic(empty.as_role(Role.EDITOR), "t-3")
    return empty


def recorded_ids(page: list[dict[str, Any]]) -> list[str]:
    return [entry["ids"][0] for entry in page]


def topic(record_id: str) -> str:
    return global_id(Label.TOPIC, record_id)


def test_pages_newest_first_with_cursors_and_a_count(three: Api) -> None:
    first = three.data(
        f"{{ auditLog(first: 2, {TOPICS}) "
        "{ totalCount pageInfo { hasNextPage endCursor } nodes { ids } } }"
    )["auditLog"]
    after = first["pageInfo"]["endCursor"]
    rest = three.data(
        f"query($after: String) {{ auditLog(first: 2, after: $after, {TOPICS}) "
        "{ pageInfo { hasNextPage } nodes { ids } } }",
        {"after": after},
    )["auditLog"]

    assert first["totalCount"] == 3
    assert recorded_ids(first["nodes"]) == [topic("t-3"), topic("t-2")]
    assert first["pageInfo"]["hasNextPage"] is True
    assert recorded_ids(rest["nodes"]) == [topic("t-1")]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_filters_by_key_operation_and_time(three: Api) -> None:
    editor = three.keys[Role.EDITOR].key_id
    everything = entries(three, f"({TOPICS})")
    middle = everything[1]["at"]

    by_key = entries(three, f'(keyId: "{editor}")')
    by_operation = entries(three, '(operation: "deleteTopic")')
    since = entries(three, f'(from: "{middle}", {TOPICS})')
    until = entries(three, f'(to: "{middle}", {TOPICS})')
    counted = three.data(f'{{ auditLog(keyId: "{editor}") {{ totalCount }} }}')

    assert recorded_ids(by_key) == [topic("t-3"), topic("t-1")]
    assert by_operation == []
    assert recorded_ids(since) == [topic("t-3"), topic("t-2")]
    assert recorded_ids(until) == [topic("t-2"), topic("t-1")]
    assert counted == {"auditLog": {"totalCount": 2}}


def test_a_bad_moment_is_a_user_error(three: Api) -> None:
    assert three.codes('{ auditLog(from: "yesterday") { totalCount } }') == ["BAD_USER_INPUT"]
    assert three.codes('{ auditLog(to: "2026-01-01T00:00:00") { totalCount } }') == [
        "BAD_USER_INPUT"
    ]


def test_entries_and_keys_are_no_records(three: Api) -> None:
    """Internal labels: no list, count, export or node id reaches them."""
    counts = three.run(count_nodes)
    document = three.run(lambda store: export_graph(store, 100))
    entry_id = entries(three, "(first: 1)")[0]["id"]

    assert counts[Label.TOPIC] == 3
    assert sum(counts.values()) == 3
    assert set(document["nodes"]) <= {label.value for label in Label}
    assert "Change" not in str(document)
    assert "scrypt" not in str(document)
    forged = base64.b64encode(f"Change:{entry_id}".encode()).decode()
    assert three.codes(f'{{ node(id: "{forged}") {{ id }} }}') == ["BAD_USER_INPUT"]


def test_anonymous_changes_are_recorded_as_anonymous(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "crm-data", anonymous_role=Role.EDITOR)
    for api in serve(settings):
        create_topic(api.as_role(None), "t-anon")
        [entry] = entries(api, f"({TOPICS})")
        assert entry["keyId"] == "anonymous"


# --- the change log the trail reads ---


def change_log(api: Api) -> list[ChangeEntry]:
    """Every entry, oldest first, read from the store itself."""
    return api.run(lambda store: entries_after(store, 0, 100_000))


def test_the_trail_is_the_change_log(three: Api) -> None:
    trail = entries(three, "(first: 1000)")

    assert [
        (e["id"], e["operation"], e["keyId"], e["ids"], e["fields"], e["requestId"])
        for e in reversed(trail)
    ] == [
        (str(c.sequence), c.operation, c.key_id, c.ids, c.fields, c.request_id)
        for c in change_log(three)
    ]


def test_sequences_grow_by_one_per_change_and_keys_are_logged(three: Api) -> None:
    logged = change_log(three)

    assert [c.sequence for c in logged] == list(range(1, len(logged) + 1))
    key_entries = [c for c in logged if c.operation == "createKey"]
    assert {c.key_id for c in key_entries} == {"cli"}
    assert len(key_entries) == len(three.keys)
    assert [c.operation for c in logged if c.key_id != "cli"] == ["createTopic"] * 3


def test_a_write_the_engine_refuses_leaves_no_entry(empty: Api) -> None:
    """A unique constraint fails the statement inside the engine: the change and its entry go
    together."""
    vat_id = fresh_vat_id()
    create_org(empty, organization("Probe Refused", country="DE", vatId=vat_id))
    other = create_org(empty, organization("Other Refused", country="DE"))["organization"]
    before = change_log(empty)

    payload = empty.data(
        "mutation ($id: ID!, $vat: String) { updateOrganization(id: $id, input: {vatId: $vat}) "
        "{ errors { code } } }",
        {"id": other["id"], "vat": vat_id},
    )["updateOrganization"]

    assert payload["errors"] == [{"code": "CONFLICT"}]
    assert change_log(empty) == before


def test_retention_prunes_old_entries_only(three: Api) -> None:
    settings = load_settings(data_dir=Path("unused"), change_retention_days=1)
    logged = change_log(three)
    newest = datetime.fromisoformat(logged[-1].at)

    kept = three.run(lambda store: prune_once(store, settings, newest + timedelta(hours=23)))
    pruned = three.run(lambda store: prune_once(store, settings, newest + timedelta(days=2)))

    assert (kept, pruned) == (0, len(logged))
    assert change_log(three) == []
    assert three.data("{ auditLog { totalCount } }") == {"auditLog": {"totalCount": 0}}
