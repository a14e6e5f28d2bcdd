"""A project's impact, computed from what the graph records (never stored)."""

from dataclasses import dataclass
from decimal import Decimal

from crm.domain.nodes import EventKind
from crm.errors import NotFound
from crm.graph.store import GraphStore

_IMPACT = """
UNWIND $ids AS id
MATCH (p:Project {id: id})
OPTIONAL MATCH (p)-[:ORGANIZED]->(e:Event)
WITH p, collect(DISTINCT e) AS events
OPTIONAL MATCH (p)-[:ORGANIZED]->(:Event)<-[:EMERGED_FROM]-(i:Initiative)
WITH p, events, count(DISTINCT i) AS initiatives
OPTIONAL MATCH (p)-[:ORGANIZED]->(m:Event)-[:COVERED]->(t:Topic)
WHERE m.kind IN [$workshop, $networkMeeting]
WITH p, events, initiatives, count(DISTINCT t) AS topics
OPTIONAL MATCH (p)-[:ACTIVE_IN]->(s:Sector)
WITH p, events, initiatives, topics, count(DISTINCT s) AS sectors
RETURN p.id AS id,
       size([e IN events WHERE e.kind = $workshop]) AS workshops,
       size([e IN events WHERE e.kind = $networkMeeting]) AS networkMeetings,
       size([e IN events WHERE e.kind = $conference]) AS conferences,
       reduce(total = 0, e IN [e IN events WHERE e.kind = $conference] |
              total + coalesce(e.reportedAttendance, 0)) AS conferenceAttendees,
       initiatives, topics, sectors,
       p.totalInvestmentEurCents AS totalInvestmentCents,
       p.euContributionEurCents AS euContributionCents
"""


@dataclass(frozen=True)
class Impact:
    """What a project's events led to, and what it cost."""

    workshops: int
    network_meetings: int
    conferences: int
    initiatives: int
    conference_attendees: int
    topics: int
    sectors: int
    total_investment_eur: Decimal
    eu_contribution_eur: Decimal

    @property
    def cofinancing_rate(self) -> Decimal:
        """The EU's share of the total investment, to four decimal places."""
        if not self.total_investment_eur:
            return Decimal(0)
        return (self.eu_contribution_eur / self.total_investment_eur).quantize(Decimal("0.0001"))


async def project_impacts(store: GraphStore, project_ids: list[str]) -> dict[str, Impact]:
    """The impact of each of these projects that exists, in one statement."""
    kinds = {
        "workshop": EventKind.WORKSHOP,
        "networkMeeting": EventKind.NETWORK_MEETING,
        "conference": EventKind.CONFERENCE,
    }
    rows = await store.read(_IMPACT, {"ids": list(dict.fromkeys(project_ids)), **kinds})
    return {
        row["id"]: Impact(
            workshops=row["workshops"],
            network_meetings=row["networkMeetings"],
            conferences=row["conferences"],
            initiatives=row["initiatives"],
            conference_attendees=row["conferenceAttendees"],
            topics=row["topics"],
            sectors=row["sectors"],
            total_investment_eur=Decimal(row["totalInvestmentCents"]).scaleb(-2),
            eu_contribution_eur=Decimal(row["euContributionCents"]).scaleb(-2),
        )
        for row in rows
    }


async def project_impact(store: GraphStore, project_id: str) -> Impact:
    impacts = await project_impacts(store, [project_id])
    if project_id not in impacts:
        raise NotFound(f"no Project with id {project_id!r}")
    return impacts[project_id]
