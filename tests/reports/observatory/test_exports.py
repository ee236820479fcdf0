"""Exports: one row per service with every indicator, level, value, source and evidence reference,
in the columns the data dictionary (docs/indicators.md) documents."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from reports.observatory.exports import columns
from reports.observatory.levels import ALL_LEVELS
from storage.db import open_database
from foundation.quarters import Quarter
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen

DOC = Path(__file__).resolve().parents[3] / "docs" / "indicators.md"


def documented_columns() -> list[str]:
    section = DOC.read_text(encoding="utf-8").split("## Exports : dictionnaire des données", 1)[1]
    section = section.split("### Références des preuves", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M)


def veilleur(*args, env=None):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env or dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def test_the_export_columns_are_exactly_the_documented_data_dictionary():
    assert documented_columns() == [c.name for c in columns()]
    levels_section = DOC.read_text(encoding="utf-8").split("### Codes des niveaux", 1)[1].split("##", 1)[0]
    assert re.findall(r"^\| `([a-z_]+)` \|", levels_section, flags=re.M) == [level.code for level in ALL_LEVELS]


def seed(env_data_dir) -> dict[str, int]:
    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m", "Ministère")
        sc.service("a", administration="ANTS")
        sc.service("b")
        campaign = sc.campaign(at(2026, 11, 2))
        a = sc.run(campaign, "a", GOOD)
        sc.run(campaign, "b", seen(accessibility_statement=Seen("absent", {})), ok=True, load_ms=950)
        session.commit()
        ids = {"a": a.id, "a_fc": next(f.id for f in a.findings if f.check == "franceconnect"), "a_page": a.pages[0].id}
    db.close()
    return ids


def test_csv_export_to_standard_output_has_one_row_per_service_with_levels_values_sources_and_evidence(env_data_dir):
    ids = seed(env_data_dir)
    done = veilleur("export", "--quarter", "2026Q4", "--format", "csv")
    assert done.returncode == 0, done.stderr
    reader = csv.DictReader(io.StringIO(done.stdout))
    assert reader.fieldnames == [c.name for c in columns()]
    rows = {row["service_id"]: row for row in reader}
    a, b = rows["a"], rows["b"]
    assert (a["quarter"], a["administration"], a["reference_run_id"], a["reference_rule"]) == (
        "2026Q4", "ANTS", str(ids["a"]), "dernière campagne terminée du trimestre")
    assert (a["authentication_level"], a["authentication_value"], a["authentication_source"]) == (
        "franceconnect_plus", "franceconnect_plus", "sonde")
    assert a["authentication_evidence"] == (
        f"run={ids['a']}; finding={ids['a_fc']}; page={ids['a_page']}; url=https://x.example/connexion")
    assert (a["handicap_level"], a["handicap_value"]) == ("oui", "100")
    assert (a["uptime_level"], a["uptime_value"], a["uptime_count"]) == ("optimal", "100", "1")
    assert (b["handicap_level"], b["load_time_level"], b["load_time_value"]) == ("non", "faible", "950")
    assert (a["online_level"], a["online_value"], a["online_source"]) == ("a_venir", "", "déclaré")


def test_json_export_to_a_file_carries_the_same_indicators(env_data_dir, tmp_path):
    ids = seed(env_data_dir)
    out = tmp_path / "export.json"
    done = veilleur("export", "--quarter", "2026Q4", "--format", "json", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["quarter"] == "2026Q4" and document["levels"]["avis_insuffisants"] == "Nombre d'avis insuffisant"
    a = next(s for s in document["services"] if s["service_id"] == "a")
    assert a["reference_run"]["run_id"] == ids["a"]
    fc = a["indicators"]["authentication"]
    assert (fc["level"], fc["level_label"], fc["evidence"]["findings"], fc["evidence"]["pages"]) == (
        "franceconnect_plus", "FranceConnect +", [ids["a_fc"]], [ids["a_page"]])
    assert list(a["indicators"]) == [c.name.removesuffix("_level") for c in columns() if c.name.endswith("_level")]


def test_bad_export_options_get_one_line_and_exit_code_2(env_data_dir, tmp_path):
    seed(env_data_dir)
    bad_quarter = veilleur("export", "--quarter", "2026Q9")
    assert (bad_quarter.returncode, bad_quarter.stderr) == (
        2, "veilleur : erreur : --quarter : trimestre « 2026Q9 » : attendu sous la forme `2026Q4` (année, Q, numéro du trimestre de 1 à 4)\n")
    to_folder = veilleur("export", "--quarter", "2026Q4", "--out", str(tmp_path))
    assert (to_folder.returncode, to_folder.stderr) == (2, f"veilleur : erreur : --out {tmp_path} : est un dossier ; donnez un nom de fichier\n")
    bad_format = veilleur("export", "--quarter", "2026Q4", "--format", "xlsx")
    assert bad_format.returncode == 2 and bad_format.stderr.startswith("veilleur : erreur : ")


def test_demo_sites_probed_for_real_export_with_the_documented_columns_and_report_their_indicators(env_data_dir, tmp_path):
    """Three demo sites (a sound one, one without statement nor JDMA button, one answering 500),
    probed by a real campaign, then exported and reported."""
    from veilleur.demo.server import registry_yaml, serve_sites

    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="8")
    with serve_sites() as demo:
        registry = tmp_path / "registry.yaml"
        registry.write_text(registry_yaml(demo), encoding="utf-8")
        assert veilleur("registry", "import", str(registry), env=env).returncode == 0
        done = veilleur("run", "--service", "retraite-en-ligne", "--service", "bourse-etudiant",
                        "--service", "cheque-energie", env=env)
        assert done.returncode == 0, done.stderr
    quarter = str(Quarter.of(datetime.now(timezone.utc)))
    export = veilleur("export", "--quarter", quarter, env=env)
    assert export.returncode == 0, export.stderr
    assert export.stdout.splitlines()[0] == ",".join(documented_columns())
    rows = {row["service_id"]: row for row in csv.DictReader(io.StringIO(export.stdout))}
    assert len(rows) == len(demo.sites)  # every registered service, visited or not
    sound, no_statement, down = rows["retraite-en-ligne"], rows["bourse-etudiant"], rows["cheque-energie"]
    assert (sound["authentication_level"], sound["non_digital_alternative_level"], sound["uptime_level"]) == (
        "franceconnect_plus", "presente", "optimal")
    assert sound["accessibility_axe_level"] == "mesure" and sound["accessibility_axe_value"] != ""
    assert re.fullmatch(r"run=\d+; finding=\d+; page=\d+(,\d+)*; screenshot=[0-9a-f]{64}(,[0-9a-f]{64})*; url=.+",
                        sound["authentication_evidence"])
    assert (no_statement["handicap_level"], no_statement["satisfaction_level"]) == ("non", "non")
    assert (down["uptime_level"], down["uptime_value"], down["authentication_level"]) == ("faible", "0", "inconnu")
    assert re.fullmatch(r"run=\d+", down["uptime_evidence"])
    assert rows["carte-grise"]["reference_run_id"] == "" and rows["carte-grise"]["authentication_level"] == "a_venir"

    report = veilleur("report", "--out", str(tmp_path / "report"), env=env)
    assert report.returncode == 0, report.stderr
    site = tmp_path / "report"
    table = (site / "indicateurs.html").read_text(encoding="utf-8")
    assert 'href="indicateurs/retraite-en-ligne.html#authentication"' in table and 'data-level="franceconnect_plus"' in table
    evidence_page = (site / "indicateurs" / "retraite-en-ligne.html").read_text(encoding="utf-8")
    assert 'id="handicap"' in evidence_page and "../evidence/" in evidence_page  # screenshots copied beside the report
    assert "Conformité RGAA à 100 %" in (site / "objectifs.html").read_text(encoding="utf-8")
    assert (site / "progression.svg").read_text(encoding="utf-8").startswith("<svg")
    assert 'src="progression.svg"' in (site / "progression.html").read_text(encoding="utf-8")
    assert 'href="indicateurs.html"' in (site / "index.html").read_text(encoding="utf-8")
