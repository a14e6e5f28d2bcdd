"""Column-mapping files: which column of another tool's CSV export holds which field of a
contact. A YAML file::

    name: Outlook
    encoding: utf-8
    columns:
      First Name: givenName
      E-mail Address: email
    values:
      consent.basis: {Legitimate interest: legitimate_interests}

Several columns may feed one field: the first that is not empty in a row wins. ``values``
translates a column's words into the CRM's (a lawful basis, a country). A mistake (an unknown
field, a key that is not one) is a problem naming the line of the mapping file.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph_loader.records import Location, Problem

TARGETS = (
    "givenName",
    "familyName",
    "name",
    "email",
    "phone",
    "title",
    "organization",
    "country",
    "consent.basis",
    "consent.date",
)
"""The fields a column may map to (``name``: a whole name, split at its last space)."""

_KEYS = ("name", "encoding", "delimiter", "columns", "values")


@dataclass(frozen=True)
class Mapping:
    """A read mapping: the columns of each target in order, value translations, where each
    column was named (for messages)."""

    path: Path
    name: str = ""
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    columns: dict[str, list[str]] = field(default_factory=dict)
    """Target -> the columns that feed it, in the order given."""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """Column -> the line of the mapping file that names it."""


def read_mapping(path: Path) -> Mapping | list[Problem]:
    """The mapping in ``path``, or the problems that keep it from being one."""
    where = str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as error:
        return [Problem(Location(where), f"cannot read the mapping: {error}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        return [Problem(Location(where, line), f"not valid YAML: {error}")]
    if not isinstance(root, yaml.MappingNode):
        return [Problem(Location(where, 1), "a mapping file is a YAML mapping (key: value)")]
    problems: list[Problem] = []
    settings: dict[str, str] = {}
    columns: dict[str, list[str]] = {}
    values: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in root.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in _KEYS:
            problems.append(
                Problem(
                    Location(where, line), f"unknown key {key!r}; the keys are {', '.join(_KEYS)}"
                )
            )
        elif key == "columns":
            problems += _columns(where, value_node, columns, lines)
        elif key == "values":
            problems += _values(where, value_node, values)
        elif isinstance(value_node, yaml.ScalarNode):
            settings[key] = str(value_node.value)
        else:
            problems.append(Problem(Location(where, line), f"{key!r} takes one value"))
    if not columns and not problems:
        problems.append(Problem(Location(where, 1), "the mapping names no columns"))
    if problems:
        return problems
    return Mapping(
        path,
        name=settings.get("name", path.stem),
        encoding=settings.get("encoding", "utf-8-sig"),
        delimiter=settings.get("delimiter", ","),
        columns=columns,
        values=values,
        lines=lines,
    )


def _columns(
    where: str, node: yaml.Node, columns: dict[str, list[str]], lines: dict[str, int]
) -> list[Problem]:
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1
        return [Problem(Location(where, line), "columns: give 'Column name: field' lines")]
    problems = []
    for column_node, target_node in node.value:
        column, line = str(column_node.value), column_node.start_mark.line + 1
        target = str(target_node.value) if isinstance(target_node, yaml.ScalarNode) else ""
        if target not in TARGETS:
            problems.append(
                Problem(
                    Location(where, target_node.start_mark.line + 1),
                    f"column {column!r} maps to {target or 'nothing'!r}, which is not a field; "
                    f"the fields are {', '.join(TARGETS)}",
                )
            )
            continue
        columns.setdefault(target, []).append(column)
        lines[column] = line
    return problems


def _values(where: str, node: yaml.Node, values: dict[str, dict[str, str]]) -> list[Problem]:
    problems = []
    if not isinstance(node, yaml.MappingNode):
        return [Problem(Location(where, node.start_mark.line + 1), "values: give field: {...}")]
    for target_node, table_node in node.value:
        target, line = str(target_node.value), target_node.start_mark.line + 1
        if target not in TARGETS:
            problems.append(Problem(Location(where, line), f"{target!r} is not a field"))
            continue
        if not isinstance(table_node, yaml.MappingNode):
            problems.append(Problem(Location(where, line), f"values of {target!r}: give a table"))
            continue
        values[target] = {
            str(word.value).casefold(): str(meant.value) for word, meant in table_node.value
        }
    return problems
