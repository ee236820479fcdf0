"""Only the shell (veilleur/) reads the environment: every floor below is given its settings. A test
of the source, as import-linter cannot forbid a call of `os.environ`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Allowed to read the environment: the shell, the benchmarks and the tests, which stand above it.
ABOVE = {"veilleur", "bench", "tests"}
# Not configuration: Playwright's driver inherits NODE_OPTIONS, which the browser pool extends and
# restores around the driver's start (a process's environment handed to its child, read by no one here).
KNOWN = {("probes/browser.py", "NODE_OPTIONS")}


def environment_readers(root: Path) -> list[str]:
    """Each `os.environ`, `os.getenv`, `from os import environ/getenv` or pydantic-settings import in a
    module outside the shell, as `path:line: what`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ABOVE or relative.parts[0].startswith(".") or "site-packages" in relative.parts:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            what = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os" \
                    and node.attr in ("environ", "getenv", "environb", "putenv"):
                what = f"os.{node.attr}"
            elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                    and any(a.name in ("environ", "getenv", "environb") for a in node.names):
                what = "from os import environ/getenv"
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] == "pydantic_settings" for m in modules):
                    what = "pydantic_settings"
            if what is None:
                continue
            line = source.splitlines()[node.lineno - 1]
            if any(str(relative) == known_path and name in line for known_path, name in KNOWN):
                continue
            found.append((str(relative), node.lineno, what))
    return [f"{path}:{line}: {what}" for path, line, what in sorted(found)]


def test_no_module_below_the_shell_reads_the_environment():
    assert environment_readers(ROOT) == []


def test_a_floor_reading_a_variable_is_caught(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "sneaky.py").write_text(
        "import os\nfrom os import getenv\nfrom pydantic_settings import BaseSettings\n"
        "TOKEN = os.environ.get('VEILLEUR_OPERATOR_TOKEN')\nURL = os.getenv('VEILLEUR_PUBLIC_URL')\n")
    (tmp_path / "veilleur").mkdir()
    (tmp_path / "veilleur" / "settings.py").write_text("import os\nX = os.environ.get('VEILLEUR_DATA_DIR')\n")
    assert environment_readers(tmp_path) == [
        "reports/sneaky.py:2: from os import environ/getenv",
        "reports/sneaky.py:3: pydantic_settings",
        "reports/sneaky.py:4: os.environ",
        "reports/sneaky.py:5: os.getenv",
    ]
