"""Every link of README.md and docs/*.md stays inside the repository, and lands.

A clone holds nothing but the repository, so no link may leave it: a relative link names a file (or folder)
that exists in the checkout and never starts with `../`; there are no links to other sites (`http:`, `//`,
`mailto:` …) and no absolute paths. An `#anchor` — alone (this file) or after a Markdown file's path — names
a heading of that file, by GitHub's rules: the heading's text as rendered (code spans and links reduced to
their text), lower-cased, every character dropped that is not a letter, a mark, a digit, `_`, `-` or a
space, spaces made hyphens, and a repeated slug numbered `-1`, `-2` … in order. `<a id="…">` anchors count too.
Links inside code (fenced blocks, inline code spans) are not links, so they are not checked — but the text
`../shared/`, the workspace a clone does not have, may appear nowhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target) and ![alt](target), the target up to the first space or closing parenthesis
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
HTML_HREF = re.compile(r"<a\s[^>]*href=\"([^\"]+)\"", re.IGNORECASE)
OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)  # a scheme (http:, mailto:, file:) or //host


@dataclass(frozen=True)
class Link:
    where: str  # file:line
    target: str


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, numbered from 1."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def _plain(text: str) -> str:
    """Markdown outside code spans as rendered text: links and images reduced to their text, HTML tags and
    emphasis markers dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"(\*\*|__|\*|(?<!\w)_|_(?!\w))", "", text)


def _rendered(heading: str) -> str:
    """A heading's text as GitHub renders it; a code span's content is taken as written (`raw_<system>`)."""
    parts, last = [], 0
    for match in CODE_SPAN.finditer(heading):
        parts += [_plain(heading[last:match.start()]), match.group(2).strip()]
        last = match.end()
    return "".join([*parts, _plain(heading[last:])])


def slug(heading: str) -> str:
    """GitHub's anchor of a heading (before numbering repeats)."""
    kept = [c for c in _rendered(heading).strip().lower()
            if c in " -_" or unicodedata.category(c)[0] in "LMN"]
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a Markdown file offers: its headings' slugs (repeats numbered) and its <a id> anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _number, line in _prose_lines(path.read_text(encoding="utf-8")):
        found.update(HTML_ANCHOR.findall(line))
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path, root: Path = ROOT) -> list[Link]:
    name = path.relative_to(root).as_posix()
    found = []
    for number, line in _prose_lines(path.read_text(encoding="utf-8")):
        prose = CODE_SPAN.sub("", line)
        for target in [*LINK.findall(prose), *HTML_HREF.findall(prose)]:
            found.append(Link(f"{name}:{number}", target))
    return found


def problem(path: Path, link: Link, root: Path = ROOT) -> str | None:
    """What is wrong with one link of `path`, or None."""
    target = link.target
    if not target:
        return "an empty link"
    if OUTSIDE.match(target):
        return "points outside the repository (a clone has nothing but the repository)"
    if target.startswith("/"):
        return "an absolute path: write it relative to the file"
    if target.startswith("../"):
        return "starts with ../"
    file_part, _, anchor = target.partition("#")
    destination = (path.parent / file_part).resolve() if file_part else path
    if root.resolve() not in (destination, *destination.parents):
        return "leaves the repository"
    if not destination.exists():
        return f"{destination.relative_to(root.resolve()).as_posix()} does not exist"
    if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
        return f"no heading of {destination.name} has the anchor #{anchor}"
    return None


ALL = [(path, link) for path in DOCUMENTS for link in links(path)]


def test_the_documents_have_links():
    # next to none found would mean the extraction broke
    print(f"\n{len(ALL)} links checked in {len(DOCUMENTS)} files, "
          f"{sum(1 for _, link in ALL if '#' in link.target)} with an anchor")
    assert len(ALL) >= 40
    assert any(link.target.startswith("#") for _, link in ALL)
    assert any(link.target.startswith("docs/") for _, link in ALL)


@pytest.mark.parametrize(("path", "link"), ALL, ids=lambda v: v.where if isinstance(v, Link) else "")
def test_every_link_lands_inside_the_repository(path, link):
    found = problem(path, link)
    assert found is None, f"{link.where}: ({link.target}) {found}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_points_at_the_workspace_outside_the_clone(path):
    text = path.read_text(encoding="utf-8")
    assert "../shared/" not in text, f"{path.name} names ../shared/, which a clone does not have"


# --- the rules themselves, on cases worked out by hand ------------------------------------------------

@pytest.mark.parametrize(("heading", "expected"), [
    ("Quick start", "quick-start"),
    ("Installing: the lock", "installing-the-lock"),
    ("The UI, the schedule and the daemon", "the-ui-the-schedule-and-the-daemon"),
    ("Dành cho thanh tra viên (tiếng Việt)", "dành-cho-thanh-tra-viên-tiếng-việt"),
    ("Surprise draws — `cchc draw`", "surprise-draws--cchc-draw"),
    ("The gateway (systems 1–4)", "the-gateway-systems-14"),
    ("`cchc doctor`", "cchc-doctor"),
    ("1. Document management (`qlvb`)", "1-document-management-qlvb"),
    ("Unit names: the name key", "unit-names-the-name-key"),
    ("The reverse proxy (TLS)", "the-reverse-proxy-tls"),
    ("Where `raw_<system>` lives", "where-raw_system-lives"),
    ("A **bold** [link](x.md) here", "a-bold-link-here"),
])
def test_slugs_follow_githubs_rules(heading, expected):
    assert slug(heading) == expected


def test_repeated_headings_are_numbered_and_code_blocks_hold_none(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("# Notes\n\n## Notes\n\n```bash\n# not a heading\n```\n\n### Notes\n<a id=\"here\"></a>\n",
                   encoding="utf-8")
    assert anchors(doc) == {"notes", "notes-1", "notes-2", "here"}


def test_every_kind_of_bad_link_is_caught(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A title\n", encoding="utf-8")
    doc = tmp_path / "README.md"
    doc.write_text(
        "[ok](docs/a.md) [ok too](docs/a.md#a-title) [here](#top) [folder](docs)\n"
        "# Top\n"
        "[gone](docs/b.md) [bad anchor](docs/a.md#nothing) [no heading](#nowhere) [up](../shared/spec/sources.md)\n"
        "[web](https://example.org/) [abs](/etc/passwd) [mail](mailto:a@b.c) `[in code](../nowhere.md)`\n"
        "```\n[in a block](../nowhere.md)\n```\n", encoding="utf-8")
    found = {link.target: problem(doc, link, root=tmp_path) for link in links(doc, root=tmp_path)}
    assert found == {
        "docs/a.md": None, "docs/a.md#a-title": None, "#top": None, "docs": None,
        "docs/b.md": "docs/b.md does not exist",
        "docs/a.md#nothing": "no heading of a.md has the anchor #nothing",
        "#nowhere": "no heading of README.md has the anchor #nowhere",
        "../shared/spec/sources.md": "starts with ../",
        "https://example.org/": "points outside the repository (a clone has nothing but the repository)",
        "/etc/passwd": "an absolute path: write it relative to the file",
        "mailto:a@b.c": "points outside the repository (a clone has nothing but the repository)",
    }
