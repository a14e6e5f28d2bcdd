"""The data-quality report (``crm doctor``, ``dataQuality``): what is missing, contradictory or
doubled in the graph, each finding with the records it concerns and how to fix them.

A person "joined" on the earliest ``since`` of their jobs (``WORKS_AT``): the model has no date of
joining, and a job's start is the first the network knows of them; people whose jobs have no
start date are not checked for interactions before it.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from crm.domain import NODE_MODELS, Label
from crm.domain.duplicates import DEFAULT_MIN_SCORE
from crm.domain.values import LocalizedText
from crm.graph.cypher import render
from crm.graph.properties import storage
from crm.graph.store import GraphStore, Record
from crm.queries.duplicates import DUPLICATE_LABELS, ERASED

SAMPLE = 20
"""Records named per finding; the total says how many there are."""


@dataclass(frozen=True)
class Example:
    """One record a finding concerns: its label, id and name, and what is wrong with it."""

    label: Label
    id: str
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Finding:
    """Records with one kind of problem: how many, the first of them, and how to fix them."""

    code: str
    title: str
    fix: str
    total: int
    examples: list[Example] = field(default_factory=list)


_NAME: LiteralString = "coalesce(n.name, n.givenName + ' ' + n.familyName, n.title, n.id)"
_SAMPLED: LiteralString = (
    "RETURN count(n) AS total, collect({id: n.id, name: " + _NAME + "})[..$sample] AS sample"
)

_NO_CONSENT: LiteralString = (
    "MATCH (n:Person) WHERE (n.consentBasis IS NULL OR n.consentDate IS NULL) "
    "AND NOT n.id STARTS WITH $erased " + _SAMPLED
)
_NO_CONTACT: dict[Label, LiteralString] = {
    Label.PERSON: "MATCH (n:Person) WHERE n.email IS NULL AND n.phone IS NULL "
    "AND NOT n.id STARTS WITH $erased ",
    Label.ORGANIZATION: "MATCH (n:Organization) WHERE n.website IS NULL ",
    Label.CLUSTER: "MATCH (n:Cluster) WHERE n.contactEmail IS NULL AND n.contactPhone IS NULL "
    "AND n.contactWebsite IS NULL ",
}
_NO_VAT: LiteralString = "MATCH (n:Organization) WHERE n.vatId IS NULL " + _SAMPLED
_FUTURE: LiteralString = """
MATCH (n:Person)-[i:INTERACTED]->(b:Person) WHERE i.date > $today
RETURN count(i) AS total,
       collect({id: n.id, name: n.givenName + ' ' + n.familyName,
                detail: 'interaction ' + i.id + ' with ' + b.id + ' on ' + i.date})[..$sample]
       AS sample
"""
_BEFORE_JOINING: LiteralString = """
MATCH (n:Person)-[w:WORKS_AT]->() WHERE w.since IS NOT NULL
WITH n, min(w.since) AS joined
MATCH (n)-[i:INTERACTED]-(:Person) WHERE i.date < joined
RETURN count(i) AS total,
       collect({id: n.id, name: n.givenName + ' ' + n.familyName,
                detail: 'interaction ' + i.id + ' on ' + i.date + ', first job from ' + joined})
       [..$sample] AS sample
"""
_ORPHANS: LiteralString = (
    "MATCH (n:%label%) WHERE NOT n.id STARTS WITH $erased "
    "OPTIONAL MATCH (n)-[r]-() WITH n, count(r) AS ties WHERE ties = 0 " + _SAMPLED
)


async def doctor(
    store: GraphStore,
    duplicates: Callable[[Label], Awaitable[list[Any]]],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
) -> list[Finding]:
    """Every finding the graph gives, empty when it is clean. ``duplicates`` answers a label's
    duplicate pairs (``crm.api.quality.duplicate_pairs`` at ``min_score``)."""
    parameters = {
        "sample": SAMPLE,
        "erased": ERASED,
        "today": datetime.now(UTC).date().isoformat(),
    }

    async def sampled(statement: LiteralString, label: Label) -> tuple[int, list[Example]]:
        row = (await store.read(statement, parameters))[0]
        examples = [
            Example(label, item["id"], str(item["name"]), str(item.get("detail") or ""))
            for item in row["sample"]
        ]
        return int(row["total"]), examples

    findings: list[Finding] = []

    async def add(code: str, title: str, fix: str, parts: list[tuple[int, list[Example]]]) -> None:
        total = sum(part[0] for part in parts)
        if total:
            examples = [example for part in parts for example in part[1]][:SAMPLE]
            findings.append(Finding(code, title, fix, total, examples))

    await add(
        "people-without-consent",
        "People without a lawful basis",
        "record their consent or other lawful basis (updatePerson), or erase them (erasePerson)",
        [await sampled(_NO_CONSENT, Label.PERSON)],
    )
    await add(
        "records-without-contact",
        "Records without a way to reach them",
        "add an e-mail address or phone number (people), a website (organisations) or a "
        "contact (clusters)",
        [await sampled(statement + _SAMPLED, label) for label, statement in _NO_CONTACT.items()],
    )
    await add(
        "organisations-without-vat-id",
        "Organisations without a VAT id",
        "add the CVR number or USt-IdNr (updateOrganization): it identifies them across sources",
        [await sampled(_NO_VAT, Label.ORGANIZATION)],
    )
    await add(
        "interactions-in-the-future",
        "Interactions dated in the future",
        "correct the date (updateInteraction); such dates are refused since this version",
        [await sampled(_FUTURE, Label.PERSON)],
    )
    await add(
        "interactions-before-joining",
        "Interactions before the person joined (their first job's start)",
        "correct the interaction's date or the job's since (updateWorksAt)",
        [await sampled(_BEFORE_JOINING, Label.PERSON)],
    )
    await add(
        "orphan-records",
        "Records without any tie",
        "tie them to what they belong to (link mutations), or delete them",
        [await sampled(render(_ORPHANS, label=label), label) for label in Label],
    )
    pairs: list[tuple[int, list[Example]]] = []
    for label in DUPLICATE_LABELS:
        found = await duplicates(label)
        pairs.append((len(found), [_pair_example(label, pair) for pair in found[:SAMPLE]]))
    await add(
        "duplicate-candidates",
        f"Probable duplicates (score {min_score} or more)",
        "merge them (mergeRecords) or mark them as not duplicates (markNotDuplicate)",
        pairs,
    )
    await add(
        "text-in-one-language",
        "Texts in one language only",
        "add the other languages (German, Danish, English) so both sides of the border read it",
        [await sampled(_one_language(label), label) for label in Label if _localized(label)],
    )
    return findings


def _pair_example(label: Label, pair: Any) -> Example:
    return Example(label, pair.a, pair.a, f"and {pair.b}: {pair.score} ({'; '.join(pair.reasons)})")


def _localized(label: Label) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """The localized text fields of ``label``: their names and stored properties."""
    model = NODE_MODELS[label]
    return [
        (alias, where.nested)
        for alias, where in storage(model).items()
        if where.nested is not None and _is_localized(model, alias)
    ]


def _is_localized(model: Any, alias: str) -> bool:
    for name, info in model.model_fields.items():
        if (info.alias or name) == alias:
            return LocalizedText.__name__ in str(info.annotation)
    return False


def _one_language(label: Label) -> LiteralString:
    """Records of ``label`` with a localized text in exactly one language."""
    conditions: list[LiteralString] = []
    for _, nested in _localized(label):
        names = [_checked(stored) for _, stored in nested]
        listed: LiteralString = ", ".join("n." + name for name in names)
        conditions.append("size([x IN [" + listed + "] WHERE x IS NOT NULL]) = 1")
    return (
        render("MATCH (n:%label%) WHERE ", label=label) + " OR ".join(conditions) + " " + _SAMPLED
    )


def _checked(name: str) -> LiteralString:
    """A stored property name from the domain model (letters only) as statement text."""
    if not name.isalnum():
        raise ValueError(f"{name!r} is not a property name")
    return name


def as_record(finding: Finding) -> Record:
    """A finding as plain data (``--json``)."""
    return {
        "code": finding.code,
        "title": finding.title,
        "total": finding.total,
        "fix": finding.fix,
        "records": [
            {"label": e.label.value, "id": e.id, "name": e.name, "detail": e.detail}
            for e in finding.examples
        ],
    }
