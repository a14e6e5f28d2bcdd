"""Who visits a page: the one hook that decides the caller (and so the role) of every page.

For now every visitor is anonymous and gets ``CRM_ANONYMOUS_ROLE``; with none set, the reading
pages ask the visitor to sign in. Signing in replaces ``anonymous`` with a function that reads
the visitor's session and answers its key's caller (``InProcess.caller_for_key``).
"""

from collections.abc import Awaitable, Callable

from starlette.requests import Request

from crm.config import Settings
from crm.keys import Caller

Visitor = Callable[[Request], Awaitable[Caller | None]]
"""The caller of a page request, or ``None`` when the visitor must sign in first."""


def anonymous(settings: Settings) -> Visitor:
    """Every visitor is anonymous: ``settings.anonymous_role``, or nobody when it is unset."""

    async def visitor(_: Request) -> Caller | None:
        role = settings.anonymous_role
        return None if role is None else Caller(None, role)

    return visitor
