"""Where each unit's Celery task stands, in the database (table `unit_deliveries`).

A dispatch gives each pending unit a token; its task carries it. A worker *claims* the task before
running it (counting one more delivery), and *finishes* it with an outcome once the unit is recorded
or has failed on our side. A task whose token is no longer its unit's (the campaign was stopped, or
resumed with a new dispatch) is stale: it runs nothing. So the broker may deliver a task twice, or
a resumed campaign publish it again, and the unit still runs once at a time and is stored once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from storage.db import Database
from storage.runs import Unit
from storage.schema import Campaign, ServiceRun, UnitDelivery

# Outcomes of a task whose unit is recorded; any other is our failure's class (the unit stays pending).
RECORDED = ("stored", "already")
BATCH = 1000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def prepare_dispatch(db: Database, run_ids: list[int], token: str) -> None:
    """Make `token` the live dispatch of these units, their counts and outcomes cleared."""
    with db.sessions() as session:
        for start in range(0, len(run_ids), BATCH):
            rows = [{"service_run_id": run_id, "dispatch": token, "deliveries": 0, "updated_at": _now()}
                    for run_id in run_ids[start:start + BATCH]]
            statement = insert(UnitDelivery).values(rows)
            session.execute(statement.on_conflict_do_update(
                index_elements=["service_run_id"],
                set_={"dispatch": statement.excluded.dispatch, "deliveries": 0, "worker": None, "outcome": None,
                      "error": None, "updated_at": statement.excluded.updated_at},
            ))
        session.commit()


@dataclass(frozen=True)
class Claim:
    deliveries: int  # this one included
    status: str  # the unit's: pending, or done when an earlier delivery recorded it
    settings: dict  # its campaign's, as recorded when the campaign started


class ForeignTask(Exception):
    """A task whose unit this database does not hold: published by another instance sharing the
    broker (one RabbitMQ vhost, or one Redis database, per instance)."""


def claim(db: Database, unit: Unit, token: str, worker: str) -> Claim | None:
    """Take the task for `worker`; None when it is stale (nothing to run)."""
    with db.sessions() as session:
        deliveries = session.execute(
            update(UnitDelivery)
            .where(UnitDelivery.service_run_id == unit.run_id, UnitDelivery.dispatch == token,
                   UnitDelivery.outcome.is_(None))
            .values(deliveries=UnitDelivery.deliveries + 1, worker=worker[:200], updated_at=_now())
            .returning(UnitDelivery.deliveries)
        ).scalar()
        run = session.get(ServiceRun, unit.run_id)
        if run is None or (run.campaign_id, run.service_id, run.url) != (unit.campaign_id, unit.service_id, unit.url):
            session.rollback()
            raise ForeignTask(f"unit {unit.run_id} ({unit.service_id}) of campaign {unit.campaign_id} "
                              f"is not in {db.engine.url!r}")
        if deliveries is None:
            session.rollback()
            return None
        claimed = Claim(deliveries, run.status, dict(run.campaign.settings or {}))
        session.commit()
        return claimed


def finish(db: Database, run_id: int, token: str, outcome: str, error: str | None = None) -> None:
    with db.sessions() as session:
        session.execute(
            update(UnitDelivery).where(UnitDelivery.service_run_id == run_id, UnitDelivery.dispatch == token)
            .values(outcome=outcome, error=error, updated_at=_now())
        )
        session.commit()


def withdraw(db: Database, token: str) -> set[int]:
    """Stop: the tasks no worker took yet become stale (their units stay pending). Returns their units."""
    with db.sessions() as session:
        withdrawn = session.scalars(
            update(UnitDelivery)
            .where(UnitDelivery.dispatch == token, UnitDelivery.deliveries == 0, UnitDelivery.outcome.is_(None))
            .values(dispatch=None, updated_at=_now())
            .returning(UnitDelivery.service_run_id)
        ).all()
        session.commit()
        return set(withdrawn)


def ended(session: Session, token: str) -> dict[int, tuple[str, str | None]]:
    """The units of this dispatch whose task has ended, or which are recorded already (the outcome
    is written just after): outcome and error, by unit."""
    rows = session.execute(
        select(UnitDelivery.service_run_id, UnitDelivery.outcome, UnitDelivery.error, ServiceRun.status)
        .join(ServiceRun, ServiceRun.id == UnitDelivery.service_run_id)
        .where(UnitDelivery.dispatch == token, or_(UnitDelivery.outcome.is_not(None), ServiceRun.status == "done"))
    ).all()
    return {run_id: (outcome if outcome is not None or status != "done" else "stored", error)
            for run_id, outcome, error, status in rows}


def superseded(session: Session, token: str, run_ids: set[int]) -> set[int]:
    """Those of `run_ids` that another dispatch took over (a `--resume` or a scheduler started meanwhile)."""
    taken: set[int] = set()
    ids = sorted(run_ids)
    for start in range(0, len(ids), BATCH):
        taken |= set(session.scalars(
            select(UnitDelivery.service_run_id).where(UnitDelivery.service_run_id.in_(ids[start:start + BATCH]),
                                                      UnitDelivery.dispatch.is_not(None), UnitDelivery.dispatch != token)))
    return taken


@dataclass(frozen=True)
class CampaignProgress:
    campaign_id: int
    kind: str
    trigger: str
    started_at: datetime
    units: int
    done: int
    running: int  # taken by a worker, not ended yet
    set_aside: int  # ended on our side, not recorded: for `--resume`


def running_campaigns(session: Session) -> list[CampaignProgress]:
    """Every campaign not finished yet, with its units done, running on a worker and set aside."""
    campaigns = session.scalars(select(Campaign).where(Campaign.status == "running").order_by(Campaign.id)).all()
    progress = []
    for campaign in campaigns:
        counts = dict(session.execute(
            select(ServiceRun.status, func.count()).where(ServiceRun.campaign_id == campaign.id)
            .group_by(ServiceRun.status)
        ).all())
        live = session.execute(
            select(UnitDelivery.outcome, UnitDelivery.deliveries).join(ServiceRun)
            .where(ServiceRun.campaign_id == campaign.id, ServiceRun.status == "pending",
                   UnitDelivery.dispatch.is_not(None))
        ).all()
        progress.append(CampaignProgress(
            campaign.id, campaign.kind, campaign.trigger, campaign.started_at, sum(counts.values()),
            counts.get("done", 0),
            running=sum(1 for outcome, deliveries in live if outcome is None and deliveries > 0),
            set_aside=sum(1 for outcome, _ in live if outcome is not None and outcome not in RECORDED),
        ))
    return progress
