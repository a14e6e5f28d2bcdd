"""Natural keys in a load: two records of the input with the same key are a problem naming
both; a record whose key a stored record of another id holds is a problem too, or, with
``--match``, is matched to it: the row updates the stored record, and relationships that name
the incoming id are rewritten to the stored one. Ids of records merged into another resolve to
the kept record. Also counts what a load will touch: new and stored records by label."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, LiteralString

from crm.domain import Label
from crm.domain.natural_keys import KEY_WORDS, NATURAL_KEYS
from crm.graph.store import GraphStore
from crm.queries.lookup import existing_ids
from crm.queries.merged import MERGEABLE, kept_ids
from crm.queries.natural_keys import ids_by_key
from graph_loader.records import Location

NodeKey = tuple[Label, str]


class MatchKey(StrEnum):
    """What ``--match`` may match incoming records by."""

    VAT = "vat"
    EMAIL = "email"
    NAME = "name"


PROPERTY: dict[MatchKey, LiteralString] = {
    MatchKey.VAT: "vatId",
    MatchKey.EMAIL: "emailKey",
    MatchKey.NAME: "nameKey",
}


@dataclass(frozen=True)
class Match:
    """An incoming record mapped to a stored one."""

    location: Location
    label: Label
    incoming: str
    stored: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.location}: {self.label} {self.incoming!r} matches {self.stored!r} in the "
            f"graph ({self.reason}); it updates that record"
        )


@dataclass(frozen=True)
class Touch:
    """How many records of a label a load creates and how many it finds stored (to update, or
    to leave as they are when nothing differs)."""

    new: int
    stored: int
    held: bool = True
    """Whether the graph held records of the label before the load."""


Refuse = Callable[[int, Location, str, str], None]
"""Refuse record ``number`` at ``location`` with a message about ``field``."""


@dataclass
class KeyCheck:
    """Collects the natural keys of the input's node records as they are validated."""

    match: frozenset[MatchKey] = frozenset()
    seen: dict[tuple[Label, str, Any], tuple[int, str, Location]] = field(default_factory=dict)
    ids: dict[Label, dict[str, tuple[int, Location, dict[str, Any]]]] = field(default_factory=dict)
    renames: dict[NodeKey, str] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    touched: dict[Label, Touch] = field(default_factory=dict)

    def add(
        self, number: int, location: Location, label: Label, props: dict[str, Any], refuse: Refuse
    ) -> None:
        """Note a valid node row; a key that an earlier record of the input holds is refused."""
        keys = {key: props.get(key) for key in NATURAL_KEYS.get(label, ())}
        for key, value in keys.items():
            if value is None:
                continue
            earlier = self.seen.setdefault((label, key, value), (number, props["id"], location))
            if earlier[0] != number:
                refuse(
                    number,
                    location,
                    f"{label} {props['id']!r} has the same {KEY_WORDS[key]} as {label} "
                    f"{earlier[1]!r} at {earlier[2]}",
                    _field(key),
                )
        self.ids.setdefault(label, {})[props["id"]] = (number, location, keys)

    async def resolve(
        self, store: GraphStore, holds: Callable[[Label], Awaitable[bool]], refuse: Refuse
    ) -> None:
        """Look the input's ids and keys up in the graph: count what the load touches, map
        merged ids to their kept records, and refuse (or, with ``match``, map) records whose
        key a stored record of another id holds."""
        for label, records in self.ids.items():
            if not await holds(label):
                self.touched[label] = Touch(len(records), 0, held=False)
                continue
            stored = await existing_ids(store, label, records)
            if label in MERGEABLE:
                unknown = set(records) - stored
                for incoming, kept in (await kept_ids(store, label, unknown)).items():
                    self.renames[(label, incoming)] = kept
            await self._keys(store, label, records, stored, refuse)
            found = sum(1 for rid in records if rid in stored or (label, rid) in self.renames)
            self.touched[label] = Touch(len(records) - found, found)

    async def _keys(
        self,
        store: GraphStore,
        label: Label,
        records: dict[str, tuple[int, Location, dict[str, Any]]],
        stored: set[str],
        refuse: Refuse,
    ) -> None:
        for key in NATURAL_KEYS.get(label, ()):
            values = {
                keys[key]: record_id
                for record_id, (_, _, keys) in records.items()
                if keys[key] is not None
            }
            holders = await ids_by_key(store, label, key, list(values))
            for value, holder in holders.items():
                incoming = values[value]
                if holder == self.renames.get((label, incoming), incoming):
                    continue
                number, location, _ = records[incoming]
                free = (label, incoming) not in self.renames and incoming not in stored
                if _match_key(key) in self.match and free:
                    self.renames[(label, incoming)] = holder
                    reason = f"the same {KEY_WORDS[key]}"
                    self.matches.append(Match(location, label, incoming, holder, reason))
                else:
                    refuse(
                        number,
                        location,
                        f"{label} {incoming!r} has the same {KEY_WORDS[key]} as {label} "
                        f"{holder!r} in the graph (load with --match {_match_key(key)} to "
                        "update that record instead)",
                        _field(key),
                    )

    def renamed(self, label: Label, record_id: str) -> str:
        return self.renames.get((label, record_id), record_id)


def _match_key(key: str) -> MatchKey:
    return next(match for match, name in PROPERTY.items() if name == key)


def _field(key: str) -> str:
    return {"vatId": "vatId", "emailKey": "email", "nameKey": "name"}[key]
