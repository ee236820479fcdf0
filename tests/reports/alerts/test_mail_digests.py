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

from probes.models import Box

from reports.alerts.digests import MAX_IMAGES, digest_subject, render_digest, render_operator_summary
from reports.alerts.locations import PageRef
from reports.alerts.mail_thumbnails import CROP_SIZE
from reports.french_dates import french_datetime
from reports.alerts.mail_headers import header_text
from storage.evidence.store import EvidenceStore
from tests.support.mail_samples import BUTTON, DASHBOARD, NOW, SENDER, digest, item, picture, pictured, screenshot


LOWER = Box(x=600, y=2400, width=300, height=80)


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
                    since=NOW - timedelta(days=9), pages=(), before_status="ok", after_status="timeout",
                    service_url="https://passeport.example/"))
    text, html = parts(reparsed(render_digest(d, store, SENDER, now=NOW)))
    assert "Demander une carte grise — FranceConnect (incident n° 7)" in text
    lines = [line.strip() for line in text.splitlines()]
    changed = lines.index("FranceConnect : FranceConnect → absent")
    assert lines[changed + 1] == "Le bouton FranceConnect a disparu"
    # 2026-03-13 09:00 UTC is 10 h 00 in Paris (winter time).
    assert "Constaté depuis le 13 mars 2026 à 10 h 00, heure de Paris." in text
    assert "Page « connexion » : https://immatriculation.example/connexion" in text
    assert "Rapport : https://veilleur.example/rapport/services/carte-grise.html" in text
    # no page known: the service's own address stands for it
    assert "Passeport — Disponibilité (incident n° 8)" in text
    assert "Disponibilité : joignable → délai dépassé" in text
    assert "Toujours constaté après 9 jours (depuis le 5 mars 2026 à 10 h 00, heure de Paris)." in text
    assert "Page : https://passeport.example/" in text
    assert 'href="https://immatriculation.example/connexion"' in html and "« connexion »" in html
    assert 'href="https://veilleur.example/rapport/services/carte-grise.html"' in html
    assert "13 mars 2026 à 10 h 00" in html


def test_the_page_named_is_where_the_element_was_first_then_the_others(store):
    pages = (PageRef("https://immatriculation.example/connexion", "login"),
             PageRef("https://immatriculation.example/", "landing"))
    text, html = parts(reparsed(render_digest(digest(item(pages=pages)), store, SENDER, now=NOW)))
    assert "Page « connexion » : https://immatriculation.example/connexion" in text
    assert "Aussi sur la page « accueil » : https://immatriculation.example/" in text
    assert text.index("« connexion »") < text.index("« accueil »")


@pytest.mark.parametrize("check, before, after, line", [
    ("jedonnemonavis", "present", "absent", "JeDonneMonAvis : présent → absent"),
    ("franceconnect", "franceconnect_plus", "absent", "FranceConnect : FranceConnect+ → absent"),
    ("franceconnect", "franceconnect_plus", "franceconnect", "FranceConnect : FranceConnect+ → FranceConnect"),
    ("non_digital_alternative", "present", "absent", "Alternative non numérique : présent → absent"),
    ("accessibility_statement", "partiellement", "absent", "Déclaration d’accessibilité : partiellement conforme → absent"),
])
def test_status_changes_are_written_in_the_words_of_the_vocabulary(store, check, before, after, line):
    message = reparsed(render_digest(digest(item(check=check, before_status=before, after_status=after)),
                                     store, SENDER, now=NOW))
    text, html = parts(message)
    assert line in text and line in html
    assert f"{before} →" not in text  # never a status id


def test_each_incident_gets_its_own_before_and_after_crops_even_on_one_page(store):
    shared_before = screenshot(store, buttons=(BUTTON, LOWER))
    shared_after = screenshot(store, colour=(255, 255, 255))
    items = [item(incident_id=1, before=picture(shared_before), after=picture(shared_after, days_ago=0)),
             item(incident_id=2, check="jedonnemonavis", before_status="present",
                  before=picture(shared_before, box=LOWER), after=picture(shared_after, box=LOWER, days_ago=0))]
    message = reparsed(render_digest(digest(*items), store, SENDER, now=NOW))
    [related] = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    html = related.get_payload()[0].get_content()
    images = {p["Content-ID"].strip("<>"): p for p in related.get_payload()[1:]}
    assert len(images) == 4 and all(f'src="cid:{cid}"' in html for cid in images)
    assert sorted(p.get_filename() for p in images.values()) == [
        "incident-1-apres.jpg", "incident-1-avant.jpg", "incident-2-apres.jpg", "incident-2-avant.jpg"]
    crops = {p.get_filename(): p.get_content() for p in images.values()}
    assert len(set(crops.values())) == 4
    for data in crops.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.width <= CROP_SIZE[0] and image.height <= CROP_SIZE[1]
    # before: the blue button in the middle of the crop; after: the same area, now white
    with Image.open(io.BytesIO(crops["incident-1-avant.jpg"])) as image:
        r, g, b = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
        assert b > 100 and r < 60 and g < 60
    with Image.open(io.BytesIO(crops["incident-1-apres.jpg"])) as image:
        assert min(image.convert("RGB").getpixel((image.width // 2, image.height // 2))) > 200
    assert "Avant (visite du 12 mars 2026 à 10 h 00, heure de Paris) : l’élément sur la page « connexion », entouré en rouge" in html
    assert "Après (visite du 14 mars 2026 à 10 h 00, heure de Paris) : le même endroit de la page « connexion »" in html


def test_crops_stop_at_the_cap_and_the_rest_keep_their_links(store):
    items = [pictured(store, n, links=DASHBOARD) for n in range(1, MAX_IMAGES // 2 + 3)]
    message = reparsed(render_digest(digest(*items), store, SENDER, now=NOW))
    assert sum(1 for p in message.walk() if p.get_content_type() == "image/jpeg") == MAX_IMAGES
    text = message.get_body(("plain",)).get_content()
    assert text.count("Images non jointes, pour garder ce message léger") == 2
    assert text.count("La démarche sur le tableau de bord : ") == len(items)


@pytest.mark.parametrize("before_kw, after_kw, says, images", [
    (dict(box=None), {}, "Pas d’image de l’élément : la position de l’élément sur la page n’a pas été enregistrée.", 0),
    (dict(sha="0" * 64), {}, "Pas d’image de l’élément : la capture d’écran de la page lors de la visite précédente n’est plus disponible.", 0),
    (dict(sha=None), {}, "Pas d’image de l’élément : aucune capture d’écran de la page lors de la visite précédente.", 0),
    (dict(box=Box(x=100, y=9000, width=200, height=50)), {},
     "Pas d’image de l’élément : l’élément se trouvait au-delà de la partie capturée de la page.", 0),
    ({}, dict(found=False), "Pas d’image après : la page n’a pas été retrouvée lors de la dernière visite.", 1),
    ({}, dict(height=600, max_height=600), "Pas d’image après : cet endroit dépasse la partie capturée de la page.", 1),
])
def test_without_an_element_box_or_a_screenshot_the_mail_says_so_instead_of_a_wrong_picture(
        store, before_kw, after_kw, says, images):
    before_sha = before_kw.pop("sha", screenshot(store, buttons=(BUTTON,)))
    after_sha = screenshot(store, colour=(255, 255, 255), height=after_kw.pop("height", 4000))
    d = digest(item(before=picture(before_sha, **before_kw), after=picture(after_sha, days_ago=0, **after_kw)))
    message = reparsed(render_digest(d, store, SENDER, now=NOW))
    text, html = parts(message)
    assert says in text and says in html
    assert sum(1 for p in message.walk() if p.get_content_maintype() == "image") == images


@pytest.mark.parametrize("check, says", [
    ("availability", "Pas d’image : le service ne répondait pas lors de la dernière visite."),
    ("accessibility", "Pas d’image : ce constat compte les erreurs de toutes les pages visitées"),
    ("non_digital_alternative", "Pas d’image : la preuve de ce constat ne désigne pas un élément précis d’une page."),
])
def test_a_regression_no_element_stands_for_is_said_so(store, check, says):
    text, html = parts(reparsed(render_digest(digest(item(check=check, before=None)), store, SENDER, now=NOW)))
    assert says in " ".join(text.split()) and says in " ".join(html.split())


def test_a_later_page_that_now_ends_above_the_element_shows_its_bottom_said_as_such(store):
    before = screenshot(store, buttons=(BUTTON,))
    shorter = screenshot(store, colour=(240, 240, 240), height=900)
    message = reparsed(render_digest(digest(item(before=picture(before), after=picture(shorter, days_ago=0))),
                                     store, SENDER, now=NOW))
    assert sum(1 for p in message.walk() if p.get_content_type() == "image/jpeg") == 2
    assert ("Après (visite du 14 mars 2026 à 10 h 00, heure de Paris) : le bas de la page « connexion », qui s’arrête désormais plus haut "
            "que l’endroit où était l’élément") in message.get_body(("html",)).get_content()


def test_dashboard_links_are_there_when_its_address_is_known_and_absent_otherwise(store):
    text, html = parts(reparsed(render_digest(digest(item(links=DASHBOARD)), store, SENDER, now=NOW)))
    assert "La démarche sur le tableau de bord : https://veilleur.example/services/carte-grise" in text
    assert ("La preuve : l’élément sur la capture de la visite précédente : "
            "https://veilleur.example/preuves/31/1.png") in text
    assert "La page lors de la dernière visite : https://veilleur.example/services/carte-grise/pages/52" in text
    assert 'href="https://veilleur.example/incidents?ministere=interieur#incident-1"' in html
    text, html = parts(reparsed(render_digest(digest(item(links=None)), store, SENDER, now=NOW)))
    assert "tableau de bord" not in text and "veilleur.example/services" not in html


@pytest.mark.parametrize("check, before, after, step", [
    ("franceconnect", "franceconnect", "absent", "Remettez le bouton « S’identifier avec FranceConnect » sur la page « connexion »."),
    ("franceconnect", "franceconnect_plus", "franceconnect", "Rétablissez la connexion FranceConnect+"),
    ("jedonnemonavis", "present", "absent", "Remettez le bouton « Je donne mon avis » sur la page « connexion »"),
    ("non_digital_alternative", "present", "absent", "répondez en leur donnant l’adresse du guichet"),
    ("accessibility_statement", "partiellement", "absent", "Republiez la déclaration d’accessibilité"),
    ("availability", "ok", "timeout", "Vérifiez que le site répond (délai dépassé)"),
])
def test_each_new_incident_says_what_to_do_for_its_kind_of_regression(store, check, before, after, step):
    d = digest(item(check=check, before_status=before, after_status=after), item("recovered", 2))
    text, html = parts(reparsed(render_digest(d, store, SENDER, now=NOW)))
    flat = " ".join(text.split())
    assert flat.count("Que faire ?") == 1  # not for the recovery
    assert step in flat and step in " ".join(html.split())
    assert "en citant le numéro de l’incident" in flat


def test_site_values_are_escaped_in_html_and_hostile_urls_are_not_links(store):
    hostile = item(service_name='<script>alert("x")</script> & Cie', change="<img src=x onerror=alert(1)>",
                   pages=(PageRef("javascript:alert(document.cookie)", "login"),), report_url="data:text/html,<b>x</b>")
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
    with pytest.raises(ValueError, match="adresse d’expéditeur"):
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


def _reddish(image: Image.Image) -> int:
    return sum(1 for r, g, b in image.convert("RGB").getdata() if r > 180 and g < 80 and b < 80)


def test_the_after_crop_marks_the_place_and_never_frames_what_replaced_the_element_in_red(store):
    before = screenshot(store, buttons=(BUTTON,))
    # The button's place now holds something else (a heading, here a blue block): not the culprit.
    after = screenshot(store, buttons=(BUTTON,), colour=(255, 255, 255))
    message = reparsed(render_digest(digest(item(before=picture(before), after=picture(after, days_ago=0))),
                                     store, SENDER, now=NOW))
    crops = {p.get_filename(): p.get_content() for p in message.walk() if p.get_content_type() == "image/jpeg"}
    with Image.open(io.BytesIO(crops["incident-1-avant.jpg"])) as image:
        assert _reddish(image) > 100  # the element at fault, framed in red
    with Image.open(io.BytesIO(crops["incident-1-apres.jpg"])) as image:
        assert _reddish(image) == 0


def test_a_digest_that_asks_for_an_answer_has_a_reply_to_when_one_is_configured(store):
    answered = reparsed(render_digest(digest(), store, SENDER, now=NOW, reply_to="observatoire@numerique.example"))
    assert "répondez à ce message" in answered.get_body(("plain",)).get_content()
    assert answered["Reply-To"] == "observatoire@numerique.example"
    assert reparsed(render_digest(digest(), store, SENDER, now=NOW))["Reply-To"] is None
