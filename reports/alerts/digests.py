"""Alert e-mails: one digest per ministry per campaign, and the operator's summary.

A digest tells a ministry, in French, what regressed on its services (new incidents), what is
still wrong (reminders) and what came back (recoveries), each item with what changed, since
when, the page and a link to or a thumbnail of the evidence. Messages have a plain-text and an
HTML part; thumbnails travel as inline images next to the HTML (multipart/related, Content-ID).

Everything that comes from sites or from the registry is escaped in HTML and flattened to one
line before it reaches a header (see reports/alerts/mail_headers.py).
"""

from __future__ import annotations

import email.policy
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from checks import finding_type
from foundation import formatting
from foundation.times import as_utc
from reports.alerts.mail_headers import header_text, mailbox, sender_mailbox
from reports.alerts.mail_thumbnails import thumbnail_jpeg
from reports.links import safe_href
from storage.evidence.store import EvidenceStore

ItemKind = Literal["new", "ongoing", "recovered"]

SECTIONS: tuple[tuple[ItemKind, str], ...] = (
    ("new", "Nouveaux incidents"),
    ("ongoing", "Incidents en cours"),
    ("recovered", "Rétablissements"),
)

# Beyond this many pictures a digest links to the evidence instead: mail servers commonly
# refuse messages over 10 MB, and a long digest is read from the list, not the images.
MAX_THUMBNAILS = 20
SUBJECT_NAME_LIMIT = 120


@dataclass(frozen=True)
class DigestItem:
    kind: ItemKind
    incident_id: int
    service_id: str
    service_name: str
    service_url: str
    check: str                 # a check id of checks.models.check_ids(), or "availability"
    change: str                # French, what changed
    since: datetime            # when the regression was first seen (UTC)
    page_url: str | None       # the page the evidence is on
    evidence_url: str | None   # a link to the evidence (report page or bundle)
    thumbnail_sha: str | None  # sha256 of a stored screenshot (JPEG) in the evidence store


@dataclass(frozen=True)
class Digest:
    ministry_id: str
    ministry_name: str
    recipients: tuple[str, ...]   # the ministry's and the services' contacts, deduplicated
    campaign_id: int
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class _ItemView:
    """An item as the templates show it: labels and dates in French, links only when safe."""

    item: DigestItem
    check_label: str
    since_text: str
    duration_text: str
    page_text: str             # the page, or the service's address when no page is known
    page_href: str | None
    service_href: str | None
    evidence_href: str | None
    thumbnail_cid: str | None


@dataclass(frozen=True)
class _Section:
    kind: ItemKind
    title: str
    items: tuple[_ItemView, ...]


def check_label(check: str) -> str:
    if check == "availability":
        return "Disponibilité"
    return finding_type(check).label or check


def _one_line(value: object) -> str:
    return header_text(str(value), limit=10_000)


_environment = Environment(
    loader=PackageLoader("reports.alerts", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=False, default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
formatting.register(_environment)
_environment.filters["one_line"] = _one_line


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def digest_subject(digest: Digest) -> str:
    counts = {kind: sum(1 for item in digest.items if item.kind == kind) for kind, _ in SECTIONS}
    parts = []
    if counts["new"]:
        parts.append(_plural(counts["new"], "nouvel incident", "nouveaux incidents"))
    if counts["ongoing"]:
        parts.append(_plural(counts["ongoing"], "incident en cours", "incidents en cours"))
    if counts["recovered"]:
        parts.append(_plural(counts["recovered"], "rétablissement", "rétablissements"))
    name = header_text(digest.ministry_name, SUBJECT_NAME_LIMIT) or header_text(digest.ministry_id, SUBJECT_NAME_LIMIT)
    return f"[Veilleur] {name} : {', '.join(parts)}"


def _check_kinds(items: Sequence[DigestItem]) -> None:
    known = {kind for kind, _ in SECTIONS}
    for item in items:
        if item.kind not in known:
            # Unknown, it would fall in no section: an alert silently missing from the e-mail.
            raise ValueError(f"incident {item.incident_id}: kind {item.kind!r} is not one of {sorted(known)}")


def _recipients(recipients: Sequence[str]) -> tuple[Address, ...]:
    seen: dict[str, Address] = {}
    for address in recipients:
        parsed = mailbox(address.strip())
        seen.setdefault(parsed.addr_spec.lower(), parsed)
    if not seen:
        raise ValueError("an alert e-mail needs at least one recipient")
    return tuple(seen.values())


def _message_id(sender_domain: str, tag: str) -> str:
    # make_msgid would otherwise ask the resolver for this host's name.
    return make_msgid(idstring=re.sub(r"[^A-Za-z0-9.-]", "-", tag)[:60], domain=sender_domain)


def _new_message(subject: str, sender: str, recipients: Sequence[str], campaign_id: int, tag: str,
                 now: datetime) -> EmailMessage:
    from_address = sender_mailbox(sender)
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = subject
    message["From"] = from_address
    message["To"] = _recipients(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = _message_id(from_address.domain, tag)
    # RFC 3834: out-of-office robots must not answer an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Veilleur-Campaign"] = str(int(campaign_id))
    return message


def _view(item: DigestItem, now: datetime, thumbnail_cid: str | None) -> _ItemView:
    return _ItemView(
        item=item,
        check_label=check_label(item.check),
        since_text=formatting.date_time(item.since),
        duration_text=formatting.elapsed(item.since, now),
        page_text=item.page_url or item.service_url,
        page_href=safe_href(item.page_url or item.service_url),
        service_href=safe_href(item.service_url),
        evidence_href=safe_href(item.evidence_url),
        thumbnail_cid=thumbnail_cid,
    )


def _sections(items: Sequence[DigestItem], now: datetime, cids: dict[str, str] | None = None) -> tuple[_Section, ...]:
    cids = cids or {}
    return tuple(
        _Section(kind, title, tuple(_view(i, now, cids.get(i.thumbnail_sha or "")) for i in items if i.kind == kind))
        for kind, title in SECTIONS
        if any(i.kind == kind for i in items)
    )


def render_digest(digest: Digest, store: EvidenceStore, sender: str, *, now: datetime | None = None) -> EmailMessage:
    """The digest for one ministry, ready to queue. Raises ValueError for a digest without
    items or recipients, or an address that is not one."""
    if not digest.items:
        raise ValueError(f"digest for ministry {digest.ministry_id!r}: no item to tell")
    _check_kinds(digest.items)
    now = as_utc(now or datetime.now(timezone.utc))
    message = _new_message(digest_subject(digest), sender, digest.recipients, digest.campaign_id,
                           f"digest.{digest.campaign_id}.{digest.ministry_id}", now)
    domain = message["From"].addresses[0].domain

    # One picture per distinct screenshot: two checks failing on the same page share it.
    thumbnails: dict[str, bytes] = {}
    cids: dict[str, str] = {}
    for item in digest.items:
        sha = item.thumbnail_sha
        if not sha or sha in thumbnails or len(thumbnails) >= MAX_THUMBNAILS:
            continue
        jpeg = thumbnail_jpeg(store, sha)
        if jpeg is not None:
            thumbnails[sha] = jpeg
            cids[sha] = f"<capture-{len(cids) + 1}.{secrets.token_hex(8)}@{domain}>"

    context = dict(
        digest=digest,
        ministry_name=_one_line(digest.ministry_name) or digest.ministry_id,
        sections=_sections(digest.items, now, cids),
        campaign_date=formatting.date(now),
    )
    message.set_content(_environment.get_template("mail/digest.txt").render(context))
    message.add_alternative(_environment.get_template("mail/digest.html").render(context), subtype="html")
    message["Content-Language"] = "fr"  # after set_content, which drops every Content-* header
    html_part = message.get_payload()[1]
    for number, (sha, jpeg) in enumerate(thumbnails.items(), start=1):
        html_part.add_related(jpeg, maintype="image", subtype="jpeg", cid=cids[sha],
                              filename=f"capture-{number}.jpg", disposition="inline")
    return message


def render_operator_summary(
    campaign_id: int, regressed: int, total: int, items: Sequence[DigestItem], recipients: Sequence[str],
    sender: str, *, now: datetime | None = None,
) -> EmailMessage:
    """The one message sent instead of every digest when an unusual share of services regressed
    at once (most likely a problem on our side): what was held back, for the operator to judge."""
    _check_kinds(items)
    now = as_utc(now or datetime.now(timezone.utc))
    share = formatting.share(100 * regressed / total if total else 0)
    subject = (f"[Veilleur] Campagne {int(campaign_id)} : {_plural(regressed, 'service', 'services')} sur {total} "
               f"en régression ({share}), alertes suspendues")
    message = _new_message(subject, sender, recipients, campaign_id, f"summary.{campaign_id}", now)
    context = dict(
        campaign_id=int(campaign_id), regressed=regressed, total=total, share=share,
        sections=_sections(items, now), campaign_date=formatting.date(now),
    )
    message.set_content(_environment.get_template("mail/operator_summary.txt").render(context))
    message.add_alternative(_environment.get_template("mail/operator_summary.html").render(context), subtype="html")
    message["Content-Language"] = "fr"
    return message
