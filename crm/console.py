"""What the command-line entry points share (``crm`` and ``python -m graph_loader``): the exit
codes, the two consoles, the settings with a clear message per wrong one, and running work on
an open store.

Exit codes: 0 done (for ``serve`` and ``demo``: stopped with Ctrl-C); 1 the input has problems and
nothing was written (or a file could not be written; ``keys revoke``: no such key); 2 wrong usage
or setting (``serve``: also an address it cannot listen on); 3 ``--skip-invalid`` wrote the valid
records and skipped the others; 4 the store failed (``serve``: also a graph an earlier version
wrote); 130 ``demo`` was interrupted while loading.
"""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from crm.config import Settings, load_settings
from crm.errors import CrmError
from crm.graph.connect import open_store
from crm.graph.store import GraphStore

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3
EXIT_STORE = 4
EXIT_INTERRUPTED = 130

out = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        help="Where the embedded engine keeps its files \\[env: CRM_DATA_DIR].", show_default=False
    ),
]
GraphUrl = Annotated[
    str | None,
    typer.Option(
        help="The engine to use; unset: the embedded one \\[env: CRM_GRAPH_URL].",
        show_default=False,
    ),
]
BatchSize = Annotated[
    int | None,
    typer.Option(
        min=1, help="Rows per write statement \\[env: CRM_BATCH_SIZE].", show_default=False
    ),
]


def settings(**overrides: Any) -> Settings:
    """The settings, or a clear message naming the setting that is wrong."""
    try:
        return load_settings(**overrides)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            name = "CRM_" + "_".join(str(part) for part in detail["loc"]).upper()
            where = f"{name}: " if detail["loc"] else ""  # a rule over several settings
            message = escape(detail["msg"].removeprefix("Value error, "))
            err.print(f"[red]error:[/red] {where}{message}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None


def run[T](settings: Settings, work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Open the store, do ``work``, close the store; store failures end the command cleanly."""

    async def session() -> T:
        store = await open_store(settings)
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(session())
    except CrmError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_STORE) from None
