"""The end of every campaign: update incidents, queue one digest per ministry, deliver.

Incidents, the queued e-mails and the campaign's "alerts done" mark are written in one
transaction, and every e-mail is queued under a key unique to (campaign, recipient group): a
process that dies anywhere here is resumed without losing or doubling an alert.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select

from foundation.settings import AlertsSection, MailSection
from foundation.times import as_utc
from reports.alerts.dashboard_links import links_for
from reports.alerts.delivery import MailTransport, deliver_pending
from reports.alerts.incidents import IncidentChanges, IncidentPolicy, update_incidents
from reports.alerts.locations import latest_run_id, locate
from storage.db import Database
from storage.evidence.store import EvidenceStore
from storage.outbox import enqueue
from storage.schema import Campaign, Incident, Ministry, Service, ServiceRun

if TYPE_CHECKING:
    from reports.alerts.digests import DigestItem


@dataclass(frozen=True)
class AlertSettings:
    confirm_runs: int = 2
    reminder_days: float = 7.0
    # When this share of a campaign's services regresses at once, the cause is probably on our side
    # (network, browser, a bug): ministries are not told, the operator gets one summary.
    mass_share: float = 0.30
    mass_min_services: int = 3
    operator: tuple[str, ...] = ("operateur@localhost",)
    sender: str = "veilleur@localhost"
    # Where an answer to a digest goes (VEILLEUR_MAIL_REPLY_TO, else VEILLEUR_OPERATOR_EMAIL).
    reply_to: str | None = None
    report_url: str | None = None   # the published static report (VEILLEUR_REPORT_URL)
    public_url: str | None = None   # the dashboard (VEILLEUR_PUBLIC_URL); None: no dashboard links

    @classmethod
    def of(cls, alerts: AlertsSection, mail: MailSection) -> "AlertSettings":
        """From the alerts and mail sections the shell read."""
        return cls(
            confirm_runs=alerts.confirm_runs,
            reminder_days=alerts.reminder_days,
            mass_share=alerts.mass_share,
            operator=alerts.operator_email or cls.operator,
            sender=mail.mail_from,
            reply_to=mail.mail_reply_to or ", ".join(alerts.operator_email) or None,
            report_url=alerts.report_url,
            public_url=alerts.public_url,
        )


def _item(session, incident: Incident, kind: str, campaign_id: int, settings: AlertSettings) -> DigestItem:
    from reports.alerts.digests import DigestItem  # only when someone is told (see _queue_alerts)

    service = incident.service
    report_url = f"{settings.report_url.rstrip('/')}/services/{service.id}.html" if settings.report_url else None
    # A reminder shows the place as this campaign saw it; a new incident or a recovery, as the
    # run that opened or closed it did.
    later = latest_run_id(incident)
    if kind == "ongoing":
        later = session.scalars(select(ServiceRun.id).where(
            ServiceRun.campaign_id == campaign_id, ServiceRun.service_id == service.id,
            ServiceRun.status == "done")).first() or later
    spot = locate(session, incident.check_id, incident.baseline_run_id, later)
    return DigestItem(
        kind=kind, incident_id=incident.id, service_id=service.id, service_name=service.name,
        service_url=service.url, check=incident.check_id,
        change=incident.change, since=as_utc(incident.since),
        pages=spot.pages, before_status=incident.baseline_status, after_status=incident.current_status,
        before=spot.before, after=spot.after,
        links=links_for(settings.public_url, service.id, service.ministry_id, incident.id, spot),
        report_url=report_url,
    )


def _due_reminder(incident: Incident, now: datetime, settings: AlertSettings) -> bool:
    last = incident.last_notified_at
    if last is None:
        return False  # never told (suppressed): a reminder would be its first notice
    return now - as_utc(last) >= timedelta(days=settings.reminder_days)


def after_campaign(db: Database, store: EvidenceStore, campaign_id: int, settings: AlertSettings,
                   transport: MailTransport) -> None:
    with db.sessions() as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is not None and campaign.alerts_done_at is None:
            changes = update_incidents(session, campaign_id, IncidentPolicy(confirm_runs=settings.confirm_runs))
            _queue_alerts(session, store, campaign, changes, settings)
            campaign.alerts_done_at = datetime.now(timezone.utc)
            session.commit()
    # Delivery is separate: a message that cannot be sent now stays queued and is retried later.
    deliver_pending(db.sessions, transport)


def campaign_alerts(db: Database, store: EvidenceStore, alerts: AlertsSection, mail: MailSection,
                    data_dir: Path) -> Callable[[int], None]:
    """What follows a campaign (`on_complete` of the runners), with the sections the shell read; a bad
    VEILLEUR_SMTP_URL stops the command now, before the campaign, not after it."""
    from reports.alerts.mail_transport import mail_transport

    settings, transport = AlertSettings.of(alerts, mail), mail_transport(mail, data_dir)
    return lambda campaign_id: after_campaign(db, store, campaign_id, settings, transport)


def _queue_access_digest(session, campaign: Campaign, settings: AlertSettings) -> None:
    """DINUM's digest of the addresses to update and the hosts refusing the probe, after a full
    campaign that found any (reports/alerts/access_digest.py)."""
    if campaign.kind != "full":
        return  # availability checks run often; the next full campaign tells the same
    from storage.access_problems import refusing_hosts, stale_addresses

    ids = sorted(set(session.scalars(select(ServiceRun.service_id).where(ServiceRun.campaign_id == campaign.id))))
    stale, refusals = stale_addresses(session, ids), refusing_hosts(session, ids)
    if not stale and not refusals:
        return
    from reports.alerts.access_digest import AccessDigest, render_access_digest

    names = dict(session.execute(select(Service.id, Service.name).where(Service.id.in_(ids))).all())
    digest = AccessDigest(campaign.id, tuple(settings.operator), tuple(stale.values()), tuple(refusals), names)
    enqueue(session, render_access_digest(digest, settings.sender), kind="access_digest", campaign_id=campaign.id,
            dedupe_key=f"access:{campaign.id}")


def _queue_alerts(session, store: EvidenceStore, campaign: Campaign, changes: IncidentChanges, settings: AlertSettings) -> None:
    now = datetime.now(timezone.utc)
    _queue_access_digest(session, campaign, settings)
    regressed = {i.service_id for i in changes.opened}
    mass = (
        len(regressed) >= settings.mass_min_services
        and changes.services > 0
        and len(regressed) / changes.services >= settings.mass_share
    )
    # The digests are imported only when there is something to tell: their templates and pictures
    # (Jinja2, Pillow) would cost every `veilleur run` start-up time, and most campaigns tell nothing.
    if mass:
        from reports.alerts.digests import render_operator_summary

        for incident in changes.opened:
            incident.suppressed = True
        items = [_item(session, i, "new", campaign.id, settings) for i in changes.opened]
        message = render_operator_summary(campaign.id, len(regressed), changes.services, items, settings.operator, settings.sender)
        enqueue(session, message, kind="operator_summary", campaign_id=campaign.id, dedupe_key=f"operator:{campaign.id}")
        return

    by_ministry: dict[str, list[tuple[Incident, str]]] = defaultdict(list)
    for incident in changes.opened:
        by_ministry[incident.service.ministry_id].append((incident, "new"))
    for incident in changes.ongoing:
        if _due_reminder(incident, now, settings):
            by_ministry[incident.service.ministry_id].append((incident, "ongoing"))
    for incident in changes.closed:
        if incident.last_notified_at is not None:  # only recoveries of what the ministry was told
            by_ministry[incident.service.ministry_id].append((incident, "recovered"))

    if not by_ministry:
        return
    from reports.alerts.digests import Digest, render_digest

    for ministry_id, entries in sorted(by_ministry.items()):
        ministry = session.get(Ministry, ministry_id)
        recipients: list[str] = list(ministry.contacts or [])
        for incident, _ in entries:
            recipients += list(incident.service.contacts or [])
        recipients = list(dict.fromkeys(recipients))
        if not recipients:
            continue  # nobody to tell; the incidents stay visible in reports and `veilleur status`
        digest = Digest(
            ministry_id=ministry.id, ministry_name=ministry.name, recipients=tuple(recipients), campaign_id=campaign.id,
            items=tuple(_item(session, incident, kind, campaign.id, settings) for incident, kind in entries),
        )
        message = render_digest(digest, store, settings.sender, reply_to=settings.reply_to)
        enqueue(session, message, kind="digest", campaign_id=campaign.id, dedupe_key=f"digest:{campaign.id}:{ministry.id}")
        for incident, kind in entries:
            if kind != "recovered":
                incident.last_notified_at = now


def open_incidents(session) -> list[Incident]:
    return list(session.scalars(select(Incident).where(Incident.status == "open").join(Service).order_by(Incident.since)))
