"""Web sessions: who signed in, kept in a signed cookie.

Signing in with an API key gives a cookie that holds the key's id (never its secret), its role,
the sign-in time, a session id and the session's CSRF secret, signed with ``CRM_SESSION_SECRET``
(itsdangerous: an HMAC-SHA256 and a timestamp). It is ``HttpOnly``,
``SameSite=Lax``, ``Secure`` when the request came over HTTPS, and lasts ``CRM_SESSION_HOURS``
from signing in (its max-age, and the signature's age is checked too). Every request checks
the key again (it must exist and not be revoked) and that the session was not signed out
(``crm.api.execution.InProcess.session_key``), so revoking a key or signing out ends a session
at once.
"""

import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from crm.config import MIN_SESSION_SECRET, Settings
from crm.domain.values import format_timestamp
from crm.errors import InvalidInput
from crm.keys import Role

COOKIE = "crm_session"
SECRET_FILE = "session-secret"
"""In development without ``CRM_SESSION_SECRET``: the file in ``data_dir`` that keeps one."""
_SALT = "crm.web.session"


class InvalidSession(Exception):
    """A session cookie that is forged, expired or not ours."""


@dataclass(frozen=True)
class Session:
    """What a session cookie holds."""

    key_id: str
    role: Role
    signed_in_at: int
    """Seconds since the epoch."""
    session_id: str
    csrf: str
    """The session's CSRF secret: forms carry it, and a POST without it is refused."""


class SessionCookies:
    """Makes and reads session cookies with one secret and one lifetime. The secret is asked
    for (``secret()``) when the first cookie is made or read, not when the app is built."""

    def __init__(self, secret: Callable[[], bytes], hours: float) -> None:
        self._secret = secret
        self.lifetime_s = round(hours * 3600)

    @cached_property
    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self._secret(), salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )

    def start(self, key_id: str, role: Role) -> Session:
        """A new session of the key ``key_id``, from now."""
        return Session(
            key_id=key_id,
            role=role,
            signed_in_at=int(time.time()),
            session_id=secrets.token_urlsafe(16),
            csrf=secrets.token_urlsafe(32),
        )

    def read(self, request: Request) -> Session | None:
        """The request's session; ``None`` without a cookie. Raises ``InvalidSession`` for a
        cookie that is forged, expired or malformed."""
        value = request.cookies.get(COOKIE)
        if value is None:
            return None
        try:
            data = self._serializer.loads(value, max_age=self.lifetime_s)
        except (SignatureExpired, BadSignature):
            raise InvalidSession from None
        session = _session(data)
        if session is None or time.time() - session.signed_in_at > self.lifetime_s:
            raise InvalidSession
        return session

    def value(self, session: Session) -> str:
        """The cookie's value for ``session``: its fields, signed and timestamped."""
        return self._serializer.dumps(
            {
                "k": session.key_id,
                "r": session.role.value,
                "t": session.signed_in_at,
                "s": session.session_id,
                "c": session.csrf,
            }
        )

    def set(self, response: Response, request: Request, session: Session) -> None:
        """Give ``response`` the cookie of ``session``."""
        set_cookie(response, request, COOKIE, self.value(session), self.lifetime_s)

    def ends_at(self, session: Session) -> str:
        """When ``session``'s cookie expires, as stored timestamps are written."""
        moment = datetime.fromtimestamp(session.signed_in_at + self.lifetime_s, UTC)
        return format_timestamp(moment)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """A cookie of the site: ``HttpOnly``, ``SameSite=Lax``, whole site, ``Secure`` on HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )


def _session(data: Any) -> Session | None:
    """The session a cookie's signed data describes; ``None`` if it is not shaped like one."""
    if not isinstance(data, dict):
        return None
    key_id, role, at, session_id, csrf = (data.get(name) for name in "krtsc")
    texts = (key_id, role, session_id, csrf)
    if not all(isinstance(text, str) and text for text in texts) or not isinstance(at, int):
        return None
    if role not in set(Role):
        return None
    return Session(str(key_id), Role(str(role)), at, str(session_id), str(csrf))


def cookies_of(settings: Settings) -> SessionCookies:
    """Session cookies as ``settings`` say (the secret read or made when first needed)."""
    return SessionCookies(partial(session_secret, settings), settings.session_hours)


def session_secret(settings: Settings) -> bytes:
    """The secret that signs session cookies: ``CRM_SESSION_SECRET``, or (in development, where
    it may be unset) one made once and kept in ``data_dir/session-secret`` (mode 0600), so that
    sessions outlive a restart. Production refuses to start without the setting."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode()
    path = settings.data_dir / SECRET_FILE
    try:
        return _kept_secret(path)
    except OSError as error:
        raise InvalidInput(
            f"cannot keep the session secret in {path} ({error.strerror}); "
            "set CRM_SESSION_SECRET or make the data folder writable"
        ) from None


def _kept_secret(path: Path) -> bytes:
    """The secret in ``path``, written first (readable by its owner only) if there is none.

    A new secret is written to a file of its own and linked into place, so that two servers
    starting at once agree on one secret and neither reads a half-written file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_urlsafe(48).encode())
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its secret counts
        finally:
            draft.unlink()
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SESSION_SECRET:
        raise OSError(0, f"the file holds fewer than {MIN_SESSION_SECRET} characters")
    return secret
