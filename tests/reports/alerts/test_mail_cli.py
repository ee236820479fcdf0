"""`veilleur mail send` and `veilleur mail list`, as an operator or a cron job runs them."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys

from reports.alerts.digests import render_digest
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.outbox import enqueue
from tests.support.mail_samples import SENDER, digest
from tests.support.smtp_server import smtp_server  # noqa: F401  (fixture)


def veilleur(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], capture_output=True, text=True,
                          env=dict(os.environ, **env), timeout=120)


def queue_one(data_dir, tmp_path) -> int:
    db = open_database(f"sqlite:///{data_dir / 'veilleur.db'}")
    try:
        with db.sessions() as session, session.begin():
            message = render_digest(digest(), EvidenceStore(tmp_path / "evidence"), SENDER)
            return enqueue(session, message, "digest", None, "digest:cli")
    finally:
        db.close()


def test_mail_send_without_smtp_writes_the_outbox_and_mail_list_shows_it_sent(env_data_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("VEILLEUR_SMTP_URL", raising=False)
    queue_one(env_data_dir, tmp_path)
    done = veilleur("mail", "send")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("courriels : 1 envoyé, 0 en échec (boîte d’envoi ") and "0 en file" in done.stdout
    [eml] = (env_data_dir / "outbox").glob("*.eml")
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert parsed.get_body(("plain",)) is not None and parsed.get_body(("html",)) is not None

    listed = veilleur("mail", "list", "--status", "sent")
    assert listed.returncode == 0, listed.stderr
    assert "envoyé" in listed.stdout and "Ministère de l’Intérieur" in listed.stdout
    assert "qualite-numerique@interieur.example" in listed.stdout
    assert "courriels : aucun en file" in veilleur("mail", "list", "--status", "queued").stdout


def test_mail_send_with_smtp_down_exits_1_and_the_message_stays_queued(env_data_dir, tmp_path, smtp_server):
    queue_one(env_data_dir, tmp_path)
    smtp_server.stop()
    done = veilleur("mail", "send", VEILLEUR_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    assert done.returncode == 1
    assert "0 envoyé, 1 en échec" in done.stdout and "1 en file, prochain essai le" in done.stdout
    assert "Connection refused" in done.stderr and "prochain essai le" in done.stderr
    listed = veilleur("mail", "list", "--status", "queued")
    assert "en file" in listed.stdout and "Connection refused" in listed.stdout

    smtp_server.start()
    # The message waits for its backoff: a second run right away sends nothing and fails nothing.
    again = veilleur("mail", "send", VEILLEUR_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    assert again.returncode == 0 and again.stdout.startswith("courriels : 0 envoyé, 0 en échec")
    assert smtp_server.received == []


def test_a_bad_smtp_url_is_a_one_line_error_with_exit_code_2(env_data_dir):
    done = veilleur("mail", "send", VEILLEUR_SMTP_URL="smtp://user:hunter2@relay.example?starttls=perhaps")
    assert done.returncode == 2
    assert done.stderr.startswith("veilleur : erreur : VEILLEUR_SMTP_URL : starttls : 1 ou 0 attendu, reçu « smtp://user:***@")
    assert "hunter2" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
