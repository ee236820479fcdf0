"""Alert e-mails: one digest per ministry per campaign, and the operator's summary.

A digest tells a ministry, in French, what regressed on its services (new incidents), what is
still wrong (reminders) and what came back (recoveries), each item with what changed in the
words of the vocabulary, since when, the page where the element was (its kind and address), the
element before and the same area after as two small pictures, links to the dashboard when its
public address is known, and what to do. Messages have a plain-text and an HTML part; the
pictures travel as inline images next to the HTML (multipart/related, Content-ID), each
incident its own.

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
from foundation import formatting, vocabulary
from foundation.times import as_utc
from reports.alerts.advice import next_steps
from reports.alerts.dashboard_links import DashboardLinks
from reports.alerts.locations import PageRef, Picture
from reports.alerts.mail_headers import header_text, mailbox, sender_mailbox
from reports.alerts.mail_thumbnails import Crop, element_crop
from reports.alerts.regressions import AVAILABILITY, check_label, status_change
from reports.links import safe_href
from storage.evidence.store import EvidenceStore

__all__ = ["Digest", "DigestItem", "MAX_IMAGES", "check_label", "digest_subject", "render_digest",
           "render_operator_summary"]

ItemKind = Literal["new", "ongoing", "recovered"]

SECTIONS: tuple[tuple[ItemKind, str], ...] = (
    ("new", "Nouveaux incidents"),
    ("ongoing", "Incidents en cours"),
    ("recovered", "Rétablissements"),
)

# Beyond this many pictures a digest links to the evidence instead: mail servers commonly
# refuse messages over 10 MB, and a long digest is read from the list, not the images. Two per
# incident (before, after): the first ten incidents that have them are pictured.
MAX_IMAGES = 20
SUBJECT_NAME_LIMIT = 120
# Regressions that no element of a page stands for are said as such rather than pictured: the
# unreachable service, and each check whose evidence stands for no one element
# (`Finding.not_an_element`, in its module).
UNREACHABLE = "Pas d’image : le service ne répondait pas lors de la dernière visite."


def not_an_element(check: str) -> str | None:
    return UNREACHABLE if check == AVAILABILITY else finding_type(check).not_an_element
NO_ELEMENT = "Pas d’image : la preuve de ce constat ne désigne pas un élément précis d’une page."


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
    pages: tuple[PageRef, ...] = ()      # where the element was, the one to fix first; () → the service's address
    before_status: str | None = None     # the check's status before the regression
    after_status: str | None = None      # …and since (for availability, the error class)
    before: Picture | None = None        # the element on the previous visit's screenshot
    after: Picture | None = None         # the same place at the later visit
    links: DashboardLinks | None = None  # None without VEILLEUR_PUBLIC_URL
    report_url: str | None = None        # the service's page of the published static report


@dataclass(frozen=True)
class Digest:
    ministry_id: str
    ministry_name: str
    recipients: tuple[str, ...]   # the ministry's and the services' contacts, deduplicated
    campaign_id: int
    items: tuple[DigestItem, ...]


@dataclass(frozen=True)
class _PageView:
    kind_text: str | None      # "connexion"; None when the run did not record the page
    url: str
    href: str | None


@dataclass(frozen=True)
class _Link:
    label: str
    href: str


@dataclass(frozen=True)
class _ItemView:
    """An item as the templates show it: labels and dates in French, links only when safe."""

    item: DigestItem
    check_label: str
    status_change: str | None
    since_text: str
    duration_text: str
    pages: tuple[_PageView, ...]     # never empty: the service's address when no page is known
    service_href: str | None
    report_href: str | None
    links: tuple[_Link, ...]         # to the dashboard
    before_cid: str | None
    after_cid: str | None
    before_caption: str
    after_caption: str
    no_picture: str | None           # why the item shows no pair of pictures, in French
    steps: tuple[str, ...]           # « Que faire ? »; empty for a recovery


@dataclass(frozen=True)
class _Section:
    kind: ItemKind
    title: str
    items: tuple[_ItemView, ...]


@dataclass(frozen=True)
class _Pictures:
    before: Crop
    after: Crop
    before_cid: str | None = None
    after_cid: str | None = None


def _one_line(value: object) -> str:
    return header_text(str(value), limit=10_000)


def _bare_cid(cid: str) -> str:
    return cid[1:-1]


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
_environment.filters["bare_cid"] = _bare_cid


def digest_subject(digest: Digest) -> str:
    counts = {kind: sum(1 for item in digest.items if item.kind == kind) for kind, _ in SECTIONS}
    parts = []
    if counts["new"]:
        parts.append(vocabulary.count(counts["new"], "nouvel incident", "nouveaux incidents"))
    if counts["ongoing"]:
        parts.append(vocabulary.count(counts["ongoing"], "incident en cours", "incidents en cours"))
    if counts["recovered"]:
        parts.append(vocabulary.count(counts["recovered"], "rétablissement", "rétablissements"))
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


def _page_views(item: DigestItem) -> tuple[_PageView, ...]:
    if not item.pages:
        return (_PageView(None, item.service_url, safe_href(item.service_url)),)
    return tuple(_PageView(vocabulary.page_kind(p.kind) if p.kind else None, p.url, safe_href(p.url))
                 for p in item.pages)


def _links(links: DashboardLinks | None) -> tuple[_Link, ...]:
    if links is None:
        return ()
    found = (("La démarche sur le tableau de bord", links.service),
             ("La preuve : l’élément sur la capture de la visite précédente", links.evidence),
             ("La page lors de la visite précédente", links.before_page),
             ("La page lors de la dernière visite", links.after_page),
             ("L’incident parmi ceux du ministère", links.incident))
    return tuple(_Link(label, href) for label, url in found if url and (href := safe_href(url)))


def _no_picture(item: DigestItem, pictures: _Pictures | None, capped: bool) -> str | None:
    if (said := not_an_element(item.check)) is not None:
        return said
    if item.before is None:
        return NO_ELEMENT
    if pictures is None:
        if not capped:
            return None
        ending = " : la preuve est derrière les liens." if item.links else "."
        return "Images non jointes, pour garder ce message léger" + ending
    if pictures.before.jpeg is None:
        return f"Pas d’image de l’élément : {pictures.before.missing}."
    if pictures.after.jpeg is None:
        return f"Pas d’image après : {pictures.after.missing}."
    return None


def _caption(side: str, taken_at: datetime | None, text: str) -> str:
    when = f" (visite du {formatting.date_time(taken_at)})" if taken_at else ""
    return f"{side}{when} : {text}"


def _view(item: DigestItem, now: datetime, pictures: _Pictures | None = None, capped: bool = False,
          advise: bool = True) -> _ItemView:
    pages = _page_views(item)
    where = f"la page « {pages[0].kind_text} »" if pages[0].kind_text else "la page"
    telling = item.kind != "recovered"
    return _ItemView(
        item=item,
        check_label=check_label(item.check),
        status_change=status_change(item.check, item.before_status, item.after_status),
        since_text=formatting.date_time(item.since),
        duration_text=formatting.elapsed(item.since, now),
        pages=pages,
        service_href=safe_href(item.service_url),
        report_href=safe_href(item.report_url),
        links=_links(item.links),
        before_cid=pictures.before_cid if pictures else None,
        after_cid=pictures.after_cid if pictures else None,
        before_caption=_caption("Avant", item.before.taken_at if item.before else None,
                                f"l’élément sur {where}, entouré en rouge"),
        after_caption=_caption("Après", item.after.taken_at if item.after else None,
                               f"le bas de {where}, qui s’arrête désormais plus haut que l’endroit où était l’élément"
                               if pictures and pictures.after.page_end else f"le même endroit de {where}"),
        no_picture=_no_picture(item, pictures, capped) if telling else None,
        steps=next_steps(item.check, item.before_status, item.after_status,
                         item.pages[0].kind if item.pages else None) if advise and telling else (),
    )


def _sections(items: Sequence[DigestItem], now: datetime, pictures: dict[int, _Pictures] | None = None,
              capped: bool = False, advise: bool = True) -> tuple[_Section, ...]:
    pictures = pictures or {}
    return tuple(
        _Section(kind, title, tuple(_view(i, now, pictures.get(i.incident_id), capped, advise)
                                    for i in items if i.kind == kind))
        for kind, title in SECTIONS
        if any(i.kind == kind for i in items)
    )


def _pictures(items: Sequence[DigestItem], store: EvidenceStore, domain: str) -> tuple[dict[int, _Pictures], bool]:
    """Each new or ongoing incident's own pair of crops (a crop shows one element, so two
    incidents on one page never share a picture), up to MAX_IMAGES in all; and whether some
    incidents were left without theirs."""
    found: dict[int, _Pictures] = {}
    images, capped = 0, False
    for item in items:
        if item.kind == "recovered" or item.incident_id in found or not_an_element(item.check) is not None or item.before is None:
            continue
        before = element_crop(store, item.before)
        # Without the element before, an "after" picture would show an area chosen by nothing.
        after = element_crop(store, item.after, later=True) if before.jpeg is not None else Crop(None, None)
        count = (before.jpeg is not None) + (after.jpeg is not None)
        if images + count > MAX_IMAGES:
            capped = True
            continue
        images += count
        tag = secrets.token_hex(6)
        found[item.incident_id] = _Pictures(
            before, after,
            f"<incident-{item.incident_id}-avant.{tag}@{domain}>" if before.jpeg is not None else None,
            f"<incident-{item.incident_id}-apres.{tag}@{domain}>" if after.jpeg is not None else None,
        )
    return found, capped


def render_digest(digest: Digest, store: EvidenceStore, sender: str, *, now: datetime | None = None,
                  reply_to: str | None = None) -> EmailMessage:
    """The digest for one ministry, ready to queue. Raises ValueError for a digest without
    items or recipients, or an address that is not one."""
    if not digest.items:
        raise ValueError(f"digest for ministry {digest.ministry_id!r}: no item to tell")
    _check_kinds(digest.items)
    now = as_utc(now or datetime.now(timezone.utc))
    message = _new_message(digest_subject(digest), sender, digest.recipients, digest.campaign_id,
                           f"digest.{digest.campaign_id}.{digest.ministry_id}", now)
    if reply_to:
        # The digest asks its readers to « répondez à ce message »: the answer must reach a person,
        # not the robot's sender address.
        message["Reply-To"] = reply_to
    domain = message["From"].addresses[0].domain

    pictures, capped = _pictures(digest.items, store, domain)
    context = dict(
        digest=digest,
        ministry_name=_one_line(digest.ministry_name) or digest.ministry_id,
        sections=_sections(digest.items, now, pictures, capped),
        campaign_date=formatting.date(now),
    )
    message.set_content(_environment.get_template("mail/digest.txt").render(context))
    message.add_alternative(_environment.get_template("mail/digest.html").render(context), subtype="html")
    message["Content-Language"] = "fr"  # after set_content, which drops every Content-* header
    html_part = message.get_payload()[1]
    for incident_id, pair in pictures.items():
        for side, crop, cid in (("avant", pair.before, pair.before_cid), ("apres", pair.after, pair.after_cid)):
            if crop.jpeg is not None and cid is not None:
                html_part.add_related(crop.jpeg, maintype="image", subtype="jpeg", cid=cid,
                                      filename=f"incident-{incident_id}-{side}.jpg", disposition="inline")
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
    subject = (f"[Veilleur] Campagne {int(campaign_id)} : {vocabulary.count(regressed, 'service', 'services')} "
               f"sur {vocabulary.integer(total)} en régression ({share}), alertes suspendues")
    message = _new_message(subject, sender, recipients, campaign_id, f"summary.{campaign_id}", now)
    context = dict(
        campaign_id=int(campaign_id), regressed=regressed, total=total, share=share,
        # The steps are the ministries' to take; the operator first checks the probe.
        sections=_sections(items, now, advise=False), campaign_date=formatting.date(now),
    )
    message.set_content(_environment.get_template("mail/operator_summary.txt").render(context))
    message.add_alternative(_environment.get_template("mail/operator_summary.html").render(context), subtype="html")
    message["Content-Language"] = "fr"
    return message
