"""The data-quality commands: ``crm import contacts`` and ``crm doctor``, and what ``crm load``
says about matches and about the records it will touch. ``crm.cli`` registers them; they use
its settings and store handling."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from crm.api.quality import data_quality
from crm.domain.duplicates import DEFAULT_MIN_SCORE
from crm.queries.doctor import as_record
from graph_loader.contacts.importer import Consent, import_contacts, parse_basis
from graph_loader.matching import MatchKey
from graph_loader.synthetic.duplicates import Planted
from graph_loader.validate import Plan

out = Console()
err = Console(stderr=True)

DUPLICATES_HELP = (
    "Plant duplicates of this share of the people and organisations (0.02: 2 %), written "
    "the way a second source would, in OUT/duplicates; the truth goes to "
    "OUT/duplicates-truth.tsv."
)
MATCH_HELP = (
    "Map incoming records to stored ones with the same natural key: any of vat, email, name "
    "(comma-separated); without it such a record is a problem."
)


def planted_message(planted: Planted) -> str:
    return (
        f"planted duplicates of {planted.people} people and {planted.organizations} "
        f"organisations in {planted.folder} (load it after the dataset, with --match "
        f"vat,email,name); the truth is in {planted.truth}"
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
    if not any(touch.held for touch in plan.touched.values()):
        return
    parts = [
        f"{label}: {touch.new} new, {touch.stored} stored" for label, touch in plan.touched.items()
    ]
    new = sum(touch.new for touch in plan.touched.values())
    stored = sum(touch.stored for touch in plan.touched.values())
    err.print(
        f"The graph holds records already: of this input, {new} records are new and {stored} "
        f"stored ones are updated or kept as they are ({'; '.join(parts)}).",
        highlight=False,
        soft_wrap=True,
    )


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    min_score: Annotated[
        float, typer.Option(min=0, max=1, help="The least score of a duplicate pair to report.")
    ] = DEFAULT_MIN_SCORE,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where the embedded engine keeps its files \\[env: CRM_DATA_DIR].",
            show_default=False,
        ),
    ] = None,
    graph_url: Annotated[
        str | None,
        typer.Option(
            help="The engine to use; unset: the embedded one \\[env: CRM_GRAPH_URL].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Report what is missing, contradictory or doubled in the graph, and how to fix it. Exit
    code 1 when there are findings."""
    from crm import cli  # noqa: PLC0415 (crm.cli registers this command: no cycle at import)

    settings = cli._settings(data_dir=data_dir, graph_url=graph_url)
    findings = cli._run(settings, lambda store: data_quality(store, min_score))
    if as_json:
        out.print_json(json.dumps([as_record(finding) for finding in findings]))
    elif not findings:
        out.print("The graph is clean: nothing to report.")
    else:
        table = Table("finding", "how many", "records (the first)", "how to fix", show_lines=True)
        for finding in findings:
            names = "\n".join(
                f"{e.label} {e.id}" + (f": {e.detail}" if e.detail else f" ({e.name})")
                for e in finding.examples[:5]
            )
            table.add_row(finding.title, str(finding.total), names, finding.fix)
        out.print(table)
    if findings:
        raise typer.Exit(1)


import_app = typer.Typer(help="Import records from other tools.", no_args_is_help=True)


@import_app.command()
def contacts(
    path: Annotated[
        Path, typer.Argument(help="A vCard file (.vcf) or a CSV export.", show_default=False)
    ],
    mapping: Annotated[
        Path | None,
        typer.Option(help="The column mapping of a CSV export (YAML).", show_default=False),
    ] = None,
    consent: Annotated[
        str | None,
        typer.Option(
            help="The lawful basis of the whole file (consent, legitimate-interest, ...).",
            show_default=False,
        ),
    ] = None,
    consent_date: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Since when that basis holds.", show_default=False),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(help="The country of contacts whose address gives none.", show_default=False),
    ] = None,
    match: Annotated[str | None, typer.Option(help=MATCH_HELP, show_default=False)] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Only validate (against the graph too); write nothing.")
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where the embedded engine keeps its files \\[env: CRM_DATA_DIR].",
            show_default=False,
        ),
    ] = None,
    graph_url: Annotated[
        str | None,
        typer.Option(
            help="The engine to use; unset: the embedded one \\[env: CRM_GRAPH_URL].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import people, their organisations and jobs from an address book (vCard 3 or 4) or a
    CSV export of another tool (with --mapping); all or nothing, like crm load."""
    from crm import cli  # noqa: PLC0415 (crm.cli registers this command: no cycle at import)

    keys = parse_match(match)
    given = _consent(consent, consent_date)
    code = None if country is None else country.strip().upper()
    settings = cli._settings(data_dir=data_dir, graph_url=graph_url)
    report = cli._run(
        settings,
        lambda store: import_contacts(
            path,
            store,
            mapping=mapping,
            consent=given,
            country=code,
            match=keys,
            dry_run=dry_run,
            batch_size=settings.batch_size,
        ),
    )
    for problem in report.problems:
        err.print(str(problem), highlight=False, markup=False, soft_wrap=True)
    for said in report.matches:
        err.print(said, highlight=False, markup=False, soft_wrap=True)
    if report.problems:
        err.print(
            f"{len(report.problems)} problems in {report.contacts} contacts; nothing was written.",
            highlight=False,
        )
        raise typer.Exit(1)
    if report.summary is None:
        err.print(f"{report.contacts} contacts are valid; nothing was written (dry run).")
        return
    cli._print_summary(report.summary)


def _consent(basis: str | None, when: datetime | None) -> Consent | None:
    if basis is None and when is None:
        return None
    if basis is None or when is None:
        raise typer.BadParameter("give --consent and --consent-date together")
    try:
        return Consent(parse_basis(basis), when.date())
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--consent") from None
