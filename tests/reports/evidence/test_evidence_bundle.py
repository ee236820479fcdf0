"""Evidence bundles: exported self-contained, verified anywhere without our database."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.evidence.store import EvidenceStore
from reports.links import safe_href
from foundation.quarters import Quarter
from storage.reference_runs import choose_reference_run
from tests.support.evidence_runs import findings, manifest_of, page_sha, record, seed
from veilleur.cli import cli


@pytest.fixture
def data(db, database_url, tmp_path, monkeypatch) -> EvidenceStore:
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    return EvidenceStore(tmp_path / "data" / "evidence")


def veilleur(*args: str):
    return CliRunner().invoke(cli, list(args))


def export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "bundle.zip"
    result = veilleur("evidence", "export", *args, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def rewrite(bundle: Path, changes: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """A copy of the bundle with members replaced (bytes) or removed (None)."""
    target = bundle.with_name("tampered.zip")
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            content = changes.get(name, src.read(name))
            if content is not None:
                dst.writestr(name, content)
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return target


def without_database(monkeypatch, tmp_path) -> Path:
    """An auditor's machine: no data dir, and a database URL that cannot be reached."""
    empty = tmp_path / "auditor"
    empty.mkdir()
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(empty))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    return empty


def test_an_exported_bundle_verifies_on_a_machine_without_the_database(db, data, tmp_path, monkeypatch):
    seed(db, "a")
    record(db, data, "a")
    run_id = record(db, data, "a")
    bundle = export(tmp_path, "--service", "a")
    sealed = manifest_of(db, run_id).sha256
    published = tmp_path / "published.pem"  # the instance's public key, as its dashboard publishes it
    published.write_text(veilleur("keys", "show", "--pem").output)
    auditor = without_database(monkeypatch, tmp_path)
    result = veilleur("verify", "--bundle", str(bundle), "--public-key", str(published))
    assert result.exit_code == 0, result.output
    assert f"manifeste {sealed} (visite {run_id} de la démarche a, maillon 1)" in result.output
    assert "1 manifeste précédent" in result.output and "tout est vérifié" in result.output
    assert list(auditor.iterdir()) == []  # nothing was created: no database, no store


def test_the_bundle_holds_the_sealed_manifest_byte_for_byte_its_chain_and_the_run_files(db, data, tmp_path):
    seed(db, "a")
    first = record(db, data, "a")
    run_id = record(db, data, "a")
    bundle = export(tmp_path, "--service", "a", "--run", str(run_id))
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        assert z.read("manifest.json") == data.get(manifest_of(db, run_id).sha256)
        assert z.read(f"chain/{manifest_of(db, first).sha256}.json") == data.get(manifest_of(db, first).sha256)
        manifest = json.loads(z.read("manifest.json"))
        for artifact in manifest["artifacts"]:
            [member] = [n for n in names if n.startswith(f"artifacts/{artifact['sha256']}")]
            assert hashlib.sha256(z.read(member)).hexdigest() == artifact["sha256"]
        dom = page_sha(db, run_id, 0, "dom_sha")
        assert f"artifacts/{dom}.html.txt" in names  # opened from the bundle, a DOM shows as text, runs nothing
        assert {"index.html", "bundle.json", "proof/franceconnect-1.png", "proof/franceconnect-page0.jpg"} <= names


def test_a_flipped_byte_a_removed_file_and_an_edited_manifest_in_a_bundle_are_each_named(db, data, tmp_path, monkeypatch):
    seed(db, "a")
    run_id = record(db, data, "a")
    bundle = export(tmp_path, "--service", "a")
    shot = page_sha(db, run_id, 0, "screenshot_sha")
    dom = page_sha(db, run_id, 1, "dom_sha")
    with zipfile.ZipFile(bundle) as z:
        flipped = bytearray(z.read(f"artifacts/{shot}.jpg"))
        edited = z.read("manifest.json").replace(b'"status":"absent"', b'"status":"present"')
    flipped[len(flipped) // 2] ^= 0x01
    tampered = rewrite(bundle, {f"artifacts/{shot}.jpg": bytes(flipped), f"artifacts/{dom}.html.txt": None,
                                "manifest.json": edited})
    without_database(monkeypatch, tmp_path)
    result = veilleur("verify", "--bundle", str(tampered))
    assert result.exit_code == 1
    fails = [l for l in result.output.splitlines() if l.startswith("ÉCHEC")]
    assert any(f"fichier de preuve {shot} altéré" in l and "page 0 (accueil" in l and "capture d’écran" in l for l in fails), fails
    assert any(f"fichier de preuve {dom} manquant" in l and "page 1 (contact" in l and "code de la page" in l for l in fails), fails
    assert any(l.startswith("ÉCHEC manifest.json altéré") for l in fails), fails


def test_an_altered_screenshot_is_exported_as_it_is_with_a_warning_and_no_proof_drawn_from_it(db, data, tmp_path):
    seed(db, "a")
    run_id = record(db, data, "a")
    shot = page_sha(db, run_id, 0, "screenshot_sha")
    data.path(shot).write_bytes(b"a photoshopped page")
    out = tmp_path / "bundle.zip"
    result = veilleur("evidence", "export", "--service", "a", "--out", str(out))
    assert result.exit_code == 0
    assert f"veilleur : attention : le fichier de preuve {shot} (capture d’écran de la page 0) est altéré dans le stockage des preuves" in result.output
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("proof/franceconnect")]
        assert "Pas d’image : aucune capture d’écran utilisable de cette page" in z.read("index.html").decode()
    checked = veilleur("verify", "--bundle", str(out))
    assert checked.exit_code == 1 and f"ÉCHEC fichier de preuve {shot} altéré" in checked.output


def test_a_missing_chain_link_a_replaced_proof_image_and_a_stray_file_are_named(db, data, tmp_path):
    seed(db, "a")
    first = record(db, data, "a")
    record(db, data, "a")
    bundle = export(tmp_path, "--service", "a")
    link = manifest_of(db, first).sha256
    tampered = rewrite(bundle, {f"chain/{link}.json": None, "proof/franceconnect-1.png": b"not the crop"},
                       add={"artifacts/extra.txt": b"slipped in"})
    result = veilleur("verify", "--bundle", str(tampered))
    assert result.exit_code == 1
    assert f"suit {link}, que l’archive ne contient pas (chain/{link}.json)" in result.output
    assert "ÉCHEC proof/franceconnect-1.png altéré" in result.output
    assert "ÉCHEC artifacts/extra.txt : dans l’archive mais nommé ni par manifest.json ni par bundle.json" in result.output


def test_quarter_exports_the_services_reference_run_and_run_exports_that_run(db, data, tmp_path):
    seed(db, "a", "b")
    early = record(db, data, "a", datetime(2026, 10, 2, tzinfo=timezone.utc))
    last_of_q4 = record(db, data, "a", datetime(2026, 11, 20, tzinfo=timezone.utc))
    record(db, data, "b", datetime(2026, 11, 21, tzinfo=timezone.utc))
    for args, expected in ((("--quarter", "2026Q4"), last_of_q4), (("--run", str(early)), early)):
        bundle = export(tmp_path, "--service", "a", *args)
        with zipfile.ZipFile(bundle) as z:
            assert json.loads(z.read("manifest.json"))["run"]["id"] == expected


def test_quarter_exports_the_run_the_indicators_stand_on(db, data, tmp_path):
    seed(db, "a")
    chosen = record(db, data, "a", datetime(2026, 10, 5, tzinfo=timezone.utc))
    full = record(db, data, "a", datetime(2026, 11, 20, tzinfo=timezone.utc))
    record(db, data, "a", datetime(2026, 12, 1, tzinfo=timezone.utc), found={})  # availability check only
    for choice, expected in ((None, full), (chosen, chosen)):
        if choice is not None:
            with db.sessions() as session:
                choose_reference_run(session, Quarter.parse("2026Q4"), "a", choice, "chosen by the monitoring team")
        with zipfile.ZipFile(export(tmp_path, "--service", "a", "--quarter", "2026Q4")) as z:
            assert json.loads(z.read("manifest.json"))["run"]["id"] == expected


@pytest.mark.parametrize("args, message", [
    (("--service", "nope"), "--service nope : aucune démarche de ce nom dans le registre"),
    (("--service", "a", "--run", "999"), "--run 999 : pas une visite de la démarche a"),
    (("--service", "a", "--quarter", "2025Q1"), "--quarter 2025Q1 : la démarche a n’a aucune visite terminée au 1er trimestre 2025"),
    (("--service", "a", "--quarter", "2025-13"), "--quarter : trimestre « 2025-13 » : attendu sous la forme `2026Q4` (année, Q, numéro du trimestre de 1 à 4)"),
    (("--service", "a", "--quarter", "2026Q4", "--run", "1"), "--quarter et --run : donnez l’un ou l’autre"),
    (("--service", "b"), "--service b : aucune visite enregistrée à exporter pour l’instant"),
])
def test_bad_export_requests_are_one_line_errors_and_write_nothing(db, data, tmp_path, args, message):
    seed(db, "a", "b")
    record(db, data, "a", datetime(2026, 11, 2, tzinfo=timezone.utc))
    out = tmp_path / "out" / "bundle.zip"
    result = veilleur("evidence", "export", *args, "--out", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == f"veilleur : erreur : {message}"
    assert not out.exists()


def test_verifying_something_that_is_not_a_bundle_is_a_one_line_error(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = veilleur("verify", "--bundle", str(junk))
    assert result.exit_code == 2 and result.output.startswith(f"veilleur : erreur : --bundle {junk} : n’est pas une archive zip lisible")
    result = veilleur("verify", "--bundle", str(tmp_path / "absent.zip"))
    assert result.exit_code == 2 and "fichier introuvable" in result.output


def test_the_index_escapes_everything_sites_wrote(db, data, tmp_path):
    seed(db, "a")
    hostile_html = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    hostile_selector = '"><script>alert(3)</script>'
    record(db, data, "a", found=findings("https://a.example/", html=hostile_html, selector=hostile_selector),
           title="</title><script>alert(4)</script>", headers={"x-evil": "<b onmouseover=alert(5)>"})
    index = zipfile.ZipFile(export(tmp_path, "--service", "a")).read("index.html").decode()
    assert "<script" not in index.lower() and "<img src=x" not in index and "<b " not in index
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in index
    assert "&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in index
    assert "&lt;/title&gt;&lt;script&gt;alert(4)" in index and "&lt;b onmouseover=alert(5)&gt;" in index


def test_only_web_addresses_become_links():
    assert safe_href("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_href("javascript:alert(1)") is None and safe_href("JaVaScRiPt:alert(1)") is None
    assert safe_href("data:text/html,<script>") is None and safe_href(None) is None


def test_the_index_refers_only_to_files_inside_the_bundle(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    with zipfile.ZipFile(export(tmp_path, "--service", "a")) as z:
        names = set(z.namelist())
        index = z.read("index.html").decode()
    sources = re.findall(r'\ssrc="([^"]*)"', index)
    links = re.findall(r'\shref="([^"]*)"', index)
    assert sources and all(s in names for s in sources)  # every image is in the bundle, none remote
    local = [h for h in links if not h.startswith(("http://", "https://", "#"))]
    assert local and all(h in names for h in local)
    assert "<link" not in index and "@import" not in index and "url(" not in index
