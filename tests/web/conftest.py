"""The web site in-process: the real app (Starlette's TestClient) on the InTra-Net demo in a
real embedded engine, anonymous visitors reading as ``reader``."""

from collections.abc import Iterator

import pytest

from crm.config import Settings
from crm.keys import Role
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api, load_files, serve
from tests.conftest import engine_settings


@pytest.fixture(scope="session")
def site_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo loaded into a folder of its own; anonymous visitors read."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("web") / "crm-data")
    settings = settings.model_copy(update={"anonymous_role": Role.READER})
    load_files(settings, INTRANET)
    return settings


@pytest.fixture(scope="session")
def site(site_settings: Settings) -> Iterator[Api]:
    """The app over the demo; its client sends no key and asks for HTML."""
    for api in serve(site_settings):
        api.client.headers["accept"] = "text/html"
        yield api
