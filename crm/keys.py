"""API keys: roles, how a key is made, and how its salted hash is kept and checked.

A key reads ``crm_<key id>_<secret>``. The key id names the stored key (it is no secret: it is
what the audit trail records); the secret is 32 random bytes, shown once when the key is made.
Only a salted scrypt hash of the secret is stored, so a copy of the graph does not give out keys.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Role(StrEnum):
    """What a key may do; each role may do all that the roles before it may."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: "Role") -> bool:
        return self.rank >= required.rank


_PREFIX = "crm"
_KEY = re.compile(r"^crm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost (about 16 MiB and a few tens of milliseconds a check); a check is remembered
per process (``_matches``), so a client pays it once, not on every request."""


@dataclass(frozen=True)
class NewKey:
    """A key just made: the whole key (shown once) and what is stored of it."""

    key_id: str
    secret: str
    hash: str

    @property
    def token(self) -> str:
        """What the client sends as ``Authorization: Bearer <token>``."""
        return f"{_PREFIX}_{self.key_id}_{self.secret}"


def new_key() -> NewKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(key_id, secret, hash_secret(secret))


def parse_token(token: str) -> tuple[str, str] | None:
    """The key id and secret of a key; ``None`` when ``token`` is not shaped like one."""
    match = _KEY.match(token)
    return None if match is None else (match.group(1), match.group(2))


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt>$<hash>`` (base64) of the secret, with a fresh random salt by default."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(_digest(secret), salt=salt, **_SCRYPT)
    return "$".join(("scrypt", _b64(salt), _b64(digest)))


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` (from ``hash_secret``) was made from."""
    return _matches(_digest(secret), stored)


@lru_cache(maxsize=1024)
def _matches(digest: bytes, stored: str) -> bool:
    """scrypt checks, remembered by the secret's SHA-256 (which is no key: it cannot be sent
    in place of the secret), so the cache holds no secret."""
    scheme, salt, hashed = [*stored.split("$"), "", ""][:3]
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(hashed)
    actual = hashlib.scrypt(digest, salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(actual, expected)


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Caller:
    """Who sends a request: the key's id (``None`` for anonymous requests) and its role."""

    key_id: str | None
    role: Role

    @property
    def audit_id(self) -> str:
        """The caller's name in the audit trail."""
        return self.key_id or "anonymous"
