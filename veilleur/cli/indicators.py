"""Commands of the indicators area: imports, exports, objectives, reference runs."""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from foundation import formatting
from foundation.errors import InputError
from storage.stores import open_stores


def _quarter(text: str):
    from foundation.quarters import Quarter

    try:
        return Quarter.parse(text)
    except InputError as exc:
        raise InputError(f"--quarter: {exc}") from None


@click.group("import")
def import_data() -> None:
    """Data the probes cannot see: satisfaction (JeDonneMonAvis) and declared indicators."""


@import_data.command("satisfaction")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--demarche", "demarche_id", metavar="ID", help="The démarche a JeDonneMonAvis review export is about.")
@click.option("--service", "service_id", metavar="ID", help="Or the registry service it is about.")
def import_satisfaction_command(file: Path, demarche_id: str | None, service_id: str | None) -> None:
    """Import a JeDonneMonAvis export (reviews of one démarche, or one score per démarche and quarter)."""
    from storage.satisfaction_import import import_satisfaction

    db, _ = open_stores()
    with db.sessions() as session:
        result = import_satisfaction(session, file, demarche_id, service_id)
    for score in result.scores:
        who = f"démarche {score.demarche_id}" if score.demarche_id else f"service {score.service_id}"
        click.echo(f"{score.quarter} {who}: {formatting.score(score.score)} sur {score.reviews} avis")
    skipped = f", {result.skipped_reviews} avis sans réponse à la question de satisfaction" if result.skipped_reviews else ""
    click.echo(f"{file}: {len(result.scores)} notes trimestrielles importées ({result.kind}{skipped})")


@import_data.command("declared")
@click.argument("file", type=click.Path(path_type=Path))
def import_declared_command(file: Path) -> None:
    """Import declared indicators (réalisable en ligne, Dites-le-nous une fois, usage du numérique)."""
    from storage.declared_import import import_declared

    db, _ = open_stores()
    with db.sessions() as session:
        declarations = import_declared(session, file)
    services = {d.service_id for d in declarations}
    click.echo(f"{file}: {len(declarations)} valeurs déclarées pour {len(services)} services")


@click.command("export")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4", help="The quarter to export.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "grist"]), default="csv", show_default=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), help="File to write (default: standard output).")
@click.option("--excel", is_flag=True,
              help="CSV for Excel in French: ';' between columns, decimal commas, UTF-8 with a byte-order mark.")
def export_command(quarter_text: str, fmt: str, out_file: Path | None, excel: bool) -> None:
    """One row per service: every indicator with its level, value, source and evidence."""
    from reports.observatory.exports import EXCEL_CSV, PLAIN_CSV, write_csv, write_json
    from reports.observatory.grist import write_grist
    from storage.schema import Service
    from reports.observatory.indicators import quarter_indicators

    quarter = _quarter(quarter_text)
    if excel and fmt != "csv":
        raise InputError("--excel: only with --format csv")
    db, _ = open_stores()
    with db.sessions() as session:
        states = quarter_indicators(session, quarter)
        services = {s.id: s for s in session.query(Service).all()} if fmt == "grist" else {}
        if fmt == "grist":
            # Read now: the services' rows are detached once the session ends.
            session.expunge_all()
    if out_file is not None:
        if out_file.is_dir():
            raise InputError(f"--out {out_file}: is a folder; give a file name")
        try:
            handle = out_file.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise InputError(f"--out {out_file}: cannot write: {exc.strerror}") from None
    else:
        handle = sys.stdout
    try:
        if fmt == "csv":
            write_csv(states, handle, EXCEL_CSV if excel else PLAIN_CSV)
        elif fmt == "grist":
            write_grist(states, services, handle)
        else:
            write_json(states, handle, str(quarter))
    finally:
        if out_file is not None:
            handle.close()
    if out_file is not None:
        click.echo(f"{out_file}: {len(states)} services, {quarter}", err=True)


@click.command("objectives")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="Where things stood that day (default: today).")
@click.option("--ministry", "ministry_id", metavar="ID", help="Only list this ministry's services that miss.")
def objectives_command(day_text: str | None, ministry_id: str | None) -> None:
    """Where each government objective stands: share of services meeting it, and who misses it."""
    from reports.observatory.objectives import objectives_at

    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise InputError(f"--date {day_text!r}: expected a date such as 2026-12-31") from None
    else:
        day = datetime.now(timezone.utc).date()
    db, _ = open_stores()
    with db.sessions() as session:
        report = objectives_at(session, day)
    console = Console(width=160)
    table = Table(title=f"Objectifs au {formatting.date(day)} ({report.services} services, données {report.quarter})")
    for column in ("objectif", "échéance", "atteint", "par ministère"):
        table.add_column(column)
    for status in report.statuses:
        share = status.overall
        overall = f"{share.met}/{share.counted}"
        if share.percent is not None:
            overall += f" ({formatting.share(share.percent)})"
        ministries = ", ".join(
            f"{m.ministry_id} {m.share.met}/{m.share.counted}" for m in status.by_ministry
        )
        deadline = status.objective.deadline_label + (" (échue)" if status.due else "")
        table.add_row(status.objective.label, deadline, overall, ministries)
    console.print(table)
    for status in report.statuses:
        missing = [m for m in status.missing if ministry_id is None or m.ministry_id == ministry_id]
        if missing:
            console.print(f"[bold]{status.objective.label}[/bold] — non atteint par :")
            for miss in missing:
                console.print(f"  {miss.service_id} ({miss.ministry_id}) : {miss.reason}", highlight=False)


@click.group("reference")
def reference() -> None:
    """Which run stands for a service in a quarter (the rule, or a run chosen by hand)."""


@reference.command("show")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4")
def reference_show(quarter_text: str) -> None:
    """Each service's reference run for the quarter, and why."""
    from foundation.times import as_utc
    from storage.reference_runs import reference_runs

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        references = reference_runs(session, quarter)
        table = Table(title=f"Visites de référence {quarter}")
        for column in ("service", "run", "campagne", "date", "pourquoi"):
            table.add_column(column)
        for service_id, ref in sorted(references.items()):
            started = as_utc(ref.run.started_at)
            table.add_row(service_id, str(ref.run.id), str(ref.run.campaign_id),
                          formatting.date_time(started) or "—",
                          ref.rule + (f" : {ref.reason}" if ref.reason else ""))
    Console(width=160).print(table)


@reference.command("set")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4")
@click.option("--service", "service_id", required=True, metavar="ID")
@click.option("--run", "run_id", required=True, type=int, metavar="RUN_ID")
@click.option("--reason", help="Why this run rather than the rule's (kept with the choice).")
def reference_set(quarter_text: str, service_id: str, run_id: int, reason: str | None) -> None:
    """Make a run stand for a service in a quarter, instead of the rule's choice."""
    from storage.reference_runs import choose_reference_run

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        choose_reference_run(session, quarter, service_id, run_id, reason)
    click.echo(f"{quarter} {service_id}: run {run_id} chosen")


@reference.command("unset")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4")
@click.option("--service", "service_id", required=True, metavar="ID")
def reference_unset(quarter_text: str, service_id: str) -> None:
    """Go back to the rule for a service and quarter."""
    from storage.reference_runs import clear_reference_choice

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        if not clear_reference_choice(session, quarter, service_id):
            raise InputError(f"--service {service_id}: no run was chosen by hand for {quarter}")
    click.echo(f"{quarter} {service_id}: back to the rule")


COMMANDS = [import_data, export_command, objectives_command, reference]
