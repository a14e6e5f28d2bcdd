"""``networkExport``: an explorer's view as a document for analysts' tools (GEXF, GraphML, CSV
of nodes or of edges), with the attributes the explorer draws by. The role decides the
columns: e-mail and phone numbers only for roles that may read ``Person.email`` and
``Person.phone`` (interaction notes are never part of a view). ``GET /export/network.<ext>``
(``crm/api/exports.py``) serves the same over HTTP."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import strawberry

from crm.api.access import required_roles
from crm.api.context import Info
from crm.api.fields import graphql_enum
from crm.api.network.explorer import (
    AS_OF_ARGUMENT,
    CENTERS,
    CROSS_BORDER,
    DEPTH,
    INTERACTION_KINDS,
    LIMIT,
    MIN_STRENGTH,
    SECTORS,
    TIE_KINDS,
    Drawn,
    NetworkTieKind,
    display_name,
    view_request,
)
from crm.api.network.formats import Column, ColumnType, Graph, edges_csv, gexf, graphml, nodes_csv
from crm.domain import Label
from crm.domain.relationships import InteractionKind
from crm.queries.network.explorer import Member


@strawberry.enum(description="A document format of a view.")
class NetworkExportFormat(Enum):
    GEXF = "gexf"
    GRAPHML = "graphml"
    NODES_CSV = "nodes.csv"
    EDGES_CSV = "edges.csv"


@dataclass(frozen=True)
class _Format:
    write: Callable[[Graph], str]
    media_type: str
    file_name: str


FORMATS = {
    NetworkExportFormat.GEXF: _Format(gexf, "application/gexf+xml", "network.gexf"),
    NetworkExportFormat.GRAPHML: _Format(graphml, "application/graphml+xml", "network.graphml"),
    NetworkExportFormat.NODES_CSV: _Format(
        nodes_csv, "text/csv; charset=utf-8; header=present", "network-nodes.csv"
    ),
    NetworkExportFormat.EDGES_CSV: _Format(
        edges_csv, "text/csv; charset=utf-8; header=present", "network-edges.csv"
    ),
}

_STRING, _INTEGER, _DOUBLE, _BOOLEAN = (
    ColumnType.STRING,
    ColumnType.INTEGER,
    ColumnType.DOUBLE,
    ColumnType.BOOLEAN,
)
NODE_COLUMNS = [
    Column("recordId"),
    Column("type"),
    Column("country"),
    Column("depth", _INTEGER),
    Column("degree", _INTEGER),
    Column("betweenness", _DOUBLE),
    Column("community", _INTEGER),
    Column("sectors"),
    Column("kind"),
    Column("city"),
    Column("title"),
    Column("languages"),
]
CONTACT_COLUMNS = [Column("email"), Column("phone")]
"""Only for roles that may read them."""
EDGE_COLUMNS = [
    Column("kind"),
    Column("strength", _DOUBLE),
    Column("crossesBorder", _BOOLEAN),
    Column("lastContact"),
    Column("interactions", _INTEGER),
    Column("role"),
]


@strawberry.type(description="A view as a document.")
class NetworkExport:
    format: NetworkExportFormat
    media_type: str = strawberry.field(description="Its media type, for a Content-Type header.")
    file_name: str = strawberry.field(description="A file name for it.")
    content: str = strawberry.field(description="The document.")


def may_read_contacts(info: Info) -> bool:
    """Whether the caller's role may read people's e-mail and phone (the API's one policy)."""
    required = required_roles(info.schema)
    role = info.context.caller.role
    return all(
        (needed := required(Label.PERSON.value, name)) is None or role.allows(needed)
        for name in ("email", "phone")
    )


async def graph_of(drawn: Drawn, *, contacts: bool, description: str) -> Graph:
    """The view's rows: what the explorer draws, and contacts only if ``contacts``."""
    betweenness = await drawn.measure("betweenness")
    community = await drawn.measure("community")
    measures = drawn.measures
    nodes = []
    for ref, member in drawn.view.members.items():
        row = _node(member) | {
            "depth": member.depth,
            "degree": measures.degree[ref],
            "betweenness": betweenness[ref],
            "community": community[ref],
            "start": measures.reach[ref],
        }
        if not contacts:
            row.pop("email")
            row.pop("phone")
        nodes.append(row)
    edges = []
    for link in drawn.view.links.values():
        strength = None if link.tie is None else link.tie.strength
        edges.append(
            {
                "id": f"{link.kind.value}:{link.source.label.value}:{link.source.id}:"
                f"{link.target.label.value}:{link.target.id}",
                "source": _node_id(link.source.label, link.source.id),
                "target": _node_id(link.target.label, link.target.id),
                "weight": 1.0 if strength is None else strength,
                "kind": link.kind.value,
                "strength": strength,
                "crossesBorder": link.crosses_border,
                "lastContact": link.interactions[-1].date if link.interactions else None,
                "interactions": len(link.interactions) if link.interactions else None,
                "role": link.role,
                "start": link.since,
                "end": link.until,
            }
        )
    node_columns = NODE_COLUMNS + (CONTACT_COLUMNS if contacts else [])
    return Graph(description, node_columns, EDGE_COLUMNS, nodes, edges, created=drawn.as_of)


def _node_id(label: Label, record_id: str) -> str:
    """A node's id in the documents: its label and record id (readable in Gephi)."""
    return f"{label.value}:{record_id}"


def _node(member: Member) -> dict[str, Any]:
    p = member.properties
    person = member.ref.label is Label.PERSON
    return {
        "id": _node_id(member.ref.label, member.ref.id),
        "label": display_name(member),
        "recordId": member.ref.id,
        "type": member.ref.label.value,
        "country": p["country"],
        "sectors": "; ".join(sector["name"] for sector in member.sectors) or None,
        "kind": p.get("kind"),
        "city": p.get("city"),
        "title": p.get("title"),
        "languages": "; ".join(p.get("languages") or []) or None,
        "email": p.get("email") if person else None,
        "phone": p.get("phone") if person else None,
    }


def export_field(types: Mapping[Label, type]) -> dict[str, Any]:
    """``networkExport``."""

    async def resolve(
        info: Info,
        *,
        format: NetworkExportFormat,
        centers: Annotated[list[strawberry.ID], strawberry.argument(description=CENTERS)],
        depth: Annotated[int, strawberry.argument(description=DEPTH)] = 1,
        as_of: AS_OF_ARGUMENT = None,
        cross_border_only: Annotated[bool, strawberry.argument(description=CROSS_BORDER)] = False,
        min_strength: Annotated[float | None, strawberry.argument(description=MIN_STRENGTH)] = None,
        sectors: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description=SECTORS)
        ] = None,
        tie_kinds: Annotated[
            list[NetworkTieKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description=TIE_KINDS),
        ] = None,
        interaction_kinds: Annotated[
            list[graphql_enum(InteractionKind)] | None,  # type: ignore[valid-type]
            strawberry.argument(description=INTERACTION_KINDS),
        ] = None,
        limit: Annotated[int | None, strawberry.argument(description=LIMIT)] = None,
    ) -> NetworkExport:
        request = view_request(
            info,
            centers=centers,
            depth=depth,
            as_of=as_of,
            cross_border_only=cross_border_only,
            min_strength=min_strength,
            sectors=sectors,
            tie_kinds=tie_kinds,
            interaction_kinds=interaction_kinds,
            limit=limit,
        )
        drawn = await request.run(info)
        centres = [m for m in drawn.view.members.values() if m.depth == 0]
        names = ", ".join(display_name(member) for member in centres)
        ties = "tie" if depth == 1 else "ties"
        description = f"The network within {depth} {ties} of {names}, as of {drawn.as_of}"
        graph = await graph_of(drawn, contacts=may_read_contacts(info), description=description)
        chosen = FORMATS[format]
        return NetworkExport(
            format=format,
            media_type=chosen.media_type,
            file_name=chosen.file_name,
            content=chosen.write(graph),
        )

    return {
        "network_export": strawberry.field(
            resolver=resolve,
            description="The view `network` answers for the same arguments, as a document: "
            "GEXF 1.3 (dynamic: nodes and ties carry the days they begin), GraphML, or CSV "
            "of its nodes or of its edges. E-mail and phone numbers only for roles that may "
            "read them.",
        )
    }
