"""The command line speaks French: every command's `--help`, and every refusal of bad input (an
unknown id, a bad date or quarter, a bad file, a mistyped option) is French text by the rules of
the screens' test (tests/support/french_text.py), one line on stderr, exit code 2, nothing stored."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from storage.evidence.store import EvidenceStore
from tests.support.evidence_runs import record, seed
from tests.support.french_text import TYPED, glossary_problems, problems
from veilleur.cli.commands import SECTIONS, cli


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command and sub-command (`("registry", "import")`), groups included."""
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
    return found


COMMANDS = _commands(cli)


def _not_french(text: str) -> list[str]:
    # What a person types (options, `commands`) and the choices click lists ([csv|json]) are
    # identifiers; the prose around them is what must be French.
    # A file's own field and column names (`annual_volume`) are quoted as the file writes them.
    prose = re.sub(r"(champ|colonne) « [^»]+ »", " ", TYPED.sub(" ", text))
    prose = re.sub(r"\[[a-z_|,]+\]", " ", prose)
    return problems(prose) + glossary_problems(text)


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "veilleur")
def test_every_help_is_french(path):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="veilleur")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Utilisation : veilleur {' '.join(path)}".rstrip())
    assert "Options :" in result.output
    assert _not_french(result.output) == []


def test_the_help_groups_the_commands_by_task_and_names_each_once():
    listing = CliRunner().invoke(cli, ["--help"], prog_name="veilleur").output
    headings = [line for line in listing.splitlines() if line.startswith("Commandes — ")]
    assert headings == [f"Commandes — {title} :" for title in SECTIONS]
    top_level = sorted(p[0] for p in COMMANDS if len(p) == 1)
    assert sorted(name for names in SECTIONS.values() for name in names) == top_level


@pytest.fixture
def data(db, database_url, tmp_path, monkeypatch) -> EvidenceStore:
    """A database with one démarche visited a week ago, so that days and quarters before it are
    refused as having no data."""
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    monkeypatch.delenv("VEILLEUR_BROKER_URL", raising=False)
    monkeypatch.delenv("VEILLEUR_EVIDENCE_URL", raising=False)
    store = EvidenceStore(tmp_path / "data" / "evidence")
    seed(db, "a")
    record(db, store, "a", datetime.now(timezone.utc) - timedelta(days=7))
    return store


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    bad_yaml = tmp_path / "demarches.yaml"
    bad_yaml.write_text("ministries:\n  - id: m2\n    name: ''\nservices:\n  - id: " + "x" * 300
                        + "\n    name: Démarche\n    ministry: m2\n    url: ftp://x\n    annual_volume: -1\n",
                        encoding="utf-8")
    bad_csv = tmp_path / "demarches.csv"
    bad_csv.write_bytes("id;name;ministry;url;couleur\ncarte;Carte grisé;m;https://c.example/;bleu\n".encode("cp1252"))
    existing = tmp_path / "fichier"
    existing.write_text("à moi", encoding="utf-8")
    return {"yaml": bad_yaml, "csv": bad_csv, "file": existing}


BAD = [
    (["run", "--ministry", "nope"], "--ministry nope"),
    (["run", "--service", "nope"], "--service nope"),
    (["run", "--concurrency", "zéro"], "--concurrency"),
    (["run", "--nope"], "--nope"),
    (["objectives", "--ministry", "nope"], "--ministry nope"),
    (["objectives", "--date", "1900-01-01"], "--date 1900-01-01"),
    (["objectives", "--date", "31/12/2026"], "--date 31/12/2026"),
    (["export", "--quarter", "1999Q1"], "--quarter 1999Q1"),
    (["export", "--quarter", "2026Q9"], "--quarter"),
    (["export", "--quarter", "2099Q1"], "--quarter 2099Q1"),
    (["registry", "import", "{yaml}"], "demarches.yaml"),
    (["registry", "import", "{csv}"], "demarches.csv"),
    (["registry", "import", "absent.yaml"], "absent.yaml"),
    (["registry", "import"], "FICHIER"),
    (["import", "declared", "{csv}"], "demarches.csv"),
    (["evidence", "export", "--service", "nope", "--out", "a.zip"], "--service nope"),
    (["evidence", "export", "--service", "a", "--out", "/nonexistent/a.zip"], "/nonexistent"),
    (["evidence", "export", "--service", "a", "--quarter", "1999Q1", "--out", "a.zip"], "--quarter 1999Q1"),
    (["verify", "--service", "nope"], "--service nope"),
    (["verify", "--bundle", "{file}"], "fichier"),
    (["reference", "set", "--quarter", "2026Q4", "--service", "a", "--run", "999"], "--run 999"),
    (["proposals", "accept", "999"], "proposition 999"),
    (["mail", "list", "--status", "perdu"], "--status"),
    (["report", "--out", "{file}"], "--out"),
    (["probe", "ftp://x.example/"], "ftp://x.example/"),
    (["nimporte"], "nimporte"),
]


@pytest.mark.parametrize("args, named", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_refused_in_french_naming_it_with_exit_code_2(data, tmp_path, monkeypatch, args, named):
    files = _bad_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = [arg.format(**files) for arg in args]
    result = CliRunner().invoke(cli, args, prog_name="veilleur")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    first, *rest = result.stderr.splitlines()
    assert first.startswith("veilleur : erreur : ") and named.format(**files) in result.stderr
    assert all(line.startswith("  ") for line in rest)  # a file's mistakes, one indented line each
    # The test's own folder (named after the test) is data, not prose.
    assert _not_french(result.stderr.replace(str(tmp_path), "DOSSIER")) == []
    assert not Path("/nonexistent").exists()  # refused, no folder made


def test_a_registry_error_names_the_field_and_the_limit(data, tmp_path):
    files = _bad_files(tmp_path)
    result = CliRunner().invoke(cli, ["registry", "import", str(files["yaml"])])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"veilleur : erreur : {files['yaml']} : 4 erreurs, rien n’a été enregistré :"
    assert f"  {files['yaml']}:3 : ministère n° 1, champ « name » : doit contenir au moins 1 caractère" in lines
    assert any("champ « id » : doit être un identifiant de 1 à 100 caractères" in line and "(300 caractères)" in line
               for line in lines)
    assert any("champ « annual_volume » : doit être un nombre entier entre 0 et" in line and "reçu -1" in line for line in lines)
