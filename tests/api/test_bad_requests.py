"""Malformed and oversized requests to the real app get the right HTTP status, and the server
keeps serving."""

import pytest

from tests.api.conftest import GRAPHQL_RESPONSE, Api

IMPACT = '{ project(id: "intranet") { impact { workshops } } }'


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"query": ', "application/json", 400),
        (b'["not", "an", "object"]', "application/json", 400),
        (b'{"variables": {}}', "application/json", 400),
        (b'{"query": 42}', "application/json", 400),
        (b"query { __typename }", "text/plain", 415),
        (b'{"query": "' + b"x" * 1_000_001 + b'"}', "application/json", 413),
    ],
    ids=["broken-json", "not-an-object", "no-query", "query-not-text", "wrong-type", "too-large"],
)
def test_a_bad_body_is_refused_with_its_status(
    intranet: Api, content: bytes, content_type: str, status: int
) -> None:
    response = intranet.client.post(
        "/graphql",
        content=content,
        headers={"content-type": content_type, "accept": GRAPHQL_RESPONSE, **intranet.headers},
    )
    assert response.status_code == status
    assert response.json()["errors"][0]["message"]
    assert "data" not in response.json()
    assert intranet.data(IMPACT) == {"project": {"impact": {"workshops": 3}}}


def test_a_wrong_method_and_a_mutation_over_get_are_405(intranet: Api) -> None:
    assert intranet.client.put("/graphql", json={"query": IMPACT}).status_code == 405
    mutation = 'mutation { deleteCluster(id: "alucluster") { deletedId } }'
    response = intranet.client.get(
        "/graphql",
        params={"query": mutation},
        headers={"accept": GRAPHQL_RESPONSE, **intranet.headers},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert intranet.data('{ cluster(id: "alucluster") { name } }') == {
        "cluster": {"name": "AluCluster"}
    }


def test_a_query_that_does_not_validate_is_400_without_data(intranet: Api) -> None:
    response = intranet.post("{ clusters { nodes { nosuchfield } } }")
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_no_internals_reach_the_client(intranet: Api) -> None:
    """A store error the client caused (an impossible page) reads as a plain message."""
    errors = intranet.errors("{ clusters(first: 100000000) { nodes { name } } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Traceback" not in errors[0]["message"]
    assert "first must be between 0 and 1000" in errors[0]["message"]
