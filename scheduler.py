"""When campaigns run: APScheduler 3 with its jobs persisted in our database.

Guarantees, whatever happens to the process:
- a job's fire time is a *slot*; a campaign is created with the unique key `job@slot`, so a slot
  started twice (a restart, a second scheduler, `--once` run again) resumes the same campaign
  instead of starting another: no campaign is doubled;
- on start, campaigns the scheduler left unfinished are resumed first, and missed runs within the
  misfire grace period run once (coalesced): no campaign is skipped;
- SIGTERM starts nothing new and gives the probes in flight a grace period, then stops.

The scheduler reads no configuration: `veilleur schedule` gives it the settings it read, and the jobs,
persisted in the database with only their schedule (never a secret), run with those of the process
that runs them (`use_settings`).

With VEILLEUR_BROKER_URL the scheduler only dispatches each campaign's units to the workers and
follows it to its end (campaign/distributed/), the alerts included; it then follows several
campaigns at once, so that an availability check never waits for a full campaign to end.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.distributed import campaign_runner
from campaign.executor import start_campaign
from campaign.schedule import ScheduleConfig
from foundation.quarters import Quarter
from foundation.settings import Settings
from probes.settings import probe_settings
from reports.alerts.after_campaign import campaign_alerts
from storage.db import Database
from storage.evidence.store import EvidenceStore
from storage.registry import list_services
from storage.schema import Campaign
from storage.stores import data_dir, database_url, open_stores

log = logging.getLogger("veilleur.scheduler")

JOBS_TABLE = "apscheduler_jobs"
# Campaigns a distributed scheduler follows at once (each job still runs one at a time).
FOLLOWED_AT_ONCE = 4
STOP = threading.Event()
# The settings the jobs of this process run with: APScheduler calls a job with the arguments stored
# with it, which hold no setting (a database password, an SMTP login must not sit in a table).
_settings: Settings | None = None


def use_settings(settings: Settings) -> None:
    """The settings the jobs of this process run with (read once by the shell)."""
    global _settings
    _settings = settings


def _current() -> Settings:
    if _settings is None:
        raise RuntimeError("the scheduler was given no settings: it is started by `veilleur schedule`")
    return _settings


def _open(settings: Settings) -> tuple[Database, EvidenceStore]:
    return open_stores(settings.storage, settings.evidence)


def _runner(db: Database, store: EvidenceStore, settings: Settings):
    """The campaign runner (in this process, or on the workers) and what follows a campaign."""
    return (campaign_runner(db, settings.broker),
            campaign_alerts(db, store, settings.alerts, settings.mail, data_dir(settings.storage)))


@dataclass(frozen=True)
class JobSpec:
    id: str
    kind: str  # full | availability
    cron: str
    services: tuple[str, ...] | None  # None: every active service except `exclude`
    exclude: tuple[str, ...] = ()


def job_specs(config: ScheduleConfig) -> list[JobSpec]:
    specs: list[JobSpec] = []
    for kind, cron in (("full", config.campaign), ("availability", config.availability)):
        overridden = tuple(sorted(s for s, c in config.services.items() if getattr(c, "campaign" if kind == "full" else kind)))
        if cron:
            specs.append(JobSpec(f"{kind}", kind, cron, None, overridden))
        for service_id in overridden:
            own = getattr(config.services[service_id], "campaign" if kind == "full" else kind)
            specs.append(JobSpec(f"{kind}:{service_id}", kind, own, (service_id,)))
    return specs


def slot_of(config: ScheduleConfig, cron: str, now: datetime) -> datetime:
    """The cron fire time (without jitter) that a run starting `now` stands for: the latest one
    at or before `now`. Two starts for the same fire time (a restart, `--once` run again) agree."""
    trigger = config.trigger(cron)
    window = timedelta(seconds=config.misfire_grace_s + config.jitter_s + 60)
    while window < timedelta(days=800):
        slot, fire = None, trigger.get_next_fire_time(None, now - window)
        while fire is not None and fire <= now:
            slot, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if slot is not None:
            return slot
        window *= 2
    return now.replace(microsecond=0)


def last_of_its_quarter(config: ScheduleConfig, cron: str, slot: datetime) -> bool:
    """Whether this slot's campaign is the schedule's last in its quarter. It audits every page in
    full, unchanged ones included, so that each quarter has a fresh audit of every page at least once."""
    following = config.trigger(cron).get_next_fire_time(slot, slot + timedelta(seconds=1))
    return following is None or Quarter.of(following) != Quarter.of(slot)


def scheduled_campaign(job_id: str, kind: str, services: list[str] | None, exclude: list[str], cron: str,
                       config_fields: dict) -> None:
    """The job: start (or resume) the campaign of this slot and run it to its end."""
    config = ScheduleConfig(**{k: v for k, v in config_fields.items() if k != "services"})
    settings = _current()
    db, store = _open(settings)
    try:
        now = datetime.now(config.trigger(cron).timezone)
        slot = slot_of(config, cron, now)
        key = f"{job_id}@{slot.isoformat()}"
        probing = probe_settings(settings.probe, landing_only=(kind == "availability"),
                                 full_audit=(kind == "full" and last_of_its_quarter(config, cron, slot)))
        with db.sessions() as session:
            chosen = [s for s in list_services(session, services or None) if s.id not in set(exclude)]
        if not chosen:
            log.info("%s: no service to probe", key)
            return
        try:
            campaign_id = start_campaign(db, chosen, "scheduler", probing, schedule_key=key)
        except IntegrityError:
            with db.sessions() as session:
                existing = session.scalars(select(Campaign).where(Campaign.schedule_key == key)).one()
                campaign_id, status = existing.id, existing.status
            if status == "finished":
                log.info("%s: campaign %s already done, not doubled", key, campaign_id)
                return
            log.info("%s: resuming campaign %s", key, campaign_id)
        runner, alerts = _runner(db, store, settings)  # in this process, or on the workers (VEILLEUR_BROKER_URL)
        summary = runner(db, store, campaign_id, probing, stop=STOP, stop_grace_s=config.stop_grace_s,
                         on_complete=alerts)
        log.info("%s: campaign %s, %d services, interrupted=%s", key, campaign_id, len(summary.results), summary.interrupted)
    finally:
        db.close()


def resume_unfinished(db: Database, store: EvidenceStore, config: ScheduleConfig, settings: Settings) -> list[int]:
    """Finish the campaigns a killed scheduler left running (their slot passed already)."""
    with db.sessions() as session:
        campaigns = session.scalars(
            select(Campaign).where(Campaign.status == "running", Campaign.trigger == "scheduler").order_by(Campaign.id)
        ).all()
        todo = [(c.id, c.kind) for c in campaigns]
    for campaign_id, kind in todo:
        if STOP.is_set():
            break
        log.info("resuming campaign %s left unfinished", campaign_id)
        runner, alerts = _runner(db, store, settings)
        runner(db, store, campaign_id, probe_settings(settings.probe, landing_only=(kind == "availability")),
               stop=STOP, stop_grace_s=config.stop_grace_s, on_complete=alerts)
    return [c for c, _ in todo]


class JobStoreEditor(BaseScheduler):
    """A scheduler that never runs anything by itself: to read and edit the persisted jobs (a
    paused BackgroundScheduler may still fire due jobs while it shuts down)."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def _options(config: ScheduleConfig, settings: Settings) -> dict:
    return dict(
        jobstores={"default": SQLAlchemyJobStore(url=database_url(settings.storage), tablename=JOBS_TABLE)},
        # In this process, one campaign at a time: concurrency lives inside a campaign (the browser
        # pool). Distributed, following is cheap and the workers' queues keep kinds apart.
        executors={"default": ThreadPoolExecutor(1 if settings.broker.broker_url is None else FOLLOWED_AT_ONCE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_s},
        timezone=config.timezone,
    )


def job_editor(settings: Settings, config: ScheduleConfig | None = None) -> JobStoreEditor:
    editor = JobStoreEditor(**_options(config or ScheduleConfig(), settings))
    editor.start(paused=True)
    return editor


def build_scheduler(config: ScheduleConfig, settings: Settings) -> BackgroundScheduler:
    return BackgroundScheduler(**_options(config, settings))


def sync_jobs(scheduler: BaseScheduler, config: ScheduleConfig) -> None:
    """Make the stored jobs match the configuration, keeping the next run time of unchanged ones
    (replacing them would reset it and skip a run missed while the scheduler was down)."""
    fields = {k: getattr(config, k) for k in ("campaign", "availability", "timezone", "jitter_s", "misfire_grace_s", "stop_grace_s")}
    wanted = {spec.id: spec for spec in job_specs(config)}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
    for spec in wanted.values():
        args = [spec.id, spec.kind, list(spec.services) if spec.services else None, list(spec.exclude), spec.cron, fields]
        trigger = config.trigger(spec.cron)
        trigger.jitter = config.jitter_s or None
        existing = scheduler.get_job(spec.id)
        if existing is not None and list(existing.args) == args and str(existing.trigger) == str(trigger):
            continue
        scheduler.add_job(scheduled_campaign, trigger=trigger, args=args, id=spec.id, name=f"{spec.kind} {spec.cron}",
                          replace_existing=True)


def run_due_once(config: ScheduleConfig, settings: Settings) -> int:
    """`veilleur schedule --once`: resume leftovers, run every job that is due, then exit."""
    use_settings(settings)
    db, store = _open(settings)
    scheduler = job_editor(settings, config)
    try:
        sync_jobs(scheduler, config)
        resume_unfinished(db, store, config, settings)
        ran = 0
        for job in scheduler.get_jobs():
            now = datetime.now(job.next_run_time.tzinfo) if job.next_run_time else None
            if STOP.is_set() or now is None or job.next_run_time > now:
                continue
            job.func(*job.args)
            ran += 1
            if not STOP.is_set():
                # Advanced only once the campaign is done: killed before this, the next call
                # finds the job still due and resumes the same slot's campaign.
                job.modify(next_run_time=job.trigger.get_next_fire_time(None, datetime.now(now.tzinfo)))
        return ran
    finally:
        scheduler.shutdown(wait=False)
        db.close()


def run_forever(config: ScheduleConfig, settings: Settings) -> None:
    use_settings(settings)
    db, store = _open(settings)

    def on_term(signum, frame) -> None:
        log.warning("Interruption demandée (%s) : les démarches en cours se terminent (%s s au plus), "
                    "les autres restent à faire au prochain démarrage", signal.Signals(signum).name,
                    f"{config.stop_grace_s:g}")
        STOP.set()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    editor = job_editor(settings, config)
    sync_jobs(editor, config)
    editor.shutdown(wait=False)
    resume_unfinished(db, store, config, settings)
    scheduler = build_scheduler(config, settings)
    if not STOP.is_set():
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, job.next_run_time)
    while not STOP.wait(1.0):
        pass
    if scheduler.running:
        scheduler.shutdown(wait=True)
    db.close()


def next_runs(settings: Settings, config: ScheduleConfig | None = None) -> list[tuple[str, datetime | None]]:
    """The stored jobs and their next run time (for `veilleur status`)."""
    scheduler = job_editor(settings, config)
    try:
        return [(job.id, job.next_run_time) for job in scheduler.get_jobs()]
    finally:
        scheduler.shutdown(wait=False)

