"""A person's ties: everyone they share something with up to ``asOf``, strongest first."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from crm.graph.dialect import Dialect
from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import PARAMETERS, TieStrength, raw_from, tie_strength

GRAIN: float = 1e9
"""Raw weights are ranked to nine decimals, then by the other person's id: two ties the
formula weighs alike (every colleague at a large employer, say) are ordered by id, not by the
last bits of a floating-point sum, which depend on the order the engine adds in."""


def _ties(dialect: Dialect) -> LiteralString:
    """For each of ``$ids``: everyone person ``a`` shares something with on ``$asOf``, weighed
    at once from ``a``'s side (``raw_from``) and ranked; only the first ``$limit`` are rated by
    ``tie_strength`` for their evidence."""
    return (
        "UNWIND $ids AS pid MATCH (a:Person {id: pid})"
        + raw_from(dialect)
        + dialect.subquery("a, s1, s2, s3, s4")
        + """UNWIND s1 + s2 + s3 + s4 AS part
  WITH a, part.b AS b, sum(part.w) AS raw
  WHERE b <> a AND ($crossBorder IS NULL OR (a.country <> b.country) = $crossBorder)
  WITH b, raw ORDER BY round(raw * $grain) DESC, b.id
  WITH collect(b)[0..$limit] AS top
  UNWIND range(0, size(top) - 1) AS rank
  RETURN top[rank] AS b, rank
}
WITH pid, a, b, rank"""
        + tie_strength(dialect, "pid, rank")
        + """
WITH pid, b, tie ORDER BY rank
WITH pid, collect({person: properties(b), tie: tie}) AS ties
RETURN pid, ties
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
        "grain": GRAIN,
    }
    found: dict[str, list[PersonTie]] = {person: [] for person in person_ids}
    for row in await store.read(_ties(store.dialect), parameters):
        found[row["pid"]] = [PersonTie(t["person"], TieStrength.of(t["tie"])) for t in row["ties"]]
    return found
