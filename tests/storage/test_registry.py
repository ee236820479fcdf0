"""The registry: import from YAML and CSV, validation before any write, upserts, eligibility."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from storage.eligibility import eligibility
from storage.schema import Ministry, Service
from storage.registry import import_registry, list_services, service_eligibility
from foundation.errors import InputError

REGISTRY = """\
ministries:
  - id: interieur
    name: Ministère de l’Intérieur
    contacts: [qualite-numerique@interieur.example]
services:
  - id: carte-grise
    name: Demander une carte grise
    ministry: interieur
    administration: ANTS
    url: https://immatriculation.example/
    annual_volume: 12000000
    financial_aid: false
    life_events: []
    pnu: true
    contacts: [ants@interieur.example]
  - id: petite-demarche
    name: Une petite démarche
    ministry: interieur
    url: http://petite.example/
    annual_volume: 1500
"""


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path


def services(db) -> dict[str, Service]:
    with db.sessions() as session:
        return {s.id: s for s in session.scalars(select(Service))}


def test_yaml_import_creates_ministries_and_services(db, tmp_path):
    with db.sessions() as session:
        summary = import_registry(session, write(tmp_path, "r.yaml", REGISTRY))
    assert (summary.services_added, summary.ministries_added) == (2, 1)
    stored = services(db)
    assert stored["carte-grise"].administration == "ANTS"
    assert stored["carte-grise"].contacts == ["ants@interieur.example"]
    assert stored["petite-demarche"].financial_aid is False


def test_reimport_updates_in_place_and_keeps_services_missing_from_the_file(db, tmp_path):
    with db.sessions() as session:
        import_registry(session, write(tmp_path, "r.yaml", REGISTRY))
    smaller = REGISTRY.replace("Demander une carte grise", "Carte grise (nouveau nom)").split("  - id: petite-demarche")[0]
    with db.sessions() as session:
        summary = import_registry(session, write(tmp_path, "r2.yaml", smaller))
    assert (summary.services_added, summary.services_updated) == (0, 1)
    stored = services(db)
    assert stored["carte-grise"].name == "Carte grise (nouveau nom)"
    assert stored["petite-demarche"].active  # not in the file, not deleted


def test_prune_retires_missing_services_but_keeps_their_rows(db, tmp_path):
    with db.sessions() as session:
        import_registry(session, write(tmp_path, "r.yaml", REGISTRY))
    smaller = REGISTRY.split("  - id: petite-demarche")[0]
    with db.sessions() as session:
        summary = import_registry(session, write(tmp_path, "r2.yaml", smaller), prune=True)
    assert summary.services_retired == 1
    assert services(db)["petite-demarche"].active is False
    with db.sessions() as session:
        assert [s.id for s in list_services(session)] == ["carte-grise"]


@pytest.mark.parametrize("old,new,expected", [
    ("url: http://petite.example/", "url: ftp://petite.example/", "r.yaml:19 : démarche n° 2, champ « url » : doit être une adresse http(s)"),
    ("annual_volume: 1500", "annual_volume: beaucoup", "r.yaml:20 : démarche n° 2, champ « annual_volume » : attendu : un nombre entier ; reçu « beaucoup »"),
    ("  - id: petite-demarche", "  - id: carte-grise", "r.yaml:16 : démarche, champ « id » : identifiant « carte-grise » en double (déjà ligne 6)"),
    ("    ministry: interieur\n    url: http://petite", "    ministry: culture\n    url: http://petite", "r.yaml:16 : démarche « petite-demarche », champ « ministry » : ministère inconnu « culture »"),
    ("life_events: []", "life_events: [vacances]", "r.yaml:13 : démarche n° 1, champ « life_events » : moment de vie inconnu : « vacances »"),
    ("financial_aid: false", "financial_aid: peut-être", "r.yaml:12 : démarche n° 1, champ « financial_aid » : attendu : oui ou non"),
    ("    pnu: true\n", "    pnu: true\n    couleur: bleu\n", "r.yaml:15 : démarche n° 1, champ « couleur » : champ inconnu"),
    ("  - id: petite-demarche\n    name: Une petite démarche\n", "  - id: petite-demarche\n", "r.yaml:16 : démarche n° 2, champ « name » : champ obligatoire absent"),
])
def test_an_invalid_yaml_file_names_file_line_and_field_and_changes_nothing(db, tmp_path, old, new, expected):
    with db.sessions() as session:
        import_registry(session, write(tmp_path, "first.yaml", REGISTRY))
    before = {sid: (s.name, s.url) for sid, s in services(db).items()}
    bad = REGISTRY.replace(old, new).replace("Demander une carte grise", "Nom changé")
    assert bad != REGISTRY
    with db.sessions() as session, pytest.raises(InputError) as error:
        import_registry(session, write(tmp_path, "r.yaml", bad))
    assert str(error.value).startswith(str(tmp_path / expected.split(":", 1)[0]) + ":" + expected.split(":", 1)[1])
    assert {sid: (s.name, s.url) for sid, s in services(db).items()} == before


def test_broken_yaml_syntax_is_reported_with_its_line(tmp_path, db):
    path = write(tmp_path, "r.yaml", "services:\n  - id: a\n    name: [unclosed\n")
    with db.sessions() as session, pytest.raises(InputError, match=r"r\.yaml:\d+ : YAML invalide"):
        import_registry(session, path)


CSV = """\
id,name,ministry,ministry_name,administration,url,annual_volume,financial_aid,life_events,pnu,contacts
caf-logement,Aide au logement,solidarites,Ministère des Solidarités,CAF,https://caf.example/,6000000,oui,demenagement;naissance,true,a@caf.example;b@caf.example
bourse,Bourse sur critères sociaux,solidarites,,CROUS,https://bourse.example/,,true,,false,
"""


def test_csv_import_with_lists_separated_by_semicolons(db, tmp_path):
    with db.sessions() as session:
        summary = import_registry(session, write(tmp_path, "r.csv", CSV))
    assert summary.services_added == 2 and summary.ministries_added == 1
    stored = services(db)
    assert stored["caf-logement"].life_events == ["demenagement", "naissance"]
    assert stored["caf-logement"].contacts == ["a@caf.example", "b@caf.example"]
    assert stored["bourse"].annual_volume is None and stored["bourse"].financial_aid is True
    with db.sessions() as session:
        assert session.get(Ministry, "solidarites").name == "Ministère des Solidarités"


def test_an_invalid_csv_row_is_named_by_row_and_column(db, tmp_path):
    bad = CSV.replace("https://bourse.example/", "bourse.example")
    with db.sessions() as session, pytest.raises(InputError, match=r"r\.csv:3 : ligne 3, champ « url » : doit être une adresse http\(s\)"):
        import_registry(session, write(tmp_path, "r.csv", bad))
    assert services(db) == {}


@pytest.mark.parametrize("volume,aid,events,pnu,eligible", [
    (200_001, False, [], False, True),
    (200_000, False, [], False, False),
    (None, True, [], False, True),
    (10, False, ["deces"], False, True),
    (10, False, [], True, True),
    (None, False, [], False, False),
])
def test_vdne_eligibility_is_any_of_the_four_criteria(volume, aid, events, pnu, eligible):
    assert eligibility(volume, aid, events, pnu).eligible is eligible


def test_eligibility_of_stored_services(db, tmp_path):
    with db.sessions() as session:
        import_registry(session, write(tmp_path, "r.yaml", REGISTRY))
        listed = {s.id: service_eligibility(s) for s in list_services(session)}
    assert listed["carte-grise"].reasons == ("volume > 200 000/an", "Portail Numérique Unique")
    assert not listed["petite-demarche"].eligible


def veilleur(*args, env):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_import_and_list(tmp_path, env_data_dir):
    import os

    env = dict(os.environ)
    done = veilleur("registry", "import", str(write(tmp_path, "r.yaml", REGISTRY)), env=env)
    assert done.returncode == 0, done.stderr
    assert "2 démarches ajoutées" in done.stdout
    listing = veilleur("registry", "list", env=env)
    assert "carte-grise" in listing.stdout and "Portail Numérique Unique" in listing.stdout


@pytest.mark.parametrize("args,message", [
    (["registry", "import", "missing.yaml"], "missing.yaml : fichier introuvable"),
    (["registry", "import", "r.txt"], "format de registre inconnu"),
    (["run", "--concurrency", "zero"], "option --concurrency : attendu un nombre entier, reçu « zero »"),
    (["run", "--service", "nope"], "--service nope : aucune démarche active"),
    (["probe", "ftp://x.example/"], "doit être une adresse http(s)"),
    (["frobnicate"], "commande inconnue : frobnicate"),
])
def test_bad_input_gets_one_line_and_exit_code_2(tmp_path, env_data_dir, args, message):
    import os

    (tmp_path / "r.txt").write_text("x")
    done = subprocess.run([sys.executable, "-m", "veilleur.cli", *args], capture_output=True, text=True,
                          env=dict(os.environ), cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("veilleur : erreur :") and message in lines[0], done.stderr
