"""The ``crm`` command: one module per group of subcommands (``data``: load, export, generate,
stats; ``keys``; ``serving``: serve, demo; ``operations``: migrate, backup, restore). Exit
codes: see ``crm.console``."""

import logging

import typer

from crm.cli import data, keys, operations, serving

app = typer.Typer(
    help="A cross-border relationship CRM kept as a knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data.register(app)
app.add_typer(keys.app, name="keys")
serving.register(app)
operations.register(app)


def main() -> None:
    """Entry point of the ``crm`` script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
