"""Validate everything before anything is written, and turn valid records into write rows.

Every problem is collected, not just the first: unknown labels, types and fields, values the
domain model refuses, duplicate ids, relationships between labels the model does not allow, and
relationships whose end is neither a valid record of the input nor a node of the graph.

The input is streamed: node records first, then relationship records, one at a time. What is
kept in memory is what checks across records need (every node id of the input, the identity of
every relationship, the problems); the valid rows go to a spool file that the writer reads back,
so that each record is validated once and memory does not grow with the rows' properties.
The checks of a record alone (``graph_loader.checks``) may run in worker processes; the checks
across records run here, in input order.
"""

import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import batched
from tempfile import TemporaryFile
from types import TracebackType
from typing import IO, Any, Self

from crm.domain import RELATIONSHIPS, Label, RelType
from crm.graph.store import GraphStore
from crm.queries.lookup import CHUNK, existing_ids, holds_label, holds_type, keyed_relationship_ends
from crm.queries.merged import MERGEABLE, kept_ids
from graph_loader.checks import End, Found, LinkCheck, NodeCheck, Row
from graph_loader.matching import KeyCheck, Match, MatchKey, Touch
from graph_loader.readers import Input
from graph_loader.records import Kind, Location, Problem, RawRecord
from graph_loader.workers import CHUNK as PROCESS_CHUNK
from graph_loader.workers import Checker

LinkKey = tuple[RelType, Label, Label]
NodeKey = tuple[Label, str]
Ref = tuple[int, Location]
"""A record by its number in the input and its place."""

_SPOOLED = 1000
"""Rows pickled together into a spool."""


class _Spool:
    """Rows of one group written once and read back in order, on disk: ``(record number, row)``."""

    def __init__(self) -> None:
        # Closed by ``close``: the spool outlives the call that opens it.
        self._file: IO[bytes] = TemporaryFile()  # noqa: SIM115
        self._pending: list[tuple[int, Row]] = []

    def add(self, number: int, row: Row) -> None:
        self._pending.append((number, row))
        if len(self._pending) >= _SPOOLED:
            self._flush()

    def _flush(self) -> None:
        pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._pending = []

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                chunk: list[tuple[int, Row]] = pickle.load(self._file)
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self._file.close()


@dataclass
class Plan:
    """The outcome of validation: the problems of the invalid records, how many records are
    valid and invalid, and the valid rows, read back in batches: group after group in the order
    the input first names them, each group's rows in input order. Close it (or use it as a
    context manager) to remove its spools."""

    problems: list[Problem] = field(default_factory=list)
    invalid: int = 0
    """How many records are left out of the plan because of a problem."""
    rows: int = 0
    """How many records are valid: the rows to write."""
    refused: set[int] = field(default_factory=set, repr=False)
    """The numbers of the invalid records."""
    node_rows: dict[Label, _Spool] = field(default_factory=dict, repr=False)
    link_rows: dict[LinkKey, _Spool] = field(default_factory=dict, repr=False)
    keys: KeyCheck = field(default_factory=KeyCheck, repr=False)
    """Natural keys, matches and renamed ids (``graph_loader.matching``)."""

    @property
    def matches(self) -> list[Match]:
        """Incoming records matched to stored ones by a natural key (``--match``)."""
        return self.keys.matches

    @property
    def touched(self) -> dict[Label, Touch]:
        """By label: how many records the load creates and how many it finds stored."""
        return self.keys.touched

    def node_batches(self, size: int) -> Iterator[tuple[Label, list[Row]]]:
        """The valid node rows, at most ``size`` of one label per batch; a row matched to a
        stored record (or naming a merged one) carries that record's id."""
        for label, batch in self._batches(self.node_rows, size):
            yield label, [self._renamed_node(label, row) for row in batch]

    def link_batches(self, size: int) -> Iterator[tuple[LinkKey, list[Row]]]:
        """The valid relationship rows, at most ``size`` of one type and pair of labels."""
        for group, batch in self._batches(self.link_rows, size):
            yield group, [self._renamed_link(group, row) for row in batch]

    def _renamed_node(self, label: Label, row: Row) -> Row:
        """A row matched to a stored record updates the fields it gives and keeps the others
        (it is another source's view of the record, not a replacement)."""
        renamed = self.keys.renamed(label, row["id"])
        if renamed == row["id"]:
            return row
        given = {key: value for key, value in row["props"].items() if value is not None}
        return row | {"id": renamed, "props": given | {"id": renamed}}

    def _renamed_link(self, group: LinkKey, row: Row) -> Row:
        if not self.keys.renames:
            return row
        _, source, target = group
        return row | {
            "from": self.keys.renamed(source, row["from"]),
            "to": self.keys.renamed(target, row["to"]),
        }

    def _batches[G](self, spools: dict[G, _Spool], size: int) -> Iterator[tuple[G, list[Row]]]:
        for group, spool in spools.items():
            valid = (row for number, row in spool if number not in self.refused)
            for batch in batched(valid, size):
                yield group, list(batch)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for spool in (*self.node_rows.values(), *self.link_rows.values()):
            spool.close()


def _spool[G](spools: dict[G, _Spool], group: G) -> _Spool:
    if group not in spools:
        spools[group] = _Spool()
    return spools[group]


@dataclass(frozen=True)
class _Keyed:
    """A keyed relationship of the input whose type the graph holds, to check against it."""

    ref: Ref
    rel_type: RelType
    key: str
    ends: tuple[str, str]


async def validate(
    source: Input,
    store: GraphStore,
    match: frozenset[MatchKey] = frozenset(),
    processes: int = 1,
    chunk: int = PROCESS_CHUNK,
) -> Plan:
    """Check every record of ``source``; ends not in the input are looked up in ``store``;
    records that a stored record's natural key in ``match`` holds are mapped to it. The checks
    of each record alone run in ``processes`` processes (``graph_loader.workers``); the
    problems, and their order, are the same with any number and any ``chunk`` (records sent to
    a process at a time)."""
    with Checker(processes, chunk) as checker:
        return await _Validation(store, match).run(source, checker)


class _Validation:
    def __init__(self, store: GraphStore, match: frozenset[MatchKey]) -> None:
        self.store = store
        self.plan = Plan(keys=KeyCheck(match))
        self.records = 0
        self.declared: dict[NodeKey, tuple[int, Location]] = {}
        """Every node id of the input, valid or not, with its record's number and place."""
        self.first: dict[tuple[Any, ...], Location] = {}
        """Where each relationship (by identity) first appears."""
        self.unknown_ends: list[tuple[Ref, str, NodeKey]] = []
        """Ends not in the input, to look up in the graph a chunk at a time."""
        self.keyed: list[_Keyed] = []
        """Keyed relationships whose type the graph holds, to check a chunk at a time."""
        self.graph_holds: dict[Label | RelType, bool] = {}

    def refuse_at(self, number: int, location: Location, message: str, field_name: str) -> None:
        self.refuse((number, location), message, field_name)

    def refuse(self, ref: Ref, message: str, field_name: str | None = None) -> None:
        self.plan.problems.append(Problem(ref[1], message, field_name))
        self.plan.refused.add(ref[0])

    async def run(self, source: Input, checker: Checker) -> Plan:
        for kind in (Kind.NODE, Kind.RELATIONSHIP):
            async for read, checked in checker.checked(source.reads(kind)):
                if isinstance(read, Problem):
                    self.plan.problems.append(read)
                    continue
                self.records += 1
                if isinstance(checked, NodeCheck):
                    self.node(self.records, read, checked)
                elif isinstance(checked, LinkCheck):
                    await self.link(self.records, read, checked)
            if kind is Kind.NODE:
                await self.plan.keys.resolve(self.store, self.holds, self.refuse_at)
        await self.check_unknown_ends()
        await self.check_keyed_ends()
        self.plan.invalid = len(self.plan.refused)
        self.plan.rows = self.records - self.plan.invalid
        return self.plan

    def node(self, number: int, record: RawRecord, checked: NodeCheck) -> None:
        """Spool the record's row; ``declared`` learns of every id, valid or not, so that a
        relationship to an invalid node can say so."""
        ref = (number, record.location)
        label = checked.label
        if label is None:
            self.refuse_found(ref, checked.problems)
            return
        raw_id = record.data.get("id")
        if isinstance(raw_id, str):
            key = (label, raw_id)
            if key in self.declared:
                where = self.declared[key][1]
                self.refuse(ref, f"{label} {raw_id!r} also appears at {where}", "id")
                return
            self.declared[key] = ref
        row = checked.row
        if row is None:
            self.refuse_found(ref, checked.problems)
            return
        _spool(self.plan.node_rows, label).add(number, row)
        self.plan.keys.add(number, record.location, label, row["props"], self.refuse_at)

    async def link(self, number: int, record: RawRecord, checked: LinkCheck) -> None:
        ref = (number, record.location)
        if checked.rel_type is None:
            self.refuse_found(ref, checked.problems)
            return
        spec = RELATIONSHIPS[checked.rel_type]
        source, target = (self.end(ref, end) for end in checked.ends)
        row = checked.row
        self.refuse_found(ref, checked.problems)
        if source is not None and source == target:
            message = f"a relationship of type {spec.name} cannot join {source[1]!r} to itself"
            self.refuse(ref, message, "to")
        for end, key in (("from", source), ("to", target)):
            if key is not None:
                await self.check_end(ref, end, key)
        if row is None or source is None or target is None:
            return
        row["from"], row["to"] = source[1], target[1]
        # Keyed types are one per id; the others one per pair of ends.
        keyed = spec.keyed
        identity = (spec.name, row["props"]["id"]) if keyed else (spec.name, source, target)
        first = self.first.setdefault(identity, ref[1])
        if first is not ref[1]:
            self.refuse(ref, f"the same {spec.name} relationship also appears at {first}")
        _spool(self.plan.link_rows, (spec.name, source[0], target[0])).add(number, row)
        if keyed and await self.holds(spec.name):
            self.keyed.append(_Keyed(ref, spec.name, row["props"]["id"], (source[1], target[1])))
            if len(self.keyed) >= CHUNK:
                await self.check_keyed_ends()

    def end(self, ref: Ref, end: End) -> NodeKey | None:
        """The end's label and id (renamed when matched or merged), after its problems."""
        self.refuse_found(ref, end.problems)
        if end.label is None or end.node_id is None:
            return None
        return (end.label, self.plan.keys.renamed(end.label, end.node_id))

    async def holds(self, name: Label | RelType) -> bool:
        """Whether the graph holds any node of this label or relationship of this type: when it
        holds none, there is nothing to look up."""
        if name not in self.graph_holds:
            if isinstance(name, Label):
                self.graph_holds[name] = await holds_label(self.store, name)
            else:
                self.graph_holds[name] = await holds_type(self.store, name)
        return self.graph_holds[name]

    async def check_end(self, ref: Ref, end: str, key: NodeKey) -> None:
        """Each end must be a valid record of the input or a node already in the graph."""
        declared = self.declared.get(key)
        if declared is not None:
            if declared[0] in self.plan.refused:
                message = f"{key[0]} {key[1]!r} is itself invalid (see {declared[1]})"
                self.refuse(ref, message, end)
        elif await self.holds(key[0]):
            self.unknown_ends.append((ref, end, key))
            if len(self.unknown_ends) >= CHUNK:
                await self.check_unknown_ends()
        else:
            self.missing_end(ref, end, key)

    async def check_unknown_ends(self) -> None:
        by_label: dict[Label, set[str]] = {}
        for _, _, (label, node_id) in self.unknown_ends:
            by_label.setdefault(label, set()).add(node_id)
        stored = {
            (label, node_id)
            for label, ids in by_label.items()
            for node_id in await existing_ids(self.store, label, ids)
        }
        missing: dict[Label, set[str]] = {}
        for label, node_id in {key for _, _, key in self.unknown_ends} - stored:
            if label in MERGEABLE:
                missing.setdefault(label, set()).add(node_id)
        for label, ids in missing.items():  # ids of merged records name the kept one
            for merged, kept in (await kept_ids(self.store, label, ids)).items():
                self.plan.keys.renames[(label, merged)] = kept
                stored.add((label, merged))
        for ref, end, key in self.unknown_ends:
            if key not in stored:
                self.missing_end(ref, end, key)
        self.unknown_ends = []

    def missing_end(self, ref: Ref, end: str, key: NodeKey) -> None:
        self.refuse(ref, f"no {key[0]} with id {key[1]!r} in the input or the graph", end)

    async def check_keyed_ends(self) -> None:
        """A keyed relationship already in the graph keeps its ends."""
        by_type: dict[RelType, dict[str, _Keyed]] = {}
        for keyed in self.keyed:
            by_type.setdefault(keyed.rel_type, {})[keyed.key] = keyed
        for rel_type, by_id in by_type.items():
            stored = await keyed_relationship_ends(self.store, rel_type, by_id)
            for key_id, ends in stored.items():
                keyed = by_id[key_id]
                if ends != keyed.ends:
                    self.refuse(
                        keyed.ref,
                        f"{rel_type} {key_id!r} already joins {ends[0]!r} "
                        f"to {ends[1]!r} in the graph; its ends cannot change",
                        "id",
                    )
        self.keyed = []

    def refuse_found(self, ref: Ref, problems: list[Found]) -> None:
        for message, field_name in problems:
            self.refuse(ref, message, field_name)
