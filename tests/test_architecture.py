"""The architecture as contracts a tool checks: layers without cycles, the simulator apart, one reader of the
published file (each web page through one query module of it), and each system declared once."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path

from sources import SYSTEMS

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("core", "models", "sources", "connectors", "storage", "ingest", "pipelines", "reader", "brief", "web",
              "cchc")


def test_import_contracts_hold():
    """pyproject.toml [tool.importlinter]: core < models < sources < connectors | storage < ingest <
    pipelines < reader < brief < web < cchc, the web app importing nothing of the brief but the package itself
    (for `write_brief`) from the unit page, no import of the simulator outside the demo and simulate commands,
    and the simulator importing nothing of the platform."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "4 kept, 0 broken" in result.stdout


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of each `import` / `from … import` of a source file (names empty for `import x`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
    return found


# What any page may use of the reader besides its own query module: the file, the error, the shared types.
READER_INFRASTRUCTURE = {"reader.file", "reader.errors", "reader.model", "reader.paging"}


def test_each_page_reads_through_its_own_query_module():
    """web/pages/<page>.py reads the published file through reader/pages/<page>.py only, and no page imports
    another page; of the brief, only the unit page imports anything: `write_brief`."""
    pages = sorted(p for p in (ROOT / "web" / "pages").glob("*.py") if p.name != "__init__.py")
    assert {p.stem for p in pages} == {p.stem for p in (ROOT / "reader" / "pages").glob("*.py")} - {"__init__"}
    for path in pages:
        imports = _imports(path)
        reader = {m for m, _ in imports if m.split(".")[0] == "reader"} - READER_INFRASTRUCTURE
        assert reader == {f"reader.pages.{path.stem}"}, (path.name, reader)
        assert not [m for m, _ in imports if m.startswith("web.pages")], path.name
        brief = [(m, names) for m, names in imports if m.split(".")[0] == "brief"]
        assert brief == ([("brief", ["write_brief"])] if path.stem == "unit" else []), (path.name, brief)
    for path in sorted((ROOT / "web").rglob("*.py")):
        if path.parent.name != "pages":
            assert not [m for m, _ in _imports(path) if m.split(".")[0] == "brief"], path.name


def test_operator_commands_load_no_simulator():
    code = ("import sys, cchc.cli, brief, reader, web, cchc.reset, cchc.sql_shell, cchc.ui, pipelines.definitions, "
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
