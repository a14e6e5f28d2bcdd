"""The data-quality commands: ``crm import contacts`` and ``crm doctor``, and what ``crm load``
says about matches and about the records it will touch."""

import typer
from rich.console import Console

from graph_loader.matching import MatchKey
from graph_loader.validate import Plan

err = Console(stderr=True)

DUPLICATES_HELP = (
    "Plant duplicates of this share of the people and organisations (0.02: 2 %), written "
    "the way a second source would, and list them in duplicates-truth.tsv."
)
MATCH_HELP = (
    "Map incoming records to stored ones with the same natural key: any of vat, email, name "
    "(comma-separated); without it such a record is a problem."
)


def parse_match(value: str | None) -> frozenset[MatchKey]:
    """``vat,email,name`` -> the keys; a word that is not one is a usage error."""
    if not value:
        return frozenset()
    keys = set()
    for word in value.split(","):
        try:
            keys.add(MatchKey(word.strip()))
        except ValueError:
            raise typer.BadParameter(
                f"{word.strip()!r} is not a key to match by; use {', '.join(MatchKey)}"
            ) from None
    return frozenset(keys)


def announce(plan: Plan) -> None:
    """Say what a load matched and, when the graph holds records already, what it will touch."""
    for match in plan.matches:
        err.print(str(match), highlight=False, markup=False, soft_wrap=True)
    if not any(touch.stored for touch in plan.touched.values()):
        return
    parts = [
        f"{label}: {touch.new} new, {touch.stored} stored" for label, touch in plan.touched.items()
    ]
    new = sum(touch.new for touch in plan.touched.values())
    stored = sum(touch.stored for touch in plan.touched.values())
    err.print(
        f"The graph holds records of this input already: {new} records are new and {stored} "
        f"stored ones are updated or kept as they are ({'; '.join(parts)}).",
        highlight=False,
        soft_wrap=True,
    )
