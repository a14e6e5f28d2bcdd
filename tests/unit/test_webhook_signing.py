"""Webhook signatures as the Standard Webhooks library checks them, and which addresses count
as public."""

import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from crm.api.webhooks.addresses import is_public
from crm.api.webhooks.delivery import message_id, payload
from crm.api.webhooks.signing import new_secret, secret_bytes, signed_headers
from crm.queries.changes import ChangeEntry

ENTRY = ChangeEntry(7, "2026-01-02T03:04:05Z", "createTopic", "k1", ["VG9waWM6dA=="], ["name"], "r")


def test_a_signed_delivery_verifies_with_the_specifications_library() -> None:
    secret = new_secret()
    body = payload(ENTRY)
    headers = signed_headers(secret, message_id("w1", ENTRY.sequence), int(time.time()), body)

    checked = Webhook(secret).verify(body, headers)

    assert checked == {
        "type": "change",
        "timestamp": ENTRY.at,
        "data": {
            "sequence": 7,
            "at": ENTRY.at,
            "operation": "createTopic",
            "ids": ENTRY.ids,
            "fields": ["name"],
        },
    }
    assert headers["webhook-id"] == "msg_w1_7"
    assert len(secret_bytes(secret)) == 32


@pytest.mark.parametrize("tamper", ["body", "secret", "id"])
def test_a_changed_body_secret_or_id_fails_verification(tamper: str) -> None:
    secret = new_secret()
    body = payload(ENTRY)
    headers = signed_headers(secret, "msg_w1_7", int(time.time()), body)
    if tamper == "body":
        body = body.replace(b"createTopic", b"deleteTopic")
    elif tamper == "secret":
        secret = new_secret()
    else:
        headers["webhook-id"] = "msg_w1_8"

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public
