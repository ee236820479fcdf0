"""Every command option that takes a number refuses one out of its bounds (foundation/limits.py)
with one French line naming the option and its limits, exit 2, before anything is done: no
campaign started, no traceback of an overflow deep in the database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from storage.db import open_database
from storage.schema import Campaign
from veilleur.cli import cli

HUGE = "100000000000000000000000000000"


@pytest.mark.parametrize("args, message", [
    (["run", "--concurrency", HUGE], "option --concurrency : doit être un nombre entier entre 1 et 64"),
    (["run", "--concurrency", "-6"], "option --concurrency : doit être un nombre entier entre 1 et 64, reçu -6"),
    (["run", "--max-pages", "11"], "option --max-pages : doit être un nombre entier entre 0 et 10, reçu 11"),
    (["run", "--page-timeout", "1e400"], "option --page-timeout : doit être entre 0,5 et 600 secondes"),
    (["run", "--page-timeout", "nan"], "option --page-timeout : doit être entre 0,5 et 600 secondes"),
    (["mail", "list", "--limit", HUGE], "option --limit : doit être un nombre entier entre 1 et 100\u202f000"),
    (["mail", "list", "--limit", "0"], "option --limit : doit être un nombre entier entre 1 et 100\u202f000, reçu 0"),
    (["report", "--campaign", HUGE], "option --campaign : doit être un nombre entier entre 1 et 2\u202f147\u202f483\u202f647"),
    (["evidence", "export", "--service", "s", "--run", "-1"], "option --run : doit être un nombre entier entre 1 et"),
    (["evidence", "prune", "--keep-quarters", HUGE], "option --keep-quarters : doit être un nombre entier entre 1 et 400"),
    (["reference", "set", "--quarter", "2026Q4", "--service", "s", "--run", HUGE], "option --run : doit être"),
    (["proposals", "accept", HUGE], "argument NUMÉRO : doit être un nombre entier entre 1 et"),
    (["proposals", "accept", "1", "--annual-volume", HUGE],
     "option --annual-volume : doit être un nombre entier entre 0 et 10\u202f000\u202f000\u202f000"),
    (["proposals", "accept", "1", "--annual-volume", "-5"], "entre 0 et 10\u202f000\u202f000\u202f000, reçu -5"),
    (["worker", "--concurrency", "0"], "option --concurrency : doit être un nombre entier entre 1 et 64, reçu 0"),
])
def test_an_option_out_of_its_bounds_is_one_french_line_and_exit_2_with_nothing_done(env_data_dir, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("veilleur : erreur :")]
    assert message in line and "Traceback" not in result.output
    if (env_data_dir / "veilleur.db").exists():
        db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
        with db.sessions() as session:
            assert list(session.scalars(select(Campaign))) == []
        db.close()


def test_a_huge_number_with_a_hundred_digits_is_cut_in_the_message(env_data_dir):
    result = CliRunner().invoke(cli, ["mail", "list", "--limit", "9" * 100])
    assert result.exit_code == 2
    assert "reçu 99999999999999999999… (100 chiffres)" in result.output


@pytest.mark.parametrize("variable, value, message", [
    ("VEILLEUR_CONCURRENCY", HUGE, "VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « 100000000000000000000000000000 »"),
    ("VEILLEUR_CONCURRENCY", "inf", "VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « inf »"),
    ("VEILLEUR_MAX_KEY_PAGES", "50", "VEILLEUR_MAX_KEY_PAGES : nombre entier attendu entre 0 et 10, reçu « 50 »"),
])
def test_a_variable_out_of_the_bounds_of_its_option_is_refused_the_same_way(env_data_dir, monkeypatch, variable, value,
                                                                            message):
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
