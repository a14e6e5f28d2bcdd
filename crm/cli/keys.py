"""``crm keys create``, ``list`` and ``revoke``."""

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crm.console import EXIT_PROBLEMS, DataDir, GraphUrl, err, out, run, settings
from crm.domain.values import now_timestamp
from crm.keys import Role, new_key
from crm.queries.changes import CLI, Change
from crm.queries.keys import all_keys, create_key, revoke_key

app = typer.Typer(
    help="API keys: create, list and revoke them. The graph keeps only a salted hash of each.",
    no_args_is_help=True,
)


@app.command("create")
def keys_create(
    role: Annotated[Role, typer.Argument(help="reader, editor or admin.", show_default=False)],
    name: Annotated[str, typer.Option(help="Whom or what the key is for.")] = "",
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Make a key and print it once: only its hash is stored, so it cannot be shown again."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    key = new_key()
    run(
        chosen,
        lambda store: create_key(store, key, role, name, Change("createKey", CLI, now_timestamp())),
    )
    err.print(f"created {role} key {key.key_id}; it is shown only now:", highlight=False)
    out.print(key.token, highlight=False, markup=False, soft_wrap=True)


@app.command("list")
def keys_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """List the keys: id, role, name, when made and when revoked (never a secret)."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    keys = run(chosen, all_keys)
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


@app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (from `crm keys list`).")],
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Revoke a key: requests with it are refused (401) from now on."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    revoked = run(
        chosen, lambda store: revoke_key(store, key_id, Change("revokeKey", CLI, now_timestamp()))
    )
    if revoked is None:
        err.print(f"[red]error:[/red] no key with id {escape(key_id)!r}", highlight=False)
        raise typer.Exit(EXIT_PROBLEMS)
    err.print(f"key {key_id} is revoked (since {revoked.revoked_at})", highlight=False)
