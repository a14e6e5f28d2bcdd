"""Write generated records as the loader's CSV folder, a row at a time.

The columns of each file come from the domain model (``crm/domain``), so the files hold exactly
the fields the loader knows: nested fields as dotted columns (``consent.basis``), list fields as
items separated by ``;``, absent values as empty cells.
"""

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import UnionType
from typing import IO, Any, Union, get_args, get_origin

from pydantic import BaseModel

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from graph_loader.writer import Progress

Row = dict[str, Any]
"""A record by column: ``{"id": ..., "consent.basis": ..., "languages": [...]}``."""

PROGRESS_EVERY = 10_000
"""Rows of one file between two reports to the progress."""

_STORE_SET = ("createdAt", "updatedAt")


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a nested field (``LocalizedText | None`` -> ``LocalizedText``), else None."""
    args = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _model_columns(model: type[BaseModel]) -> list[str]:
    columns = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias in _STORE_SET:
            continue
        nested = _nested_model(info.annotation)
        if nested is None:
            columns.append(alias)
        else:
            columns.extend(f"{alias}.{column}" for column in _model_columns(nested))
    return columns


def columns(name: str) -> list[str]:
    """The header of the file of a label or relationship type."""
    if name in Label.__members__.values():
        return _model_columns(NODE_MODELS[Label(name)])
    spec = RELATIONSHIPS[RelType(name)]
    ends = ["from"] + (["fromLabel"] if len(spec.sources) > 1 else [])
    ends += ["to"] + (["toLabel"] if len(spec.targets) > 1 else [])
    return ends + _model_columns(spec.properties)


def _cell(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item).replace(";", "\\;") for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _File:
    def __init__(self, handle: IO[str], header: list[str]) -> None:
        self.handle = handle
        self.header = header
        self.writer = csv.writer(handle)
        self.writer.writerow(header)
        self.known = frozenset(header)
        self.rows = 0
        self.unreported = 0


class CsvFolder:
    """A folder being written: one CSV file per label or relationship type, opened when its
    first row comes. Rows of a file are written in the order they are given."""

    def __init__(self, folder: Path, progress: Progress | None = None) -> None:
        self.folder = folder
        self.progress = progress
        self._files: dict[str, _File] = {}

    def emit(self, name: str, row: Row) -> None:
        file = self._files.get(name)
        if file is None:
            handle = (self.folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            file = self._files[name] = _File(handle, columns(name))
        if not file.known.issuperset(row):
            raise ValueError(f"{name} has no columns {sorted(row.keys() - file.known)}")
        file.writer.writerow([_cell(row.get(column)) for column in file.header])
        file.rows += 1
        file.unreported += 1
        if file.unreported == PROGRESS_EVERY:
            self._report(name, file)

    def _report(self, name: str, file: _File) -> None:
        if self.progress is not None and file.unreported:
            self.progress.advance(name, file.unreported)
        file.unreported = 0

    def counts(self) -> dict[str, int]:
        """Rows written so far, by file name (label or type)."""
        return {name: file.rows for name, file in self._files.items()}

    def close(self) -> None:
        for name, file in self._files.items():
            self._report(name, file)
            file.handle.close()


@contextmanager
def csv_folder(folder: Path, progress: Progress | None = None) -> Iterator[CsvFolder]:
    """A new CSV folder at ``folder``, created if needed. Files of an earlier dataset in it (named
    for a label or type) are removed, so they cannot mix with the new one; others are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (*Label, *RelType):
        (folder / f"{name}.csv").unlink(missing_ok=True)
    output = CsvFolder(folder, progress)
    try:
        yield output
    finally:
        output.close()
