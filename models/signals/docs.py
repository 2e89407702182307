"""The signal tables of README.md and the inspectors' guide, generated from the catalog.

Each table sits between two marker comments; everything between them is rewritten, nothing else is touched:

    <!-- bảng chỉ số: sinh từ models/signals/catalog.py bằng ./dev docs, đừng sửa tay -->
    …
    <!-- hết bảng chỉ số -->

`./dev docs` (or `python -m models.signals.docs`) rewrites them; `--check` only says which files differ
(tests/test_signal_catalog.py fails while any does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from models.signals.catalog import SIGNALS
from models.signals.declaration import Signal

ROOT = Path(__file__).resolve().parents[2]
START = "<!-- bảng chỉ số: sinh từ models/signals/catalog.py bằng ./dev docs, đừng sửa tay -->"
END = "<!-- hết bảng chỉ số -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def readme_table(signals: tuple[Signal, ...] = SIGNALS) -> str:
    return _table(["mã", "ý nghĩa", "ngưỡng"], [[f"`{s.code}`", s.name_vi, s.threshold_vi] for s in signals])


def guide_table(signals: tuple[Signal, ...] = SIGNALS) -> str:
    return _table(["mã", "cách tính", "ngưỡng", "bằng chứng trong `findings`"],
                  [[f"`{s.code}`", s.computation_vi, s.threshold_vi, s.evidence_vi] for s in signals])


DOCUMENTS: dict[str, Callable[[tuple[Signal, ...]], str]] = {
    "README.md": readme_table,
    "docs/huong-dan-thanh-tra.md": guide_table,
}
"""Each document that holds a generated signal table → what its table shows."""


def generated_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each generated block, markers included."""
    spans, at = [], 0
    while (start := text.find(START, at)) >= 0:
        end = text.find(END, start)
        if end < 0:
            raise ValueError(f"a '{START}' has no '{END}' after it")
        spans.append((start, end + len(END)))
        at = end + len(END)
    return spans


def rewritten(text: str, table: str, name: str) -> str:
    """`text` with its one generated block holding `table`."""
    spans = generated_spans(text)
    if len(spans) != 1:
        raise ValueError(f"{name}: needs exactly one signal table between '{START}' and '{END}' "
                         f"(found {len(spans)}); put the markers back where the table goes")
    start, end = spans[0]
    return text[:start] + f"{START}\n\n{table}\n\n{END}" + text[end:]


def stale(root: Path = ROOT, signals: tuple[Signal, ...] = SIGNALS) -> dict[str, str]:
    """Each document whose table differs from the catalog's → its text as it should be."""
    out = {}
    for name, table in DOCUMENTS.items():
        text = (root / name).read_text(encoding="utf-8")
        wanted = rewritten(text, table(signals), name)
        if wanted != text:
            out[name] = wanted
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev docs", description="Rewrite the signal tables of README.md and "
                                     "docs/huong-dan-thanh-tra.md from models/signals/catalog.py.")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a table differs")
    args = parser.parse_args(argv)
    try:
        changes = stale()
    except (OSError, ValueError) as exc:
        print(f"docs: {exc}", file=sys.stderr)
        return 1
    for name, text in changes.items():
        if args.check:
            print(f"{name}: its signal table differs from models/signals/catalog.py; run ./dev docs")
        else:
            (ROOT / name).write_text(text, encoding="utf-8")
            print(f"{name}: signal table rewritten")
    if not changes:
        print("signal tables up to date: " + ", ".join(DOCUMENTS))
    return 1 if args.check and changes else 0


if __name__ == "__main__":
    sys.exit(main())
