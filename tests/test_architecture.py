"""The architecture as contracts a tool checks: layers without cycles, the simulator apart, and each
system declared once."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

from sources import SYSTEMS

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("core", "models", "sources", "connectors", "storage", "ingest", "pipelines", "brief", "web", "cchc")


def test_import_contracts_hold():
    """pyproject.toml [tool.importlinter]: core < models < sources < connectors | storage < ingest <
    pipelines < brief < web < cchc, no import of the simulator outside the demo and simulate commands, and the
    simulator importing nothing of the platform."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_operator_commands_load_no_simulator():
    code = ("import sys, cchc.cli, brief, web, cchc.reset, cchc.sql_shell, cchc.ui, pipelines.definitions, "
            "pipelines.run; print(sorted(m for m in sys.modules if m.split('.')[0] == 'simulator'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.STRING]


def test_no_code_outside_the_declarations_names_a_system():
    """A system's name appears as a literal only in sources/catalog.py: everything else derives from it."""
    names = {s.name for s in SYSTEMS}
    found = []
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "sources" / "catalog.py":
                continue
            for line, literal in _string_literals(path):
                try:
                    text = ast.literal_eval(literal)
                except (ValueError, SyntaxError):  # f-strings
                    continue
                if text in names:
                    found.append(f"{path.relative_to(ROOT)}:{line} {literal}")
    assert not found, "system names outside the declarations:\n" + "\n".join(found)
