"""Partner suggestions: organisations across the border not yet tied to one, with reasons.

Not yet tied: none of their people (working there on ``asOf``) have interacted by then, and
they share no initiative or project. Ranked by ``3 * shared sectors + 2 * events both attended
(by their people) + shared topics of such events + common contacts`` (organisations both have
interacted with), each part also given as reasons in words.
"""

from dataclasses import dataclass
from typing import LiteralString

from crm.graph.store import GraphStore, Record
from crm.queries.network.strength import active

_SUGGESTIONS: LiteralString = (
    """
MATCH (o:Organization {id: $organization})
OPTIONAL MATCH (o)<-[w:WORKS_AT]-(p:Person) WHERE """
    + active("w")
    + """
WITH o, collect(p) AS people
OPTIONAL MATCH (q:Person)-[i:INTERACTED]-(x:Person)-[v:WORKS_AT]->(n:Organization)
WHERE q IN people AND i.date <= $asOf AND """
    + active("v")
    + """
WITH o, people, collect(DISTINCT n) AS contacted
OPTIONAL MATCH (q:Person)-[:ATTENDED]->(e:Event) WHERE q IN people AND e.date <= $asOf
WITH o, people, contacted, collect(DISTINCT e) AS attended
MATCH (c:Organization)
WHERE c.country <> o.country AND NOT c IN contacted
  AND NOT (o)-[:PARTNER_IN]->()<-[:PARTNER_IN]-(c)
  AND NOT (o)-[:PARTICIPATES_IN]->()<-[:PARTICIPATES_IN]-(c)
OPTIONAL MATCH (o)-[:ACTIVE_IN]->(s:Sector)<-[:ACTIVE_IN]-(c)
WITH o, contacted, attended, c, collect(DISTINCT s) AS sectors
OPTIONAL MATCH (c)<-[w:WORKS_AT]-(:Person)-[:ATTENDED]->(e:Event)
WHERE e IN attended AND """
    + active("w")
    + """
WITH o, contacted, c, sectors, collect(DISTINCT e) AS events
OPTIONAL MATCH (t:Topic)<-[:COVERED]-(e:Event) WHERE e IN events
WITH o, contacted, c, sectors, events, collect(DISTINCT t) AS topics
OPTIONAL MATCH (c)<-[w:WORKS_AT]-(:Person)-[i:INTERACTED]-(:Person)-[v:WORKS_AT]->(n)
WHERE n IN contacted AND n <> o AND i.date <= $asOf AND """
    + active("w")
    + " AND "
    + active("v")
    + """
WITH c, sectors, events, topics, collect(DISTINCT n) AS common
WITH c, sectors, events, topics, common,
     3 * size(sectors) + 2 * size(events) + size(topics) + size(common) AS score
WHERE score > 0
WITH c, sectors, events, topics, common, score ORDER BY score DESC, c.id LIMIT $first
RETURN properties(c) AS organization, score,
       [s IN sectors | 'both active in ' + toLower(s.name)]
       + [e IN events | 'both attended ' + e.title]
       + [t IN topics | 'both took part in events on ' + toLower(t.name)]
       + [n IN common | 'both have contacts at ' + n.name] AS reasons,
       [s IN sectors | properties(s)] AS sectors, [e IN events | properties(e)] AS events,
       [t IN topics | properties(t)] AS topics, [n IN common | properties(n)] AS contacts
ORDER BY score DESC, c.id
"""
)
"""Its people are those working at it on ``$asOf``; an organisation is tied to it when one of
their people has interacted with one of its people by then."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    organization: Record
    score: int
    reasons: list[str]
    """The score, in words."""
    sectors: list[Record]
    """Sectors both are active in."""
    events: list[Record]
    """Events people of both attended."""
    topics: list[Record]
    """Topics of those events."""
    contacts: list[Record]
    """Organisations people of both have interacted with."""


async def suggested_partners(
    store: GraphStore, organization: str, *, first: int, as_of: str
) -> list[Suggestion]:
    """The ``first`` best suggestions for ``organization``, best first."""
    parameters = {"organization": organization, "first": first, "asOf": as_of}
    rows = await store.read(_SUGGESTIONS, parameters)
    return [
        Suggestion(
            row["organization"],
            row["score"],
            row["reasons"],
            row["sectors"],
            row["events"],
            row["topics"],
            row["contacts"],
        )
        for row in rows
    ]
