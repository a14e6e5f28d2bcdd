"""Cypher text with labels and relationship types filled in from the domain model's allow-list.

Labels and relationship types cannot be query parameters, so the few statements that need one
are templates with ``%slot%`` placeholders. This is the only place where text enters a statement:
nothing but a ``Label``, ``InternalLabel``, ``RelType`` or ``InternalType`` member is accepted,
never text from a caller.
"""

import re
from typing import LiteralString

from crm.domain import Label, RelType
from crm.domain.labels import InternalLabel, InternalType

Slot = Label | InternalLabel | RelType | InternalType

_SLOT = re.compile(r"%([a-z_]+)%")


def render(template: LiteralString, **slots: Slot) -> LiteralString:
    """Fill every ``%slot%`` of ``template``; each slot must be filled, each value a model name."""
    for name, value in slots.items():
        if not isinstance(value, Slot):
            kind = type(value).__name__
            raise TypeError(f"slot {name!r} takes a label or relationship type, not {kind}")

    def fill(match: re.Match[str]) -> str:
        try:
            return slots[match.group(1)].value
        except KeyError:
            raise KeyError(f"no value for slot %{match.group(1)}% in a Cypher template") from None

    return _SLOT.sub(fill, template)
