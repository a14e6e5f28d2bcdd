"""The web site in-process: the real app (Starlette's TestClient) on the InTra-Net demo in a
real embedded engine, anonymous visitors reading as ``reader``."""

from collections.abc import Iterator

import pytest

from crm.keys import Role
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api, load_files, serve
from tests.conftest import engine_settings


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app over the demo; its client sends no key and asks for HTML."""
    settings = engine_settings("falkordb", tmp_path_factory.mktemp("web") / "crm-data")
    settings = settings.model_copy(update={"anonymous_role": Role.READER})
    load_files(settings, INTRANET)
    for api in serve(settings):
        api.client.headers["accept"] = "text/html"
        yield api
