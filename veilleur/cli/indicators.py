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
from veilleur.settings import open_stores
from veilleur import option_bounds as bounds
from foundation.quarters import Quarter
from foundation.vocabulary import count, integer
from reports.observatory.data_span import require_day_with_data, require_ministry, require_quarter_with_data
from veilleur.cli.group import CommandFamily


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except InputError as exc:
        raise InputError(f"--quarter : {exc}") from None


# What a JeDonneMonAvis file was read as (storage/satisfaction_import.py's kinds).
KINDS = {"review export": "export d’avis", "summary": "notes par trimestre"}


@click.group("import", cls=CommandFamily)
def import_data() -> None:
    """Les données que les visites ne voient pas : satisfaction (JeDonneMonAvis) et indicateurs déclarés."""


@import_data.command("satisfaction")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
@click.option("--demarche", "demarche_id", metavar="ID",
              help="Le numéro JeDonneMonAvis de la démarche dont parle un export d’avis.")
@click.option("--service", "service_id", metavar="ID", help="Ou l’identifiant de la démarche dans le registre.")
def import_satisfaction_command(file: Path, demarche_id: str | None, service_id: str | None) -> None:
    """Importe un export JeDonneMonAvis (les avis d’une démarche, ou une note par démarche et trimestre)."""
    from storage.satisfaction_import import import_satisfaction

    db, _ = open_stores()
    with db.sessions() as session:
        result = import_satisfaction(session, file, demarche_id, service_id)
    for score in result.scores:
        who = (f"démarche JeDonneMonAvis {score.demarche_id}" if score.demarche_id
               else f"démarche {score.service_id}")
        click.echo(f"{Quarter.parse(str(score.quarter)).label}, {who} : {formatting.score(score.score)} "
                   f"sur {count(score.reviews, 'avis', 'avis')}")
    skipped = f", {result.skipped_reviews} avis sans réponse à la question de satisfaction" if result.skipped_reviews else ""
    click.echo(f"{file} : {count(len(result.scores), 'note trimestrielle importée', 'notes trimestrielles importées')} "
               f"({KINDS.get(result.kind, result.kind)}{skipped})")


@import_data.command("declared")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
def import_declared_command(file: Path) -> None:
    """Importe les indicateurs déclarés (réalisable en ligne, Dites-le-nous une fois, usage du numérique)."""
    from storage.declared_import import import_declared

    db, _ = open_stores()
    with db.sessions() as session:
        declarations = import_declared(session, file)
    services = {d.service_id for d in declarations}
    click.echo(f"{file} : {count(len(declarations), 'valeur déclarée', 'valeurs déclarées')} pour "
               f"{count(len(services), 'démarche', 'démarches')}")


@click.command("export")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4", help="Le trimestre à exporter.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "grist"]), default="csv", show_default=True,
              help="Le format du fichier (grist : les colonnes du document Grist de l’observatoire).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), metavar="FICHIER",
              help="Le fichier à écrire (par défaut : la sortie standard).")
@click.option("--excel", is_flag=True,
              help="CSV pour Excel en français : « ; » entre les colonnes, virgule décimale, UTF-8 avec marque "
                   "d’ordre des octets.")
def export_command(quarter_text: str, fmt: str, out_file: Path | None, excel: bool) -> None:
    """Une ligne par démarche : chaque indicateur avec son niveau, sa valeur, sa source et ses preuves."""
    from reports.observatory.exports import EXCEL_CSV, PLAIN_CSV, write_csv, write_json
    from reports.observatory.grist import write_grist
    from storage.schema import Service
    from reports.observatory.indicators import quarter_indicators

    quarter = _quarter(quarter_text)
    if excel and fmt != "csv":
        raise InputError("--excel : seulement avec --format csv")
    db, _ = open_stores()
    with db.sessions() as session:
        require_quarter_with_data(session, quarter)
        states = quarter_indicators(session, quarter)
        services = {s.id: s for s in session.query(Service).all()} if fmt == "grist" else {}
        if fmt == "grist":
            # Read now: the services' rows are detached once the session ends.
            session.expunge_all()
    if out_file is not None:
        if out_file.is_dir():
            raise InputError(f"--out {out_file} : est un dossier ; donnez un nom de fichier")
        try:
            handle = out_file.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise InputError(f"--out {out_file} : impossible d’écrire ({exc.strerror})") from None
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
        click.echo(f"{out_file} : {count(len(states), 'démarche', 'démarches')}, {quarter.label}", err=True)


@click.command("objectives")
@click.option("--date", "day_text", metavar="AAAA-MM-JJ", help="Où en étaient les choses ce jour-là (par défaut : aujourd’hui).")
@click.option("--ministry", "ministry_id", metavar="ID",
              help="Seulement les démarches de ce ministère dans la liste de celles qui manquent un objectif.")
def objectives_command(day_text: str | None, ministry_id: str | None) -> None:
    """Où en est chaque objectif du gouvernement : part des démarches qui l’atteignent, et lesquelles le manquent."""
    from reports.observatory.objectives import objectives_at

    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise InputError(f"--date {day_text} : attendu : une date comme 2026-12-31 (année-mois-jour)") from None
    else:
        day = datetime.now(timezone.utc).date()
    db, _ = open_stores()
    with db.sessions() as session:
        if ministry_id is not None:
            require_ministry(session, ministry_id)
        require_day_with_data(session, day)
        report = objectives_at(session, day)
    console = Console(width=160)
    quarter = Quarter.parse(str(report.quarter)).label
    table = Table(title=f"Objectifs au {formatting.date(day)} ({count(report.services, 'démarche', 'démarches')}, "
                        f"données du {quarter})")
    for column in ("objectif", "échéance", "atteint", "par ministère"):
        table.add_column(column)
    for status in report.statuses:
        share = status.overall
        overall = f"{integer(share.met)} sur {integer(share.counted)}"
        if share.percent is not None:
            overall += f" ({formatting.share(share.percent)})"
        ministries = ", ".join(
            f"{m.ministry_id} : {integer(m.share.met)} sur {integer(m.share.counted)}" for m in status.by_ministry
        )
        deadline = status.objective.deadline_label + (" (passée)" if status.due else "")
        table.add_row(status.objective.label, deadline, overall, ministries)
    console.print(table)
    for status in report.statuses:
        missing = [m for m in status.missing if ministry_id is None or m.ministry_id == ministry_id]
        if missing:
            console.print(f"[bold]{status.objective.label}[/bold] — non atteint par :")
            for miss in missing:
                console.print(f"  {miss.service_id} ({miss.ministry_id}) : {miss.reason}", highlight=False)


@click.group("reference", cls=CommandFamily)
def reference() -> None:
    """Quelle visite représente une démarche pour un trimestre (la règle, ou une visite choisie à la main)."""


@reference.command("show")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4", help="Le trimestre.")
def reference_show(quarter_text: str) -> None:
    """La visite de référence de chaque démarche pour le trimestre, et pourquoi."""
    from foundation.times import as_utc
    from storage.reference_runs import reference_runs

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        references = reference_runs(session, quarter)
        table = Table(title=f"Visites de référence du {quarter.label}")
        for column in ("démarche", "visite", "campagne", "date", "pourquoi"):
            table.add_column(column)
        for service_id, ref in sorted(references.items()):
            started = as_utc(ref.run.started_at)
            table.add_row(service_id, str(ref.run.id), str(ref.run.campaign_id),
                          formatting.date_time(started) or "—",
                          ref.rule + (f" : {ref.reason}" if ref.reason else ""))
    Console(width=160).print(table)


@reference.command("set")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4", help="Le trimestre.")
@click.option("--service", "service_id", required=True, metavar="ID", help="La démarche.")
@click.option("--run", "run_id", required=True, type=bounds.RECORD_ID, metavar="N", help="La visite choisie.")
@click.option("--reason", metavar="TEXTE", help="Pourquoi cette visite plutôt que celle de la règle (gardé avec le choix).")
def reference_set(quarter_text: str, service_id: str, run_id: int, reason: str | None) -> None:
    """Fait représenter une démarche, pour un trimestre, par une visite choisie à la place de celle de la règle."""
    from storage.reference_runs import choose_reference_run

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        choose_reference_run(session, quarter, service_id, run_id, reason)
    click.echo(f"{quarter.label}, démarche {service_id} : visite {run_id} choisie")


@reference.command("unset")
@click.option("--quarter", "quarter_text", required=True, metavar="2026Q4", help="Le trimestre.")
@click.option("--service", "service_id", required=True, metavar="ID", help="La démarche.")
def reference_unset(quarter_text: str, service_id: str) -> None:
    """Revient à la règle pour une démarche et un trimestre."""
    from storage.reference_runs import clear_reference_choice

    quarter = _quarter(quarter_text)
    db, _ = open_stores()
    with db.sessions() as session:
        if not clear_reference_choice(session, quarter, service_id):
            raise InputError(f"--service {service_id} : aucune visite choisie à la main pour le {quarter.label}")
    click.echo(f"{quarter.label}, démarche {service_id} : retour à la règle")


COMMANDS = [import_data, export_command, objectives_command, reference]
