"""What duplicate detection reads: the fields and ties of every record of a label, page by page
(``crm.domain.duplicates`` scores them); and the pairs an editor marked "not a duplicate", kept
as ``:NotDuplicate`` nodes: an internal label like ``:ApiKey``, outside the domain model, so no
list, lookup, count or export of records shows them."""

from typing import LiteralString

from crm.domain import Label, RelType
from crm.domain.duplicates import Candidate
from crm.domain.global_ids import global_id
from crm.domain.natural_keys import email_key
from crm.graph.cypher import render
from crm.graph.store import GraphStore, Record
from crm.queries.changes import Change, logged

LABEL = "NotDuplicate"
PROPERTIES = ("label", "a", "b", "markedAt", "keyId")
"""The internal label and the properties its nodes may have (what Neo4j's linter checks)."""

DUPLICATE_LABELS = (Label.PERSON, Label.ORGANIZATION, Label.CLUSTER)
"""The labels duplicate detection looks at."""

PAGE = 20_000
"""Records read per statement."""

ERASED = "erased-"
"""Erased people's placeholders (``crm.api.mutations.erasure``) are nobody's duplicates."""

_READ: dict[Label, LiteralString] = {
    Label.PERSON: """
MATCH (n:Person) WHERE n.id > $after AND NOT n.id STARTS WITH $erased
WITH n ORDER BY n.id LIMIT $page
OPTIONAL MATCH (n)-[:WORKS_AT]->(o)
RETURN n.id AS id, n.givenName + ' ' + n.familyName AS name, n.emailKey AS email,
       n.phone AS phone, n.country AS country, n.title AS title, n.languages AS languages,
       collect(o.id) AS tieIds, collect(o.name) AS tieNames
ORDER BY id
""",
    Label.ORGANIZATION: """
MATCH (n:Organization) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
OPTIONAL MATCH (n)-[:MEMBER_OF]->(c:Cluster)
RETURN n.id AS id, n.name AS name, n.vatId AS vatId, n.country AS country, n.city AS city,
       n.website AS website, collect(c.id) AS tieIds, collect(c.name) AS tieNames
ORDER BY id
""",
    Label.CLUSTER: """
MATCH (n:Cluster) WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $page
RETURN n.id AS id, n.name AS name, n.contactEmail AS email, n.contactPhone AS phone,
       n.contactWebsite AS website, n.country AS country, [] AS tieIds, [] AS tieNames
ORDER BY id
""",
}

_FINGERPRINT: LiteralString = (
    "MATCH (n:%label%) WITH count(n) AS n, max(n.updatedAt) AS at "
    "OPTIONAL MATCH ()-[r:%type%]->() "
    "RETURN n, at, count(r) AS ties, max(r.updatedAt) AS tiesAt"
)
_TIES = {Label.PERSON: RelType.WORKS_AT, Label.ORGANIZATION: RelType.MEMBER_OF}

_MARK: LiteralString = (
    """
MATCH (x:%label% {id: $a}) MATCH (y:%label% {id: $b})
OPTIONAL MATCH (old:NotDuplicate {label: $labelName, a: $a, b: $b})
WITH old IS NULL AS created
MERGE (m:NotDuplicate {label: $labelName, a: $a, b: $b})
ON CREATE SET m.markedAt = $now, m.keyId = $keyId
"""
    + logged("m", ids="CASE WHEN created THEN $change.ids ELSE [] END")
    + "RETURN m.markedAt AS markedAt"
)
_MARKED = "MATCH (m:NotDuplicate {label: $labelName}) RETURN m.a AS a, m.b AS b"


async def fingerprint(store: GraphStore, label: Label) -> tuple[object, ...]:
    """Changes whenever what duplicate detection reads of ``label`` may have changed: how many
    records and ties there are, and when the last of them changed."""
    statement = render(_FINGERPRINT, label=label, type=_TIES.get(label, RelType.MEMBER_OF))
    row = (await store.read(statement))[0]
    return (row["n"], row["at"], row["ties"], row["tiesAt"])


async def read_candidates(store: GraphStore, label: Label) -> list[Candidate]:
    """Every record of ``label`` as duplicate detection sees it (placeholders left out)."""
    candidates: list[Candidate] = []
    after = ""
    while True:
        rows = await store.read(_READ[label], {"after": after, "page": PAGE, "erased": ERASED})
        candidates.extend(_candidate(row) for row in rows)
        if len(rows) < PAGE:
            return candidates
        after = rows[-1]["id"]


def _candidate(row: Record) -> Candidate:
    keys = {key: str(row[key]) for key in ("vatId", "email", "phone") if row.get(key) is not None}
    if "email" in keys:
        keys["email"] = email_key(keys["email"])
    facts = {key: str(row[key]) for key in ("country", "city", "title") if row.get(key) is not None}
    if row.get("website"):
        facts["website"] = _site(str(row["website"]))
    if row.get("languages"):
        facts["languages"] = ", ".join(sorted(row["languages"]))
    ties = dict(zip(row["tieIds"], row["tieNames"], strict=True))
    return Candidate(str(row["id"]), str(row["name"]), keys, ties, facts)


def _site(url: str) -> str:
    """``https://www.Probe.example/`` -> ``probe.example``."""
    host = url.split("://", 1)[-1].split("/", 1)[0].casefold()
    return host.removeprefix("www.")


async def mark_not_duplicate(
    store: GraphStore, label: Label, a: str, b: str, *, change: Change, key_id: str | None
) -> bool:
    """Remember that ``a`` and ``b`` are two records; false when either does not exist."""
    first, second = sorted((a, b))
    rows = await store.write(
        render(_MARK, label=label),
        {"a": first, "b": second, "labelName": label.value, "now": change.at, "keyId": key_id}
        | change.parameters([global_id(label, first), global_id(label, second)]),
    )
    return bool(rows)


async def not_duplicates(store: GraphStore, label: Label) -> frozenset[tuple[str, str]]:
    """The pairs (ids in order) marked "not a duplicate"."""
    rows = await store.read(_MARKED, {"labelName": label.value})
    return frozenset((row["a"], row["b"]) for row in rows)
