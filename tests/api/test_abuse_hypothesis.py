"""The API under hostile variables and documents (hypothesis), through the real app on the real
engine: never a 500 or an INTERNAL_SERVER_ERROR, what is stored and answered equals what was
sent, and every statement the store runs comes from the set that benign requests of the same
operations send: no statement is shaped by user text."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from crm.api.ids import global_id
from crm.config import load_settings
from crm.domain import Label
from tests.api.conftest import GRAPHQL_RESPONSE, Api, serve
from tests.conftest import copy_data
from tests.hostile import ATTACKS, hostile_text, record_ids, storable_text, valid_ids
from tests.statements import RecordingStore

CREATE = """mutation($id: String, $name: String!, $source: String, $labels: LocalizedTextInput) {
  createTopic(input: {recordId: $id, name: $name, source: $source, labels: $labels}) {
    created topic { recordId name source labels { de } } errors { field code } } }"""
READ = "query($id: ID!) { topic(id: $id) { recordId name source labels { de } } }"
SEARCH = """query($text: String, $id: ID!) {
  topics(where: {nameContains: $text}) { totalCount nodes { name } }
  people(where: {nameContains: $text, country: $text}, first: 3) { nodes { recordId } }
  organizations(where: {placeContains: $text}, first: 3) { nodes { recordId } }
  node(id: $id) { id } person(id: $id) { recordId } }"""
LIST = """query($first: Int, $after: String, $where: PersonFilter) {
  people(first: $first, after: $after, where: $where) { totalCount nodes { recordId } } }"""

EXPECTED_CODES = {"BAD_USER_INPUT", "NOT_FOUND", "GRAPHQL_VALIDATION_FAILED"}
REFUSALS = {"INVALID", "REQUIRED", "CONFLICT", "NOT_ALLOWED"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Iterator[Api]:
    """The API over a copy of the demo, on a store that records every statement."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("abuse") / "crm-data")
    copy_data(demo_data, settings.data_dir)
    yield from serve(settings, counting_store=RecordingStore)


@pytest.fixture(scope="module")
def known(api: Api) -> set[str]:
    """The statements benign requests of every operation below send."""
    recorder = recorder_of(api)
    for n, text in enumerate(["", "a", "Søren", "x y", "DK"]):
        api.data(CREATE, {"id": f"benign-{n}", "name": text or "t", "labels": {"de": "d"}})
        api.data(CREATE, {"name": f"auto {n}", "source": "s", "labels": None})
        api.data(READ, {"id": f"benign-{n}"})
        api.post(SEARCH, {"text": text, "id": "p-michael-nedergaard"})
        api.post(LIST, {"first": 2, "after": None, "where": {"nameContains": text}})
        api.post(LIST, {"first": 2, "after": None, "where": {"country": text}})
    for label in Label:  # a global id names its label: a lookup of that label's nodes
        api.post(SEARCH, {"text": None, "id": global_id(label, "x")})
    first = api.data(LIST, {"first": 1})["people"]
    assert first["nodes"]
    api.post("query($c: String) { people(first: 2, after: $c) { totalCount } }", {"c": "x"})
    return set(recorder.statements)


def recorder_of(api: Api) -> RecordingStore:
    assert isinstance(api.store, RecordingStore)
    return api.store


def answer(api: Api, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body of an answer that is neither a 500 nor an internal error."""
    response = api.post(document, variables)
    assert response.status_code in {200, 400}, response.text
    body: dict[str, Any] = response.json()
    codes = {error.get("extensions", {}).get("code") for error in body.get("errors", [])}
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    if response.status_code == 200:
        assert codes <= EXPECTED_CODES, body
    return body


@given(
    record_id=st.one_of(st.none(), valid_ids, record_ids),
    name=st.one_of(storable_text, hostile_text),
    source=st.one_of(st.none(), storable_text, hostile_text),
    de=st.one_of(st.none(), storable_text, hostile_text),
)
def test_created_records_are_stored_as_sent_or_refused(
    api: Api, known: set[str], record_id: str | None, name: str, **optional: str | None
) -> None:
    source, de = optional["source"], optional["de"]
    recorder = recorder_of(api)
    recorder.statements.clear()
    writes = recorder.writes
    labels = None if de is None else {"de": de}
    variables = {"id": record_id, "name": name, "source": source, "labels": labels}

    body = answer(api, CREATE, variables)
    if "data" not in body:  # NUL is refused before anything runs (crm/api/input_text.py)
        event("refused: NUL")
        holding = [value for value in (record_id, name, source, de) if "\x00" in (value or "")]
        assert holding
        # one refusal per variable that holds NUL (``labels`` holds ``de``)
        refusals = [e["extensions"]["code"] for e in body["errors"]]
        assert refusals == ["BAD_USER_INPUT"] * len(holding)
        assert recorder.statements <= known, recorder.statements - known
        return
    payload = body["data"]["createTopic"]

    codes = {error["code"] for error in payload["errors"]}
    assert codes <= REFUSALS
    if payload["errors"]:
        event("refused")
        assert payload["topic"] is None
        if "CONFLICT" not in codes:  # a conflict is found by the write that would create it
            assert recorder.writes == writes
    else:
        event("stored")
        topic = payload["topic"]
        assert topic["name"] == name
        assert topic["source"] == (source or "graphql")
        assert topic["labels"] == labels
        if record_id is not None:
            assert topic["recordId"] == record_id
        assert answer(api, READ, {"id": topic["recordId"]})["data"]["topic"] == topic
    assert recorder.statements <= known, recorder.statements - known


@given(text=st.one_of(st.none(), hostile_text), node_id=hostile_text)
def test_hostile_filters_and_ids(api: Api, known: set[str], text: str | None, node_id: str) -> None:
    recorder = recorder_of(api)
    recorder.statements.clear()

    answer(api, SEARCH, {"text": text, "id": node_id})

    assert recorder.statements <= known, recorder.statements - known


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)


@given(
    first=json_values,
    after=json_values,
    where=st.one_of(
        json_values,
        st.fixed_dictionaries({}, optional={"nameContains": json_values, "country": json_values}),
    ),
)
def test_variables_of_any_shape(
    api: Api, known: set[str], first: Any, after: Any, where: Any
) -> None:
    recorder = recorder_of(api)
    recorder.statements.clear()

    answer(api, LIST, {"first": first, "after": after, "where": where})

    assert recorder.statements <= known, recorder.statements - known


TOKENS = (
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "$x",
    "...",
    "query",
    "mutation",
    "subscription",
    "fragment",
    "on",
    "Person",
    "Query",
    "people",
    "nodes",
    "node",
    "id",
    "recordId",
    "first:",
    "after:",
    "-1",
    "0",
    "2147483648",
    "1e309",
    '"x"',
    '"""',
    "null",
    "true",
    "__typename",
    "__schema",
    '__type(name: "Person")',
    "@include(if: true)",
    "@skip",
    "a:",
    'createTopic(input: {name: "n"})',
    'deleteTopic(id: "x")',
    "interactions",
    "employers",
    "edges",
    "totalCount",
    "#",
    ",",
    "\\u0000",
    "!",
    "=",
    "|",
    "&",
)
documents = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
    st.sampled_from(ATTACKS),
)


@given(document=documents)
def test_documents_of_any_text(api: Api, document: str) -> None:
    body = answer(api, document)
    get = api.client.get(
        "/graphql", params={"query": document}, headers={"accept": GRAPHQL_RESPONSE, **api.headers}
    )

    assert "data" in body or body.get("errors")
    assert get.status_code in {200, 400, 405}, get.text
