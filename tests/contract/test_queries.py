"""The shared queries: lookups in chunks, counts, a project's impact."""

import pytest

from crm.domain import Label, RelType
from crm.errors import NotFound
from crm.graph.counting import CountingStore
from crm.graph.store import GraphStore
from crm.queries import lookup
from crm.queries.impact import project_impact
from crm.queries.lookup import existing_ids, keyed_relationship_ends
from crm.queries.stats import count_nodes, count_relationships

PEOPLE = """
UNWIND range(1, 5) AS n
CREATE (:Person {id: 'p' + toString(n), givenName: 'A', familyName: 'B'})
"""


async def test_lookups_go_in_chunks_and_find_exactly_what_exists(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.write(PEOPLE)
    await store.write(
        "MATCH (a:Person {id: 'p1'}), (b:Person {id: 'p2'}) "
        "CREATE (a)-[:INTERACTED {id: 'i1', kind: 'call'}]->(b)"
    )
    monkeypatch.setattr(lookup, "CHUNK", 2)
    counting = CountingStore(store)

    found = await existing_ids(counting, Label.PERSON, ["p1", "p3", "p5", "p9", "p1"])
    ends = await keyed_relationship_ends(counting, RelType.INTERACTED, ["i1", "i2", "i3"])

    assert found == {"p1", "p3", "p5"}
    assert ends == {"i1": ("p1", "p2")}
    assert counting.reads == 2 + 2  # four distinct ids in chunks of 2, three in chunks of 2


async def test_counts_cover_every_label_and_type_in_one_round_trip_each(
    store: GraphStore,
) -> None:
    await store.write(PEOPLE)
    counting = CountingStore(store)

    nodes = await count_nodes(counting)
    relationships = await count_relationships(counting)

    assert nodes == {label: 5 if label is Label.PERSON else 0 for label in Label}
    assert relationships == dict.fromkeys(RelType, 0)
    assert counting.reads == 2


async def test_the_impact_of_an_unknown_project_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFound, match="no Project with id 'nope'"):
        await project_impact(store, "nope")
