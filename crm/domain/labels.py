"""What each label is called: the one table of plural names (``people``) and the rule for the
singular (``person``), which name the API's lists and lookups and the web pages."""

from enum import StrEnum

from crm.domain.nodes import Label


class InternalLabel(StrEnum):
    """Labels of the graph's own bookkeeping, outside the domain model: no list, lookup, count
    or export of records shows them. (Those its statements never name in a template are not
    listed.)"""

    CHANGE_SEQUENCE = "ChangeSequence"
    CHANGE = "Change"
    """The change log's entries up to schema version 2 (now ties: ``InternalType.CHANGE``)."""


class InternalType(StrEnum):
    """Relationship types of the graph's own bookkeeping, as ``InternalLabel``."""

    CHANGE = "CHANGE"


PLURALS: dict[Label, str] = {
    Label.CLUSTER: "clusters",
    Label.ORGANIZATION: "organizations",
    Label.PERSON: "people",
    Label.EVENT: "events",
    Label.INITIATIVE: "initiatives",
    Label.PROJECT: "projects",
    Label.TOPIC: "topics",
    Label.SECTOR: "sectors",
    Label.REGION: "regions",
    Label.DOCUMENT: "documents",
}


def singular(label: Label) -> str:
    """The label's name in lower camel case: ``person``, ``organization``."""
    return label.value[:1].lower() + label.value[1:]
