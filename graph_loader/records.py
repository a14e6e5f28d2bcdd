"""What the readers hand to validation: raw records with where they came from, and problems."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    NODE = "node"
    RELATIONSHIP = "relationship"


@dataclass(frozen=True)
class Location:
    """A place in an input file: the file, the line (where the format has lines) and a pointer
    to the record (``nodes.Person[12]`` in a document, ``row 12`` in a CSV file)."""

    file: str
    line: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{place} {self.pointer}" if self.pointer else place


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said so that its author can find and fix it."""

    location: Location
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}, field {self.field!r}" if self.field else str(self.location)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RawRecord:
    """A record as read, before validation: a node of ``name`` (a label) or a relationship of
    ``name`` (a type), as written in the file."""

    kind: Kind
    name: str
    data: dict[str, Any]
    location: Location


Read = RawRecord | Problem
"""What a reader yields, one at a time: a record, or a problem where one could not be read."""


@dataclass
class RawInput:
    """Everything read from the input paths, and what could not be read."""

    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, reads: Iterable[Read]) -> "RawInput":
        collected = cls()
        for read in reads:
            if isinstance(read, Problem):
                collected.problems.append(read)
            else:
                collected.records.append(read)
        return collected
