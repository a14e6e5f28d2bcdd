"""Read YAML, JSON and CSV input into raw records, keeping where each one came from.

A document (YAML or JSON) is ``{"nodes": {label: [record, ...]}, "relationships": {type:
[record, ...]}}``; a CSV folder holds one file per label or relationship type. Readers only
check the shape; what the records say is validation's business.

CSV files are read row by row, never whole, so an input of millions of rows is streamed; a
document is parsed whole (its parser needs all of it).
"""

import csv
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from graph_loader.records import Kind, Location, Problem, RawInput, RawRecord, Read

SECTIONS = {"nodes": Kind.NODE, "relationships": Kind.RELATIONSHIP}
TOO_DEEP = "not valid input: nested too deeply for the parser (a record is a few levels deep)"
"""A document nested thousands of levels deep exhausts the parsers' recursion."""
YAML_SUFFIXES = {".yaml", ".yml"}


class Input:
    """The input paths, read one kind of record at a time: nodes first, so that relationships
    are checked against every node of the input. Each CSV file is read once, with its kind; a
    document is parsed once and kept until its relationships are read too.

    Problems that belong to no record (a file that cannot be read) come with the nodes."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = paths
        self._documents: dict[Path, RawInput] = {}

    def reads(self, kind: Kind) -> Iterator[Read]:
        for path in self.paths:
            if path.is_dir():
                yield from read_csv_files(path, kind)
                continue
            if path not in self._documents:
                self._documents[path] = read_path(path)
            document = self._documents[path]
            if kind is Kind.NODE:
                yield from document.problems
            yield from (record for record in document.records if record.kind is kind)


def read_path(path: Path) -> RawInput:
    """Read a YAML or JSON document, or a folder of CSV files, whole."""
    if path.is_dir():
        return read_csv_folder(path)
    if not path.is_file():
        return _failed(path, "no such file or folder")
    if path.suffix.lower() in YAML_SUFFIXES:
        return read_yaml(path)
    if path.suffix.lower() == ".json":
        return read_json(path)
    return _failed(
        path, "unknown format: give a .yaml, .yml or .json file, or a folder of CSV files"
    )


# --- YAML ------------------------------------------------------------------------------------


class _TextLoader(yaml.SafeLoader):
    """Safe YAML in which every plain scalar but null stays text and duplicate keys are errors.

    YAML 1.1 would turn ``NO`` (Norway) into false, ``007`` into 7 and ``2014-03-11`` into a date;
    the domain model converts text itself, so the file's characters reach it unchanged."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> RawInput:
    try:
        loader = _TextLoader(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return _failed(path, f"cannot be read: {error}")
    try:
        root = loader.get_single_node()
        if root is None:
            return _failed(path, "the document is empty")
        return _walk(path, loader.construct_document(root), _lines(root))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        return _failed(path, f"not valid YAML: {error.problem or error.context}", line)
    except yaml.YAMLError as error:
        return _failed(path, f"not valid YAML: {error}")
    except RecursionError:
        return _failed(path, TOO_DEEP)
    finally:
        loader.dispose()


def _lines(root: Node) -> dict[tuple[Any, ...], int]:
    """The line of each section ``(section,)``, name ``(section, name)`` and record
    ``(section, name, index)`` of a YAML document."""
    lines: dict[tuple[Any, ...], int] = {(): root.start_mark.line + 1}
    if not isinstance(root, MappingNode):
        return lines
    for section_node, groups in root.value:
        section = section_node.value
        lines[(section,)] = section_node.start_mark.line + 1
        for name_node, items in groups.value if isinstance(groups, MappingNode) else ():
            lines[(section, name_node.value)] = name_node.start_mark.line + 1
            for index, item in enumerate(items.value if isinstance(items, SequenceNode) else ()):
                lines[(section, name_node.value, index)] = item.start_mark.line + 1
    return lines


# --- JSON ------------------------------------------------------------------------------------


def read_json(path: Path) -> RawInput:
    try:
        document = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates)
    except (OSError, UnicodeDecodeError) as error:
        return _failed(path, f"cannot be read: {error}")
    except json.JSONDecodeError as error:
        return _failed(path, f"not valid JSON: {error.msg} (column {error.colno})", error.lineno)
    except _DuplicateKey as error:
        return _failed(path, f"not valid input: duplicate key {error.args[0]!r}")
    except RecursionError:
        return _failed(path, TOO_DEEP)
    return _walk(path, document, {})


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


# --- a document, from either ---------------------------------------------------------------


def _walk(path: Path, document: Any, lines: dict[tuple[Any, ...], int]) -> RawInput:
    """The records of ``{"nodes": {label: [...]}, "relationships": {type: [...]}}``; ``lines``
    tells where each part starts, where the format knows it."""
    if not isinstance(document, dict):
        return _failed(
            path, "the document must be a mapping of 'nodes' and 'relationships'", lines.get(())
        )
    return RawInput.of(_sections(path, document, lines))


def _sections(
    path: Path, document: dict[Any, Any], lines: dict[tuple[Any, ...], int]
) -> Iterator[Read]:
    def problem(key: tuple[Any, ...], message: str) -> Problem:
        pointer = ".".join(map(str, key))
        return Problem(Location(str(path), lines.get(key), pointer), message)

    for section, groups in document.items():
        if section not in SECTIONS:
            yield problem((section,), "unknown section: expected 'nodes' or 'relationships'")
            continue
        if groups is None:
            continue
        if not isinstance(groups, dict):
            yield problem((section,), "must map names to lists")
            continue
        for name, items in groups.items():
            if items is None:
                continue
            if not isinstance(items, list):
                yield problem((section, name), "must be a list of records")
                continue
            for index, data in enumerate(items):
                where = (section, name, index)
                location = Location(str(path), lines.get(where), f"{section}.{name}[{index}]")
                yield _record(SECTIONS[section], str(name), data, location)


# --- CSV -------------------------------------------------------------------------------------

_LIST_SEPARATOR = re.compile(r"(?<!\\);")


def read_csv_folder(folder: Path) -> RawInput:
    return RawInput.of(read_csv_files(folder))


def read_csv_files(folder: Path, kind: Kind | None = None) -> Iterator[Read]:
    """The rows of the folder's CSV files (of ``kind``'s files only, when given), one at a time;
    files whose name is no label or type are problems of the node files."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        if kind in (None, Kind.NODE):
            yield _problem(folder, "the folder holds no .csv files")
        return
    for path in files:
        if kind is None or (_kind(path.stem) or Kind.NODE) is kind:
            yield from read_csv(path)


def _kind(name: str) -> Kind | None:
    if name in Label.__members__.values():
        return Kind.NODE
    if name in RelType.__members__.values():
        return Kind.RELATIONSHIP
    return None


def read_csv(path: Path) -> Iterator[Read]:
    """One CSV file, named for the label or relationship type its rows hold, row by row."""
    name = path.stem
    kind = _kind(name)
    if kind is None:
        yield _problem(path, f"the file name must be a label or a relationship type: {_names()}")
        return
    model = (
        NODE_MODELS[Label(name)] if kind is Kind.NODE else RELATIONSHIPS[RelType(name)].properties
    )
    file = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                yield _problem(path, "the file is empty: it needs a header row")
                return
            repeated = _repeated(header)
            if repeated:
                yield Problem(
                    Location(file, reader.line_num, "header"),
                    f"the column {repeated!r} appears more than once in the header",
                )
                return
            columns = _columns(header, _list_fields(model))
            for row in reader:
                line = reader.line_num
                location = Location(file, line, f"row {line}")
                if len(row) != len(columns):
                    yield Problem(
                        location, f"has {len(row)} cells where the header has {len(columns)}"
                    )
                    continue
                yield RawRecord(kind, name, _nest(columns, row), location)
    except (OSError, UnicodeDecodeError) as error:
        yield _problem(path, f"cannot be read: {error}")
    except csv.Error as error:
        yield _problem(path, f"not valid CSV: {error}", reader.line_num)


_Column = tuple[str, str, bool]
"""A header cell: the field, the nested field (``""`` when none), whether it holds a list."""


def _repeated(header: list[str]) -> str | None:
    """The first column named twice in ``header`` (its cells would overwrite each other)."""
    seen: set[str] = set()
    for column in header:
        if column in seen:
            return column
        seen.add(column)
    return None


def _columns(header: list[str], lists: set[str]) -> list[_Column]:
    columns = []
    for column in header:
        head, _, tail = column.partition(".")
        columns.append((head, tail, column in lists))
    return columns


def _nest(columns: list[_Column], row: list[str]) -> dict[str, Any]:
    """Cells to a record: empty cells left out, ``a.b`` columns nested, list cells split."""
    data: dict[str, Any] = {}
    for (head, tail, is_list), cell in zip(columns, row, strict=True):
        if cell == "":
            continue
        value: Any = cell
        if is_list:
            value = [item.replace("\\;", ";") for item in _LIST_SEPARATOR.split(cell)]
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[head] = value
    return data


def _list_fields(model: type[Any]) -> set[str]:
    return {
        info.alias or name
        for name, info in model.model_fields.items()
        if getattr(info.annotation, "__origin__", None) is list
    }


def _names() -> str:
    return ", ".join([*Label.__members__.values(), *RelType.__members__.values()])


# --- shared ----------------------------------------------------------------------------------


def _record(kind: Kind, name: str, data: Any, location: Location) -> Read:
    if not isinstance(data, dict):
        return Problem(location, "a record must be a mapping of fields")
    return RawRecord(kind, name, data, location)


def _failed(path: Path, message: str, line: int | None = None) -> RawInput:
    return RawInput(problems=[_problem(path, message, line)])


def _problem(path: Path, message: str, line: int | None = None) -> Problem:
    return Problem(Location(str(path), line), message)
