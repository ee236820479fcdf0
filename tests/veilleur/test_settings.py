"""One configuration: every VEILLEUR_ variable is declared once (foundation/settings.py), read once by
the shell, and a bad value stops the command with one French line naming the variable (exit code 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from foundation.settings import AlertsSection, ProbeSection, Settings, StorageSection
from probes.settings import ProbeSettings, probe_settings
from veilleur.cli import cli
from veilleur.settings import read_settings


def run(*args: str, **env: str):
    return CliRunner().invoke(cli, list(args), env=env)


# One bad value per kind of value: the variable, what was expected (with its limit), what was received.
BAD = [
    ("VEILLEUR_CONCURRENCY", "abc", "VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « abc »"),
    ("VEILLEUR_MAX_KEY_PAGES", "11", "VEILLEUR_MAX_KEY_PAGES : nombre entier attendu entre 0 et 10, reçu « 11 »"),
    ("VEILLEUR_PAGE_TIMEOUT", "-3", "VEILLEUR_PAGE_TIMEOUT : nombre attendu supérieur à 0, reçu « -3 »"),
    ("VEILLEUR_HOST_DELAY", "vite", "VEILLEUR_HOST_DELAY : nombre attendu au moins 0, reçu « vite »"),
    ("VEILLEUR_ALERT_MASS_SHARE", "1,5", "VEILLEUR_ALERT_MASS_SHARE : nombre attendu entre 0 et 1, reçu « 1,5 »"),
    ("VEILLEUR_MOBILE", "peut-être", "VEILLEUR_MOBILE : 1 ou 0 attendu (ou true/false, yes/no, oui/non), "
                                     "reçu « peut-être »"),
    ("VEILLEUR_AXE_RULES", "wcag", "VEILLEUR_AXE_RULES : une valeur parmi all, rgaa attendue, reçu « wcag »"),
    ("VEILLEUR_PUBLIC_URL", "veilleur.gouv.fr", "VEILLEUR_PUBLIC_URL : adresse http(s) attendue, comme "
                                                "https://veilleur.exemple.gouv.fr, reçu « veilleur.gouv.fr »"),
    ("VEILLEUR_MAIL_FROM", "Veilleur", "VEILLEUR_MAIL_FROM : adresse d'expéditeur attendue"),
    ("VEILLEUR_OPERATOR_EMAIL", "astreinte", "VEILLEUR_OPERATOR_EMAIL : adresses électroniques attendues"),
]


@pytest.mark.parametrize("variable, value, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_stops_any_command_with_one_french_line_naming_the_variable(variable, value, message,
                                                                                 env_data_dir):
    done = run("status", **{variable: value})
    assert done.exit_code == 2
    assert done.stderr.startswith(f"veilleur : erreur : {message}"), done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert not env_data_dir.exists()  # refused before anything was opened or created


def test_at_the_command_line_too_a_bad_value_is_one_line_and_exit_code_2(tmp_path):
    env = dict(os.environ, VEILLEUR_DATA_DIR=str(tmp_path / "data"), VEILLEUR_SERVICE_BUDGET="0")
    done = subprocess.run([sys.executable, "-m", "veilleur.cli", "status"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "veilleur : erreur : VEILLEUR_SERVICE_BUDGET : nombre attendu supérieur à 0, reçu « 0 »\n"


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(Exception) as raised:
        read_settings({"VEILLEUR_CONCURRENCY": "0", "VEILLEUR_ALERT_CONFIRM_RUNS": "deux"})
    assert "VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « 0 »" in str(raised.value)
    assert "VEILLEUR_ALERT_CONFIRM_RUNS : nombre entier attendu entre 1 et 100, reçu « deux »" in str(raised.value)


def test_unset_or_empty_variables_give_the_declared_defaults():
    assert read_settings({}) == Settings()
    assert read_settings({name: "" for name in Settings.variables()}) == Settings()
    defaults = probe_settings(read_settings({}).probe)
    assert (defaults.page_timeout_s, defaults.max_key_pages, defaults.axe_rules) == (
        ProbeSettings.page_timeout_s, ProbeSettings.max_key_pages, ProbeSettings.axe_rules)


def test_values_are_read_into_their_sections_and_a_command_option_wins_over_the_variable():
    settings = read_settings({"VEILLEUR_PAGE_TIMEOUT": "7,5", "VEILLEUR_MOBILE": "non", "VEILLEUR_CONCURRENCY": "4",
                              "VEILLEUR_OPERATOR_EMAIL": "a@x.fr, b@x.fr", "VEILLEUR_PUBLIC_URL": "https://v.fr/",
                              "VEILLEUR_DATA_DIR": "/srv/veilleur", "VEILLEUR_AXE_RULES": "RGAA"})
    assert settings.probe == ProbeSection(page_timeout=7.5, mobile=False, concurrency=4, axe_rules="rgaa")
    assert settings.alerts == AlertsSection(operator_email=("a@x.fr", "b@x.fr"), public_url="https://v.fr")
    assert settings.storage == StorageSection(data_dir=Path("/srv/veilleur"))
    probing = probe_settings(settings.probe, concurrency=2)
    assert (probing.page_timeout_s, probing.concurrency, probing.mobile) == (7.5, 2, False)


def test_variables_outside_tools_rely_on_keep_their_names_and_defaults():
    # ../shared/DESIGN.md, "Environment variables": an operator's files name these.
    variables = Settings.variables()
    for name in ("VEILLEUR_DATA_DIR", "VEILLEUR_DATABASE_URL", "VEILLEUR_SMTP_URL", "VEILLEUR_MAIL_FROM",
                 "VEILLEUR_CHROMIUM", "VEILLEUR_BROKER_URL", "VEILLEUR_EVIDENCE_URL", "VEILLEUR_SIGNING_KEY",
                 "VEILLEUR_PUBLIC_URL"):
        assert name in variables
    settings = Settings()
    assert settings.storage.data_dir == Path("./veilleur-data") and settings.storage.database_url is None
    assert settings.mail.mail_from == "veilleur@localhost" and settings.mail.smtp_url is None
    assert settings.broker.broker_url is None and settings.alerts.public_url is None


def test_a_misspelt_setting_built_by_hand_is_refused():
    with pytest.raises(ValueError):
        ProbeSection(page_timout=3)


def test_the_demo_runs_on_settings_of_its_own_made_from_the_commands(tmp_path):
    from veilleur.demo.run import DASHBOARD_URL, demo_settings

    given = read_settings({"VEILLEUR_DATA_DIR": str(tmp_path), "VEILLEUR_SMTP_URL": "smtp://relay.example",
                           "VEILLEUR_DATABASE_URL": "postgresql+psycopg://prod/veilleur",
                           "VEILLEUR_MAIL_FROM": "veilleur@exemple.gouv.fr", "VEILLEUR_SIGNING_KEY": "clé"})
    demo = demo_settings(given)
    # Its own data dir, database and outbox: never the monitoring's data, never a real SMTP server.
    assert demo.storage == StorageSection(data_dir=tmp_path / "demo")
    assert demo.mail.smtp_url is None and demo.mail.mail_from == "veilleur@exemple.gouv.fr"
    assert demo.alerts.public_url == DASHBOARD_URL and demo.probe.page_timeout == 10
    assert demo.evidence == given.evidence
    assert os.environ.get("VEILLEUR_DATA_DIR") != str(tmp_path / "demo")  # the environment is left alone
    named = demo_settings(read_settings({"VEILLEUR_PUBLIC_URL": "https://veilleur.exemple.gouv.fr",
                                         "VEILLEUR_PAGE_TIMEOUT": "30"}))
    assert named.alerts.public_url == "https://veilleur.exemple.gouv.fr" and named.probe.page_timeout == 30
