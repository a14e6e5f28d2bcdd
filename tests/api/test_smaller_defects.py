"""The smaller defects of issue 17, each as a client meets it on the real app and engine: NUL in
string arguments, a document too complex to validate, legacy ``Accept`` headers, a
malformed key. (Introspection logging no error: ``test_compiled_failures.py``.)"""

import json

import pytest

from tests.api.conftest import GRAPHQL_RESPONSE, Api

JSON = "application/json"
COUNT = "{ topics { totalCount } }"


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ('mutation { deleteInteraction(id: "\\u0000") { removed } }', None),
        ('{ people(where: {nameContains: "a\\u0000b"}) { totalCount } }', None),
        ('{ search(text: "energi\\u0000") { score } }', None),
        ('mutation { createTopic(input: {name: "x\\u0000"}) { created } }', None),
        (
            "mutation($id: String!) { deleteInteraction(id: $id) { removed } }",
            {"id": "i-\u0000"},
        ),
        (
            "query($w: PersonFilter) { people(where: $w) { totalCount } }",
            {"w": {"nameContains": "x\u0000z"}},
        ),
    ],
    ids=["id", "filter", "search", "record", "id-variable", "nested-variable"],
)
def test_nul_in_a_string_argument_is_bad_user_input(
    writable: Api, document: str, variables: dict[str, object] | None
) -> None:
    before = writable.data(COUNT)
    response = writable.post(document, variables)
    body = response.json()
    assert response.status_code == 400, body
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NUL character (U+0000)" in error["message"]
    assert writable.data(COUNT) == before  # nothing written, and the server keeps answering


def test_other_control_characters_are_text(writable: Api) -> None:
    """As the loader and the domain model take them: stored and found as given."""
    name = "Tab\tline\r\nescape\x1b unit\x1f"
    created = writable.data(
        'mutation($n: String!) { createTopic(input: {recordId: "t-controls", name: $n}) '
        "{ created } }",
        {"n": name},
    )
    found = writable.data(
        "query($t: String) { topics(where: {nameContains: $t}) { nodes { recordId name } } }",
        {"t": "escape\x1b"},
    )
    assert created == {"createTopic": {"created": True}}
    assert found == {"topics": {"nodes": [{"recordId": "t-controls", "name": name}]}}


def test_a_document_too_complex_to_validate_names_the_limit(intranet: Api) -> None:
    response = intranet.post("{ " + " __typename" * 1000 + " }")
    [error] = response.json()["errors"]
    assert response.status_code == 400
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["limit"] == "VALIDATION_BUDGET"
    assert "too complex to validate" in error["message"]


@pytest.mark.parametrize("accept", [None, "*/*"], ids=["no-accept", "any"])
def test_legacy_accept_headers_get_application_json(intranet: Api, accept: str | None) -> None:
    headers = {"content-type": JSON, **intranet.headers}
    if accept is not None:
        headers["accept"] = accept
    request = intranet.client.build_request(
        "POST", "/graphql", content=json.dumps({"query": COUNT}).encode(), headers=headers
    )
    if accept is None:
        del request.headers["accept"]
    response = intranet.client.send(request)
    assert response.request.headers.get("accept") == accept
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{JSON}; charset=utf-8"
    assert response.json()["data"]["topics"]["totalCount"] > 0


def test_a_request_error_in_legacy_json_is_200(intranet: Api) -> None:
    """The legacy type's rule: a document that does not validate is still a 200."""
    response = intranet.client.post(
        "/graphql",
        json={"query": "{ nosuchfield }"},
        headers={"accept": "*/*", **intranet.headers},
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("token", ["nonsense", "crm_1234_short", "crm_" + "x" * 60])
def test_a_malformed_key_is_told_so(intranet: Api, token: str) -> None:
    response = intranet.client.post(
        "/graphql",
        json={"query": COUNT},
        headers={"accept": GRAPHQL_RESPONSE, "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("the API key is malformed")
    assert "crm_<key id>_<secret>" in error["message"]
