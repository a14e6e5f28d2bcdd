"""Webhook secrets and signatures as the Standard Webhooks specification writes them: a secret
reads ``whsec_`` and its bytes in base64; a delivery's ``webhook-signature`` is ``v1,`` and the
base64 HMAC-SHA256, keyed with the secret's bytes, of ``{webhook-id}.{webhook-timestamp}.{body}``.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The key in ``secret`` (``binascii.Error`` if it is not base64)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The specification's three headers for ``body``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + base64.b64encode(digest).decode("ascii"),
    }
