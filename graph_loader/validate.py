"""Validate everything before anything is written, and turn valid records into write rows.

Every problem is collected, not just the first: unknown labels, types and fields, values the
domain model refuses, duplicate ids, relationships between labels the model does not allow, and
relationships whose end is neither a valid record of the input nor a node of the graph.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, Node, RelSpec, RelType
from crm.graph.properties import timestamps, to_properties
from crm.graph.store import GraphStore
from crm.queries.lookup import existing_ids, keyed_relationship_ends
from graph_loader.records import Kind, Location, Problem, RawInput, RawRecord

Row = dict[str, Any]
LinkKey = tuple[RelType, Label, Label]
NodeKey = tuple[Label, str]


@dataclass
class Plan:
    """The valid rows, ready to write, and the problems of the invalid ones."""

    nodes: dict[Label, list[Row]] = field(default_factory=dict)
    links: dict[LinkKey, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    invalid: int = 0
    """How many records are left out of the plan because of a problem."""

    @property
    def rows(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.links.values()))


@dataclass(frozen=True)
class _Link:
    """A relationship record as far as it could be understood: an end whose label is unclear and
    properties the model refuses are None (and the record has a problem)."""

    spec: RelSpec
    source: NodeKey | None
    target: NodeKey | None
    row: Row | None
    record: RawRecord

    @property
    def identity(self) -> tuple[Any, ...]:
        """Keyed types are one per id; the others one per pair of ends."""
        if self.spec.keyed and self.row is not None:
            return (self.spec.name, self.row["props"]["id"])
        return (self.spec.name, self.source, self.target)

    @property
    def ends(self) -> list[tuple[str, NodeKey]]:
        return [(end, key) for end, key in (("from", self.source), ("to", self.target)) if key]


async def validate(raw: RawInput, store: GraphStore) -> Plan:
    """Check every record of ``raw``; ends not in the input are looked up in ``store``."""
    return await _Validation(raw, store).run()


class _Validation:
    def __init__(self, raw: RawInput, store: GraphStore) -> None:
        self.raw = raw
        self.store = store
        self.problems = list(raw.problems)
        self.bad: set[int] = set()

    def refuse(self, record: RawRecord, message: str, field_name: str | None = None) -> None:
        self.problems.append(Problem(record.location, message, field_name))
        self.bad.add(id(record))

    def ok(self, record: RawRecord) -> bool:
        return id(record) not in self.bad

    async def run(self) -> Plan:
        declared: dict[NodeKey, RawRecord] = {}
        nodes: list[tuple[RawRecord, Node]] = []
        links: list[_Link] = []
        for record in self.raw.records:
            if record.kind is Kind.RELATIONSHIP:
                if (link := self.link(record)) is not None:
                    links.append(link)
            elif (node := self.node(record, declared)) is not None:
                nodes.append((record, node))
        await self.check_ends(links, declared)
        self.check_duplicates(links)
        await self.check_keyed_ends(links)

        plan = Plan(problems=self.problems)
        for record, node in nodes:
            if self.ok(record):
                row = {"id": node.id, "props": to_properties(node), **timestamps(node)}
                plan.nodes.setdefault(node.label, []).append(row)
        for link in links:
            if self.ok(link.record) and link.source and link.target and link.row:
                link_key = (link.spec.name, link.source[0], link.target[0])
                plan.links.setdefault(link_key, []).append(link.row)
        plan.invalid = sum(1 for record in self.raw.records if not self.ok(record))
        return plan

    def node(self, record: RawRecord, declared: dict[NodeKey, RawRecord]) -> Node | None:
        """The record as a node; ``declared`` learns of every id, valid or not, so that a
        relationship to an invalid node can say so."""
        try:
            label = Label(record.name)
        except ValueError:
            self.refuse(record, f"unknown label {record.name!r}; the labels are {_listed(Label)}")
            return None
        raw_id = record.data.get("id")
        if isinstance(raw_id, str):
            key = (label, raw_id)
            if key in declared:
                where = declared[key].location
                self.refuse(record, f"{label} {raw_id!r} also appears at {where}", "id")
                return None
            declared[key] = record
        try:
            return NODE_MODELS[label].model_validate(_with_source(record))
        except ValidationError as error:
            self.refuse_all(record, error)
            return None

    def link(self, record: RawRecord) -> _Link | None:
        try:
            spec = RELATIONSHIPS[RelType(record.name)]
        except ValueError:
            self.refuse(
                record,
                f"unknown relationship type {record.name!r}; the types are {_listed(RelType)}",
            )
            return None
        data = _with_source(record)
        source = self.end(record, spec, "from", data.pop("from", None), data.pop("fromLabel", None))
        target = self.end(record, spec, "to", data.pop("to", None), data.pop("toLabel", None))
        row: Row | None = None
        try:
            tie = spec.properties.model_validate(data)
        except ValidationError as error:
            self.refuse_all(record, error)
        else:
            row = {"props": to_properties(tie), **timestamps(tie)}
        if source is not None and source == target:
            self.refuse(
                record,
                f"a relationship of type {spec.name} cannot join {source[1]!r} to itself",
                "to",
            )
        if row is not None and source is not None and target is not None:
            row |= {"from": source[1], "to": target[1]}
        return _Link(spec, source, target, row, record)

    def end(
        self, record: RawRecord, spec: RelSpec, end: str, node_id: Any, given: Any
    ) -> NodeKey | None:
        allowed = spec.sources if end == "from" else spec.targets
        verb = "start at" if end == "from" else "end at"
        label: Label | None = None
        if given is None and len(allowed) == 1:
            label = allowed[0]
        elif given is None:
            self.refuse(
                record, f"{spec.name} may {verb} {_listed(allowed)}: say which", f"{end}Label"
            )
        elif given not in allowed:
            self.refuse(
                record, f"{spec.name} may {verb} {_listed(allowed)}, not {given!r}", f"{end}Label"
            )
        else:
            label = Label(given)
        if not isinstance(node_id, str) or not node_id:
            self.refuse(record, "give the id of the node at this end", end)
            return None
        return None if label is None else (label, node_id)

    async def check_ends(self, links: list[_Link], in_input: dict[NodeKey, RawRecord]) -> None:
        """Each end must be a valid record of the input or a node already in the graph."""
        elsewhere: dict[Label, set[str]] = defaultdict(set)
        for link in links:
            for _, (label, node_id) in link.ends:
                if (label, node_id) not in in_input:
                    elsewhere[label].add(node_id)
        stored: set[NodeKey] = set()
        for label, ids in elsewhere.items():
            stored.update(
                (label, node_id) for node_id in await existing_ids(self.store, label, ids)
            )
        for link in links:
            for end, key in link.ends:
                if key in stored:
                    continue
                if key not in in_input:
                    self.refuse(
                        link.record,
                        f"no {key[0]} with id {key[1]!r} in the input or the graph",
                        end,
                    )
                elif not self.ok(in_input[key]):
                    self.refuse(
                        link.record,
                        f"{key[0]} {key[1]!r} is itself invalid (see {in_input[key].location})",
                        end,
                    )

    def check_duplicates(self, links: Iterable[_Link]) -> None:
        first: dict[tuple[Any, ...], Location] = {}
        for link in links:
            if link.row is None or link.source is None or link.target is None:
                continue
            if link.identity in first:
                self.refuse(
                    link.record,
                    f"the same {link.spec.name} relationship also appears "
                    f"at {first[link.identity]}",
                )
            else:
                first[link.identity] = link.record.location

    async def check_keyed_ends(self, links: Iterable[_Link]) -> None:
        """A keyed relationship already in the graph keeps its ends."""
        by_type: dict[RelType, dict[str, _Link]] = defaultdict(dict)
        for link in links:
            if link.spec.keyed and link.row is not None:
                by_type[link.spec.name][link.row["props"]["id"]] = link
        for rel_type, by_id in by_type.items():
            stored = await keyed_relationship_ends(self.store, rel_type, by_id)
            for key_id, ends in stored.items():
                link = by_id[key_id]
                if link.source and link.target and ends != (link.source[1], link.target[1]):
                    self.refuse(
                        link.record,
                        f"{rel_type} {key_id!r} already joins {ends[0]!r} "
                        f"to {ends[1]!r} in the graph; its ends cannot change",
                        "id",
                    )

    def refuse_all(self, record: RawRecord, error: ValidationError) -> None:
        for detail in error.errors(include_url=False):
            field_name = ".".join(str(part) for part in detail["loc"]) or None
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = "unknown field"
            self.refuse(record, message, field_name)


def _with_source(record: RawRecord) -> dict[str, Any]:
    """The record, with ``source`` naming its file when it gives none."""
    return {"source": f"file:{Path(record.location.file).name}", **record.data}


def _listed(names: Iterable[Any]) -> str:
    return ", ".join(str(name) for name in names)
