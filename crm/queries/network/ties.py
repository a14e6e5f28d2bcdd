"""A person's ties: everyone they share something with up to ``asOf``, strongest first."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import PARAMETERS, TieStrength, active, tie_strength

CANDIDATES: LiteralString = f"""
OPTIONAL MATCH (a)-[i:INTERACTED]-(b1:Person) WHERE i.date <= $asOf
WITH pid, a, collect(DISTINCT b1) AS met
OPTIONAL MATCH (a)-[:ATTENDED]->(e:Event)<-[:ATTENDED]-(b2:Person) WHERE e.date <= $asOf
WITH pid, a, met, collect(DISTINCT b2) AS attended
OPTIONAL MATCH (a)-[wa:WORKS_AT]->()<-[wb:WORKS_AT]-(b3:Person)
WHERE coalesce(wa.since, '') <= $asOf AND coalesce(wb.since, '') <= $asOf
WITH pid, a, met, attended, collect(DISTINCT b3) AS colleagues
OPTIONAL MATCH (a)-[va:WORKS_AT]->()-[:PARTNER_IN]->(n:Initiative)<-[:PARTNER_IN]-()
               <-[vb:WORKS_AT]-(b4:Person)
WHERE {active("va")} AND {active("vb")}
WITH pid, a, met, attended, colleagues, collect(DISTINCT b4) AS partners
UNWIND met + attended + colleagues + partners AS b
WITH DISTINCT pid, a, b
WHERE b <> a
"""
"""(FalkorDB loses a list that an aggregating ``WITH`` names again, hence four names.)
For rows of ``pid`` and a person ``a``: one row per person ``b`` ``a`` shares anything with
on ``$asOf`` (the tie's strength decides whether it counts)."""


def _ties(dialect: Dialect) -> LiteralString:
    return (
        "UNWIND $ids AS pid MATCH (a:Person {id: pid})"
        + CANDIDATES
        + "AND ($crossBorder IS NULL OR (a.country <> b.country) = $crossBorder)"
        + tie_strength(dialect, "pid")
        + """
WHERE tie.raw > 0
WITH pid, b, tie ORDER BY tie.raw DESC, b.id
WITH pid, collect({person: properties(b), tie: tie}) AS ties
RETURN pid, ties[0..$limit] AS ties
"""
    )


@dataclass(frozen=True, slots=True)
class PersonTie:
    """One tie of a person: the other person's properties, and the tie's strength."""

    person: Record
    tie: TieStrength


async def person_ties(
    store: GraphStore,
    person_ids: Sequence[str],
    *,
    first: int,
    cross_border: bool | None,
    as_of: str,
) -> dict[str, list[PersonTie]]:
    """For each person, up to ``first`` ties, strongest first; only cross-border ones
    (``cross_border``), only domestic ones (``False``), or all (``None``)."""
    parameters = PARAMETERS | {
        "ids": list(dict.fromkeys(person_ids)),
        "limit": first,
        "crossBorder": cross_border,
        "asOf": as_of,
    }
    found: dict[str, list[PersonTie]] = {person: [] for person in person_ids}
    for row in await store.read(_ties(store.dialect), parameters):
        found[row["pid"]] = [PersonTie(t["person"], TieStrength.of(t["tie"])) for t in row["ties"]]
    return found
