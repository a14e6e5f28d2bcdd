"""The smaller defects of issue 17, each as a client meets it on the real app and engine: control
characters in arguments, a document too complex to validate, legacy ``Accept`` headers, a
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
        ('{ people(where: {nameContains: "a\\u0001b"}) { totalCount } }', None),
        ('{ search(text: "energi\\u007f") { score } }', None),
        (
            "mutation($id: String!) { deleteInteraction(id: $id) { removed } }",
            {"id": "i-\u0000"},
        ),
        (
            "query($w: PersonFilter) { people(where: $w) { totalCount } }",
            {"w": {"nameContains": "x\u001bz"}},
        ),
    ],
    ids=["nul-literal", "soh-in-filter", "del-in-search", "nul-variable", "esc-nested-variable"],
)
def test_a_control_character_in_a_string_argument_is_bad_user_input(
    writable: Api, document: str, variables: dict[str, object] | None
) -> None:
    before = writable.data(COUNT)
    response = writable.post(document, variables)
    body = response.json()
    assert response.status_code == 400, body
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "control character U+00" in error["message"]
    assert writable.data(COUNT) == before  # and the server keeps answering


def test_tabs_and_line_breaks_are_text_not_control_characters(writable: Api) -> None:
    data = writable.data('{ people(where: {nameContains: "a\\tb\\r\\nc"}) { totalCount } }')
    assert data == {"people": {"totalCount": 0}}


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
