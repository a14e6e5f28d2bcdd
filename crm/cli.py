"""The ``crm`` command.

Exit codes: 0 done (for ``serve`` and ``demo``: stopped with Ctrl-C); 1 the input has problems and
nothing was written (or a file could not be written; ``keys revoke``: no such key); 2 wrong usage
or setting (``serve``: also an address it cannot listen on); 3 ``--skip-invalid`` wrote the valid
records and skipped the others; 4 the store failed; 130 ``demo`` was interrupted while loading.
"""

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crm.config import Environment, Settings, load_settings
from crm.domain import Label
from crm.domain.values import format_timestamp
from crm.errors import CrmError, InvalidInput
from crm.graph.connect import open_store
from crm.graph.store import GraphStore
from crm.keys import Role, new_key
from crm.quality_cli import (
    DUPLICATES_HELP,
    MATCH_HELP,
    announce,
    doctor,
    import_app,
    parse_match,
    planted_message,
)
from crm.queries.keys import all_keys, create_key, revoke_key
from crm.queries.nodes import nodes_by_id
from crm.queries.stats import count_nodes, count_relationships
from crm.queries.upsert import Outcome
from graph_loader.datasets import INTRANET
from graph_loader.export import export_graph, write_document
from graph_loader.load import LoadReport
from graph_loader.load import load as load_paths
from graph_loader.progress import progress_for
from graph_loader.synthetic import SIZES, write_dataset
from graph_loader.writer import Summary

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3
EXIT_STORE = 4
EXIT_INTERRUPTED = 130

app = typer.Typer(
    help="A cross-border relationship CRM kept as a knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
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
Host = Annotated[
    str | None,
    typer.Option(help="Where to listen; default 127.0.0.1 \\[env: CRM_HOST].", show_default=False),
]
Port = Annotated[
    int | None,
    typer.Option(
        min=0,
        max=65535,
        help="The port to listen on; default 8000 \\[env: CRM_PORT].",
        show_default=False,
    ),
]
BatchSize = Annotated[
    int | None,
    typer.Option(
        min=1, help="Rows per write statement \\[env: CRM_BATCH_SIZE].", show_default=False
    ),
]


def _settings(**overrides: Any) -> Settings:
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


def _run[T](settings: Settings, work: Callable[[GraphStore], Awaitable[T]]) -> T:
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


@app.command()
def load(
    paths: Annotated[
        list[Path],
        typer.Argument(help="YAML or JSON files, or folders of CSV files.", show_default=False),
    ],
    skip_invalid: Annotated[
        bool, typer.Option(help="Write the valid records and report the others.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Only validate (against the graph too); write nothing.")
    ] = False,
    batch_size: BatchSize = None,
    match: Annotated[str | None, typer.Option(help=MATCH_HELP, show_default=False)] = None,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Load records into the graph: everything is validated first; by default one problem means
    nothing is written."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url, batch_size=batch_size)
    keys = parse_match(match)

    async def work(store: GraphStore) -> Any:
        with progress_for(err) as progress:
            return await load_paths(
                paths,
                store,
                batch_size=settings.batch_size,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                progress=progress,
                match=keys,
                announce=announce,
            )

    report = _run(settings, work)
    for problem in report.problems:
        err.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    if dry_run:
        err.print(
            f"{report.valid} records are valid, {report.invalid} have problems; "
            "nothing was written (dry run).",
            highlight=False,
        )
        raise typer.Exit(EXIT_PROBLEMS if report.problems else 0)
    if report.summary is None:
        err.print(
            f"{len(report.problems)} problems in {report.invalid} records; nothing was written.",
            highlight=False,
        )
        raise typer.Exit(EXIT_PROBLEMS)
    _print_summary(report.summary)
    if missing := report.summary.relationship_total.missing:
        err.print(f"{missing} relationships were not written: an end was deleted while loading.")
        raise typer.Exit(EXIT_SKIPPED)
    if report.problems:
        err.print(
            f"{len(report.problems)} problems: {report.invalid} records were skipped.",
            highlight=False,
        )
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="The .yaml, .yml or .json file to write.")],
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Write the whole graph as a document that ``crm load`` reads back unchanged."""
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise typer.BadParameter("give a .yaml, .yml or .json file", param_hint="PATH")
    settings = _settings(data_dir=data_dir, graph_url=graph_url)
    document = _run(settings, lambda store: export_graph(store, settings.batch_size))
    try:
        write_document(document, path)
    except OSError as error:
        err.print(f"[red]error:[/red] cannot write {escape(str(path))}: {escape(str(error))}")
        raise typer.Exit(EXIT_PROBLEMS) from None
    nodes = sum(map(len, document["nodes"].values()))
    relationships = sum(map(len, document["relationships"].values()))
    err.print(f"wrote {nodes} nodes and {relationships} relationships to {path}", highlight=False)


@app.command()
def generate(
    size: Annotated[
        str,
        typer.Argument(help=f"The dataset's size: {', '.join(SIZES)}.", show_default=False),
    ],
    out: Annotated[
        Path, typer.Argument(help="The folder to write the CSV files to.", show_default=False)
    ],
    seed: Annotated[int, typer.Option(help="The same seed gives the same files.")] = 7,
    duplicates: Annotated[float, typer.Option(min=0, max=0.5, help=DUPLICATES_HELP)] = 0.0,
) -> None:
    """Write a synthetic border-region network of a named size as a CSV folder that ``crm
    load`` reads."""
    if size not in SIZES:
        raise typer.BadParameter(f"give one of {', '.join(SIZES)}", param_hint="SIZE")
    try:
        with progress_for(err) as progress:
            dataset = write_dataset(
                SIZES[size], out, seed=seed, progress=progress, duplicates=duplicates
            )
    except OSError as error:
        err.print(f"[red]error:[/red] cannot write {escape(str(out))}: {escape(str(error))}")
        raise typer.Exit(EXIT_PROBLEMS) from None
    err.print(
        f"wrote {dataset.node_total} nodes and {dataset.relationship_total} relationships "
        f"({size}, seed {seed}) to {out}",
        highlight=False,
    )
    if dataset.planted is not None:
        err.print(planted_message(dataset.planted), highlight=False)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Count the nodes by label and the relationships by type."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url)

    async def work(store: GraphStore) -> dict[str, dict[str, int]]:
        nodes = await count_nodes(store)
        relationships = await count_relationships(store)
        return {"nodes": dict(nodes.items()), "relationships": dict(relationships.items())}

    counts = _run(settings, work)
    if as_json:
        out.print_json(json.dumps(counts))
        return
    for section, by_name in counts.items():
        table = Table(section, "count", title=None)
        for name, count in by_name.items():
            table.add_row(name, str(count))
        table.add_row("total", str(sum(by_name.values())), style="bold")
        out.print(table)


keys_app = typer.Typer(
    help="API keys: create, list and revoke them. The graph keeps only a salted hash of each.",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Argument(help="reader, editor or admin.", show_default=False)],
    name: Annotated[str, typer.Option(help="Whom or what the key is for.")] = "",
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Make a key and print it once: only its hash is stored, so it cannot be shown again."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url)
    key = new_key()
    _run(settings, lambda store: create_key(store, key, role, name, _now()))
    err.print(f"created {role} key {key.key_id}; it is shown only now:", highlight=False)
    out.print(key.token, highlight=False, markup=False, soft_wrap=True)


@keys_app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """List the keys: id, role, name, when made and when revoked (never a secret)."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url)
    keys = _run(settings, all_keys)
    rows = [
        {
            "keyId": key.key_id,
            "role": key.role.value,
            "name": key.name,
            "createdAt": key.created_at,
            "revokedAt": key.revoked_at,
        }
        for key in keys
    ]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table("key id", "role", "name", "created", "revoked")
    for row in rows:
        table.add_row(*(escape(str(row[name] or "")) for name in row))
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (from `crm keys list`).")],
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Revoke a key: requests with it are refused (401) from now on."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url)
    revoked = _run(settings, lambda store: revoke_key(store, key_id, _now()))
    if revoked is None:
        err.print(f"[red]error:[/red] no key with id {escape(key_id)!r}", highlight=False)
        raise typer.Exit(EXIT_PROBLEMS)
    err.print(f"key {key_id} is revoked (since {revoked.revoked_at})", highlight=False)


DEMO_PROJECT = "intranet"
"""The record id of the InTra-Net project: when it is in the graph, the demo is loaded."""
DEMO_QUERY = (
    '{ project(id: "intranet") { name impact { workshops initiatives totalInvestmentEur } } }'
)


@app.command()
def serve(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Serve the GraphQL API (at /graphql, with /healthz and /readyz) until Ctrl-C."""
    settings = _settings(data_dir=data_dir, graph_url=graph_url, host=host, port=port)
    _serve(settings)


@app.command()
def demo(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Load the InTra-Net demo unless it is there already, then serve the GraphQL API on it.

    On loopback, anonymous requests may read (the reader role); the local user gets an admin
    key, made on the first run and printed then (the graph keeps only its hash)."""
    settings = _settings(data_dir=data_dir, host=host, port=port)
    if settings.anonymous_role is None and _is_loopback(settings.host):
        settings = settings.model_copy(update={"anonymous_role": Role.READER})

    async def work(store: GraphStore) -> tuple[LoadReport | None, str]:
        key = await _demo_admin_key(store)
        if await nodes_by_id(store, Label.PROJECT, [DEMO_PROJECT]):
            return None, key
        return await load_paths([INTRANET], store, batch_size=settings.batch_size), key

    try:
        report, key = _run(settings, work)  # closes its store: the server opens its own
    except KeyboardInterrupt:
        err.print(
            f"interrupted while loading the demo; `crm load {INTRANET}` completes it",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if report is None:
        err.print("the InTra-Net demo is already loaded", highlight=False)
    elif report.summary is None:
        for problem in report.problems:
            err.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_PROBLEMS)
    else:
        nodes, relationships = report.summary.node_total, report.summary.relationship_total
        err.print(
            f"loaded the InTra-Net demo: {_rows(nodes)} nodes, "
            f"{_rows(relationships)} relationships",
            highlight=False,
        )
    if settings.anonymous_role is None:
        err.print("requests need an API key (the server does not listen on loopback only)")
    else:
        err.print(
            f"anonymous requests get the {settings.anonymous_role} role: they read everything "
            "but e-mail addresses, phone numbers and interaction notes",
            highlight=False,
        )
    err.print(key, highlight=False, markup=False, soft_wrap=True)
    where = (
        "in GraphiQL (open the URL in a browser) "
        if settings.env == Environment.DEVELOPMENT
        else ""
    )
    _serve(settings, hint=f"try this query {where}or POST it as JSON: {DEMO_QUERY}")


DEMO_KEY_NAME = "local user (crm demo)"


async def _demo_admin_key(store: GraphStore) -> str:
    """A line about the local user's admin key: the key itself when this run made it."""
    for stored in await all_keys(store):
        if stored.name == DEMO_KEY_NAME and stored.role == Role.ADMIN and not stored.revoked_at:
            return (
                f"the local user's admin key is {stored.key_id} (printed when it was made; "
                "`crm keys create admin` makes another)"
            )
    key = new_key()
    await create_key(store, key, Role.ADMIN, DEMO_KEY_NAME, _now())
    return f"an admin key for you (shown only now), send it as Authorization: Bearer {key.token}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _now() -> str:
    return format_timestamp(datetime.now(UTC))


def _rows(outcome: Outcome) -> int:
    return outcome.created + outcome.updated + outcome.unchanged


def _serve(settings: Settings, hint: str | None = None) -> None:
    """Run the API until Ctrl-C; a failure to start ends the command with a clear message."""
    # Here, not at the top: building the GraphQL schema takes a second that the other commands
    # should not pay.
    from crm.api.server import StartupFailed, run  # noqa: PLC0415

    def ready(url: str) -> None:
        err.print(f"serving the GraphQL API at {url}", highlight=False)
        if hint is not None:
            err.print(hint, highlight=False, markup=False, soft_wrap=True)

    try:
        run(settings, ready)
    except StartupFailed as failure:
        err.print(f"[red]error:[/red] {escape(str(failure))}", highlight=False, soft_wrap=True)
        store_failed = isinstance(failure.cause, CrmError) and not isinstance(
            failure.cause, InvalidInput
        )
        raise typer.Exit(EXIT_STORE if store_failed else EXIT_USAGE) from None


def _print_summary(summary: Summary) -> None:
    table = Table("written", "created", "updated", "unchanged")
    rows: list[tuple[str, Outcome]] = [
        *summary.nodes.items(),
        ("nodes", summary.node_total),
        *summary.relationships.items(),
        ("relationships", summary.relationship_total),
    ]
    for name, outcome in rows:
        style = "bold" if name in ("nodes", "relationships") else None
        table.add_row(
            str(name),
            str(outcome.created),
            str(outcome.updated),
            str(outcome.unchanged),
            style=style,
        )
    out.print(table)


app.command()(doctor)
app.add_typer(import_app, name="import")


def main() -> None:
    """Entry point of the ``crm`` script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
