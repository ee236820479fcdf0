"""Which run stands for each service in a quarter (its reference run): by the rule, or chosen by hand.

Rule: a service's reference run for a quarter is its run in the last full campaign of the quarter
that finished (all units done); if no finished campaign of the quarter probed it, its last
completed run in a full campaign of the quarter (availability checks never stand for a quarter).
Three precisions:

- what the indicators stand on is a full visit: a run without findings (only the landing page
  was seen) says nothing about them (`full_visits_only`);
- the latest full visit stands whether it audited every page again or kept an earlier visit's
  audit of a byte-identical page (storage/prior_audits.py): that audit is of the same bytes, so
  the later visit is the later truth. Full audits (the last scheduled campaign of a quarter,
  `veilleur run --full-audit`) keep the audit fresh at least once a quarter; they are no
  preference here;
- `as_of` looks at the quarter as it was known at that moment (runs started after it are ignored).

A run chosen by hand (`veilleur reference set`) wins over the rule, whatever `as_of`: the
monitoring team chose it to stand for the quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from foundation import formatting
from foundation.errors import InputError
from foundation.quarters import Quarter
from foundation.times import as_utc
from storage.schema import Campaign, FindingRecord, ReferenceRunChoice, Service, ServiceRun

# What the indicators read from a reference run, loaded with it.
_LOADED = (selectinload(ServiceRun.campaign), selectinload(ServiceRun.findings), selectinload(ServiceRun.pages))


@dataclass(frozen=True)
class Reference:
    """A service's reference run for a quarter, and why it is that one."""

    run: ServiceRun
    chosen: bool  # True when chosen by hand
    reason: str | None = None

    @property
    def rule(self) -> str:
        return "choix manuel" if self.chosen else "dernière campagne terminée du trimestre"


def runs_by_rule(session: Session, quarter: Quarter, as_of: datetime | None = None, *,
                 full_visits_only: bool = False) -> dict[str, ServiceRun]:
    """The rule alone, choices by hand aside: each service's run for the quarter (services with no
    run in it are absent). `full_visits_only` leaves out the runs without findings."""
    end = quarter.end if as_of is None else min(quarter.end, as_of)
    query = (
        select(ServiceRun).join(Campaign)
        .where(ServiceRun.status == "done", Campaign.kind == "full",
               ServiceRun.started_at >= quarter.start, ServiceRun.started_at < end)
        .options(*_LOADED)
        .order_by(ServiceRun.id)
    )
    if full_visits_only:
        query = query.where(exists().where(FindingRecord.service_run_id == ServiceRun.id))
    runs = session.scalars(query).all()
    chosen: dict[str, ServiceRun] = {}
    # Later runs overwrite earlier ones, and runs of finished campaigns overwrite any unfinished one.
    for finished in (False, True):
        for run in runs:
            if (run.campaign.status == "finished") == finished:
                chosen[run.service_id] = run
    return chosen


def reference_runs(session: Session, quarter: Quarter, as_of: datetime | None = None) -> dict[str, Reference]:
    """Each service's reference run for the quarter: the rule over full visits, or the run chosen
    by hand (services with neither are absent)."""
    references = {service_id: Reference(run, chosen=False)
                  for service_id, run in runs_by_rule(session, quarter, as_of, full_visits_only=True).items()}
    for choice in session.scalars(select(ReferenceRunChoice).where(ReferenceRunChoice.quarter == str(quarter))):
        run = session.scalars(select(ServiceRun).where(ServiceRun.id == choice.service_run_id).options(*_LOADED)).one()
        references[choice.service_id] = Reference(run, chosen=True, reason=choice.reason)
    return references


def choose_reference_run(session: Session, quarter: Quarter, service_id: str, run_id: int, reason: str | None) -> None:
    """Make a run stand for a service in a quarter. The run must be a full visit of that service
    made during the quarter: choosing is about which evidence counts, not about moving it in time."""
    if session.get(Service, service_id) is None:
        raise InputError(f"--service {service_id} : aucune démarche de ce nom dans le registre")
    run = session.get(ServiceRun, run_id)
    if run is None:
        raise InputError(f"--run {run_id} : aucune visite de ce numéro")
    if run.service_id != service_id:
        raise InputError(f"--run {run_id} : visite de la démarche {run.service_id}, pas de {service_id}")
    if run.status != "done":
        raise InputError(f"--run {run_id} : visite inachevée")
    started = as_utc(run.started_at)
    if started is None or not quarter.contains(started):
        when = f"le {formatting.date(started)}" if started else "jamais"
        raise InputError(f"--run {run_id} : commencée {when}, hors du {quarter.label}")
    if not session.scalar(select(exists().where(FindingRecord.service_run_id == run_id))):
        raise InputError(f"--run {run_id} : sans constat (une vérification de disponibilité ne peut pas représenter "
                         "un trimestre)")
    existing = session.scalars(
        select(ReferenceRunChoice).where(
            ReferenceRunChoice.quarter == str(quarter), ReferenceRunChoice.service_id == service_id)
    ).first()
    if existing is None:
        session.add(ReferenceRunChoice(quarter=str(quarter), service_id=service_id, service_run_id=run_id, reason=reason))
    else:
        existing.service_run_id, existing.reason = run_id, reason
        existing.chosen_at = datetime.now(timezone.utc)
    session.commit()


def clear_reference_choice(session: Session, quarter: Quarter, service_id: str) -> bool:
    """Go back to the rule for this service and quarter. Returns False if nothing was chosen."""
    existing = session.scalars(
        select(ReferenceRunChoice).where(
            ReferenceRunChoice.quarter == str(quarter), ReferenceRunChoice.service_id == service_id)
    ).first()
    if existing is None:
        return False
    session.delete(existing)
    session.commit()
    return True
