"""The ties between records: their types, their properties, and which labels each may join."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Self

from pydantic import Field, field_validator, model_validator

from crm.domain.nodes import Label
from crm.domain.values import Identifier, Model, Name, Text, Timestamp


class RelType(StrEnum):
    """Every relationship type the graph may hold; the only source of types in Cypher text."""

    MEMBER_OF = "MEMBER_OF"
    WORKS_AT = "WORKS_AT"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    ORGANIZED = "ORGANIZED"
    COVERED = "COVERED"
    ATTENDED = "ATTENDED"
    EMERGED_FROM = "EMERGED_FROM"
    PARTNER_IN = "PARTNER_IN"
    PRODUCED = "PRODUCED"
    ACTIVE_IN = "ACTIVE_IN"
    LOCATED_IN = "LOCATED_IN"
    INTERACTED = "INTERACTED"


class InteractionKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    INTRODUCTION = "introduction"


class Tie(Model):
    """What every relationship carries besides its ends: where it came from, when it was written."""

    source: Text = Field(description="Where the tie came from: a file, `graphql`, `synthetic`, ...")
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class MemberOf(Tie):
    since: date | None = None


class WorksAt(Tie):
    role: Name | None = None
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError("until is before since")
        return self


class Role(Tie):
    """A tie whose only property is the role one end plays for the other."""

    role: Name | None = None


Day = date
"""``date`` by another name, for the methods of models with a field called ``date``."""


class Interacted(Tie):
    """One recorded interaction between two people; several may join the same pair."""

    id: Identifier = Field(description="Identifies this interaction among all interactions.")
    kind: InteractionKind
    date: date
    note: Text | None = None

    @field_validator("date")
    @classmethod
    def _not_in_the_future(cls, day: Day) -> Day:
        today = datetime.now(UTC).date()
        if day > today:
            raise ValueError(
                f"an interaction cannot be dated in the future ({day} is after today, {today}); "
                "record it once it has happened"
            )
        return day


@dataclass(frozen=True)
class RelSpec:
    """Which labels a relationship type may join, and what it carries."""

    name: RelType
    sources: tuple[Label, ...]
    targets: tuple[Label, ...]
    properties: type[Tie]

    @cached_property
    def keyed(self) -> bool:
        """Keyed types are told apart by their own ``id``; the others are one per pair of ends."""
        return "id" in self.properties.model_fields


_CLUSTER_OR_ORG = (Label.CLUSTER, Label.ORGANIZATION)

RELATIONSHIPS: dict[RelType, RelSpec] = {
    spec.name: spec
    for spec in (
        RelSpec(RelType.MEMBER_OF, (Label.ORGANIZATION,), (Label.CLUSTER,), MemberOf),
        RelSpec(RelType.WORKS_AT, (Label.PERSON,), _CLUSTER_OR_ORG, WorksAt),
        RelSpec(RelType.PARTICIPATES_IN, _CLUSTER_OR_ORG, (Label.PROJECT,), Role),
        RelSpec(RelType.ORGANIZED, (Label.PROJECT,), (Label.EVENT,), Tie),
        RelSpec(RelType.COVERED, (Label.EVENT,), (Label.TOPIC,), Tie),
        RelSpec(RelType.ATTENDED, (Label.PERSON,), (Label.EVENT,), Tie),
        RelSpec(RelType.EMERGED_FROM, (Label.INITIATIVE,), (Label.EVENT,), Tie),
        RelSpec(RelType.PARTNER_IN, _CLUSTER_OR_ORG, (Label.INITIATIVE,), Role),
        RelSpec(RelType.PRODUCED, (Label.PROJECT,), (Label.DOCUMENT,), Tie),
        RelSpec(
            RelType.ACTIVE_IN,
            (*_CLUSTER_OR_ORG, Label.PROJECT, Label.INITIATIVE),
            (Label.SECTOR,),
            Tie,
        ),
        RelSpec(RelType.LOCATED_IN, (*_CLUSTER_OR_ORG, Label.PROJECT), (Label.REGION,), Tie),
        RelSpec(RelType.INTERACTED, (Label.PERSON,), (Label.PERSON,), Interacted),
    )
}
