"""The checks of one record alone: what needs no other record and no graph (its label or type,
its ends' labels, the domain model's verdict) and, when it passes, its write row.

They are pure, so they run in worker processes (``graph_loader.workers``); what they find is
handed back in the order the serial validator said it, and validation (``graph_loader.validate``)
adds the checks across records in between, so a load's problems are the same with any number of
processes.
"""

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.graph.properties import timestamps, to_properties
from graph_loader.records import Kind, RawRecord

Row = dict[str, Any]
Found = tuple[str, str | None]
"""A problem of the record: its message and the field it concerns."""


class NodeCheck(NamedTuple):
    """A node record: its label (``None`` when unknown: ``problems`` says so), and either its row
    or the domain model's problems."""

    label: Label | None
    row: Row | None
    problems: list[Found]


class End(NamedTuple):
    """One end of a relationship record: its label and id where given rightly, and the problems
    with them, in the order they are reported."""

    label: Label | None
    node_id: str | None
    problems: list[Found]


class LinkCheck(NamedTuple):
    """A relationship record: its type (``None`` when unknown: ``problems`` says so), its ends,
    and either its row (without ends) or the domain model's problems."""

    rel_type: RelType | None
    ends: tuple[End, End]
    row: Row | None
    problems: list[Found]


Check = NodeCheck | LinkCheck


def check_all(records: list[RawRecord]) -> list[Check]:
    """Check each record of a chunk: the work a worker process does."""
    return [check(record) for record in records]


def check(record: RawRecord) -> Check:
    return check_node(record) if record.kind is Kind.NODE else check_link(record)


def check_node(record: RawRecord) -> NodeCheck:
    try:
        label = Label(record.name)
    except ValueError:
        message = f"unknown label {record.name!r}; the labels are {_listed(Label)}"
        return NodeCheck(None, None, [(message, None)])
    try:
        node = NODE_MODELS[label].model_validate(_with_source(record))
    except ValidationError as error:
        return NodeCheck(label, None, found(error))
    return NodeCheck(label, {"id": node.id, "props": to_properties(node), **timestamps(node)}, [])


_NO_ENDS = (End(None, None, []), End(None, None, []))


def check_link(record: RawRecord) -> LinkCheck:
    try:
        rel_type = RelType(record.name)
    except ValueError:
        message = f"unknown relationship type {record.name!r}; the types are {_listed(RelType)}"
        return LinkCheck(None, _NO_ENDS, None, [(message, None)])
    data = _with_source(record)
    ends = (
        _end(rel_type, "from", data.pop("from", None), data.pop("fromLabel", None)),
        _end(rel_type, "to", data.pop("to", None), data.pop("toLabel", None)),
    )
    try:
        tie = RELATIONSHIPS[rel_type].properties.model_validate(data)
    except ValidationError as error:
        return LinkCheck(rel_type, ends, None, found(error))
    return LinkCheck(rel_type, ends, {"props": to_properties(tie), **timestamps(tie)}, [])


def _end(rel_type: RelType, end: str, node_id: Any, given: Any) -> End:
    spec = RELATIONSHIPS[rel_type]
    allowed = spec.sources if end == "from" else spec.targets
    verb = "start at" if end == "from" else "end at"
    label: Label | None = None
    problems: list[Found] = []
    if given is None and len(allowed) == 1:
        label = allowed[0]
    elif given is None:
        problems.append((f"{spec.name} may {verb} {_listed(allowed)}: say which", f"{end}Label"))
    elif given not in allowed:
        message = f"{spec.name} may {verb} {_listed(allowed)}, not {given!r}"
        problems.append((message, f"{end}Label"))
    else:
        label = Label(given)
    if not isinstance(node_id, str) or not node_id:
        problems.append(("give the id of the node at this end", end))
        return End(None, None, problems)
    return End(label, node_id, problems)


def found(error: ValidationError) -> list[Found]:
    """The domain model's problems, each with the field it concerns."""
    problems: list[Found] = []
    for detail in error.errors(include_url=False):
        field_name = ".".join(str(part) for part in detail["loc"]) or None
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append((message, field_name))
    return problems


def _with_source(record: RawRecord) -> dict[str, Any]:
    """The record, with ``source`` naming its file when it gives none."""
    return {"source": _file_source(record.location.file), **record.data}


@cache
def _file_source(file: str) -> str:
    return f"file:{Path(file).name}"


def _listed(names: Any) -> str:
    return ", ".join(str(name) for name in names)
