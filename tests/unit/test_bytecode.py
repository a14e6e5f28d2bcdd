"""The suite's own processes keep compiled modules where Python is told to write none beside
the sources (``tests/conftest.py``'s ``keep_bytecode``), and leave a chosen prefix alone."""

import os
import subprocess
import sys

import pytest

from tests.conftest import BYTECODE, keep_bytecode


@pytest.fixture
def python_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's bytecode settings, restored after the test."""
    monkeypatch.setattr(sys, "dont_write_bytecode", sys.dont_write_bytecode)
    monkeypatch.setattr(sys, "pycache_prefix", sys.pycache_prefix)


@pytest.mark.usefixtures("python_flags")
def test_told_to_write_none_the_suite_keeps_them_in_its_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    sys.dont_write_bytecode = True

    keep_bytecode()

    assert "PYTHONDONTWRITEBYTECODE" not in os.environ
    assert (sys.dont_write_bytecode, sys.pycache_prefix) == (False, str(BYTECODE))
    child = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.dont_write_bytecode, sys.pycache_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.split() == ["False", str(BYTECODE)]


@pytest.mark.usefixtures("python_flags")
@pytest.mark.parametrize(
    ("dont_write", "prefix"), [("1", "/somewhere/else"), ("", None)], ids=["prefix", "unset"]
)
def test_a_chosen_prefix_or_no_such_setting_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, dont_write: str, prefix: str | None
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", dont_write)
    if prefix is None:
        monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    else:
        monkeypatch.setenv("PYTHONPYCACHEPREFIX", prefix)
    before = (sys.dont_write_bytecode, sys.pycache_prefix)

    keep_bytecode()

    assert os.environ["PYTHONDONTWRITEBYTECODE"] == dont_write
    assert os.environ.get("PYTHONPYCACHEPREFIX") == prefix
    assert (sys.dont_write_bytecode, sys.pycache_prefix) == before
