"""Every `cchc …` command line the README and docs/*.md show parses with the real parser.

The files are read when the test runs, so a rewritten README is checked as it is then. What counts as a
command line, and how it is made concrete:

- **Where**: in fenced code blocks, every shell command whose program is `cchc` or ends in `/cchc`
  (`.venv/bin/cchc`), after joining lines continued with a backslash, dropping `# comments` and splitting
  at `|`, `;`, `&&` and `||` (so `echo pw | cchc users add …` gives `cchc users add …`). In the prose, every
  inline code span that starts with `cchc ` (or `.venv/bin/cchc `).
- **A bare name in prose** (`cchc draw`: two words, the second no option) names a command: it must be one, but need not be a
  whole command line (`cchc draw` alone lacks --n). In a code block it is a command line like any other.
- **Messages are not commands**: an inline span whose second word ends with ':' (`cchc rejects: a refresh
  is running…`) is a message the CLI prints, quoted in the troubleshooting table.
- **Optional parts and repetition**: `[...]` is kept with its brackets removed (`[--seed S]` → `--seed S`),
  and `…` / `...` standing alone are dropped (`[--unit-type T …]` → `--unit-type T`).
- **Placeholders** are the words of PLACEHOLDERS below, in capitals (`N`, `ID`, `FILE` …, also inside a
  word: `FILE.xlsx`) or in angle brackets (`<system>`, `<mã lần bốc>`); each becomes a value of the kind
  the parser expects. An angle-bracket placeholder missing from the table fails the test, so a new one is
  added here on purpose; a capital word missing from it is taken literally (`UBND_XA`, `SO` are values).
  One meaning per placeholder: `S` is a seed, so a system is `SYSTEM`.

`cchc simulate …` is parsed further by the simulator's own parser, which is what `cchc simulate` hands
its arguments to.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc import simulate
from cchc.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

PLACEHOLDERS = {
    "N": "5", "K": "6", "F": "20", "S": "271828",  # counts, months, the draw's floor, a seed
    "ID": "D-20261202-635c",  # a draw's id
    "FILE": "so-theo-doi",  # a file name (FILE.xlsx: so-theo-doi.xlsx)
    "SYSTEM": "qlvb", "<system>": "qlvb",
    "LOGIN": "thanhtra1", "TEN": "thanhtra1",  # a web login ("tên" in the inspectors' guide)
    "T": "UBND_XA",  # a directory unit type
    "<mã lần bốc>": "D-20261202-635c", "<mã>": "000.00.12.H26",
}
CAPITALS = re.compile(r"\b(" + "|".join(sorted((p for p in PLACEHOLDERS if not p.startswith("<")), key=len,
                                               reverse=True)) + r")\b")
ANGLED = re.compile(r"<[^<>\s][^<>]*>")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
PROGRAM = re.compile(r"^(?:\S*/)?cchc$")


@dataclass(frozen=True)
class CommandLine:
    where: str  # file:line
    text: str  # as the document writes it
    argv: tuple[str, ...]  # after the program, placeholders filled
    name_only: bool = False  # a bare `cchc COMMAND` in prose


def _fill(text: str, where: str) -> str:
    """Optional parts kept, repetition marks dropped, angle-bracket placeholders filled."""
    def angled(match: re.Match) -> str:
        if match.group(0) not in PLACEHOLDERS:
            raise AssertionError(f"{where}: unknown placeholder {match.group(0)} (add it to PLACEHOLDERS)")
        return PLACEHOLDERS[match.group(0)]
    text = ANGLED.sub(angled, text)
    return re.sub(r"(?<!\S)(…|\.\.\.)(?!\S)", " ", text.replace("[", " ").replace("]", " "))


def _commands(text: str, where: str) -> list[tuple[str, ...]]:
    """The cchc commands of one shell line: the argv after the program, one per command."""
    lexer = shlex.shlex(_fill(text, where), posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    found, current = [], []
    for token in [*lexer, ";"]:
        if token and set(token) <= set(";&|"):
            if current and PROGRAM.match(current[0]):
                found.append(tuple(CAPITALS.sub(lambda m: PLACEHOLDERS[m.group(1)], t) for t in current[1:]))
            current = []
        else:
            current.append(token)
    return found


def _logical_lines(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A code block's lines with backslash continuations joined, each with the number of its first line."""
    joined, start, parts = [], None, []
    for number, line in block:
        start = number if start is None else start
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1])
            continue
        joined.append((start, " ".join([*parts, line])))
        start, parts = None, []
    if parts:
        joined.append((start, " ".join(parts)))
    return joined


def command_lines(path: Path, root: Path = ROOT) -> list[CommandLine]:
    name = path.relative_to(root).as_posix()
    found: list[CommandLine] = []
    block: list[tuple[int, str]] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            if block is not None:
                for start, text in _logical_lines(block):
                    if re.search(r"(^|[\s;|&])(\S*/)?cchc\s", text):
                        where = f"{name}:{start}"
                        found += [CommandLine(where, text.strip(), argv) for argv in _commands(text, where)]
            block = [] if block is None else None
            continue
        if block is not None:
            block.append((number, line))
            continue
        for span in INLINE.findall(line):
            words = span.split()
            if len(words) < 2 or not PROGRAM.match(words[0]) or words[1].endswith(":"):
                continue
            where = f"{name}:{number}"
            if len(words) == 2 and not words[1].startswith("-"):
                found.append(CommandLine(where, span, (words[1],), name_only=True))
            else:
                found += [CommandLine(where, span, argv) for argv in _commands(span, where)]
    assert block is None, f"{name}: a code block is not closed"
    return found


ALL = [c for path in DOCUMENTS for c in command_lines(path)]


def parse(argv: tuple[str, ...]) -> str | None:
    """None when `cchc ARGV` parses (an exit 0 such as --version's counts), else argparse's message."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            args = build_parser().parse_args(list(argv))
            if args.command == "simulate":
                simulate.build_parser().parse_args(["simulate", *args.arguments])
    except SystemExit as exit_:
        return None if exit_.code == 0 else err.getvalue().strip().splitlines()[-1]
    return None


def test_the_documents_show_command_lines():
    # the README and the guides show many; finding next to none means the extraction broke
    whole = [c for c in ALL if not c.name_only]
    print(f"\n{len(whole)} command lines parsed from {len(DOCUMENTS)} files (and {len(ALL) - len(whole)} "
          "commands named in prose)")
    assert len(whole) >= 40
    assert {c.argv[0] for c in whole} >= {"refresh", "simulate", "reset", "rejects", "draw", "users", "brief"}


@pytest.mark.parametrize("line", [c for c in ALL if not c.name_only], ids=lambda c: f"{c.where} {c.text}")
def test_every_documented_command_line_parses(line):
    refused = parse(line.argv)
    assert refused is None, f"{line.where}: `{line.text}` → cchc {' '.join(line.argv)}: {refused}"


def _command_names() -> set[str]:
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return set(commands.choices)


@pytest.mark.parametrize("line", [c for c in ALL if c.name_only], ids=lambda c: f"{c.where} {c.text}")
def test_every_command_named_in_prose_exists(line):
    assert line.argv[0] in _command_names(), f"{line.where}: `{line.text}` names no command"


# --- the extraction itself, on documents written here -------------------------------------------------

def test_the_extraction_rules(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(
        "Run `cchc draw`, or `cchc draw --n N [--unit-type T …] [--seed S]`;\n"
        "`cchc rejects: a refresh is running`\n"
        "```bash\n"
        "echo 'pw' | .venv/bin/cchc users add LOGIN --role thanh-tra   # or at the prompt\n"
        ".venv/bin/cchc users list; cchc users remove x && ./dev test\n"
        "cchc simulate serve \\\n"
        "    --port 8061   # comment\n"
        "duckdb warehouse/cchc.duckdb\n"
        "```\n", encoding="utf-8")
    found = command_lines(doc, root=tmp_path)
    assert [(c.where, c.argv, c.name_only) for c in found] == [
        ("x.md:1", ("draw",), True),
        ("x.md:1", ("draw", "--n", "5", "--unit-type", "UBND_XA", "--seed", "271828"), False),
        ("x.md:4", ("users", "add", "thanhtra1", "--role", "thanh-tra"), False),
        ("x.md:5", ("users", "list"), False),
        ("x.md:5", ("users", "remove", "x"), False),
        ("x.md:6", ("simulate", "serve", "--port", "8061"), False),
    ]


def test_an_unknown_angled_placeholder_fails(tmp_path):
    with pytest.raises(AssertionError, match="unknown placeholder <thing>"):
        _commands("cchc reset <thing> --yes", "x.md:1")


def test_a_wrong_command_line_is_caught():
    # a line that does not parse gives argparse's message, through the simulator's parser too
    assert parse(("rejects", "--system", "qlvb", "--bogus")).startswith("cchc rejects: unrecognized arguments")
    assert "invalid choice: 'nothing'" in parse(("reset", "nothing"))
    assert parse(("simulate", "serve", "--bogus")).startswith("cchc simulate serve: unrecognized arguments")
