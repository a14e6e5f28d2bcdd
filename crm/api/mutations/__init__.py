"""Mutations: create, update and delete every label; link, unlink and update every tie; record
interactions.

Input is validated by the domain model (the whole record, after a patch is applied), so the API
accepts exactly what the loader accepts. Expected refusals come back as ``errors`` in the
payload, each naming its input field; nothing is written when there is any.
"""

from typing import Any

from crm.api.mutations.erasure import erasure_mutations
from crm.api.mutations.merge import merge_mutations
from crm.api.mutations.records import node_mutations
from crm.api.mutations.ties import tie_mutations
from crm.domain import RELATIONSHIPS, Label


def mutation_fields(types: dict[Label, type]) -> dict[str, Any]:
    """Every mutation of the schema, by name."""
    fields: dict[str, Any] = {}
    for label, node_type in types.items():
        fields |= node_mutations(label, node_type)
    for rel_type in RELATIONSHIPS:
        fields |= tie_mutations(rel_type)
    return fields | erasure_mutations(types) | merge_mutations()
