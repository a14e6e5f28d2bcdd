"""Failed key checks are limited per client address and per key id (each may cost an uncached
scrypt): the real app on the real engine, asked from several client addresses."""

from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from crm.api.app import create_app
from crm.api.context import Context
from crm.config import Settings, load_settings
from crm.graph.store import GraphStore
from crm.keys import NewKey, Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import create_key
from tests.web.signing import token_of

LIMIT = 3
WINDOW_S = 60
QUERY = {"query": "{ __typename }"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "crm-data",
        max_failed_key_checks=LIMIT,
        failed_key_window_s=WINDOW_S,
    )


@pytest.fixture
def clients(settings: Settings) -> Iterator[tuple[dict[str, TestClient], list[NewKey]]]:
    """Clients of one app from four addresses (the last a browser), and two reader keys."""
    app = create_app(settings)
    keys = [new_key(), new_key()]

    async def make_keys(store: GraphStore) -> None:
        for n, key in enumerate(keys):
            await create_key(
                store, key, Role.READER, f"key {n}", Change("createKey", CLI, Context.now())
            )

    with (
        TestClient(app, client=("10.0.0.1", 1000)) as first,
        TestClient(app, client=("10.0.0.2", 1000)) as second,
        TestClient(app, client=("10.0.0.3", 1000)) as third,
        TestClient(app, client=("10.0.0.4", 1000), headers={"accept": "text/html"}) as browser,
    ):
        assert first.portal is not None
        first.portal.call(make_keys, first.app_state["store"])
        yield {"first": first, "second": second, "third": third, "browser": browser}, keys


def _post(client: TestClient, token: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
    return client.post("/graphql", json=QUERY, headers=headers)


def _refusals() -> float:
    return (
        REGISTRY.get_sample_value("crm_rate_limit_refusals_total", {"limit": "failed_key_checks"})
        or 0.0
    )


def test_an_address_and_a_key_id_with_too_many_failures_are_refused(
    clients: tuple[dict[str, TestClient], list[NewKey]],
) -> None:
    by_address, (key, other) = clients
    wrong = f"crm_{key.key_id}_{'A' * 43}"
    before = _refusals()

    failures = [_post(by_address["first"], wrong).status_code for _ in range(LIMIT)]
    refused = _post(by_address["first"], key.token)
    same_key_elsewhere = _post(by_address["second"], key.token)
    other_key_elsewhere = _post(by_address["second"], other.token)

    assert failures == [401] * LIMIT
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= WINDOW_S
    assert refused.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"
    assert same_key_elsewhere.status_code == 429  # the key id is limited wherever it is sent
    assert other_key_elsewhere.status_code == 200
    assert _refusals() == before + 2


def test_malformed_keys_count_against_their_address(
    clients: tuple[dict[str, TestClient], list[NewKey]],
) -> None:
    by_address, (_, other) = clients

    failures = [_post(by_address["third"], "nonsense").status_code for _ in range(LIMIT)]
    refused = _post(by_address["third"], other.token)
    elsewhere = _post(by_address["first"], other.token)

    assert failures == [401] * LIMIT
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert elsewhere.status_code == 200


def _sign_in(client: TestClient, lang: str, key: str) -> httpx.Response:
    page = client.get(f"/{lang}/sign-in")
    fields = {"csrf": token_of(page.text), "key": key, "next": ""}
    response: httpx.Response = client.post(f"/{lang}/sign-in", data=fields, follow_redirects=False)
    return response


def test_signing_in_on_the_web_site_counts_failures_too(
    clients: tuple[dict[str, TestClient], list[NewKey]],
) -> None:
    by_address, (_, other) = clients
    browser = by_address["browser"]

    failures = [_sign_in(browser, "en", f"crm_{'0' * 12}_{'B' * 43}") for _ in range(LIMIT)]
    refused = _sign_in(browser, "en", other.token)
    refused_de = _sign_in(browser, "de", other.token)
    over_the_api = _post(browser, other.token)

    assert [r.status_code for r in failures] == [422] * LIMIT
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= WINDOW_S
    assert "Too many keys that were not valid; try again in" in refused.text
    assert refused_de.status_code == 429
    assert "Zu viele ungültige Schlüssel" in refused_de.text
    assert over_the_api.status_code == 429  # one count for the site and the API
