"""``communities`` without ``asOf``: the engine's components and label propagation, joined and
ranked in the API process.

Org A and org B share Pia, whose colleague Per and Bo (of B) all met each other: one community.
Carl (org C) met Dora (org D): one component of two organisations, which label propagation may
keep apart or join. Org Y and org Z have nobody.
"""

import pytest

from crm.graph.store import GraphStore
from crm.queries.network.communities import Community, communities

GRAPH = """
CREATE (a:Organization {id: 'org-a', country: 'DK'}), (b:Organization {id: 'org-b', country: 'DE'}),
       (c:Organization {id: 'org-c', country: 'SE'}), (d:Organization {id: 'org-d', country: 'DK'}),
       (:Organization {id: 'org-y'}), (:Organization {id: 'org-z', country: 'DE'}),
       (pia:Person {id: 'pia'})-[:WORKS_AT]->(a), (pia)-[:WORKS_AT]->(b),
       (per:Person {id: 'per'})-[:WORKS_AT]->(a), (bo:Person {id: 'bo'})-[:WORKS_AT]->(b),
       (carl:Person {id: 'carl'})-[:WORKS_AT]->(c), (dora:Person {id: 'dora'})-[:WORKS_AT]->(d),
       (pia)-[:INTERACTED {id: 'i1', kind: 'meeting'}]->(per),
       (per)-[:INTERACTED {id: 'i2', kind: 'meeting'}]->(bo),
       (bo)-[:INTERACTED {id: 'i3', kind: 'meeting'}]->(pia),
       (carl)-[:INTERACTED {id: 'i4', kind: 'call'}]->(dora)
"""


async def plain(store: GraphStore, first: int, members_shown: int) -> list[Community]:
    return await communities(
        store, first=first, members_shown=members_shown, as_of=None, today="2026-01-01"
    )


def shape(community: Community) -> tuple[int, int, int, int, int]:
    return (
        community.size,
        community.component_size,
        community.dk,
        community.de,
        community.other,
    )


async def test_the_largest_community_comes_first_then_the_larger_components(
    store: GraphStore,
) -> None:
    await store.write(GRAPH)

    found = await plain(store, first=3, members_shown=1)

    assert shape(found[0]) == (2, 2, 1, 1, 0)
    assert found[0].members[0]["id"] in {"org-a", "org-b"}
    assert [len(c.members) for c in found] == [1, 1, 1]
    # C and D: one community of two, or two of one, each in their component of two.
    rest = sorted(shape(c) for c in found[1:])
    assert rest in ([(1, 2, 0, 0, 1), (1, 2, 1, 0, 0)], [(2, 2, 1, 0, 1)])


@pytest.mark.falkordb_only  # Neo4j's projection holds only the organisations someone works at
async def test_an_organisation_with_nobody_is_a_community_of_its_own(store: GraphStore) -> None:
    await store.write(GRAPH)

    found = await plain(store, first=10, members_shown=10)

    alone = [c for c in found if c.component_size == 1]
    assert sorted((shape(c), c.members[0]["id"]) for c in alone) == [
        ((1, 1, 0, 0, 1), "org-y"),
        ((1, 1, 0, 1, 0), "org-z"),
    ]
    assert found[-2:] == alone
    assert sum(c.size for c in found) == 6
