"""``crm.api.execution.InProcess``, the web's way into the API: operations run with a given
caller exactly as over HTTP, and API keys checked to their caller (for signing in)."""

from typing import Any

import pytest
from starlette.requests import HTTPConnection

from crm.api.execution import Executor, InProcess
from crm.api.key_checks import FailedKeyChecks
from crm.api.schema import SCHEMA
from crm.config import Settings
from crm.graph.store import GraphStore
from crm.keys import Caller, Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key, revoke_key
from tests.api.conftest import Api

CLIENT = HTTPConnection({"type": "http", "client": ("10.0.0.9", 1000), "headers": []})
"""A request's connection, for the address its key checks are counted against."""
EMAIL = '{ person(id: "p-jana-fiktivberg") { familyName email } }'


def runner(settings: Settings) -> InProcess:
    return InProcess(Executor(SCHEMA), settings, FailedKeyChecks(settings))


@pytest.mark.parametrize(("role", "forbidden"), [(Role.READER, True), (Role.EDITOR, False)])
def test_an_operation_runs_with_the_caller_s_role(
    site: Api, site_settings: Settings, role: Role, forbidden: bool
) -> None:
    async def run(store: GraphStore) -> Any:
        return await runner(site_settings).run(store, Caller(None, role), "req-1", EMAIL)

    result = site.run(run)

    assert result.data["person"]["familyName"] == "Fiktivberg"
    codes = [error.extensions["code"] for error in result.errors or []]
    assert codes == (["FORBIDDEN"] if forbidden else [])


def test_a_key_is_checked_to_its_caller(site: Api, site_settings: Settings) -> None:
    key = new_key()
    revoked = new_key()

    async def check(store: GraphStore) -> list[Caller | None]:
        await create_key(
            store, key, Role.EDITOR, "web test", Change("createKey", CLI, "2026-01-01T00:00:00Z")
        )
        await create_key(
            store, revoked, Role.ADMIN, "web test", Change("createKey", CLI, "2026-01-01T00:00:00Z")
        )
        await revoke_key(store, revoked.key_id, Change("revokeKey", CLI, "2026-01-02T00:00:00Z"))
        checking = runner(site_settings)
        return [
            await checking.caller_for_key(store, token, CLIENT)
            for token in (
                key.token,
                revoked.token,
                key.token[:-1] + ("y" if key.token.endswith("x") else "x"),
                "not a key",
            )
        ]

    valid, was_revoked, wrong_secret, malformed = site.run(check)

    assert valid == Caller(key.key_id, Role.EDITOR)
    assert was_revoked is None
    assert wrong_secret is None
    assert malformed is None
