"""A campaign run in a terminal (`veilleur run`, `veilleur demo`): a progress bar, then a summary table.

With VEILLEUR_BROKER_URL, `veilleur run` dispatches the units to the workers and follows them
(campaign/distributed/): the same bar, the same summary, the same alerts once the campaign ends.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table
from rich.text import Text

from campaign.distributed import campaign_runner, require_postgresql
from campaign.executor import CampaignSummary, UnitResult, run_campaign, start_campaign
from checks import check_ids, finding_type
from foundation import formatting, vocabulary
from foundation.errors import InputError
from probes.settings import ProbeSettings
from foundation.settings import Settings
from storage.db import Database
from storage.evidence.store import EvidenceStore
from storage.registry import list_services
from storage.runs import unfinished_campaign
from veilleur.settings import alerts_after_campaign, current, open_stores

console = Console(stderr=True)

# After Ctrl-C, the runs in flight get this long to finish and be recorded; the others stay
# pending for `--resume`. Short: the person is waiting for the prompt back.
STOP_GRACE_S = 10.0


class ServicesPerMinuteColumn(ProgressColumn):
    """The pace of a campaign in services per minute (a service takes seconds: per second would read
    0,1), averaged since it started: results come in bursts of `concurrency`, a recent rate jumps."""

    def __init__(self) -> None:
        super().__init__(table_column=Column(no_wrap=True))

    def render(self, task: Task) -> Text:
        seconds = task.finished_time if task.finished else task.elapsed
        pace = formatting.number(task.completed / seconds * 60, 1) if task.completed and seconds else "–"
        return Text(f"{pace} démarches/min", style="progress.data.speed")


def progress_columns() -> tuple[ProgressColumn, ...]:
    """Done out of total and in percent, elapsed and remaining time, the pace, the last service."""
    return (
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TimeElapsedColumn(), TextColumn("reste"), TimeRemainingColumn(), ServicesPerMinuteColumn(),
        TextColumn("{task.fields[last]}"),
    )


def run_from_cli(
    service_ids: list[str], ministry_ids: list[str], resume: bool, settings: ProbeSettings, trigger: str,
    db: Database | None = None, store: EvidenceStore | None = None, sections: Settings | None = None,
) -> CampaignSummary:
    """A campaign over the registry, or the rest of the interrupted one. On stores of its own (the
    demo's, a test's) it runs in this process; on the command's, on the workers when
    VEILLEUR_BROKER_URL is set. `sections`: the settings of the alerts that follow (the command's
    unless given, as the demo gives its own)."""
    sections = sections or current()
    runner = run_campaign
    if db is None or store is None:
        db, store = open_stores(sections)
        if sections.broker.broker_url is not None:
            require_postgresql(db)  # before a campaign is created that no worker could reach
            runner = campaign_runner(db, sections.broker)
    alerts = alerts_after_campaign(db, store, sections)
    if resume:
        if service_ids or ministry_ids:
            raise InputError("--resume termine la campagne interrompue telle qu’elle était ; il ne prend ni --service "
                             "ni --ministry")
        with db.sessions() as session:
            campaign = unfinished_campaign(session)
        if campaign is None:
            raise InputError("--resume : aucune campagne interrompue à terminer")
        campaign_id = campaign.id
        # A resumed campaign probes the rest as it probed the first part, or results would differ.
        settings = ProbeSettings(**{k: v for k, v in campaign.settings.items() if k in ProbeSettings.__dataclass_fields__})
        console.print(f"Reprise de la campagne {campaign_id}")
    else:
        with db.sessions() as session:
            services = list_services(session, service_ids or None, ministry_ids or None)
        if not services:
            raise InputError("le registre n’a aucune démarche active à visiter (importez-en avec "
                             "`veilleur registry import FICHIER`)")
        campaign_id = start_campaign(db, services, trigger, settings)
        if runner is run_campaign:
            console.print(f"Campagne {campaign_id} : {vocabulary.count(len(services), 'démarche', 'démarches')}, "
                          f"{settings.concurrency} à la fois")
        else:
            console.print(f"Campagne {campaign_id} : {vocabulary.count(len(services), 'démarche', 'démarches')}, "
                          "confiées aux workers")
    if runner is not run_campaign:
        _say_workers(sections.broker.broker_url or "")

    try:
        return _run_with_progress(db, store, campaign_id, settings, runner, alerts)
    except KeyboardInterrupt:
        # Ctrl-C between the campaign's creation and the moment it listens for signals itself: the
        # campaign exists with its units pending, so say how to finish it, as after any stop.
        console.print(f"[yellow]Campagne {campaign_id} interrompue avant son début. "
                      "Reprendre avec `veilleur run --resume`.[/yellow]")
        raise SystemExit(130) from None


def _say_workers(url: str) -> None:
    from campaign.distributed.app import safe_url
    from campaign.distributed.status import workers_answering

    answering = workers_answering(url)
    if answering:
        console.print(f"Broker {safe_url(url)} : {vocabulary.count(answering, 'worker répond', 'workers répondent')}")
    else:
        console.print(f"[yellow]Broker {safe_url(url)} : aucun worker ne répond pour l'instant ; les démarches "
                      "attendent dans la file (`veilleur worker` les prendra).[/yellow]")


def _run_with_progress(db: Database, store: EvidenceStore, campaign_id: int, settings: ProbeSettings,
                       runner=run_campaign, on_complete=None) -> CampaignSummary:
    with Progress(*progress_columns(), console=console, transient=False) as progress:
        task = progress.add_task("démarches", total=None, last="")

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_result(result: UnitResult) -> None:
            progress.update(task, advance=1, last=f"{result.service_id} : "
                                                  f"{'joignable' if result.ok else vocabulary.error_class(result.error_class)}")

        def on_stopping() -> None:
            progress.console.print(
                "[yellow]Interruption demandée : les démarches en cours se terminent "
                f"({STOP_GRACE_S:.0f} s au plus), les autres restent à faire "
                "(`veilleur run --resume`). Ctrl-C de nouveau pour arrêter tout de suite.[/yellow]")

        summary = runner(db, store, campaign_id, settings, on_start=on_start, on_result=on_result,
                         on_complete=on_complete,
                         on_stopping=on_stopping, stop_grace_s=STOP_GRACE_S)
    print_summary(summary)
    for result in summary.results:
        if not result.stored and result.error:  # the unit stays pending: say why, once, plainly
            console.print(f"[red]{result.service_id} : résultat non enregistré "
                          f"({escape(vocabulary.error_class(result.error_class))}) — {escape(result.error)}[/red]")
    stored = vocabulary.count(sum(1 for r in summary.results if r.stored), "résultat enregistré", "résultats enregistrés")
    if summary.interrupted:
        console.print(f"[yellow]Campagne {campaign_id} interrompue : {stored}. "
                      "Reprendre avec `veilleur run --resume`.[/yellow]")
        raise SystemExit(130)
    if summary.stop_requested:
        # Every visit in flight finished within the grace: the campaign is complete, yet the person
        # asked to stop, and the exit code says so (130, as documented) for scripts that wait on it.
        console.print(f"[yellow]Campagne {campaign_id} interrompue : les visites en cours se sont terminées dans "
                      f"le délai ({stored}) ; la campagne est complète.[/yellow]")
        raise SystemExit(130)
    return summary


def _seconds(seconds: float) -> str:
    """`26,5 s`: a duration as the screens write it."""
    return f"{formatting.number(seconds, 1)}\u00a0s"


def _rate(value: float, one: str, other: str) -> str:
    """`0,51 page/s`, `8,7 démarches/min`: French takes the singular below 2."""
    return f"{formatting.number(value, 2)}\u00a0{one if value < 2 else other}"


def finding_cell(result: UnitResult, check: str) -> str:
    """A check's status in the summary, with its figure when it has one: "mesuré (3 violations)"."""
    status = vocabulary.status(result.statuses[check]) if result.statuses.get(check) else ""
    headline = result.headlines.get(check)
    return escape(f"{status} ({headline})" if status and headline else status)


def print_summary(summary: CampaignSummary) -> None:
    table = Table(title=f"Campagne {summary.campaign_id}")
    table.add_column("démarche")
    table.add_column("disponibilité")
    for check in check_ids():
        table.add_column(finding_type(check).short_label or check)
    table.add_column("pages", justify="right")
    table.add_column("durée", justify="right")
    for r in sorted(summary.results, key=lambda r: r.service_id):
        table.add_row(
            r.service_id, "joignable" if r.ok else f"[red]{escape(vocabulary.error_class(r.error_class))}[/red]",
            *(finding_cell(r, check) for check in check_ids()), str(r.pages), _seconds(r.seconds),
        )
    # As wide as its cells need (one line per service), at least 200 columns: a summary that wraps
    # inside its cells cannot be read in a log or grepped.
    wide = Console(width=10_000)
    wide.width = max(200, wide.measure(table).maximum)
    wide.print(table)
    console.print(
        f"{vocabulary.count(len(summary.results), 'démarche', 'démarches')}, "
        f"{vocabulary.count(summary.pages, 'page', 'pages')} en {_seconds(summary.seconds)} — "
        f"{_rate(summary.services_per_s * 60, 'démarche/min', 'démarches/min')}, "
        f"{_rate(summary.pages_per_s, 'page/s', 'pages/s')}"
        # A campaign on workers: their memory is theirs, not this process's (`veilleur status`).
        + (f", mémoire max {vocabulary.integer(round(summary.peak_rss / 2**20))} Mo (Chromium compris)"
           if summary.peak_rss else "")
    )
