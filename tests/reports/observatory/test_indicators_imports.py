"""Importing what the probes cannot see: JeDonneMonAvis satisfaction and declared indicators.
Bad files are refused whole, with one line naming file, row and column, and lose nothing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from reports.observatory import levels as L
from reports.observatory.indicators import quarter_indicators
from storage.declared_import import import_declared
from storage.schema import DeclaredIndicator, SatisfactionScore
from foundation.quarters import Quarter
from storage.satisfaction_import import import_satisfaction
from tests.support.indicator_data import GOOD, Scenario, at, seen, Seen
from foundation.errors import InputError

QUESTION = "De façon générale, comment ça s'est passé ?"


def review_export(answers: list[tuple[datetime, str]]) -> str:
    """A JeDonneMonAvis review export as its back office writes it (csv-stringify, comma)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Review ID", "Review Created At", QUESTION, "Souhaitez-vous nous en dire plus ?"])
    for n, (moment, answer) in enumerate(answers):
        writer.writerow([f"r{n}", moment.strftime("%Y-%m-%d %H:%M:%S"), answer, "Rien à dire,\nmerci" if n % 7 == 0 else ""])
    return out.getvalue()


def registry(db):
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        sc.service("carte-grise")
        sc.service("passeport", jdma_demarche_id="999")
        run = sc.campaign(at(2026, 11, 2))
        sc.run(run, "carte-grise", GOOD)  # its JDMA button names démarche 4567
        sc.run(run, "passeport", seen(jedonnemonavis=Seen("absent")))
        session.commit()


def test_a_review_export_gives_each_quarter_the_jdma_score_and_review_count(db, tmp_path):
    registry(db)
    start = datetime(2026, 10, 1, 8, tzinfo=timezone.utc)
    # 2026Q4: 100 "Très bien", 15 "Moyen", 5 "Pas bien" → (100×10 + 15×5 + 5×0) / 120 = 1075 / 120 = 8.9583
    q4 = [(start + timedelta(hours=i), "Très bien") for i in range(100)]
    q4 += [(start + timedelta(hours=200 + i), "Moyen") for i in range(15)]
    q4 += [(start + timedelta(hours=300 + i), "Pas bien") for i in range(5)]
    # 2026Q3: 3 "Très bien", 1 "Moyen" → 35 / 4 = 8.75 on 4 reviews; one review skipped the question
    q3 = [(datetime(2026, 9, 2, tzinfo=timezone.utc), a) for a in ("Très bien", "très bien", "Moyen", "Très bien", "")]
    path = tmp_path / "export-4567.csv"
    path.write_text(review_export(q3 + q4), encoding="utf-8")
    with db.sessions() as session:
        result = import_satisfaction(session, path, demarche_id="4567")
    # Each quarter looks at the 12 months before its end: 2026Q4 counts 2026Q3's reviews too,
    # (1075 + 35) / 124 = 8.9516…, published 8.95.
    assert [(str(s.quarter), round(s.score, 4), s.reviews) for s in result.scores] == [
        ("2026Q3", 8.75, 4), ("2026Q4", 8.95, 124)]
    assert result.skipped_reviews == 1
    with db.sessions() as session:
        satisfaction = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q4"))}["carte-grise"].get("satisfaction")
        # The 8.9516… of the reviews is published truncated to two decimals; the grid shows "8,9 / 10".
        assert (satisfaction.level, satisfaction.value, satisfaction.count) == (L.VERY_GOOD, 8.95, 124)
        assert satisfaction.source == "JeDonneMonAvis" and satisfaction.evidence.imports[0].startswith("export-4567.csv: 124 avis du 2026-01-01")
        q3_state = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q3"))}["carte-grise"]
        assert q3_state.get("satisfaction").level == L.TOO_FEW_REVIEWS


def test_a_summary_file_links_by_demarche_or_service_and_a_new_import_replaces_the_quarter(db, tmp_path):
    registry(db)
    path = tmp_path / "jdma.csv"
    # semicolons and decimal commas, as a spreadsheet in French writes them
    path.write_text("demarche_id;quarter;score;reviews\n4567;2026Q4;7,4;1 250\n999;2026Q4;9,1;99\n", encoding="utf-8")
    with db.sessions() as session:
        import_satisfaction(session, path)
        states = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q4"))}
        assert (states["carte-grise"].get("satisfaction").level, states["carte-grise"].get("satisfaction").count) == (L.INSUFFICIENT, 1250)
        # passeport's button is gone, but its démarche id is in the registry
        assert states["passeport"].get("satisfaction").level == L.TOO_FEW_REVIEWS
    path.write_text("demarche_id,quarter,score,reviews\n4567,2026Q4,8.2,1300\n", encoding="utf-8")
    with db.sessions() as session:
        import_satisfaction(session, path)
        assert session.scalar(select(func.count()).select_from(SatisfactionScore).where(SatisfactionScore.demarche_id == "4567")) == 1
        states = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q4"))}
        assert states["carte-grise"].get("satisfaction").level == L.VERY_GOOD


@pytest.mark.parametrize("content, options, message", [
    (review_export([(datetime(2026, 11, 1), "Super")]), {"demarche_id": "4567"},
     "ligne 2, colonne « De façon générale, comment ça s'est passé ? » : réponse inconnue « Super »"),
    ("Review ID,Review Created At,Satisfaction\nr1,hier,Moyen\n", {"demarche_id": "4567"},
     "ligne 2, colonne « Review Created At » : attendu : une date"),
    (review_export([(datetime(2026, 11, 1), "Moyen")]), {},
     "ne dit pas de quelle démarche il parle : précisez --demarche ID"),
    ("Review ID,Review Created At,Clarté\nr1,2026-11-01 10:00:00,5\n", {"demarche_id": "4567"},
     "pas de colonne de satisfaction"),
    ("demarche_id,quarter,score,reviews\n4567,2026Q4,12,300\n", {}, "ligne 2, colonne « score » : attendu : un nombre de 0 à 10 ; reçu « 12 »"),
    ("demarche_id,quarter,score,reviews\n4567,2026Q5,8,300\n", {}, "ligne 2, colonne « quarter » : trimestre « 2026Q5 »"),
    ("demarche_id,quarter,score,reviews\n4567,2026Q4,8,beaucoup\n", {}, "ligne 2, colonne « reviews » : attendu : un nombre entier"),
    ("service_id,quarter,score,reviews\ninconnu,2026Q4,8,300\n", {}, "la démarche « inconnu » n’est pas au registre"),
    ("id,note\n1,8\n", {}, "pas un fichier JeDonneMonAvis"),
    ("demarche_id,quarter,score,reviews\n4567,2026Q4,8,300,extra\n", {}, "ligne 2 : 5 cellules, mais l’en-tête a 4 colonnes"),
])
def test_a_bad_satisfaction_file_is_refused_whole_naming_file_row_and_column(db, tmp_path, content, options, message):
    registry(db)
    good = tmp_path / "good.csv"
    good.write_text("demarche_id,quarter,score,reviews\n4567,2026Q4,8.2,1300\n", encoding="utf-8")
    with db.sessions() as session:
        import_satisfaction(session, good)
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with db.sessions() as session, pytest.raises(InputError) as raised:
        import_satisfaction(session, bad, **options)
    assert str(raised.value).startswith(f"{bad} : ")
    assert message in str(raised.value)
    with db.sessions() as session:
        kept = session.scalars(select(SatisfactionScore)).all()
        assert [(s.demarche_id, s.score) for s in kept] == [("4567", 8.2)]


def test_declarations_hold_from_their_quarter_until_declared_again(db, tmp_path):
    registry(db)
    path = tmp_path / "declared.csv"
    path.write_text(
        "service_id,quarter,realisable_en_ligne,dites_le_nous_une_fois,taux_usage_numerique,source\n"
        "carte-grise,2026Q3,Oui,6,\"92,5 %\",Déclaration ANTS\n"
        "carte-grise,2026Q4,,1,,Déclaration ANTS T4\n"
        "passeport,2026Q4,partiellement,,40,\n",
        encoding="utf-8",
    )
    with db.sessions() as session:
        declarations = import_declared(session, path)
    assert len(declarations) == 6
    with db.sessions() as session:
        q4 = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q4"))}
        q2 = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q2"))}
    cg = q4["carte-grise"]
    assert (cg.get("online").level, cg.get("online").note) == (L.YES, "déclaré pour 2026Q3")  # still in force
    assert (cg.get("dlnuf").level, cg.get("dlnuf").value, cg.get("dlnuf").source) == (L.OPTIMAL, 1.0, "déclaré : Déclaration ANTS T4")
    assert (cg.get("digital_usage").level, cg.get("digital_usage").value) == (L.RATE, 92.5)
    assert cg.get("dlnuf").evidence.imports == ("declared.csv: ligne 3",)
    assert (q4["passeport"].get("online").level, q4["passeport"].get("online").source) == (L.PARTIAL, "déclaré")
    assert q2["carte-grise"].get("online").level == L.TO_COME  # declared from 2026Q3 on


@pytest.mark.parametrize("content, message", [
    ("service_id,quarter,realisable_en_ligne\ninconnu,2026Q4,oui\n", "ligne 2, colonne « service_id » : la démarche « inconnu » n’est pas au registre"),
    ("service_id,quarter,realisable_en_ligne\ncarte-grise,2026Q4,peut-être\n", "ligne 2, colonne « realisable_en_ligne » : attendu : oui, partiel ou non"),
    ("service_id,quarter,dites_le_nous_une_fois\ncarte-grise,2026Q4,11\n", "ligne 2, colonne « dites_le_nous_une_fois » : attendu : un nombre de 0 à 10"),
    ("service_id,quarter,taux_usage_numerique\ncarte-grise,2026Q4,120 %\n", "ligne 2, colonne « taux_usage_numerique » : attendu : un nombre de 0 à 100"),
    ("service_id,quarter,realisable_en_ligne,couleur\ncarte-grise,2026Q4,oui,bleu\n", "ligne 1, colonne « couleur » : colonne inconnue"),
    ("service_id,realisable_en_ligne\ncarte-grise,oui\n", "pas de colonne « quarter »"),
    ("service_id,quarter,realisable_en_ligne\ncarte-grise,2026Q4,oui\ncarte-grise,2026Q4,non\n",
     "ligne 3, colonne « realisable_en_ligne » : déjà déclaré pour carte-grise au 4e trimestre 2026 ligne 2"),
])
def test_a_bad_declaration_file_is_refused_whole_naming_file_row_and_column(db, tmp_path, content, message):
    registry(db)
    (tmp_path / "first.csv").write_text("service_id,quarter,realisable_en_ligne\ncarte-grise,2026Q3,oui\n", encoding="utf-8")
    with db.sessions() as session:
        import_declared(session, tmp_path / "first.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with db.sessions() as session, pytest.raises(InputError, match=f"^{bad}") as raised:
        import_declared(session, bad)
    assert message in str(raised.value)
    with db.sessions() as session:
        assert [(d.service_id, d.quarter, d.value) for d in session.scalars(select(DeclaredIndicator))] == [
            ("carte-grise", "2026Q3", "oui")]


def veilleur(*args, env):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def test_import_commands_report_what_they_stored_and_refuse_bad_files_with_one_line(tmp_path, env_data_dir):
    env = dict(os.environ)
    (tmp_path / "r.yaml").write_text(
        "ministries:\n  - id: m\n    name: M\nservices:\n  - id: carte-grise\n    name: Carte grise\n"
        "    ministry: m\n    url: https://cg.example/\n    jdma_demarche_id: 4567\n", encoding="utf-8")
    assert veilleur("registry", "import", str(tmp_path / "r.yaml"), env=env).returncode == 0
    export = tmp_path / "export.csv"
    export.write_text(review_export([(datetime(2026, 11, 1), "Très bien"), (datetime(2026, 11, 2), "Moyen")]), encoding="utf-8")
    done = veilleur("import", "satisfaction", str(export), "--demarche", "4567", env=env)
    assert done.returncode == 0, done.stderr
    # Written by the one score function (foundation/formatting.py), as on every screen; was "7.50/10".
    assert "4e trimestre 2026, démarche JeDonneMonAvis 4567 : 7,5/10 sur 2 avis" in done.stdout
    declared = tmp_path / "declared.csv"
    declared.write_text("service_id,quarter,realisable_en_ligne\ncarte-grise,2026Q4,oui\n", encoding="utf-8")
    done = veilleur("import", "declared", str(declared), env=env)
    assert done.returncode == 0 and "1 valeur déclarée pour 1 démarche" in done.stdout
    declared.write_text("service_id,quarter,realisable_en_ligne\ncarte-grise,2026Q4,bof\n", encoding="utf-8")
    refused = veilleur("import", "declared", str(declared), env=env)
    assert refused.returncode == 2
    assert refused.stderr == f"veilleur : erreur : {declared} : ligne 2, colonne « realisable_en_ligne » : attendu : oui, partiel ou non ; reçu « bof »\n"
    missing = veilleur("import", "satisfaction", str(tmp_path / "none.csv"), env=env)
    assert missing.returncode == 2 and missing.stderr.startswith(f"veilleur : erreur : {tmp_path / 'none.csv'} : fichier introuvable")
