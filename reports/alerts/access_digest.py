"""DINUM's digest of what keeps the probe from the services: the registry addresses to update
(a soft 404 or a parked domain where the démarche was) and the hosts that refuse the probe.

One message to the operator (DINUM) per full campaign that found any, queued under a key unique
to the campaign. These are not the ministries' regressions: a refused probe is our access
problem, an outdated address is the registry's, so no ministry digest carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Sequence

from foundation import formatting, vocabulary
from foundation.times import as_utc
from reports.alerts.digests import _environment, _new_message
from storage.access_problems import Refusal, StaleAddress


@dataclass(frozen=True)
class AccessDigest:
    campaign_id: int
    recipients: tuple[str, ...]
    stale: tuple[StaleAddress, ...]
    refusals: tuple[Refusal, ...]
    names: dict[str, str]  # service id → its name


def access_subject(digest: AccessDigest) -> str:
    parts = []
    if digest.stale:
        parts.append(vocabulary.count(len(digest.stale), "adresse à mettre à jour", "adresses à mettre à jour"))
    hosts = len({r.host for r in digest.refusals})
    if hosts:
        parts.append(vocabulary.count(hosts, "hôte refuse la sonde", "hôtes refusent la sonde"))
    return f"[Veilleur] Campagne {int(digest.campaign_id)} : {', '.join(parts)}"


def render_access_digest(digest: AccessDigest, sender: str, *, now: datetime | None = None) -> EmailMessage:
    """The message, ready to queue. Raises ValueError when there is nothing to tell."""
    if not digest.stale and not digest.refusals:
        raise ValueError(f"campaign {digest.campaign_id}: no address to update and no host refusing the probe")
    now = as_utc(now or datetime.now(timezone.utc))
    message = _new_message(access_subject(digest), sender, digest.recipients, digest.campaign_id,
                           f"access.{digest.campaign_id}", now)
    context = dict(digest=digest, stale=_rows(digest.stale), refusals=digest.refusals, names=digest.names,
                   refused_pages=vocabulary.count(len(digest.refusals), "page refusée", "pages refusées"),
                   campaign_date=formatting.date(now))
    message.set_content(_environment.get_template("mail/access_digest.txt").render(context))
    message.add_alternative(_environment.get_template("mail/access_digest.html").render(context), subtype="html")
    message["Content-Language"] = "fr"
    return message


def _rows(stale: Sequence[StaleAddress]) -> tuple[StaleAddress, ...]:
    return tuple(sorted(stale, key=lambda s: s.service_id))
