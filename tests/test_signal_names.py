"""No signal code or threshold is written by hand outside the catalog (models/signals/catalog.py).

Every file of the repository is read (git's list: tracked and new, not ignored), except tests/ (their truth is
the spec, copied by hand on purpose) and benchmarks/results/ (recorded measurements: the URLs of the pages
measured name the signal they showed). The rule, by place:

Codes (any word shaped like a signal code: QLVB_…, BAOCAO_…, MOTCUA_…, NHIEMVU_…, DONTHU_…)
- models/signals/ declares them (catalog.py) and words its thresholds (declaration.py, docs.py).
- In Python, a code as a name (`from models.signals.catalog import MOTCUA_DUNG_HAN`) is a reference to the
  declaration, which Python checks; only codes in strings and comments are written by hand.
- The population SQL (sql/intermediate/int_signals_*.sql, int_head_reception.sql) must name the signals it
  computes: only declared codes, and each declared code is computed (written as an SQL string, outside
  comments) by exactly one of these files.
- The simulated city (simulator/) may not import the platform, so it names codes and thresholds itself:
  tests/test_signal_catalog.py checks they are declared and equal to the declaration.
- The docs (README.md, docs/*.md, any .md) may cite declared codes, in prose and in sample queries; an
  undeclared one only where MISSPELT lists it, with why.
- Anything else (production Python, the other SQL, templates, settings) imports `models.signals` or joins
  `marts.signal_catalog` instead.

Thresholds
- A required-days phrase (a unit type then a number: "cấp xã 4", "UBND_XA 4", "WHEN 'UBND_XA' THEN 4") is a
  threshold by unit type: only the declaration, the generated doc tables and the simulator write one.
- In the docs, a paragraph that cites a code may hold no threshold-like number (a percentage, a fraction 0.x,
  "ngưỡng n", "threshold n") outside the generated tables, except the worked examples of WORKED_EXAMPLES,
  whose stated threshold ("ngưỡng 95%", "threshold 0.95") must be the cited code's declared one.
- In code, SQL, templates and settings (.py, .sql, .html, .js, .toml), a declared ratio threshold written
  after a threshold word ("ngưỡng 95 %", "threshold = 0.95", "từ 95% trở lên", ">= 0.95") is one by hand,
  except ALLOWED_LINES and NO_THRESHOLDS (with why).
"""

from __future__ import annotations

import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

from models.signals import SIGNAL_CODES, SIGNALS, signal_named
from models.signals.docs import generated_spans

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = "models/signals/"
NOT_SCANNED = ("tests/", "benchmarks/results/")
SIMULATOR = "simulator/"
POPULATION_SQL = re.compile(r"sql/intermediate/(int_signals_[a-z0-9_]+|int_head_reception)\.sql")

MISSPELT = {
    ("docs/chu-trinh-kiem-tra.md", "MOTCUA_DUNG_HAM"): "the register's message for a misspelt code, quoted whole",
}
WORKED_EXAMPLES = {
    ("docs/quy-tac-khac-phuc.md", "kiến nghị về chỉ số `QLVB_DI_KY_SO`"):
        "the remediation rule worked by hand on one recommendation: the numbers need the threshold",
    ("docs/remediation-rules.md", "a recommendation on `QLVB_DI_KY_SO`"):
        "the same worked example, in English",
}
CODE_SUFFIXES = (".py", ".sql", ".html", ".js", ".toml")
NO_THRESHOLDS = {"pyproject.toml": "its numbers are dependency versions (dagster>=1.0), not thresholds"}
ALLOWED_LINES = {
    ("web/charts.py", '"""The threshold in words: "tối thiểu 95 %", "tối đa 0", "tối thiểu 4 ngày"."""'):
        "the docstring's example of what threshold_text writes, not a threshold anything reads",
}

CODE = re.compile(r"\b(?:QLVB|BAOCAO|MOTCUA|NHIEMVU|DONTHU)_[A-Z0-9_]*[A-Z0-9]\b")
SQL_STRING_CODE = re.compile(r"'((?:QLVB|BAOCAO|MOTCUA|NHIEMVU|DONTHU)_[A-Z0-9_]*[A-Z0-9])'")
F_FIELD = re.compile(r"\{[^{}]*\}")  # an f-string's replacement field: Python code, not text
SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
DAYS_PHRASE = re.compile(r"(?<!\w)(?:UBND_XA|UBND_HUYEN|cấp xã|cấp huyện|xã|huyện)['\"]?\s*(?:[:=]|THEN)?\s*\d+\b",
                         re.I)
THRESHOLD_LIKE = re.compile(r"(?<!\w)(?:ngưỡng|threshold)\s*(?:là|of|=|:)?\s*\d+(?:[.,]\d+)?(?:\s?%)?"
                            r"|\d+(?:[.,]\d+)?\s?%|(?<![\d.,])0[.,]\d+", re.I)
STATED = re.compile(r"(?<!\w)(?:ngưỡng|threshold)\s+(\d+(?:[.,]\d+)?)\s?(%)?", re.I)
AFTER_WORD = re.compile(r"(?<!\w)(?:ngưỡng|threshold|tối thiểu|từ|dưới|trên|>=|<=|≥|≤|<|>)[^\w\n]{0,4}"
                        r"(\d+(?:[.,]\d+)?)\s?(%)?", re.I)
RATIO_THRESHOLDS = {round(s.threshold, 6) for s in SIGNALS if s.kind == "ratio"}


def repository_files(root: Path = ROOT) -> dict[str, str]:
    """Path (relative, with /) → text of every file git tracks or would track, text files only."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, check=True).stdout.decode().split("\0")
    files = {}
    for name in filter(None, listed):
        path = root / name
        if name.startswith(NOT_SCANNED) or not path.is_file():
            continue
        try:
            files[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, workbooks, DuckDB files
    return files


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _without_generated(text: str) -> str:
    """The text with each generated table blanked out (lines kept, so line numbers stay true)."""
    for start, end in generated_spans(text):
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each run of non-blank lines."""
    out, at = [], 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if block.strip() and not re.fullmatch(r"\n[ \t]*\n", block):
            out.append((_line(text, at) + (len(block) - len(block.lstrip("\n"))), block))
        at += len(block)
    return out


def _as_fraction(number: str, percent: str | None) -> float:
    value = float(number.replace(",", "."))
    return round(value / 100 if percent else value, 6)


def _written(name: str, text: str) -> list[tuple[int, str]]:
    """(line, code) of each code written as text: in Python, inside strings and comments only (a name is a
    reference to the declaration); anywhere elsewhere."""
    if not name.endswith(".py"):
        return [(_line(text, m.start()), m.group()) for m in CODE.finditer(text)]
    textual = {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    out = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in textual:
            continue
        written = token.string
        if token.type == tokenize.STRING and "f" in written[:written.find(written[-1])].lower():
            written = F_FIELD.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), written.replace("{{", "  "))
        out += [(token.start[0] + written.count("\n", 0, m.start()), m.group()) for m in CODE.finditer(written)]
    return out


def _code_problems(name: str, text: str) -> list[str]:
    out = []
    for line, code in _written(name, text):
        where = f"{name}:{line}"
        if name.endswith(".md") or POPULATION_SQL.fullmatch(name):
            if code not in SIGNAL_CODES and (name, code) not in MISSPELT:
                out.append(f"{where}: {code} is not a signal of models/signals/catalog.py")
        else:
            out.append(f"{where}: signal code {code} written by hand; import it from models.signals "
                       "(or join marts.signal_catalog in SQL)")
    return out


def _doc_threshold_problems(name: str, text: str) -> list[str]:
    out = []
    for first, paragraph in _paragraphs(_without_generated(text)):
        codes = set(CODE.findall(paragraph))
        if not codes:
            continue
        example = [key for key in WORKED_EXAMPLES if key[0] == name and key[1] in paragraph]
        if example:
            stated = STATED.findall(paragraph)
            if len(codes) != 1 or not stated:
                out.append(f"{name}:{first}: the worked example {example[0][1]!r} should cite one code and state "
                           "its threshold ('ngưỡng 95%'); fix it or its entry in WORKED_EXAMPLES")
            for number, percent in stated:
                code = next(iter(codes))
                declared = signal_named(code).single_threshold if code in SIGNAL_CODES else None
                if declared is None or _as_fraction(number, percent) != round(declared, 6):
                    out.append(f"{name}:{first}: the worked example states threshold {number}{percent} for "
                               f"{code}, the catalog says {declared}")
            continue
        for match in THRESHOLD_LIKE.finditer(paragraph):
            out.append(f"{name}:{first + paragraph.count(chr(10), 0, match.start())}: threshold-like "
                       f"{match.group()!r} beside {', '.join(sorted(codes))}; cite the generated table (or "
                       "marts.signal_catalog) instead of writing a threshold by hand")
    return out


def _days_problems(name: str, text: str) -> list[str]:
    return [f"{name}:{_line(text, m.start())}: required days by unit type {m.group()!r} written by hand; use "
            "models.signals (days_required_vi, HEAD_RECEPTION_DAYS) or marts.signal_catalog.thresholds_by_unit_type"
            for m in DAYS_PHRASE.finditer(_without_generated(text))]


def _code_threshold_problems(name: str, text: str) -> list[str]:
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if (name, line.strip()) in ALLOWED_LINES:
            continue
        for match in AFTER_WORD.finditer(line):
            digits, percent = match.groups()
            if (percent or "." in digits or "," in digits) and _as_fraction(digits, percent) in RATIO_THRESHOLDS:
                out.append(f"{name}:{number}: threshold {match.group()!r} written by hand; read it from "
                           "models.signals or marts.signal_catalog")
    return out


def _population_problems(files: dict[str, str]) -> list[str]:
    computed: dict[str, list[str]] = {code: [] for code in SIGNAL_CODES}
    out = []
    for name, text in files.items():
        if not POPULATION_SQL.fullmatch(name):
            continue
        codes = sorted(set(SQL_STRING_CODE.findall(SQL_COMMENT.sub(" ", text))))
        if not codes:
            out.append(f"{name}: a population SQL names no signal it computes ('CODE' AS signal_code)")
        for code in codes:
            computed.setdefault(code, []).append(name)
    for code, where in computed.items():
        if code in SIGNAL_CODES and len(where) != 1:
            out.append(f"{code} is computed by {len(where)} population SQL files ({', '.join(where) or 'none'}); "
                       "exactly one must compute it")
    return out


def problems(files: dict[str, str]) -> list[str]:
    out = []
    for name, text in sorted(files.items()):
        if name.startswith((DECLARATION, SIMULATOR)):
            continue
        out += _code_problems(name, text)
        out += _days_problems(name, text)
        if name.endswith(".md"):
            out += _doc_threshold_problems(name, text)
        elif name.endswith(CODE_SUFFIXES) and name not in NO_THRESHOLDS:
            out += _code_threshold_problems(name, text)
    return out + _population_problems(files)


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return repository_files()


def test_no_signal_code_or_threshold_is_written_by_hand(files):
    found = problems(files)
    assert not found, "signal codes or thresholds written outside models/signals/catalog.py:\n" + "\n".join(found)


def test_the_scan_reads_the_places_codes_live_in(files):
    # a scan that finds nothing to scan passes anything: the files the rule is about are in it
    assert {DECLARATION + "catalog.py", "README.md", "docs/huong-dan-thanh-tra.md", "models/register.py", "web/pages/signals.py",
            "sql/marts/signal_catalog.sql", "sql/intermediate/int_head_reception.sql",
            "simulator/register.py"} <= set(files)
    assert not any(name.startswith(NOT_SCANNED) for name in files)
    assert sum(1 for name in files if POPULATION_SQL.fullmatch(name)) == 6  # five systems and the days signal


def test_every_allowance_is_still_needed(files):
    """An allowance whose text is gone would let the next stray through unseen: each one matches something."""
    for name, code in MISSPELT:
        assert code in files[name] and code not in SIGNAL_CODES, (name, code)
    for name, phrase in WORKED_EXAMPLES:
        assert phrase in files[name], (name, phrase)
    for name, line in ALLOWED_LINES:
        assert line in [x.strip() for x in files[name].splitlines()], (name, line)
        assert _code_threshold_problems(name, line) == [], "an allowed line is checked by the code rule"
        assert _code_threshold_problems(name + ".other", line) != [], "an allowed line must need its allowance"


STRAYS = [
    ("web/pages/stray.py", 'REASON = "MOTCUA_DUNG_HAN"\n',
     ["web/pages/stray.py:1: signal code MOTCUA_DUNG_HAN written by hand"]),
    ("sql/marts/stray.sql", "SELECT *\nFROM marts.unit_signals_monthly WHERE signal_code = 'QLVB_DI_KY_SO'\n",
     ["sql/marts/stray.sql:2: signal code QLVB_DI_KY_SO written by hand"]),
    ("docs/stray.md", "Ví dụ.\n\nChỉ số `MOTCUA_SO_HOA` có ngưỡng 80 % theo\nQuyết định 766.\n",
     ["docs/stray.md:3: threshold-like 'ngưỡng 80 %' beside MOTCUA_SO_HOA"]),
    ("docs/stray.md", "Chỉ số `MOTCUA_SO_HOA` — hồ sơ được số hóa, tối thiểu\n0,8 mỗi tháng.\n",
     ["docs/stray.md:2: threshold-like '0,8' beside MOTCUA_SO_HOA"]),
    ("docs/stray.md", "Chỉ số `MOTCUA_SO_HOAA` là gì?\n",
     ["docs/stray.md:1: MOTCUA_SO_HOAA is not a signal of models/signals/catalog.py"]),
    ("brief/stray.py", 'NOTE = "người đứng đầu cấp xã 4 ngày mỗi tháng"\n',
     ["brief/stray.py:1: required days by unit type 'cấp xã 4'"]),
    ("sql/intermediate/int_stray.sql", "SELECT CASE unit_type WHEN 'UBND_XA' THEN 4 ELSE 1 END AS threshold\n",
     ["sql/intermediate/int_stray.sql:1: required days by unit type \"UBND_XA' THEN 4\""]),
    ("docs/stray.md", "The days required (UBND_XA 4, UBND_HUYEN 2) come from the unit's type.\n",
     ["docs/stray.md:1: required days by unit type 'UBND_XA 4'", "docs/stray.md:1: required days by unit type "
      "'UBND_HUYEN 2'"]),
    ("web/stray.py", 'LIMIT = "tối thiểu 95 %"\n', ["web/stray.py:1: threshold 'tối thiểu 95 %' written by hand"]),
    ("sql/marts/stray.sql", "SELECT * FROM marts.unit_signals_pooled\nWHERE value >= 0.95\n",
     ["sql/marts/stray.sql:2: threshold '>= 0.95' written by hand"]),
    ("sql/intermediate/int_signals_stray.sql", "SELECT 'MOTCUA_DUNG_HAN' AS signal_code\n",
     ["MOTCUA_DUNG_HAN is computed by 2 population SQL files (sql/intermediate/int_signals_motcua.sql, "
      "sql/intermediate/int_signals_stray.sql)"]),
    ("sql/intermediate/int_signals_stray.sql", "SELECT 'MOTCUA_MOI' AS signal_code\n",
     ["sql/intermediate/int_signals_stray.sql:1: MOTCUA_MOI is not a signal of models/signals/catalog.py"]),
    ("sql/intermediate/int_signals_stray.sql", "SELECT 1 -- computes 'MOTCUA_DUNG_HAN' (a comment only)\n",
     ["sql/intermediate/int_signals_stray.sql: a population SQL names no signal it computes"]),
]


@pytest.mark.parametrize(("name", "text", "expected"), STRAYS, ids=[f"{i}-{s[0]}" for i, s in enumerate(STRAYS)])
def test_a_stray_code_or_threshold_is_caught(files, name, text, expected):
    """The real repository plus one stray file: the scan reports exactly the stray, where it is."""
    assert name not in files
    found = problems({**files, name: text})
    assert len(found) == len(expected), found
    for got, want in zip(found, expected, strict=True):
        assert got.startswith(want), (got, want)


def test_a_worked_example_whose_threshold_drifts_is_caught(files):
    name = "docs/quy-tac-khac-phuc.md"
    assert "ngưỡng 95%), hạn khắc phục" in files[name]
    drifted = files[name].replace("ngưỡng 95%), hạn khắc phục", "ngưỡng 90%), hạn khắc phục")
    found = problems({**files, name: drifted})
    assert len(found) == 1 and "states threshold 90% for QLVB_DI_KY_SO, the catalog says 0.95" in found[0], found


def test_a_hand_edit_inside_a_generated_table_is_not_this_tests_business(files):
    """Inside the markers the docs test (test_signal_catalog) compares the table with the catalog; here only the
    text outside them is scanned, so the generated thresholds beside their codes are not strays."""
    assert problems({"docs/x.md": "<!-- bảng chỉ số: sinh từ models/signals/catalog.py bằng ./dev docs, đừng sửa "
                                  "tay -->\n\n| `MOTCUA_SO_HOA` | ≥ 80 % | cấp xã 4 ngày |\n\n<!-- hết bảng chỉ số -->\n"
                     }) == [f"{code} is computed by 0 population SQL files (none); exactly one must compute it"
                            for code in SIGNAL_CODES]


def test_a_new_file_on_disk_is_read(tmp_path):
    """The scan reads what git would commit, untracked files included, and skips what it ignores."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("warehouse/\n", encoding="utf-8")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "stray.py").write_text('CODE = "DONTHU_TIEP_DAN_THU_TRUONG"\n', encoding="utf-8")
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "ignored.py").write_text('CODE = "DONTHU_TIEP_DAN_THU_TRUONG"\n', encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text('CODE = "DONTHU_TIEP_DAN_THU_TRUONG"\n', encoding="utf-8")
    found = repository_files(tmp_path)
    assert sorted(found) == [".gitignore", "web/stray.py"]
    assert [p for p in problems(found) if p.startswith("web/")] == [
        "web/stray.py:1: signal code DONTHU_TIEP_DAN_THU_TRUONG written by hand; import it from models.signals "
        "(or join marts.signal_catalog in SQL)"]
