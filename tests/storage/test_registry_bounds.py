"""Registry files (YAML and CSV) refuse the numbers and addresses their columns cannot hold or must
not show: an annual volume past 10^10 or below 0, an address carrying a user name and password.
`registry import --dry-run` and the real import say the same French error naming the file, the
line and the field (exit 2), and nothing is stored; the largest volume allowed is stored as it is."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from foundation import limits
from storage.registry import import_registry
from storage.schema import Service
from veilleur.cli import cli

HUGE = "100000000000000000000000000000"
# As written in the message: thousands apart by narrow no-break spaces.
LIMITS = "entre 0 et 10\u202f000\u202f000\u202f000"


def _yaml(volume: str = "12000000", url: str = "https://immatriculation.example/") -> str:
    return f"""\
ministries:
  - id: interieur
    name: Ministère de l’Intérieur
services:
  - id: carte-grise
    name: Demander une carte grise
    ministry: interieur
    url: {url}
    annual_volume: {volume}
"""


def _csv(volume: str = "12000000", url: str = "https://immatriculation.example/") -> str:
    return ("id,name,ministry,ministry_name,url,annual_volume\n"
            f'carte-grise,Demander une carte grise,interieur,Ministère de l’Intérieur,{url},"{volume}"\n')


CASES = [
    ("yaml", _yaml(volume=HUGE), "r.yaml:9 : démarche n° 1, champ « annual_volume »", LIMITS),
    ("yaml", _yaml(volume="-5"), "r.yaml:9 : démarche n° 1, champ « annual_volume »", LIMITS + ", reçu -5"),
    ("yaml", _yaml(url="http://user:secret@immatriculation.example/"), "r.yaml:8 : démarche n° 1, champ « url »",
     "ni identifiant ni mot de passe"),
    ("csv", _csv(volume=HUGE), "r.csv:2 : ligne 2, champ « annual_volume »", LIMITS),
    ("csv", _csv(volume="-1 000"), "r.csv:2 : ligne 2, champ « annual_volume »", "reçu -1000"),
    ("csv", _csv(url="https://agent:motdepasse@immatriculation.example/"), "r.csv:2 : ligne 2, champ « url »",
     "ni identifiant ni mot de passe"),
]


def _services(env_data_dir) -> list[str]:
    from storage.db import open_database

    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    try:
        with db.sessions() as session:
            return list(session.scalars(select(Service.id)))
    finally:
        db.close()


@pytest.mark.parametrize("kind, content, where, message", CASES)
def test_a_number_or_address_out_of_bounds_is_refused_by_the_dry_run_and_the_import_alike(
        tmp_path, env_data_dir, kind, content, where, message):
    path = tmp_path / f"r.{kind}"
    path.write_text(content, encoding="utf-8")
    runner = CliRunner()
    for args in (["registry", "import", "--dry-run", str(path)], ["registry", "import", str(path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert where in result.output and message in result.output, result.output
        assert "Traceback" not in result.output and "secret" not in result.output and "motdepasse" not in result.output
    assert _services(env_data_dir) == []


def test_the_largest_annual_volume_allowed_is_stored_as_it_is(db, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(_yaml(volume="10 000 000 000"), encoding="utf-8")
    with db.sessions() as session:
        import_registry(session, path)
        assert session.get(Service, "carte-grise").annual_volume == limits.ANNUAL_VOLUME.maximum


def test_registry_list_never_prints_the_password_of_an_address_stored_before_it_was_refused(env_data_dir, tmp_path):
    from storage.db import open_database

    path = tmp_path / "r.yaml"
    path.write_text(_yaml(), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["registry", "import", str(path)]).exit_code == 0
    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        session.get(Service, "carte-grise").url = "http://user:secret@immatriculation.example/"
        session.commit()
    db.close()
    listed = runner.invoke(cli, ["registry", "list"])
    assert listed.exit_code == 0
    assert "secret" not in listed.output and "***@immatriculation.example" in listed.output
