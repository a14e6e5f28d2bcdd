"""How records and ties are named outside the graph: a record by its global id (Relay: its label
and record id in one opaque string), a tie by its ends' global ids and its own name: its type and
its own id if it has one (``INTERACTED:<id>``), else its type alone (``WORKS_AT``). The API
answers with these names and the change log records them."""

import base64
import binascii

from crm.domain.nodes import Label
from crm.domain.relationships import RelType


def global_id(label: Label, record_id: str) -> str:
    return base64.b64encode(f"{label.value}:{record_id}".encode()).decode("ascii")


def decode_global_id(value: str) -> tuple[Label, str] | None:
    """The label and record id in a global id; ``None`` if ``value`` is not one."""
    try:
        text = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, sep, record_id = text.partition(":")
    if not sep or name not in Label.__members__.values() or not record_id:
        return None
    return Label(name), record_id


def tie_id(rel_type: RelType, key: str) -> str:
    """How a tie told apart by its own id is named: ``INTERACTED:<id>``."""
    return f"{rel_type.value}:{key}"


def tie_ids(
    source: tuple[Label, str], target: tuple[Label, str], rel_type: RelType, key: str | None = None
) -> list[str]:
    """The names of a tie: its ends' global ids, and its own (``tie_id``, or its type alone)."""
    return [
        global_id(*source),
        global_id(*target),
        tie_id(rel_type, key) if key else rel_type.value,
    ]


def tie_type(name: str) -> RelType | None:
    """The type a tie's name (``tie_ids``) gives; ``None`` for a record's global id."""
    value = name.partition(":")[0]
    return RelType(value) if value in RelType.__members__.values() else None
