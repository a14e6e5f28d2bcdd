"""Who visits a page: the one hook that decides the caller (and so the role) of every page.

The site's visitor is ``signed_in``: a visitor with a session cookie is the session's key, checked
on every request (``crm.web.session``); a visitor without one is anonymous and gets
``CRM_ANONYMOUS_ROLE`` (``anonymous``), or, with none set, is asked to sign in. A cookie that no
longer signs anyone in (forged, expired, its key revoked, signed out) sends the visitor to the
sign-in page (``SessionEnded``), and back afterwards.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request

from crm.api.execution import InProcess
from crm.config import Settings
from crm.errors import StoreUnavailable
from crm.keys import Caller, Role
from crm.web.operations import StoreDown
from crm.web.session import InvalidSession, Session, SessionCookies

Visitor = Callable[[Request], Awaitable[Caller | None]]
"""The caller of a page request, or ``None`` when the visitor must sign in first."""


class SessionEnded(Exception):
    """The visitor's session cookie signs no one in any more: sign in again."""


@dataclass(frozen=True)
class Account:
    """The signed-in visitor: the key's id, name and role, and the session (its CSRF secret)."""

    key_id: str
    name: str
    role: Role
    session: Session


def anonymous(settings: Settings) -> Visitor:
    """Every visitor is anonymous: ``settings.anonymous_role``, or nobody when it is unset."""

    async def visitor(_: Request) -> Caller | None:
        role = settings.anonymous_role
        return None if role is None else Caller(None, role)

    return visitor


def signed_in(runner: InProcess, cookies: SessionCookies) -> Visitor:
    """The session's key for visitors with a session cookie (``request.state.account`` says
    who), the anonymous visitor for the others."""
    without_session = anonymous(runner.settings)

    async def visitor(request: Request) -> Caller | None:
        try:
            session = cookies.read(request)
        except InvalidSession:
            raise SessionEnded from None
        if session is None:
            return await without_session(request)
        try:
            key = await runner.session_key(request.state.store, session.key_id, session.session_id)
        except StoreUnavailable:
            raise StoreDown from None
        if key is None or key.caller.role != session.role:
            raise SessionEnded
        request.state.account = Account(session.key_id, key.name, key.caller.role, session)
        return key.caller

    return visitor


def account_of(request: Request) -> Account | None:
    """The signed-in visitor of ``request`` (once its visitor was asked), if any."""
    account: Account | None = getattr(request.state, "account", None)
    return account
