"""``crm serve`` and ``crm demo``: the GraphQL API until Ctrl-C (the demo's rules are
``crm.demo``'s)."""

from typing import Annotated

import typer
from rich.markup import escape

from crm import demo as demo_rules
from crm.cli.operations import migration_message
from crm.config import Environment, Settings
from crm.console import (
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    EXIT_STORE,
    EXIT_USAGE,
    DataDir,
    GraphUrl,
    err,
    run,
    settings,
)
from crm.errors import CrmError, InvalidInput
from crm.graph.store import GraphStore
from crm.queries.upsert import Outcome
from graph_loader.command import print_problems

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


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(demo)


Workers = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=64,
        help="How many API processes serve the port (sharing the engine); default 1 "
        "\\[env: CRM_WORKERS].",
        show_default=False,
    ),
]


def serve(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
    workers: Workers = None,
) -> None:
    """Serve the web site and the GraphQL API (at /graphql, with /healthz and /readyz) until
    Ctrl-C."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url, host=host, port=port, workers=workers)
    _serve(chosen)


def demo(
    host: Host = None,
    port: Port = None,
    data_dir: DataDir = None,
) -> None:
    """Load the InTra-Net demo unless it is there already, then serve the web site and the
    GraphQL API on it.

    On loopback, anonymous requests may read (the reader role); the local user gets an admin
    key, made on the first run and printed then (the graph keeps only its hash)."""
    # One API process: the demo is for trying the product on one machine.
    chosen = demo_rules.demo_settings(settings(data_dir=data_dir, host=host, port=port)).model_copy(
        update={"workers": 1}
    )

    async def work(store: GraphStore) -> demo_rules.Prepared:
        return await demo_rules.prepare(store, chosen.batch_size)

    try:
        prepared = run(chosen, work)  # closes its store: the server opens its own
    except KeyboardInterrupt:
        err.print(
            f"interrupted while loading the demo; `crm load {demo_rules.DATASET}` completes it",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if prepared.migration.done:
        err.print(migration_message(prepared.migration), highlight=False, soft_wrap=True)
    report = prepared.report
    if report is None:
        err.print("the InTra-Net demo is already loaded", highlight=False)
    elif report.summary is None:
        print_problems(report)
        raise typer.Exit(EXIT_PROBLEMS)
    else:
        nodes, relationships = report.summary.node_total, report.summary.relationship_total
        err.print(
            f"loaded the InTra-Net demo: {_rows(nodes)} nodes, "
            f"{_rows(relationships)} relationships",
            highlight=False,
        )
    if chosen.anonymous_role is None:
        err.print("requests need an API key (the server does not listen on loopback only)")
    else:
        err.print(
            f"anonymous requests get the {chosen.anonymous_role} role: they read everything "
            "but e-mail addresses, phone numbers and interaction notes",
            highlight=False,
        )
    err.print(_key_line(prepared.key), highlight=False, markup=False, soft_wrap=True)
    where = (
        "in GraphiQL (open the URL in a browser) " if chosen.env == Environment.DEVELOPMENT else ""
    )
    _serve(chosen, hint=f"try this query {where}or POST it as JSON: {demo_rules.QUERY}")


def _key_line(key: demo_rules.AdminKey) -> str:
    """A line about the local user's admin key: the key itself when this run made it."""
    if key.token is None:
        return (
            f"the local user's admin key is {key.key_id} (printed when it was made; "
            "`crm keys create admin` makes another)"
        )
    return (
        f"an admin key for you (shown only now): sign in with it on the web site "
        f"(/en/sign-in), or send it as Authorization: Bearer {key.token}"
    )


def _rows(outcome: Outcome) -> int:
    return outcome.created + outcome.updated + outcome.unchanged


def _serve(settings: Settings, hint: str | None = None) -> None:
    """Run the API until Ctrl-C; a failure to start ends the command with a clear message."""
    # Here, not at the top: building the GraphQL schema takes a second that the other commands
    # should not pay.
    from crm.api.server import StartupFailed, run  # noqa: PLC0415

    def ready(url: str) -> None:
        err.print(f"the web site: {url.removesuffix('graphql')}", highlight=False)
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
