"""Alert e-mails as ministries read them: French, both parts, each item with its proof, and no
value from a site or the registry able to forge a header or a link."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
from PIL import Image

from reports.alerts.digests import MAX_THUMBNAILS, digest_subject, render_digest, render_operator_summary
from reports.french_dates import french_datetime
from reports.alerts.mail_headers import header_text
from storage.evidence.store import EvidenceStore
from tests.mail_samples import NOW, SENDER, digest, item, screenshot


@pytest.fixture
def store(tmp_path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def reparsed(message: EmailMessage) -> EmailMessage:
    """The message as a mail client will see it: from its bytes on the wire."""
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def parts(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_subject_counts_new_ongoing_and_recovered_incidents_in_french(store):
    d = digest(item("new", 1), item("new", 2), item("recovered", 3))
    assert digest_subject(d) == "[Veilleur] Ministère de l’Intérieur : 2 nouveaux incidents, 1 rétablissement"
    d = digest(item("new", 1), item("ongoing", 2), item("ongoing", 3), item("recovered", 4), item("recovered", 5))
    assert digest_subject(d) == ("[Veilleur] Ministère de l’Intérieur : 1 nouvel incident, 2 incidents en cours, "
                                 "2 rétablissements")
    assert reparsed(render_digest(d, store, SENDER, now=NOW))["Subject"] == digest_subject(d)


def test_digest_has_text_and_html_parts_with_sections_in_order(store):
    d = digest(item("recovered", 3, service_name="Payer une amende"),
               item("new", 1), item("ongoing", 2, service_name="Passeport", check="availability",
                                     change="Le service ne répond plus (délai dépassé)", since=NOW - timedelta(days=9)))
    message = reparsed(render_digest(d, store, SENDER, now=NOW))
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    for body in (text, html.replace("\n", " ")):
        lowered = body.lower()
        positions = [lowered.index(title) for title in ("nouveaux incidents", "incidents en cours", "rétablissements")]
        assert positions == sorted(positions)
    assert "NOUVEAUX INCIDENTS (1)" in text and "RÉTABLISSEMENTS (1)" in text
    assert '<html lang="fr">' in html


def test_each_item_says_what_changed_since_when_the_page_and_the_proof(store):
    d = digest(item("new", 7, since=NOW - timedelta(days=1)),
               item("ongoing", 8, service_name="Passeport", check="availability", change="Le service ne répond plus",
                    since=NOW - timedelta(days=9), page_url=None, service_url="https://passeport.example/"))
    text, html = parts(reparsed(render_digest(d, store, SENDER, now=NOW)))
    assert "Demander une carte grise — FranceConnect (incident n° 7)" in text
    assert "Le bouton FranceConnect a disparu (franceconnect → absent)" in text
    # 2026-03-13 09:00 UTC is 10 h 00 in Paris (winter time).
    assert "Constaté depuis le 13 mars 2026 à 10 h 00, heure de Paris." in text
    assert "Page : https://immatriculation.example/connexion" in text
    assert "Preuve : https://veilleur.example/rapport/services/carte-grise.html" in text
    # no page known: the service's own address stands for it
    assert "Passeport — Disponibilité (incident n° 8)" in text
    assert "Toujours constaté après 9 jours (depuis le 5 mars 2026 à 10 h 00, heure de Paris)." in text
    assert "Page : https://passeport.example/" in text
    assert 'href="https://immatriculation.example/connexion"' in html
    assert 'href="https://veilleur.example/rapport/services/carte-grise.html"' in html
    assert "13 mars 2026 à 10 h 00" in html


def test_evidence_screenshot_travels_as_a_small_inline_jpeg_referenced_by_the_html(store):
    sha = screenshot(store)
    message = reparsed(render_digest(digest(item(thumbnail_sha=sha)), store, SENDER, now=NOW))
    [related] = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    html_part, image_part = related.get_payload()
    assert html_part.get_content_type() == "text/html" and image_part.get_content_type() == "image/jpeg"
    cid = image_part["Content-ID"].strip().strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    thumbnail = image_part.get_content()
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG" and image.width <= 480 and image.height <= 300
    assert len(thumbnail) < len(store.get(sha))


def test_a_screenshot_shared_by_two_items_is_attached_once(store):
    sha = screenshot(store)
    message = reparsed(render_digest(digest(item(incident_id=1, thumbnail_sha=sha),
                                            item(incident_id=2, check="jedonnemonavis", thumbnail_sha=sha)),
                                     store, SENDER, now=NOW))
    images = [p for p in message.walk() if p.get_content_type() == "image/jpeg"]
    assert len(images) == 1
    assert message.get_body(("html",)).get_content().count("cid:") == 2


def test_thumbnails_stop_at_the_cap_and_the_rest_keep_their_links(store):
    items = [item(incident_id=n, thumbnail_sha=screenshot(store, colour=(10 * n, 40, 250 - 10 * n))) for n in range(MAX_THUMBNAILS + 2)]
    message = reparsed(render_digest(digest(*items), store, SENDER, now=NOW))
    assert sum(1 for p in message.walk() if p.get_content_type() == "image/jpeg") == MAX_THUMBNAILS
    assert message.get_body(("plain",)).get_content().count("Preuve : ") == MAX_THUMBNAILS + 2


def test_a_missing_screenshot_costs_the_picture_not_the_alert(store):
    message = reparsed(render_digest(digest(item(thumbnail_sha="0" * 64)), store, SENDER, now=NOW))
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert "Voir la preuve" in message.get_body(("html",)).get_content()


def test_site_values_are_escaped_in_html_and_hostile_urls_are_not_links(store):
    hostile = item(service_name='<script>alert("x")</script> & Cie', change="<img src=x onerror=alert(1)>",
                   page_url="javascript:alert(document.cookie)", evidence_url="data:text/html,<b>x</b>")
    _, html = parts(reparsed(render_digest(digest(hostile), store, SENDER, now=NOW)))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; Cie" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "javascript:alert(document.cookie)" in html  # still shown, as text


def test_cr_lf_in_ministry_and_service_names_cannot_inject_a_header(store):
    d = digest(item(service_name="Carte grise\r\nBcc: attaquant@evil.example\r\nX-Injecte: oui"),
               ministry_name="Ministère\r\nBcc: attaquant@evil.example\nX-Injecte: oui\u2028Cc: autre@evil.example")
    raw = render_digest(d, store, SENDER, now=NOW).as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert {k.lower() for k in message.keys()} == {
        "subject", "from", "to", "date", "message-id", "auto-submitted", "x-veilleur-campaign", "mime-version",
        "content-type", "content-language"}
    assert message["Subject"] == ("[Veilleur] Ministère Bcc: attaquant@evil.example X-Injecte: oui "
                                  "Cc: autre@evil.example : 1 nouvel incident")
    assert [a.addr_spec for a in message["To"].addresses] == ["qualite-numerique@interieur.example",
                                                             "ants@interieur.example"]
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in header_block and b"\r\nX-Injecte" not in header_block and b"\r\nCc:" not in header_block


@pytest.mark.parametrize("separator", ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x00"])
def test_every_line_separator_is_flattened_before_reaching_a_header(separator):
    flat = header_text(f"Ministère{separator}Bcc: x@evil.example")
    assert flat == "Ministère Bcc: x@evil.example"
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = flat
    assert email.message_from_bytes(message.as_bytes(), policy=email.policy.default).keys() == ["Subject"]


def test_email_message_itself_refuses_a_raw_line_break_in_a_header():
    # The last line of defence, should a value ever skip header_text.
    message = EmailMessage(policy=email.policy.SMTP)
    with pytest.raises(ValueError):
        message["Subject"] = "Ministère\r\nBcc: x@evil.example"


def test_recipients_are_deduplicated_and_a_forged_address_is_refused(store):
    d = digest(recipients=("a@interieur.example", "A@Interieur.example", "b@interieur.example"))
    message = reparsed(render_digest(d, store, SENDER, now=NOW))
    assert [a.addr_spec for a in message["To"].addresses] == ["a@interieur.example", "b@interieur.example"]
    with pytest.raises(ValueError, match="not an e-mail address"):
        render_digest(digest(recipients=("a@interieur.example\r\nBcc: x@evil.example",)), store, SENDER)
    with pytest.raises(ValueError, match="at least one recipient"):
        render_digest(digest(recipients=()), store, SENDER)
    with pytest.raises(ValueError, match="sender"):
        render_digest(digest(), store, "veilleur@numerique.example\r\nBcc: x@evil.example")


def test_a_digest_is_an_automatic_message_with_its_campaign(store):
    message = reparsed(render_digest(digest(campaign_id=42), store, SENDER, now=NOW))
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Veilleur-Campaign"] == "42"
    assert message["From"].addresses[0].addr_spec == "veilleur@numerique.example"
    assert message["Message-ID"].endswith("@numerique.example>")
    assert message["Content-Language"] == "fr"


def test_operator_summary_says_why_ministries_were_not_told_and_lists_what_was_held(store):
    items = [item("new", 1), item("new", 2, service_name="Passeport", check="availability",
                                  change="Le service ne répond plus")]
    message = reparsed(render_operator_summary(12, regressed=9, total=20, items=items,
                                               recipients=["exploitation@dinum.example"], sender=SENDER, now=NOW))
    assert message["Subject"] == "[Veilleur] Campagne 12 : 9 services sur 20 en régression (45 %), alertes suspendues"
    assert [a.addr_spec for a in message["To"].addresses] == ["exploitation@dinum.example"]
    text, html = parts(message)
    for body in (text, html):
        words = " ".join(body.replace("<strong>", "").replace("</strong>", "").split())
        assert "aucun ministère n’a été prévenu" in words
        assert "Demander une carte grise" in body and "Passeport" in body
    assert "NOUVEAUX INCIDENTS (2)" in text


def test_dates_are_french_and_in_paris_time_summer_and_winter():
    assert french_datetime(datetime(2026, 7, 1, 8, 5, tzinfo=timezone.utc)) == "1er juillet 2026 à 10 h 05, heure de Paris"
    assert french_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == "1er janvier 2027 à 0 h 30, heure de Paris"


def test_an_item_of_unknown_kind_is_refused_rather_than_left_out(store):
    with pytest.raises(ValueError, match="kind 'reopened'"):
        render_digest(digest(item("new", 1), item("reopened", 2)), store, SENDER, now=NOW)
