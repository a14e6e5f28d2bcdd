"""The audit trail through the real app on the real engine: one entry per mutation that changed
something, with ids and no values, readable by admins page by page and filtered."""

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any, LiteralString

import pytest

from crm.api.ids import global_id
from crm.config import load_settings
from crm.domain import Label
from crm.errors import StoreUnavailable
from crm.graph.counting import CountingStore
from crm.graph.store import Parameters, Record
from crm.keys import Role
from crm.queries.stats import count_nodes
from graph_loader.export import export_graph
from tests.api.conftest import Api, serve

ENTRY = "id at keyId operation ids requestId"
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
        "{ auditLog(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { ids } } }"
    )["auditLog"]
    after = first["pageInfo"]["endCursor"]
    rest = three.data(
        "query($after: String) { auditLog(first: 2, after: $after) "
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
    everything = entries(three)
    middle = everything[1]["at"]

    by_key = entries(three, f'(keyId: "{editor}")')
    by_operation = entries(three, '(operation: "deleteTopic")')
    since = entries(three, f'(from: "{middle}")')
    until = entries(three, f'(to: "{middle}")')
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
    assert "AuditEntry" not in str(document)
    assert "scrypt" not in str(document)
    forged = base64.b64encode(f"AuditEntry:{entry_id}".encode()).decode()
    assert three.codes(f'{{ node(id: "{forged}") {{ id }} }}') == ["BAD_USER_INPUT"]


def test_anonymous_changes_are_recorded_as_anonymous(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "crm-data", anonymous_role=Role.EDITOR)
    for api in serve(settings):
        create_topic(api.as_role(None), "t-anon")
        [entry] = entries(api)
        assert entry["keyId"] == "anonymous"


# --- when the entry cannot be written ---


class NoAuditWrites(CountingStore):
    """The real store, except that the audit trail's writes fail as if the engine went away."""

    async def write(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        if ":AuditEntry" in query:
            raise StoreUnavailable("the graph engine is unavailable")
        return await super().write(query, parameters)


@pytest.fixture
def no_audit(tmp_path: Path) -> Iterator[Api]:
    yield from serve(load_settings(data_dir=tmp_path / "crm-data"), counting_store=NoAuditWrites)


def test_a_lost_entry_never_loses_the_mutation_and_is_reported(
    no_audit: Api, caplog: pytest.LogCaptureFixture
) -> None:
    response = no_audit.post(
        'mutation { createTopic(input: {recordId: "t-kept", name: "Kept"}) { created } }'
    )
    body = response.json()

    assert body["data"] == {"createTopic": {"created": True}}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "AUDIT_NOT_RECORDED"
    assert error["path"] == ["createTopic"]
    assert no_audit.data('{ topic(id: "t-kept") { name } }') == {"topic": {"name": "Kept"}}
    assert entries(no_audit) == []
    logged = [
        r.getMessage() for r in caplog.records if "audit entry not recorded" in r.getMessage()
    ]
    assert response.headers["x-request-id"] in logged[0]
    assert topic("t-kept") in logged[0]
