"""Settings: defaults, CRM_ environment variables, command-line overrides."""

import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from crm.config import Fsync, Settings, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CRM_ variable of the machine running the tests leaks into them."""
    for name in list(os.environ):
        if name.upper().startswith("CRM_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.data_dir == Path("crm-data")
    assert settings.graph_url is None
    assert settings.graph_name == "crm"
    assert settings.batch_size == 1000
    assert settings.fsync is Fsync.ALWAYS


@pytest.mark.parametrize(
    ("variable", "text", "field", "value"),
    [
        ("CRM_DATA_DIR", "/srv/crm", "data_dir", Path("/srv/crm")),
        ("CRM_GRAPH_URL", "falkordb://localhost:6379", "graph_url", "falkordb://localhost:6379"),
        ("CRM_GRAPH_NAME", "crm_test-1", "graph_name", "crm_test-1"),
        ("CRM_BATCH_SIZE", "50", "batch_size", 50),
        ("CRM_LOAD_PROCESSES", "3", "load_processes", 3),
        ("CRM_FSYNC", "everysec", "fsync", Fsync.EVERYSEC),
        ("CRM_QUERY_TIMEOUT_MS", "1500", "query_timeout_ms", 1500),
        ("CRM_START_TIMEOUT_S", "2.5", "start_timeout_s", 2.5),
        ("CRM_STORE_WAIT_S", "0.5", "store_wait_s", 0.5),
        ("crm_batch_size", "7", "batch_size", 7),
    ],
)
def test_environment_variable_is_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, text: str, field: str, value: Any
) -> None:
    monkeypatch.setenv(variable, text)
    assert getattr(load_settings(), field) == value


def test_variable_without_prefix_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCH_SIZE", "50")
    assert load_settings().batch_size == 1000


def test_override_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_BATCH_SIZE", "50")
    monkeypatch.setenv("CRM_DATA_DIR", "/srv/crm")
    settings = load_settings(batch_size=20, data_dir=Path("/tmp/other"))
    assert (settings.batch_size, settings.data_dir) == (20, Path("/tmp/other"))


def test_none_override_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_BATCH_SIZE", "50")
    settings = load_settings(batch_size=None, graph_url=None, data_dir=None)
    assert (settings.batch_size, settings.graph_url, settings.data_dir) == (
        50,
        None,
        Path("crm-data"),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("batch_size", 0),
        ("batch_size", 100_001),
        ("graph_name", "my graph"),
        ("graph_name", ""),
        ("graph_name", "a" * 65),
        ("graph_name", "crm;FLUSHALL"),
        ("fsync", "never"),
        ("query_timeout_ms", 0),
        ("start_timeout_s", 0),
        ("store_wait_s", 0),
        ("unknown_option", 1),
    ],
)
def test_invalid_override_is_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        load_settings(**{field: value})


@pytest.mark.parametrize(
    ("variable", "text"),
    [("CRM_BATCH_SIZE", "0"), ("CRM_GRAPH_NAME", "my graph"), ("CRM_BATCH_SIZE", "many")],
)
def test_invalid_environment_variable_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, text: str
) -> None:
    monkeypatch.setenv(variable, text)
    with pytest.raises(ValidationError):
        load_settings()


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValidationError, match="frozen"):
        settings.batch_size = 5
    assert settings.batch_size == 1000


def test_settings_can_be_built_directly() -> None:
    assert Settings(graph_name="other").graph_name == "other"


def test_a_crm_variable_that_is_no_setting_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CRM_DATADIR", "typo")

    load_settings()

    assert "CRM_DATADIR is not a setting" in caplog.text
    assert "CRM_DATA_DIR" in caplog.text


def test_limits_have_defaults_and_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = load_settings()
    monkeypatch.setenv("CRM_MAX_DEPTH", "4")
    monkeypatch.setenv("CRM_ANONYMOUS_ROLE", "reader")

    assert (defaults.max_depth, defaults.max_aliases, defaults.max_tokens) == (15, 30, 5000)
    assert (defaults.max_cost, defaults.max_body_bytes) == (2_000_000, 1_000_000)
    assert defaults.anonymous_role is None
    assert load_settings().max_depth == 4
    assert load_settings().anonymous_role == "reader"


@pytest.mark.parametrize(
    "overrides",
    [
        {"anonymous_role": "editor"},
        {"anonymous_role": "admin"},
        {"graph_url": "falkordb://crm:changeme@db.example:6379"},
        {"graph_url": "falkordb://:password@db.example:6379"},
        {"session_secret": None},
    ],
)
def test_production_refuses_unsafe_settings(overrides: dict[str, Any]) -> None:
    load_settings(**overrides)  # allowed in development

    with pytest.raises(ValidationError, match="production"):
        load_settings(env="production", **({"session_secret": SESSION_SECRET} | overrides))


def test_production_allows_anonymous_readers_and_real_passwords() -> None:
    settings = load_settings(
        env="production",
        anonymous_role="reader",
        graph_url="falkordb://crm:Zq7-long-random@db.example:6379",
        session_secret=SESSION_SECRET,
    )

    assert settings.anonymous_role == "reader"


SESSION_SECRET = "kY3xP0-long-random-session-secret-0123"


def test_a_session_secret_is_long_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SESSION_SECRET", SESSION_SECRET)
    settings = load_settings()

    assert settings.session_secret is not None
    assert settings.session_secret.get_secret_value() == SESSION_SECRET
    assert SESSION_SECRET not in repr(settings)
    assert settings.session_hours == 8
    with pytest.raises(ValidationError, match="32 or more"):
        load_settings(session_secret="short")
    with pytest.raises(ValidationError, match="session_hours"):
        load_settings(session_hours=0)
