"""What a contact import asks the graph besides natural keys: which jobs are known already."""

from collections.abc import Iterable

from crm.graph.store import GraphStore

_JOBS = """
UNWIND $pairs AS pair
MATCH (p:Person {id: pair[0]})-[:WORKS_AT]->(o:Organization {id: pair[1]})
RETURN p.id AS person, o.id AS organization
"""


async def existing_jobs(
    store: GraphStore, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The (person, organisation) pairs among ``pairs`` joined by a job already."""
    wanted = [list(pair) for pair in sorted(set(pairs))]
    if not wanted:
        return set()
    rows = await store.read(_JOBS, {"pairs": wanted})
    return {(row["person"], row["organization"]) for row in rows}
