"""docker-compose.yml agrees with the app: the settings it passes exist, the ports and the health
check are the ones the API serves, and the API waits for a healthy Neo4j (no container engine
runs here, so this is what can be checked)."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from starlette.routing import Route

from crm.api.app import create_app
from crm.config import Settings
from crm.graph.connect import NEO4J_SCHEMES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
SUBSTITUTION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)[^}]*\}")
"""``${NAME}``, ``${NAME:?message}``: taken from .env (``$${...}`` is left to the container)."""


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    found: dict[str, Any] = document["services"]
    return found


def example_env() -> dict[str, str]:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {name: value for name, _, value in pairs}


USER_ENV = {
    "NEO4J_PASSWORD": "a-password-of-our-own",
    "SESSION_SECRET": "a-session-secret-of-our-own-with-42-chars",
}
"""The example file with the password changed, as its first line asks."""


def api_settings(services: dict[str, Any], env: dict[str, str] | None = None) -> Settings:
    """The settings the api service runs with, given the ``.env`` a user wrote."""
    if env is None:
        env = example_env() | USER_ENV
    environment = services["api"]["environment"]
    values = {
        name: SUBSTITUTION.sub(lambda match: env[match.group(1)], str(value))
        for name, value in environment.items()
    }
    return Settings.model_validate(
        {name.removeprefix("CRM_").lower(): value for name, value in values.items()}
    )


def test_the_example_password_is_refused_in_production(services: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="neo4j_password is a placeholder"):
        api_settings(services, example_env())


def test_the_example_session_secret_is_refused_in_production(services: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="session_secret is a placeholder"):
        api_settings(services, example_env() | {"NEO4J_PASSWORD": USER_ENV["NEO4J_PASSWORD"]})


def test_every_setting_the_api_gets_exists(services: dict[str, Any]) -> None:
    names = set(services["api"]["environment"])

    assert names, "the api service passes no settings"
    assert {name for name in names if not name.startswith("CRM_")} == set()
    assert {name.removeprefix("CRM_").lower() for name in names} <= set(Settings.model_fields)
    api_settings(services)  # the values validate too


def test_the_api_talks_to_the_neo4j_service(services: dict[str, Any]) -> None:
    settings = api_settings(services)
    url = urlsplit(settings.graph_url or "")
    neo4j_ports = {int(mapping.split(":")[-1]) for mapping in services["neo4j"]["ports"]}

    assert url.scheme in NEO4J_SCHEMES
    assert url.hostname == "neo4j"
    assert url.port in neo4j_ports
    assert settings.neo4j_password.get_secret_value() == USER_ENV["NEO4J_PASSWORD"]
    assert services["neo4j"]["environment"]["NEO4J_AUTH"].startswith(
        settings.neo4j_user + "/${NEO4J_PASSWORD"
    )
    assert services["neo4j"]["image"].startswith("neo4j:5")
    assert services["neo4j"]["image"].endswith("-community")
    assert any(volume.endswith(":/data") for volume in services["neo4j"]["volumes"])


def test_the_api_starts_once_neo4j_is_healthy(services: dict[str, Any]) -> None:
    assert services["api"]["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert "cypher-shell" in " ".join(services["neo4j"]["healthcheck"]["test"])


def test_ports_and_health_check_agree_with_the_app(services: dict[str, Any]) -> None:
    settings = api_settings(services)
    published = {int(mapping.split(":")[-1]) for mapping in services["api"]["ports"]}
    check = " ".join(services["api"]["healthcheck"]["test"])
    (url,) = re.findall(r"http://[^'\" ]+", check)
    paths = {route.path for route in create_app(settings).routes if isinstance(route, Route)}

    assert settings.host == "0.0.0.0"
    assert published == {settings.port}
    assert urlsplit(url).port == settings.port
    assert urlsplit(url).path in paths & {"/healthz", "/readyz"}


def test_every_variable_compose_reads_is_in_the_example_env_file() -> None:
    text = COMPOSE.read_text(encoding="utf-8").replace("$${", "")

    assert set(SUBSTITUTION.findall(text)) <= set(example_env())
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_image_serves_as_a_user_without_privileges() -> None:
    instructions = [
        line.split(maxsplit=1)
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith((" ", "#"))
    ]
    users = [argument for keyword, argument in instructions if keyword == "USER"]
    (command,) = [argument for keyword, argument in instructions if keyword == "CMD"]

    assert users
    assert users[-1] not in {"root", "0"}
    assert yaml.safe_load(command) == ["crm", "serve"]  # exec form: the server gets the signals
    assert any(keyword == "RUN" and "uv sync --frozen" in arg for keyword, arg in instructions)
