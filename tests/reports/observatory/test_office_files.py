"""Files the way French offices make them (issue 16): specifications on real files.

A registry saved by French Excel (`;` between columns, Windows-1252 or UTF-8 with BOM), the same
values read the same in YAML and CSV (`450 000`, `oui`, `Décès`), every mistake of a file reported
in one run, `registry import --dry-run`, and `export --excel` that French Excel opens as columns.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from foundation.errors import InputError, InputErrors
from reports.observatory.exports import columns
from storage.db import open_database
from storage.declared_import import import_declared
from storage.registry import import_registry
from storage.satisfaction_import import import_satisfaction
from storage.schema import DeclaredIndicator, Ministry, SatisfactionScore, Service
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen

NNBSP, NBSP = "\u202f", "\u00a0"

# A registry as French Excel saves it: `;` between columns, CRLF, a no-break space between
# thousands, list items separated by commas, yes and no in French, life events as written.
EXCEL_REGISTRY_ROWS = [
    "id;name;ministry;ministry_name;administration;url;annual_volume;financial_aid;life_events;pnu;contacts",
    f"caf-logement;Aide au logement;solidarites;Ministère des Solidarités;CAF;https://caf.example/;6{NBSP}000{NBSP}000;"
    "Oui;Déménagement, Naissance;VRAI;a@caf.example, b@caf.example",
    "bourse;Bourse sur critères sociaux;solidarites;;CROUS;https://bourse.example/;450 000;non;;faux;",
]


def excel_registry() -> str:
    return "\r\n".join(EXCEL_REGISTRY_ROWS) + "\r\n"


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], capture_output=True, text=True,
                          env=dict(os.environ), cwd=cwd, timeout=120)


SERVICE_FIELDS = ("name", "ministry_id", "administration", "url", "annual_volume", "financial_aid", "life_events",
                  "pnu", "contacts", "has_account", "fc_level_required", "jdma_demarche_id", "active")


def stored(data_dir) -> tuple[dict[str, dict], dict[str, str]]:
    """The services (id → fields) and ministries (id → name) in the CLI's database."""
    db = open_database(f"sqlite:///{data_dir / 'veilleur.db'}")
    try:
        with db.sessions() as session:
            services = {s.id: {f: getattr(s, f) for f in SERVICE_FIELDS} for s in session.scalars(select(Service))}
            ministries = {m.id: m.name for m in session.scalars(select(Ministry))}
    finally:
        db.close()
    return services, ministries


def test_a_registry_saved_by_french_excel_in_windows_1252_is_refused_with_the_advice_then_imported_as_csv_utf8(
    tmp_path, env_data_dir,
):
    path = tmp_path / "services.csv"
    path.write_bytes(excel_registry().encode("cp1252"))  # "CSV (séparateur : point-virgule)"
    refused = run_cli("registry", "import", str(path))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"veilleur : erreur : {path} : n’est pas en UTF-8 (octet 0xe8 ligne 2) : enregistrez-le en « CSV UTF-8 » "
        "depuis Excel (Fichier › Enregistrer sous › « CSV UTF-8 (délimité par des virgules) »), "
        "ou en UTF-8 depuis LibreOffice"
    ]
    assert stored(env_data_dir) == ({}, {})

    path.write_bytes(excel_registry().encode("utf-8-sig"))  # "CSV UTF-8 (délimité par des virgules)"
    done = run_cli("registry", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"{path} : 2 démarches ajoutées, 0 démarche mise à jour, 0 démarche retirée ; "
                           "1 ministère ajouté, 0 ministère mis à jour\n")
    services, ministries = stored(env_data_dir)
    assert ministries == {"solidarites": "Ministère des Solidarités"}
    caf, bourse = services["caf-logement"], services["bourse"]
    assert (caf["annual_volume"], caf["financial_aid"], caf["pnu"]) == (6_000_000, True, True)
    assert caf["life_events"] == ["demenagement", "naissance"]
    assert caf["contacts"] == ["a@caf.example", "b@caf.example"]
    assert (bourse["name"], bourse["annual_volume"], bourse["financial_aid"], bourse["pnu"]) == (
        "Bourse sur critères sociaux", 450_000, False, False)



def write(tmp_path, name: str, content: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(content), encoding=encoding)
    return path


def services_of(db) -> dict[str, tuple]:
    with db.sessions() as session:
        return {s.id: tuple(getattr(s, f) for f in SERVICE_FIELDS) for s in session.scalars(select(Service))}


YAML_REGISTRY = f"""\
ministries:
  - id: interieur
    name: Ministère de l’Intérieur
services:
  - id: pre-plainte
    name: Pré-plainte en ligne
    ministry: interieur
    url: https://pre-plainte.example/
    annual_volume: "450 000"
    financial_aid: Non
    life_events: [décès, Déménagement]
    pnu: oui
    has_account: faux
  - id: procuration
    name: Procuration de vote
    ministry: interieur
    url: https://procuration.example/
    annual_volume: "1{NNBSP}200{NNBSP}000"
    life_events: Je perds un proche
    pnu: VRAI
    contacts: a@interieur.example; b@interieur.example
"""

CSV_REGISTRY = f"""\
id;name;ministry;url;annual_volume;financial_aid;life_events;pnu;has_account;contacts
pre-plainte;Pré-plainte en ligne;interieur;https://pre-plainte.example/;450 000;non;"décès;Déménagement";oui;0;
procuration;Procuration de vote;interieur;https://procuration.example/;1{NNBSP}200{NNBSP}000;;deces;1;;a@interieur.example, b@interieur.example
"""


def test_yaml_reads_numbers_with_spaces_french_yes_and_no_and_life_events_as_written_like_the_csv(db, tmp_path):
    with db.sessions() as session:
        import_registry(session, write(tmp_path, "r.yaml", YAML_REGISTRY))
    from_yaml = services_of(db)
    assert from_yaml["pre-plainte"][4:10] == (450_000, False, ["deces", "demenagement"], True, [], False)
    assert from_yaml["procuration"][4:10] == (
        1_200_000, False, ["deces"], True, ["a@interieur.example", "b@interieur.example"], True)
    # The CSV equivalent, imported over it, changes nothing.
    with db.sessions() as session:
        summary = import_registry(session, write(tmp_path, "r.csv", CSV_REGISTRY))
    assert summary.changed == {"pre-plainte": (), "procuration": ()}
    assert services_of(db) == from_yaml


FIVE_MISTAKES = """\
id;name;ministry;url;annual_volume;financial_aid;life_events;pnu
carte-grise;Carte grise;interieur;https://cg.example/;12 000 000;non;;oui
passeport;Passeport;interieur;passeport.example;;non;;non
permis;Permis de conduire;interieur;https://permis.example/;beaucoup;non;;peut-être
naturalisation;Naturalisation;interieur;https://natu.example/;;non;vacances;non
cni;Carte d'identité;culture;https://cni.example/;;non;;non
"""


def test_a_csv_with_five_mistakes_reports_all_five_in_one_run_and_stores_nothing(tmp_path, env_data_dir):
    first = write(tmp_path, "first.yaml", "ministries:\n  - id: interieur\n    name: Intérieur\n")
    assert run_cli("registry", "import", str(first)).returncode == 0
    path = write(tmp_path, "services.csv", FIVE_MISTAKES)
    done = run_cli("registry", "import", str(path))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"veilleur : erreur : {path} : 5 erreurs, rien n’a été enregistré :",
        f"  {path}:3 : ligne 3, champ « url » : doit être une adresse http(s) avec un nom d’hôte ; reçu « passeport.example »",
        f"  {path}:4 : ligne 4, champ « annual_volume » : attendu : un nombre entier ; reçu « beaucoup »",
        f"  {path}:4 : ligne 4, champ « pnu » : attendu : oui ou non (ou vrai/faux, true/false, 1/0) ; reçu « peut-être »",
        f"  {path}:5 : ligne 5, champ « life_events » : moment de vie inconnu : « vacances » (connus : naissance, "
        "demenagement, deces, retraite, handicap, recherche-emploi, creation-entreprise, jeunesse, separation, "
        "perte-autonomie)",
        f"  {path}:6 : démarche « cni », champ « ministry » : ministère inconnu « culture » "
        "(donnez son nom dans une colonne « ministry_name », ou importez-le d’abord)",
    ]
    services, _ = stored(env_data_dir)
    assert services == {}  # carte-grise, the good row, is not imported either


def test_a_yaml_file_reports_every_mistake_with_its_line_in_yaml_words(db, tmp_path):
    bad = YAML_REGISTRY.replace("annual_volume: \"450 000\"", "annual_volume: \"450 000 environ\"") \
        .replace("pnu: oui", "pnu: peut-être").replace("ministry: interieur\n    url: https://procuration",
                                                        "ministry: culture\n    url: https://procuration") \
        .replace("contacts: a@interieur.example;", "contacts: a-interieur.example;") + "    couleur: bleu\n"
    path = write(tmp_path, "r.yaml", bad)
    with db.sessions() as session, pytest.raises(InputErrors) as raised:
        import_registry(session, path)
    assert raised.value.messages == [
        f"{path}:9 : démarche n° 1, champ « annual_volume » : attendu : un nombre entier ; reçu « 450 000 environ »",
        f"{path}:12 : démarche n° 1, champ « pnu » : attendu : oui ou non (ou vrai/faux, true/false, 1/0) ; reçu « peut-être »",
        f"{path}:14 : démarche « procuration », champ « ministry » : ministère inconnu « culture » "
        "(déclarez-le sous « ministries: » ou importez-le d’abord)",
        f"{path}:21 : démarche n° 2, champ « contacts » : « a-interieur.example » n’est pas une adresse électronique",
        f"{path}:22 : démarche n° 2, champ « couleur » : champ inconnu",
    ]
    assert services_of(db) == {}


def test_mistakes_beyond_twenty_are_counted_not_listed(db, tmp_path):
    rows = "".join(f"s{n};Service {n};m;ftp://s{n}.example/\n" for n in range(25))
    path = write(tmp_path, "r.csv", "id;name;ministry;ministry_name;url\n" + rows.replace(";m;", ";m;M;", 1))
    with db.sessions() as session, pytest.raises(InputError) as raised:
        import_registry(session, path)
    lines = str(raised.value).splitlines()
    assert lines[0] == f"{path} : 25 erreurs, rien n’a été enregistré :"
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "  … et 5 autres erreurs"
    assert lines[1].startswith(f"  {path}:2 : ligne 2, champ « url »") and lines[20].startswith(f"  {path}:21 : ligne 21")


def test_dry_run_says_what_the_import_would_do_and_stores_nothing(tmp_path, env_data_dir):
    first = write(tmp_path, "r.yaml", YAML_REGISTRY)
    assert run_cli("registry", "import", str(first)).returncode == 0
    before = stored(env_data_dir)
    # pre-plainte left out, procuration renamed and moved, vote-etranger new
    changed = YAML_REGISTRY.split("  - id: pre-plainte")[0] + "  - id: procuration" + YAML_REGISTRY.split(
        "  - id: procuration")[1].replace("Procuration de vote", "Procuration (nouveau nom)").replace(
        "https://procuration.example/", "https://maprocuration.example/") + (
        "  - id: vote-etranger\n    name: Voter depuis l’étranger\n    ministry: interieur\n"
        "    url: https://vote.example/\n")
    path = write(tmp_path, "r2.yaml", changed)
    done = run_cli("registry", "import", str(path), "--prune", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{path} : essai à blanc, rien n’a été enregistré ; l’import ajouterait 1 démarche, en mettrait à jour "
        "1 (0 sans changement), en retirerait 1 ; il ajouterait 0 ministère et en mettrait à jour 1",
        "  ajout de la démarche vote-etranger",
        "  mise à jour de la démarche procuration : name, url",
        "  retrait de la démarche pre-plainte",
    ]
    assert stored(env_data_dir) == before

    bad = write(tmp_path, "bad.yaml", changed.replace("https://vote.example/", "vote.example"))
    refused = run_cli("registry", "import", str(bad), "--dry-run")
    assert refused.returncode == 2 and "champ « url » : doit être une adresse http(s)" in refused.stderr
    assert stored(env_data_dir) == before


def seed_export(data_dir) -> None:
    db = open_database(f"sqlite:///{data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m", "Ministère de l’Économie")
        sc.service("a", administration="Impôts")
        sc.service("b")
        campaign = sc.campaign(at(2026, 11, 2))
        sc.run(campaign, "a", GOOD)  # readability 8.5
        sc.run(campaign, "b", seen(accessibility_statement=Seen("partiellement", {"rate": 74.5})), load_ms=950)
        session.commit()
    db.close()


def test_export_for_excel_has_a_bom_semicolons_and_decimal_commas(tmp_path, env_data_dir):
    seed_export(env_data_dir)
    out = tmp_path / "export.csv"
    done = run_cli("export", "--quarter", "2026Q4", "--format", "csv", "--excel", "--out", str(out))
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    # French titles, read back to the columns they stand for
    assert reader.fieldnames == [c.title for c in columns()]
    assert reader.fieldnames[:3] == ["Trimestre", "Identifiant de la démarche", "Démarche"]
    assert "Disponibilité du service : niveau" in reader.fieldnames
    names = {c.title: c.name for c in columns()}
    rows = {row["service_id"]: row for row in ({names[k]: v for k, v in r.items()} for r in reader)}
    a, b = rows["a"], rows["b"]
    assert (a["ministry_name"], a["administration"]) == ("Ministère de l’Économie", "Impôts")
    assert (a["readability_value"], a["handicap_value"], a["uptime_value"]) == ("8,5", "100", "100")
    # the level labels people read, not the codes
    assert (b["handicap_level"], b["handicap_value"], b["load_time_value"]) == ("Partiel", "74,5", "950")
    assert (a["uptime_level"], b["load_time_level"], a["satisfaction_level"]) == ("Optimal", "Faible", "À venir")
    assert a["authentication_evidence"].startswith("run=") and "; finding=" in a["authentication_evidence"]
    assert a["authentication_evidence"].endswith("url=https://x.example/connexion")  # URLs keep their dots

    plain = run_cli("export", "--quarter", "2026Q4", "--format", "csv")
    assert not plain.stdout.startswith("\ufeff")
    plain_rows = {row["service_id"]: row for row in csv.DictReader(io.StringIO(plain.stdout))}
    assert plain_rows["a"]["readability_value"] == "8.5"
    assert {k: v.replace(",", ".") for k, v in rows["b"].items() if k.endswith("_value")} == {
        k: v for k, v in plain_rows["b"].items() if k.endswith("_value")}

    to_stdout = subprocess.run([sys.executable, "-m", "veilleur.cli", "export", "--quarter", "2026Q4", "--excel"],
                               capture_output=True, env=dict(os.environ), timeout=120)
    assert to_stdout.returncode == 0 and to_stdout.stdout == raw
    json_excel = run_cli("export", "--quarter", "2026Q4", "--format", "json", "--excel")
    assert (json_excel.returncode, json_excel.stderr) == (2, "veilleur : erreur : --excel : seulement avec --format csv\n")


def imports_registry(db) -> None:
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        sc.service("carte-grise")
        session.commit()


def test_satisfaction_and_declared_imports_read_french_excel_files_and_refuse_windows_1252_with_the_advice(db, tmp_path):
    imports_registry(db)
    summary = f"démarche_id;trimestre;note;nombre d'avis\r\n4567;2026Q4;8,4;1{NBSP}250\r\n"
    path = tmp_path / "jdma.csv"
    path.write_bytes(summary.encode("cp1252"))
    with db.sessions() as session, pytest.raises(InputError, match=r"jdma\.csv : n’est pas en UTF-8 \(octet 0xe9 ligne 1\) : "
                                                                   r"enregistrez-le en « CSV UTF-8 » depuis Excel"):
        import_satisfaction(session, path)
    path.write_bytes(summary.encode("utf-8-sig"))
    with db.sessions() as session:
        import_satisfaction(session, path)
        assert [(s.demarche_id, s.score, s.reviews) for s in session.scalars(select(SatisfactionScore))] == [
            ("4567", 8.4, 1250)]

    declared = tmp_path / "declared.csv"
    declared.write_bytes(
        "service_id;quarter;realisable_en_ligne;taux_usage_numerique;source\r\n"
        "carte-grise;2026Q4;Oui;92,5 %;Déclaration ANTS\r\n".encode("utf-8-sig"))
    with db.sessions() as session:
        import_declared(session, declared)
        assert sorted((d.indicator, d.value, d.declared_by) for d in session.scalars(select(DeclaredIndicator))) == [
            ("digital_usage", "92.5", "Déclaration ANTS"), ("online", "oui", "Déclaration ANTS")]


def test_an_import_file_with_several_mistakes_reports_them_all_and_stores_nothing(db, tmp_path):
    imports_registry(db)
    declared = write(tmp_path, "declared.csv", """\
        service_id;quarter;realisable_en_ligne;dites_le_nous_une_fois
        carte-grise;2026Q4;oui;8
        inconnu;2026Q4;oui;8
        carte-grise;2026Q9;peut-être;11
        """)
    with db.sessions() as session, pytest.raises(InputErrors) as raised:
        import_declared(session, declared)
    assert raised.value.messages == [
        f"{declared} : ligne 3, colonne « service_id » : la démarche « inconnu » n’est pas au registre",
        f"{declared} : ligne 4, colonne « quarter » : trimestre « 2026Q9 » : attendu sous la forme `2026Q4` (année, Q, "
        "numéro du trimestre de 1 à 4)",
        f"{declared} : ligne 4, colonne « realisable_en_ligne » : attendu : oui, partiel ou non ; reçu « peut-être »",
        f"{declared} : ligne 4, colonne « dites_le_nous_une_fois » : attendu : un nombre de 0 à 10 ; reçu « 11 »",
    ]
    satisfaction = write(tmp_path, "jdma.csv", """\
        demarche_id,quarter,score,reviews
        4567,2026Q4,12,300
        4568,2026Q4,8,beaucoup,extra
        4569,2026Q5,8,300
        """)
    with db.sessions() as session, pytest.raises(InputErrors) as raised:
        import_satisfaction(session, satisfaction)
    assert raised.value.messages == [
        f"{satisfaction} : ligne 2, colonne « score » : attendu : un nombre de 0 à 10 ; reçu « 12 »",
        f"{satisfaction} : ligne 3 : 5 cellules, mais l’en-tête a 4 colonnes",
        f"{satisfaction} : ligne 4, colonne « quarter » : trimestre « 2026Q5 » : attendu sous la forme `2026Q4` (année, "
        "Q, numéro du trimestre de 1 à 4)",
    ]
    with db.sessions() as session:
        assert session.scalars(select(DeclaredIndicator)).all() == []
        assert session.scalars(select(SatisfactionScore)).all() == []
