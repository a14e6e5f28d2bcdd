"""Managing webhook endpoints through the real app on the real engine: only admins, URLs that
may be called, secrets shown once, the change log naming each change."""

from collections.abc import Iterator
from typing import Any

import pytest

from crm.api.webhooks.signing import new_secret
from crm.config import Settings
from crm.keys import Role
from tests.api.conftest import Api, serve_loaded
from tests.e2e.test_serve import free_port

REGISTER = """
mutation ($url: String!, $labels: [String!], $ids: [ID!], $secret: String) {
  registerWebhook(url: $url, labels: $labels, ids: $ids, secret: $secret) {
    webhook { id url labels ids delivery { status sequence } } secret
    errors { field code message }
  }
}
"""
CLOSED = f"http://127.0.0.1:{free_port()}/hook"
"""A loopback URL nobody listens on: the deliveries to it fail, which these tests ignore."""


@pytest.fixture
def api(settings: Settings, engine: str) -> Iterator[Api]:
    yield from serve_loaded(engine, settings.model_copy(update={"webhooks_allow_private": True}))


@pytest.fixture
def strict(settings: Settings, engine: str) -> Iterator[Api]:
    """The app as it is by default: private addresses refused."""
    yield from serve_loaded(engine, settings)


def register(api: Api, url: str = CLOSED, **variables: Any) -> dict[str, Any]:
    payload: dict[str, Any] = api.data(REGISTER, {"url": url, **variables})["registerWebhook"]
    return payload


def errors(api: Api, url: str = CLOSED, **variables: Any) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in register(api, url, **variables)["errors"]]


def test_an_admin_registers_lists_pauses_resumes_and_deletes(api: Api) -> None:
    registered = register(api, labels=["Topic", "Person"])
    webhook_id = registered["webhook"]["id"]
    listed = api.data("{ webhooks { id url labels delivery { status } } }")["webhooks"]
    paused = api.data(
        f'mutation {{ pauseWebhook(id: "{webhook_id}") {{ webhook {{ delivery '
        "{ status pauseReason } } } }"
    )
    resumed = api.data(
        f'mutation {{ resumeWebhook(id: "{webhook_id}") {{ webhook {{ delivery '
        "{ status } } } }"
    )
    deleted = api.data(f'mutation {{ deleteWebhook(id: "{webhook_id}") {{ removed }} }}')
    again = api.data(f'mutation {{ deleteWebhook(id: "{webhook_id}") {{ errors {{ code }} }} }}')
    audit = api.data("{ auditLog(first: 10) { nodes { operation ids fields } } }")

    assert registered["errors"] == []
    assert registered["secret"].startswith("whsec_")
    assert registered["webhook"]["labels"] == ["Person", "Topic"]
    assert listed == [
        {
            "id": webhook_id,
            "url": CLOSED,
            "labels": ["Person", "Topic"],
            "delivery": {"status": "ACTIVE"},
        }
    ]
    assert paused["pauseWebhook"]["webhook"]["delivery"] == {
        "status": "PAUSED",
        "pauseReason": "paused by an admin",
    }
    assert resumed["resumeWebhook"]["webhook"]["delivery"]["status"] == "ACTIVE"
    assert deleted["deleteWebhook"]["removed"] == 1
    assert again["deleteWebhook"]["errors"] == [{"code": "NOT_FOUND"}]
    logged = [entry for entry in audit["auditLog"]["nodes"] if "Webhook" in entry["operation"]]
    assert [entry["operation"] for entry in logged] == [
        "deleteWebhook",
        "resumeWebhook",
        "pauseWebhook",
        "registerWebhook",
    ]
    assert {tuple(entry["ids"]) for entry in logged} == {(f"Webhook:{webhook_id}",)}
    assert registered["secret"] not in str(audit)


def test_the_secret_is_shown_once_and_may_be_given(api: Api) -> None:
    given = new_secret()
    registered = register(api, secret=given)
    schema = api.data('{ __type(name: "Webhook") { fields { name } } }')

    assert registered["secret"] == given
    assert "secret" not in {field["name"] for field in schema["__type"]["fields"]}
    assert errors(api, secret="whsec_c2hvcnQ=") == [(["secret"], "INVALID")]
    assert errors(api, secret="not-a-secret") == [(["secret"], "INVALID")]


@pytest.mark.parametrize("role", [Role.READER, Role.EDITOR, None])
def test_only_admins_see_or_change_webhooks(api: Api, role: Role | None) -> None:
    other = api.as_role(role)
    if role is None:  # no anonymous role: the request is refused before it runs
        assert other.post("{ webhooks { id } }").status_code == 401
        return
    assert other.codes("{ webhooks { id } }") == ["FORBIDDEN"]
    assert other.codes(REGISTER, {"url": CLOSED}) == ["FORBIDDEN"]
    assert api.data("{ webhooks { id } }")["webhooks"] == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.org/hook", "INVALID"),
        ("file:///etc/passwd", "INVALID"),
        ("http://user:pass@203.0.113.7/hook", "INVALID"),
        ("not a url", "INVALID"),
        ("http://127.0.0.1:8000/hook", "NOT_ALLOWED"),
        ("http://localhost/hook", "NOT_ALLOWED"),
        ("http://10.1.2.3/hook", "NOT_ALLOWED"),
        ("http://192.168.0.10/hook", "NOT_ALLOWED"),
        ("http://169.254.169.254/latest/meta-data", "NOT_ALLOWED"),
        ("http://[::1]/hook", "NOT_ALLOWED"),
        ("http://[::ffff:127.0.0.1]/hook", "NOT_ALLOWED"),
        ("http://[fe80::1]/hook", "NOT_ALLOWED"),
    ],
)
def test_urls_that_may_not_be_called_are_refused(strict: Api, url: str, code: str) -> None:
    refused = register(strict, url)
    listed = strict.data("{ webhooks { id } }")["webhooks"]

    assert [(error["field"], error["code"]) for error in refused["errors"]] == [(["url"], code)]
    assert refused["webhook"] is None
    assert refused["secret"] is None
    assert listed == []
    if code == "NOT_ALLOWED":
        assert "CRM_WEBHOOKS_ALLOW_PRIVATE" in refused["errors"][0]["message"]


def test_an_unknown_label_is_refused(api: Api) -> None:
    assert errors(api, labels=["Nobody"]) == [(["labels"], "INVALID")]
    assert api.data("{ webhooks { id } }")["webhooks"] == []
