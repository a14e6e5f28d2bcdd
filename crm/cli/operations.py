"""``crm migrate``, ``backup`` and ``restore``: keeping the stored graph usable and safe."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from crm.cli.data import stats
from crm.console import EXIT_PROBLEMS, BatchSize, DataDir, GraphUrl, err, run, settings
from crm.domain.values import now_timestamp
from crm.errors import InvalidInput
from crm.graph import backup as backups
from crm.graph.store import GraphStore
from graph_loader.migrate import Migration
from graph_loader.migrate import migrate as migrate_graph


def register(app: typer.Typer) -> None:
    app.command()(migrate)
    app.command()(backup)
    app.command()(restore)


def migrate(
    batch_size: BatchSize = None,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Upgrade a graph written by an earlier version: merge duplicate ties, add the search and
    natural keys and the constraints it lacks, and record the current schema version."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url, batch_size=batch_size)

    async def work(store: GraphStore) -> Migration:
        return await migrate_graph(store, chosen.batch_size)

    done = run(chosen, work)
    err.print(migration_message(done), highlight=False, soft_wrap=True)


def migration_message(done: Migration) -> str:
    """One line on what a migration did."""
    if not done.done:
        return f"the graph has the current schema version ({done.after}); nothing to do"
    removed = sum(ties for _, ties in done.merged.values())
    rewritten = done.rewritten.node_total.updated if done.rewritten is not None else 0
    return (
        f"migrated the graph from schema version {done.before} to {done.after}: "
        f"{removed} duplicate ties merged away, {rewritten} records given the keys they "
        f"lacked, {done.moved_entries} change log entries made ties"
    )


def backup(
    path: Annotated[
        Path, typer.Argument(help="The backup folder to make (new or empty).", show_default=False)
    ],
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Copy the embedded engine's store to a new folder, consistently, while it serves and
    writes go on: a snapshot of one moment, with a checksum manifest."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url)

    async def work(store: GraphStore) -> backups.Manifest:
        return await backups.backup(store, path, now_timestamp())

    try:
        backups.new_folder(path, "the backup folder")
    except InvalidInput as refused:
        _refuse(refused)
    manifest = run(chosen, work)
    err.print(
        f"backed up {chosen.data_dir} to {path} ({manifest.bytes} bytes, sha256 "
        f"{manifest.sha256}, taken at {manifest.taken_at})",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def restore(
    path: Annotated[Path, typer.Argument(help="A folder `crm backup` made.", show_default=False)],
    data_dir: DataDir = None,
) -> None:
    """Restore a backup into a new (or empty) data folder, after checking its checksum; then
    count what it holds, as ``crm stats`` does."""
    chosen = settings(data_dir=data_dir)
    if chosen.graph_url is not None:
        _refuse(
            InvalidInput("crm restore writes an embedded engine's data folder; unset --graph-url")
        )
    try:
        manifest = backups.restore(path, chosen.data_dir)
    except InvalidInput as refused:
        _refuse(refused)
    err.print(
        f"the checksum matches; restored the backup taken at {manifest.taken_at} into "
        f"{chosen.data_dir}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    stats(data_dir=chosen.data_dir)


def _refuse(refused: InvalidInput) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(str(refused))}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_PROBLEMS)
