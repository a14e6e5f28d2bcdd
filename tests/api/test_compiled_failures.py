"""What the compiled read path does with what it cannot answer: introspection is simply not
compiled (strawberry answers, nothing is logged); a failure that is a bug (not a store error) is
logged once with the request id and counted, and strawberry answers."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import LiteralString

import pytest
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from crm.api.metrics import COMPILED_READ_FAILURES
from crm.config import load_settings
from crm.graph.counting import CountingStore
from crm.graph.store import Parameters, Record
from tests.api.conftest import Api, serve

COMPILED = "crm.api.compiled"


@pytest.mark.parametrize(
    "document",
    [
        "{ __schema { queryType { name } } }",
        '{ __type(name: "Person") { name } people(first: 1) { totalCount } }',
        "query IntrospectionQuery { __schema { types { name fields { name } } } }",
    ],
)
def test_introspection_is_answered_without_an_error_logged(
    intranet: Api, document: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = _failures()
    with caplog.at_level(logging.DEBUG, logger=COMPILED):
        data = intranet.data(document)

    assert data
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert _failures() == before


class BrokenCompiledReads(CountingStore):
    """A store whose answers to compiled reads (the statements that return ``c0``) are
    malformed: the compiled path fails as a bug would, not as the store does."""

    async def read(
        self, query: LiteralString, parameters: Parameters | None = None
    ) -> list[Record]:
        rows = await super().read(query, parameters)
        if "AS c0" in query:
            return [{"unexpected": True}]
        return rows


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[Api]:
    yield from serve(
        load_settings(data_dir=tmp_path / "crm-data"), counting_store=BrokenCompiledReads
    )


def test_a_failing_compiled_read_is_logged_once_counted_and_answered(
    broken: Api, caplog: pytest.LogCaptureFixture
) -> None:
    before = _failures()
    with caplog.at_level(logging.DEBUG, logger=COMPILED):
        response = broken.post("{ topics(first: 2) { totalCount nodes { id } } }")

    assert response.status_code == 200
    assert response.json() == {"data": {"topics": {"totalCount": 0, "nodes": []}}}
    assert _failures() == before + 1
    logged = [r for r in caplog.records if r.name == COMPILED]
    assert len(logged) == 1
    assert response.headers["x-request-id"] in logged[0].getMessage()
    assert logged[0].exc_info is not None


def _failures() -> float:
    value = REGISTRY.get_sample_value("crm_compiled_read_failures_total")
    assert value is not None
    return value


def test_the_counter_is_exported() -> None:
    families = {f.name: f for f in text_string_to_metric_families(generate_latest().decode())}
    assert families["crm_compiled_read_failures"].documentation
    assert COMPILED_READ_FAILURES._name == "crm_compiled_read_failures"
