"""Retention: old runs lose their files except each quarter's reference run; chains still verify,
and a file pruned on purpose is told apart from one deleted by hand."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from storage.evidence.store import EvidenceStore
from storage.schema import PrunedArtifact
from storage.schema import Service
from foundation.quarters import Quarter
from storage.reference_runs import choose_reference_run
from storage.evidence.retention import prune
from storage.runs import create_campaign
from tests.support.evidence_runs import manifest_of, page_sha, record, screenshot, seed
from veilleur.cli import cli
from foundation.errors import InputError

NOW = datetime.now(timezone.utc)
THIS = Quarter.of(NOW)
LAST = THIS.previous()
BEFORE = LAST.previous()


def day(quarter: Quarter, n: int) -> datetime:
    return quarter.start + timedelta(days=n)


@pytest.fixture
def data(db, database_url, tmp_path, monkeypatch) -> EvidenceStore:
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    return EvidenceStore(tmp_path / "data" / "evidence")


@pytest.fixture
def history(db, data) -> dict[str, int]:
    """Service a: two runs in each of the two previous quarters and one in this quarter; each
    run's landing screenshot is its own, except `again`, which shows the same page as `early`."""
    seed(db, "a")
    runs = {
        "early": record(db, data, "a", day(BEFORE, 5), shot=screenshot(variant=1)),
        "before_ref": record(db, data, "a", day(BEFORE, 40), shot=screenshot(variant=2)),
        "last_early": record(db, data, "a", day(LAST, 5), shot=screenshot(variant=3)),
        "last_ref": record(db, data, "a", day(LAST, 40), shot=screenshot(variant=4)),
    }
    runs["now"] = record(db, data, "a", min(NOW, day(THIS, 1)), shot=screenshot(variant=5))
    return runs


def files_of(db, run_id: int) -> list[str]:
    return [page_sha(db, run_id, position, column) for position in (0, 1)
            for column in ("screenshot_sha", "dom_sha", "capture_sha")]


def verify(*args: str):
    return CliRunner().invoke(cli, ["verify", *args])


def test_prune_keeps_recent_quarters_and_each_quarters_reference_run_and_the_chain_verifies(db, data, history):
    with db.sessions() as session:
        summary = prune(session, data, keep_quarters=1, now=NOW)
    assert summary.kept_since == THIS
    assert sorted(summary.reference_runs) == sorted([history["before_ref"], history["last_ref"]])
    assert sorted(summary.pruned_runs) == sorted([history["early"], history["last_early"]])
    for name in ("before_ref", "last_ref", "now"):
        assert all(data.exists(sha) for sha in files_of(db, history[name])), name
    for name in ("early", "last_early"):
        assert not data.exists(page_sha(db, history[name], 0, "screenshot_sha"))
        assert not data.exists(page_sha(db, history[name], 0, "capture_sha"))
        # The contact page's screenshot and the DOMs are the same bytes in every run: kept ones hold them.
        assert data.exists(page_sha(db, history[name], 1, "screenshot_sha"))
        assert data.exists(manifest_of(db, history[name]).sha256)  # manifests always stay
    result = verify()
    assert result.exit_code == 0, result.output
    assert f"{summary.files} supprimés par la rétention (enregistrés)" in result.output and summary.files == 6


def test_keeping_two_quarters_prunes_only_older_runs(db, data, history):
    with db.sessions() as session:
        summary = prune(session, data, keep_quarters=2, now=NOW)
    assert summary.pruned_runs == [history["early"]] and summary.kept_since == LAST


def test_a_run_chosen_by_hand_to_stand_for_its_quarter_keeps_its_files(db, data, history):
    with db.sessions() as session:
        choose_reference_run(session, BEFORE, "a", history["early"], "the later run hit a maintenance page")
        summary = prune(session, data, keep_quarters=1, now=NOW)
    assert history["early"] in summary.reference_runs
    assert all(data.exists(sha) for sha in files_of(db, history["early"]))


def test_a_full_visit_keeps_its_files_when_an_availability_check_closes_its_quarter(db, data, history):
    # A landing-only probe (no findings) in a later finished campaign cannot stand for the quarter.
    availability = record(db, data, "a", day(LAST, 60), shot=screenshot(variant=9), found={})
    with db.sessions() as session:
        summary = prune(session, data, keep_quarters=1, now=NOW)
    assert history["last_ref"] in summary.reference_runs and availability in summary.reference_runs
    assert all(data.exists(sha) for sha in files_of(db, history["last_ref"]))


def test_a_file_deleted_by_hand_is_missing_while_pruned_files_are_not_reported(db, data, history):
    with db.sessions() as session:
        prune(session, data, keep_quarters=1, now=NOW)
    by_hand = page_sha(db, history["last_ref"], 0, "screenshot_sha")
    data.path(by_hand).unlink()
    result = verify()
    assert result.exit_code == 1
    fails = [l for l in result.output.splitlines() if l.startswith("ÉCHEC")]
    assert fails == [f"ÉCHEC fichier de preuve {by_hand} manquant : visite {history['last_ref']} de la démarche a, "
                     "page 0 (accueil https://a.example/), capture d’écran"]


def test_a_pruned_file_captured_again_is_evidence_again(db, data, history):
    with db.sessions() as session:
        prune(session, data, keep_quarters=1, now=NOW)
    pruned_shot = page_sha(db, history["early"], 0, "screenshot_sha")
    again = record(db, data, "a", shot=screenshot(variant=1))  # the page looks as it did then
    assert page_sha(db, again, 0, "screenshot_sha") == pruned_shot and data.exists(pruned_shot)
    with db.sessions() as session:
        assert session.get(PrunedArtifact, pruned_shot) is None
    data.path(pruned_shot).unlink()
    result = verify()
    assert result.exit_code == 1
    assert f"fichier de preuve {pruned_shot} manquant : visite {again} de la démarche a" in result.output


def test_pruning_twice_deletes_nothing_more(db, data, history):
    with db.sessions() as session:
        first = prune(session, data, keep_quarters=1, now=NOW)
        second = prune(session, data, keep_quarters=1, now=NOW)
        recorded = session.scalars(select(PrunedArtifact.sha256)).all()
    assert first.files == 6 and second.files == 0 and len(recorded) == 6


def test_prune_refuses_while_a_campaign_is_running(db, data, history):
    with db.sessions() as session:
        campaign = create_campaign(session, [session.get(Service, "a")], "manual", {})
    with db.sessions() as session, pytest.raises(InputError, match=f"campagne {campaign.id} encore en cours"):
        prune(session, data, keep_quarters=1, now=NOW)
    assert all(data.exists(sha) for sha in files_of(db, history["early"]))


def test_the_prune_command_reports_and_dry_run_deletes_nothing(db, data, history):
    dry = CliRunner().invoke(cli, ["evidence", "prune", "--keep-quarters", "1", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"visites d’avant le {THIS.label} : 4, dont 2 visites de référence gardées en entier ; 6 fichiers de preuve seraient supprimés" in dry.output
    assert data.exists(page_sha(db, history["early"], 0, "screenshot_sha"))
    real = CliRunner().invoke(cli, ["evidence", "prune", "--keep-quarters", "1"])
    assert real.exit_code == 0 and "6 fichiers de preuve supprimés" in real.output and "sur 2 visites" in real.output
    assert not data.exists(page_sha(db, history["early"], 0, "screenshot_sha"))
    bad = CliRunner().invoke(cli, ["evidence", "prune", "--keep-quarters", "0"])
    assert bad.exit_code == 2 and bad.output.startswith("veilleur : erreur :") and "--keep-quarters" in bad.output


def test_a_bundle_of_a_pruned_run_says_which_files_retention_removed_and_still_verifies(db, data, history, tmp_path):
    with db.sessions() as session:
        prune(session, data, keep_quarters=1, now=NOW)
    out = tmp_path / "early.zip"
    result = CliRunner().invoke(cli, ["evidence", "export", "--service", "a", "--run", str(history["early"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        info = json.loads(z.read("bundle.json"))
        assert page_sha(db, history["early"], 0, "screenshot_sha") in info["pruned"]
        assert "supprimée par la politique de conservation" in z.read("index.html").decode()
    checked = verify("--bundle", str(out))
    assert checked.exit_code == 0, checked.output
    assert "3 supprimés par la rétention" in checked.output  # its screenshot and two captures
