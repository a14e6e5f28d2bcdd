"""The data-quality commands: ``crm doctor`` and ``crm import contacts``."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crm.console import DataDir, GraphUrl, err, out, run, settings
from crm.domain.duplicates import DEFAULT_MIN_SCORE
from crm.queries.doctor import as_record
from graph_loader.command import MATCH_HELP, parse_match, print_summary
from graph_loader.contacts.importer import Consent, import_contacts, parse_basis


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    min_score: Annotated[
        float, typer.Option(min=0, max=1, help="The least score of a duplicate pair to report.")
    ] = DEFAULT_MIN_SCORE,
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Report what is missing, contradictory or doubled in the graph, and how to fix it. Exit
    code 1 when there are findings."""
    # here, not at the top: the API's modules take seconds to import, which no other command needs
    from crm.api.quality import data_quality  # noqa: PLC0415

    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    findings = run(chosen, lambda store: data_quality(store, min_score))
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
    data_dir: DataDir = None,
    graph_url: GraphUrl = None,
) -> None:
    """Import people, their organisations and jobs from an address book (vCard 3 or 4) or a
    CSV export of another tool (with --mapping); all or nothing, like crm load."""
    keys = parse_match(match)
    given = _consent(consent, consent_date)
    code = None if country is None else country.strip().upper()
    chosen = settings(data_dir=data_dir, graph_url=graph_url)
    report = run(
        chosen,
        lambda store: import_contacts(
            path,
            store,
            mapping=mapping,
            consent=given,
            country=code,
            match=keys,
            dry_run=dry_run,
            batch_size=chosen.batch_size,
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
    print_summary(report.summary)


def _consent(basis: str | None, when: datetime | None) -> Consent | None:
    if basis is None and when is None:
        return None
    if basis is None or when is None:
        raise typer.BadParameter("give --consent and --consent-date together")
    try:
        return Consent(parse_basis(basis), when.date())
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--consent") from None
