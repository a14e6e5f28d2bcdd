"""Settings, read once from the environment (prefix ``CRM_``); command-line options win."""

import json
import logging
import os
from enum import StrEnum
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from crm.keys import Role

logger = logging.getLogger(__name__)


class Fsync(StrEnum):
    """How often the embedded engine forces its append-only file to disk."""

    ALWAYS = "always"
    EVERYSEC = "everysec"


class Environment(StrEnum):
    """Development serves GraphiQL; production does not."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    """How the server writes its log lines."""

    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Everything the service and its tools can be configured with."""

    model_config = SettingsConfigDict(env_prefix="CRM_", frozen=True, extra="forbid")

    graph_url: str | None = Field(
        default=None,
        description="Which engine to use; unset: the embedded FalkorDB in data_dir. "
        "falkordb://host:port for a FalkorDB server; neo4j://, neo4j+s://, bolt:// or "
        "bolt+s://host:port for Neo4j.",
    )
    graph_name: str = Field(default="crm", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    data_dir: Path = Field(
        default=Path("crm-data"), description="Where the embedded engine keeps its files."
    )
    fsync: Fsync = Field(
        default=Fsync.ALWAYS,
        description="Embedded engine: fsync the append-only file before every acknowledgement "
        "(always) or once a second (everysec).",
    )
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    load_processes: int = Field(
        default=1,
        ge=1,
        le=256,
        description="Processes that validate a load's records; 1: the loading process alone "
        "(worker processes cost more than they save on two CPUs: see BENCHMARKS.md).",
    )
    query_timeout_ms: int = Field(default=30_000, ge=1)
    start_timeout_s: float = Field(default=60.0, gt=0)
    store_wait_s: float = Field(
        default=3.0,
        gt=0,
        description="How long a request waits for a store that went away (a new connection, "
        "or the embedded engine started again) before it is answered STORE_UNAVAILABLE.",
    )
    env: Environment = Environment.DEVELOPMENT
    host: str = Field(default="127.0.0.1", min_length=1, description="Where `crm serve` listens.")
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="How many API processes `crm serve` runs on the one port (they share the "
        "engine).",
    )
    max_page_size: int = Field(
        default=1000, ge=1, le=100_000, description="The largest `first` a list accepts."
    )
    brokers_exact_up_to: int = Field(
        default=500,
        ge=0,
        description="`brokers`: up to this many people who have interacted, exact scores; "
        "above, an estimate from a sample of them (the answer says which).",
    )
    brokers_sample: int = Field(
        default=400,
        ge=1,
        description="`brokers` above `CRM_BROKERS_EXACT_UP_TO`: how many people the shortest "
        "paths are followed from (drawn with a fixed seed).",
    )
    neo4j_user: str = Field(default="neo4j", min_length=1, description="Neo4j: the user name.")
    neo4j_password: SecretStr = Field(
        default=SecretStr(""), description="Neo4j: the password (never logged or shown)."
    )
    neo4j_database: str | None = Field(
        default=None, min_length=1, description="Neo4j: the database; unset: the server's default."
    )
    neo4j_max_pool_size: int = Field(
        default=100, ge=1, description="Neo4j: connections per server the driver keeps at most."
    )
    neo4j_connection_timeout_s: float = Field(
        default=5.0, gt=0, description="Neo4j: how long to wait for a new connection."
    )
    neo4j_acquisition_timeout_s: float = Field(
        default=10.0, gt=0, description="Neo4j: how long to wait for a connection from the pool."
    )
    neo4j_retry_time_s: float = Field(
        default=10.0,
        ge=0,
        description="Neo4j: how long a failed transaction is retried (a lost connection, a "
        "cluster's leader changing) before the store counts as unavailable.",
    )
    anonymous_role: Role | None = Field(
        default=None,
        description="The role of requests without a key; unset: they are refused (401).",
    )
    max_depth: int = Field(default=15, ge=1, description="The deepest selection a query may have.")
    max_aliases: int = Field(default=30, ge=0, description="The most aliases in one document.")
    max_tokens: int = Field(
        default=5000, ge=1, description="The most tokens in one document (fragments included)."
    )
    max_cost: int = Field(
        default=2_000_000,
        ge=1,
        description="The largest estimated cost of a query: the rows its lists may return, each "
        "list's `first` multiplied by the `first` of the lists around it.",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1, description="The largest request body, in bytes."
    )
    change_retention_days: float = Field(
        default=30,
        gt=0,
        description="How long the change log (and so the audit trail) keeps an entry; older "
        "ones are pruned by the API server once an hour.",
    )
    live_poll_ms: int = Field(
        default=100, ge=10, description="How often each API process reads the change log on."
    )
    live_keep_alive_s: float = Field(
        default=15,
        gt=0,
        description="How often a subscription is kept alive: a WebSocket ping, an SSE comment.",
    )
    live_queue_size: int = Field(
        default=1000,
        ge=1,
        description="The most events a subscriber may have waiting; one that falls further "
        "behind is ended with the last sequence it received.",
    )
    live_subscriptions_per_key: int = Field(
        default=10, ge=1, description="The most subscriptions one key may hold in one process."
    )
    live_subscriptions: int = Field(
        default=1000, ge=1, description="The most subscriptions one API process holds."
    )
    session_hours: float = Field(
        default=8,
        gt=0,
        le=24 * 366,
        description="How long a web session lasts after signing in (the cookie's max-age).",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Signs the web site's session cookies (32 characters or more); required in "
        "production. Unset in development: made once and kept in data_dir/session-secret.",
    )
    max_graph_nodes: int = Field(
        default=2000,
        ge=1,
        le=100_000,
        description="The most nodes one view of the network explorer may hold (and ten times "
        "as many ties).",
    )
    max_expansion_nodes: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="The most nodes one expansion of an explorer's view may add (and ten times "
        "as many ties).",
    )
    budget_anonymous_ms: int = Field(
        default=5_000,
        ge=1,
        description="The longest one request without a key may run, in the engine and in the "
        "API process; past it, a BUDGET_EXCEEDED error.",
    )
    budget_reader_ms: int = Field(
        default=10_000, ge=1, description="The longest one request of a reader's key may run."
    )
    budget_editor_ms: int = Field(
        default=30_000, ge=1, description="The longest one request of an editor's key may run."
    )
    budget_admin_ms: int = Field(
        default=60_000, ge=1, description="The longest one request of an admin's key may run."
    )
    max_expensive_per_key: int = Field(
        default=2,
        ge=1,
        description="How many network questions (crm/api/budgets.py) one key may have running "
        "at once; beyond: 429 with Retry-After.",
    )
    max_expensive_anonymous: int = Field(
        default=1,
        ge=1,
        description="How many network questions the requests without a key may have running "
        "at once, all together; beyond: 429 with Retry-After.",
    )
    max_failed_key_checks: int = Field(
        default=10,
        ge=1,
        description="How many failed key checks one client address, or one key id, may have "
        "within failed_key_window_s; beyond: 429 with Retry-After, the key not checked.",
    )
    failed_key_window_s: float = Field(
        default=60.0, gt=0, description="The window that max_failed_key_checks counts in."
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Serve /metrics on this port (on host, to anyone who reaches it) instead "
        "of on the API's port to admin keys.",
    )
    log_format: LogFormat = Field(
        default=LogFormat.TEXT,
        description="`crm serve` and `crm demo` log lines as text, or as JSON objects (one a "
        "line) with the request id.",
    )
    compiled_reads: bool = Field(
        default=True,
        description="Answer queries the compiler supports with one Cypher statement per "
        "top-level field; false sends every request through strawberry's resolvers.",
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="Accept webhook URLs that resolve to private, loopback or link-local "
        "addresses (refused by default: the server would call into its own network).",
    )
    webhooks_timeout_s: float = Field(
        default=10, gt=0, le=300, description="How long one webhook delivery attempt may take."
    )
    webhooks_first_retry_s: float = Field(
        default=5,
        gt=0,
        description="How long after a failed delivery the first retry comes; each next one "
        "waits twice as long (at most an hour).",
    )
    webhooks_retry_hours: float = Field(
        default=24,
        gt=0,
        description="How long a webhook endpoint's deliveries may keep failing before the "
        "endpoint is paused.",
    )
    webhooks_poll_ms: int = Field(
        default=1000,
        ge=10,
        description="How often the API server looks for new changes to deliver to webhooks.",
    )

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and len(secret.get_secret_value()) < MIN_SESSION_SECRET:
            raise ValueError(f"use {MIN_SESSION_SECRET} or more random characters")
        return secret

    @model_validator(mode="after")
    def _safe_in_production(self) -> Self:
        """Production refuses placeholder secrets, anonymous access above reading, and a missing
        session secret."""
        if self.env != Environment.PRODUCTION:
            return self
        if self.anonymous_role not in (None, Role.READER):
            raise ValueError(
                f"anonymous_role {self.anonymous_role} is not allowed in production "
                "(at most reader)"
            )
        password = urlsplit(self.graph_url).password if self.graph_url else None
        if password is not None and password.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("graph_url has a placeholder password; set a real one in production")
        if self.neo4j_password.get_secret_value().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("neo4j_password is a placeholder; set a real one in production")
        if self.session_secret is None:
            raise ValueError(
                f"session_secret must be set in production to {MIN_SESSION_SECRET} or more "
                "random characters (python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        if self.session_secret.get_secret_value().lower() in PLACEHOLDER_SECRETS:
            raise ValueError("session_secret is a placeholder; set a real one in production")
        return self

    def budget(self, role: Role | None) -> tuple[int, str]:
        """The time budget (ms) of a request with a key of ``role`` (``None``: without a key),
        and the setting that sets it."""
        name = f"budget_{role.value if role is not None else 'anonymous'}_ms"
        budget: int = getattr(self, name)
        return budget, f"CRM_{name.upper()}"


MIN_SESSION_SECRET = 32
"""The fewest characters a production session secret may have."""


PLACEHOLDER_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "change-this-password",
        "password",
        "secret",
        "example",
        "placeholder",
        "admin",
        "test",
        "change-this-to-32-or-more-random-characters",
    }
)
"""Passwords that production refuses: the ones examples and templates ship with."""


def environment(settings: Settings) -> dict[str, str]:
    """The ``CRM_`` variables that give another process (``crm serve``'s workers) the same
    settings as ``settings``, command-line options included; secrets as themselves."""
    found: dict[str, str] = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            text = value.get_secret_value()
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str | Path | int | float):
            text = str(value)
        else:
            text = json.dumps(value, default=str)
        found[f"CRM_{name.upper()}"] = text
    return found


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment; non-None ``overrides`` (command-line options) win.

    A ``CRM_`` variable that is no setting (a typo, say) is logged, not silently ignored."""
    known = {f"CRM_{name.upper()}" for name in Settings.model_fields}
    for name in sorted(set(os.environ) - known):
        if name.startswith("CRM_"):
            logger.warning(
                "%s is not a setting; the settings are %s", name, ", ".join(sorted(known))
            )
    return Settings(**{key: value for key, value in overrides.items() if value is not None})
