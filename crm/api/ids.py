"""Global ids (Relay): a node's label and record id in one opaque string.

Arguments that name a node take either its global id or, where the label is clear from the
field, its record id as the loader's files give it (``project(id: "intranet")``).
"""

from pydantic import TypeAdapter, ValidationError

from crm.api.errors import indefinite
from crm.domain import Label
from crm.domain.global_ids import decode_global_id, global_id
from crm.domain.values import Identifier
from crm.errors import InvalidInput

_RECORD_ID = TypeAdapter(Identifier)


__all__ = ["WrongLabel", "decode_global_id", "global_id", "node_ref"]


class WrongLabel(InvalidInput):
    """A global id of a label the argument does not take."""


def node_ref(value: str, labels: tuple[Label, ...]) -> tuple[Label | None, str]:
    """The node that ``value`` names among ``labels``: the label is ``None`` when a record id
    was given and more than one label could hold it."""
    decoded = decode_global_id(value)
    if decoded is not None:
        label, record_id = decoded
        if label not in labels:
            raise WrongLabel(f"{value!r} is {indefinite(label.value)}; expected {_one_of(labels)}")
        return label, record_id
    try:
        record_id = _RECORD_ID.validate_python(value)
    except ValidationError:
        raise InvalidInput(f"{value!r} is neither a global id nor a record id") from None
    return (labels[0] if len(labels) == 1 else None), record_id


def _one_of(labels: tuple[Label, ...]) -> str:
    names = [label.value for label in labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
