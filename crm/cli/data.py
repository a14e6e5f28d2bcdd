"""``crm load``, ``export``, ``generate`` and ``stats``: data into and out of the graph."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crm.cli.quality import doctor, import_app
from crm.config import Settings
from crm.console import EXIT_PROBLEMS, DataDir, GraphUrl, err, out, run, settings
from crm.graph.store import GraphStore
from crm.queries.stats import count_nodes, count_relationships
from graph_loader.command import load
from graph_loader.export import export_graph, write_document
from graph_loader.progress import progress_for
from graph_loader.synthetic import SIZES, write_dataset
from graph_loader.synthetic.duplicates import Planted

DUPLICATES_HELP = (
    "Plant duplicates of this share of the people and organisations (0.02: 2 %), written "
    "the way a second source would, in OUT/duplicates; the truth goes to "
    "OUT/duplicates-truth.tsv."
)


def register(app: typer.Typer) -> None:
    app.command()(load)
    app.command()(export)
    app.command()(generate)
    app.command()(stats)
    app.command()(doctor)
    app.add_typer(import_app, name="import")


def export(
    path: Annotated[Path, typer.Argument(help="The .yaml, .yml or .json file to write.")],
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Write the whole graph as a document that ``crm load`` reads back unchanged."""
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise typer.BadParameter("give a .yaml, .yml or .json file", param_hint="PATH")
    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    document = run(chosen, lambda store: export_graph(store, chosen.batch_size))
    try:
        write_document(document, path)
    except OSError as error:
        err.print(f"[red]error:[/red] cannot write {escape(str(path))}: {escape(str(error))}")
        raise typer.Exit(EXIT_PROBLEMS) from None
    nodes = sum(map(len, document["nodes"].values()))
    relationships = sum(map(len, document["relationships"].values()))
    if nodes == 0:
        warn_no_graph(chosen)
    err.print(f"wrote {nodes} nodes and {relationships} relationships to {path}", highlight=False)


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
        err.print(_planted_message(dataset.planted), highlight=False)


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Count the nodes by label and the relationships by type."""
    chosen = settings(data_dir=data_dir, graph_url=graph_url)

    async def work(store: GraphStore) -> dict[str, dict[str, int]]:
        nodes = await count_nodes(store)
        relationships = await count_relationships(store)
        return {"nodes": dict(nodes.items()), "relationships": dict(relationships.items())}

    counts = run(chosen, work)
    if not any(counts["nodes"].values()):
        warn_no_graph(chosen)
    if as_json:
        out.print_json(json.dumps(counts))
        return
    for section, by_name in counts.items():
        table = Table(section, "count", title=None)
        for name, count in by_name.items():
            table.add_row(name, str(count))
        table.add_row("total", str(sum(by_name.values())), style="bold")
        out.print(table)


def warn_no_graph(chosen: Settings) -> None:
    """Say that the store holds no graph: most often, the command was pointed at another folder
    (or engine) than the one the data is in."""
    where = (
        f"the data folder {chosen.data_dir}"
        if chosen.graph_url is None
        else f"the graph {chosen.graph_name!r} on the engine of --graph-url"
    )
    err.print(
        f"[yellow]warning:[/yellow] {escape(where)} holds no graph (no records); is your data "
        "elsewhere? Name its folder with --data-dir (or CRM_DATA_DIR), or its engine with "
        "--graph-url",
        highlight=False,
        soft_wrap=True,
    )


def _planted_message(planted: Planted) -> str:
    return (
        f"planted duplicates of {planted.people} people and {planted.organizations} "
        f"organisations in {planted.folder} (load it after the dataset, with --match "
        f"vat,email,name); the truth is in {planted.truth}"
    )
