"""The house's rules hold: floors import only downward, no import circles, checks never drive a
browser, and a wrong import is caught by the same contract `make test` runs (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["foundation", "probes", "checks", "storage", "reports", "campaign", "veilleur", "bench"]
# scheduler.py is a module, which import-linter cannot take as a root package: its own imports are
# held here to the floors below it.
BELOW_SCHEDULER = {"foundation", "probes", "checks", "storage", "reports", "campaign"}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run([str(lint), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def copy_of_the_house(tmp_path: Path) -> Path:
    house = tmp_path / "house"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, house / package, ignore=shutil.ignore_patterns("__pycache__", "node_modules",
                                                                                       "sites", "variants", "static"))
    for name in ("scheduler.py", "pyproject.toml"):
        shutil.copy(ROOT / name, house / name)
    return house


def test_every_contract_is_kept_on_the_repository():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout
    for contract in ("Floors import only downward", "No import circle", "never drive a browser"):
        assert f"{contract}" in done.stdout


@pytest.mark.parametrize("file, wrong_import, broken", [
    # A probe reaching up into the reports: the flow would run back up.
    ("probes/site.py", "import reports.observatory.levels", "Floors import only downward BROKEN"),
    # Storage reaching up into the campaign.
    ("storage/runs.py", "from campaign import executor", "Floors import only downward BROKEN"),
    # A check driving a browser.
    ("checks/urls.py", "import playwright", "never drive a browser BROKEN"),
    # The campaign reaching up to the scheduler (a module, held by its own contract).
    ("campaign/executor.py", "import scheduler", "Only the shell (and bench) import the scheduler BROKEN"),
    # A check reading another check's answer: checks share readings, never each other.
    ("checks/dlnuf.py", "from checks import franceconnect", "A check never imports another check BROKEN"),
    # A shared reading reaching up into a check.
    ("checks/readings/dom.py", "import checks.mobile", "A check never imports another check BROKEN"),
    # The models reaching up into the readings.
    ("checks/models.py", "import checks.readings.text", "the models below the readings BROKEN"),
    # Two rooms of one floor importing each other.
    ("reports/observatory/levels.py", "import reports.site.html_report", "No import circle"),
])
def test_a_wrong_import_breaks_the_contract(tmp_path, file, wrong_import, broken):
    house = copy_of_the_house(tmp_path)
    target = house / file
    target.write_text(target.read_text(encoding="utf-8") + f"\n{wrong_import}  # deliberately wrong\n", encoding="utf-8")
    done = lint_imports(house)
    assert done.returncode != 0
    assert broken in done.stdout, done.stdout


def test_the_scheduler_imports_only_the_floors_below_it():
    tree = ast.parse((ROOT / "scheduler.py").read_text(encoding="utf-8"))
    ours = set(PACKAGES) | {"scheduler"}
    imported = {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported & ours <= BELOW_SCHEDULER, imported & ours - BELOW_SCHEDULER


ARCHITECTURE = ROOT / "docs" / "architecture.md"


def test_the_architecture_document_names_every_room_and_only_what_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_][a-z0-9_./]*)`", text))
    product = [ROOT / p for p in PACKAGES if p not in ("bench",)]
    rooms = {d for p in product for d in [p, *p.rglob("*")] if d.is_dir() and (d / "__init__.py").exists()}
    for room in rooms:
        assert f"{room.name}/" in named, f"{room.relative_to(ROOT)} is not named in docs/architecture.md"
    files = {f.name for p in product for f in p.rglob("*.py")} | {"scheduler.py"}
    for name in named:
        if "/" in name.rstrip("/"):
            assert (ROOT / name).exists(), f"docs/architecture.md names {name}, which does not exist"
        elif name.endswith(".py"):
            assert name in files, f"docs/architecture.md names {name}, which no package holds"
