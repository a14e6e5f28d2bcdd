"""Partner suggestions: organisations across the border not yet tied to one, with reasons.

Not yet tied: none of their people have interacted (up to ``asOf``) and they share no
initiative or project. Ranked by ``3 * shared sectors + 2 * events both attended (by their
people) + shared topics of such events + common contacts`` (organisations both have
interacted with), each part also given as reasons in words.
"""

from typing import Any, LiteralString

from crm.graph.store import GraphStore

_SUGGESTIONS: LiteralString = """
MATCH (o:Organization {id: $organization}), (c:Organization)
WHERE c.country <> o.country
  AND NOT (o)-[:PARTNER_IN]->()<-[:PARTNER_IN]-(c)
  AND NOT (o)-[:PARTICIPATES_IN]->()<-[:PARTICIPATES_IN]-(c)
OPTIONAL MATCH (o)<-[:WORKS_AT]-(:Person)-[i:INTERACTED]-(:Person)-[:WORKS_AT]->(c)
WHERE i.date <= $asOf
WITH o, c, count(i) AS tied
WHERE tied = 0
OPTIONAL MATCH (o)-[:ACTIVE_IN]->(s:Sector)<-[:ACTIVE_IN]-(c)
WITH o, c, collect(DISTINCT s.name) AS sectors
OPTIONAL MATCH (o)<-[:WORKS_AT]-(:Person)-[:ATTENDED]->(e:Event)<-[:ATTENDED]-(:Person)
               -[:WORKS_AT]->(c)
WHERE e.date <= $asOf
WITH o, c, sectors, collect(DISTINCT e) AS events
OPTIONAL MATCH (t:Topic)<-[:COVERED]-(e:Event) WHERE e IN events
WITH o, c, sectors, events, collect(DISTINCT t.name) AS topics
OPTIONAL MATCH (o)<-[:WORKS_AT]-(:Person)-[i1:INTERACTED]-(:Person)-[:WORKS_AT]->(n:Organization)
               <-[:WORKS_AT]-(:Person)-[i2:INTERACTED]-(:Person)-[:WORKS_AT]->(c)
WHERE n <> o AND n <> c AND i1.date <= $asOf AND i2.date <= $asOf
WITH c, sectors, events, topics, collect(DISTINCT n.name) AS common
WITH c, 3 * size(sectors) + 2 * size(events) + size(topics) + size(common) AS score,
     [s IN sectors | 'both active in ' + toLower(s)]
     + [e IN events | 'both attended ' + e.title]
     + [t IN topics | 'both took part in events on ' + toLower(t)]
     + [n IN common | 'both have contacts at ' + n] AS reasons
WHERE score > 0
RETURN properties(c) AS organization, score, reasons
ORDER BY score DESC, c.id LIMIT $first
"""


async def suggested_partners(
    store: GraphStore, organization: str, *, first: int, as_of: str
) -> list[dict[str, Any]]:
    """The ``first`` best suggestions for ``organization``, best first."""
    parameters = {"organization": organization, "first": first, "asOf": as_of}
    return await store.read(_SUGGESTIONS, parameters)
