"""The web site in-process: the real app (Starlette's TestClient) on the InTra-Net demo in a
real embedded engine, anonymous visitors reading as ``reader``."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.config import Settings
from crm.keys import Role
from tests.api.conftest import Api, serve
from tests.conftest import copy_data, engine_settings


@pytest.fixture(scope="session")
def site_settings(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> Settings:
    """A copy of the demo in a folder of its own; anonymous visitors read."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("web") / "crm-data")
    settings = settings.model_copy(update={"anonymous_role": Role.READER})
    copy_data(demo_data, settings.data_dir)
    return settings


@pytest.fixture(scope="session")
def site(site_settings: Settings) -> Iterator[Api]:
    """The app over the demo; its client sends no key and asks for HTML."""
    for api in serve(site_settings):
        api.client.headers["accept"] = "text/html"
        yield api
