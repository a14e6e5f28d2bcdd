"""Mutations: create, update and delete every label; link, unlink and update every tie."""

from typing import Any

from crm.domain import Label


def mutation_fields(types: dict[Label, Any]) -> dict[str, Any]:
    return {}
