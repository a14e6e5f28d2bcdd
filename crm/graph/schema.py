"""The graph's constraints and indexes, as described once in ``schema/graph.yaml``."""

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field

from crm.domain import Label, RelType
from crm.domain.labels import InternalLabel, InternalType

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Property = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]*$")]


class NodeProperty(_Frozen):
    label: Label | InternalLabel
    property: Property


class RelationshipProperty(_Frozen):
    type: RelType | InternalType
    property: Property


class GraphSchema(_Frozen):
    """Unique node and relationship properties, the node and relationship properties to index,
    and the node properties to index for full-text search (at most one per label)."""

    unique: tuple[NodeProperty, ...] = ()
    unique_relationships: tuple[RelationshipProperty, ...] = ()
    node_indexes: tuple[NodeProperty, ...] = ()
    relationship_indexes: tuple[RelationshipProperty, ...] = ()
    fulltext: tuple[NodeProperty, ...] = ()


def load_schema(path: Path = SCHEMA_DIR / "graph.yaml") -> GraphSchema:
    """Read the schema description; labels and types must be the domain model's own."""
    return GraphSchema.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
