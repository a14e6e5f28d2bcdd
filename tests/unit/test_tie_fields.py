"""Every tie is a field on each of its ends: the API's tie table covers the domain model."""

import pytest

from crm.api.ties import TIE_FIELDS
from crm.domain import RELATIONSHIPS, Label, RelType
from crm.queries.ties import Direction

WALKS = {
    (walk.near, walk.rel_type, walk.direction)
    for fields in TIE_FIELDS.values()
    for walk in fields.values()
}


def _reaches(label: Label, rel_type: RelType, direction: Direction) -> bool:
    return (label, rel_type, direction) in WALKS or (label, rel_type, Direction.BOTH) in WALKS


@pytest.mark.parametrize("rel_type", list(RELATIONSHIPS))
def test_each_end_of_every_type_has_a_field(rel_type: RelType) -> None:
    spec = RELATIONSHIPS[rel_type]
    missing = [
        (label.value, direction.value)
        for labels, direction in ((spec.sources, Direction.OUT), (spec.targets, Direction.IN))
        for label in labels
        if not _reaches(label, rel_type, direction)
    ]
    assert missing == []


def test_every_field_walks_a_tie_its_label_can_have() -> None:
    for label, fields in TIE_FIELDS.items():
        for name, walk in fields.items():
            spec = RELATIONSHIPS[walk.rel_type]
            near = spec.targets if walk.direction == Direction.IN else spec.sources
            assert label == walk.near, (label, name)
            assert label in near, (label, name)
            if walk.direction == Direction.BOTH:
                assert spec.sources == spec.targets, (label, name)
