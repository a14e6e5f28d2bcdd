"""The CRM's records and ties as plain validated types; imports neither a driver nor GraphQL."""

from crm.domain.nodes import NODE_MODELS, Label, Node
from crm.domain.relationships import RELATIONSHIPS, RelSpec, RelType, Tie

__all__ = ["NODE_MODELS", "RELATIONSHIPS", "Label", "Node", "RelSpec", "RelType", "Tie"]
