"""``crm generate`` as a user runs it."""

from pathlib import Path

from tests.e2e.test_cli import crm


def test_generate_small_writes_a_csv_folder(tmp_path: Path) -> None:
    out = tmp_path / "small"

    result = crm("generate", "small", str(out), "--seed", "3")

    assert result.returncode == 0, result.stderr
    assert "(small, seed 3)" in result.stderr
    assert {path.name for path in out.glob("*.csv")} >= {"Person.csv", "INTERACTED.csv"}


def test_generate_refuses_an_unknown_size(tmp_path: Path) -> None:
    result = crm("generate", "huge", str(tmp_path / "huge"))

    assert result.returncode == 2
    assert "small, medium, large" in result.stderr
    assert not (tmp_path / "huge").exists()
