"""Every importer on its real corpus: the imported pages hold each note whole, under its entry.

For each corpus in ../shared/corpora, imported into a fresh log: every non-blank line of every
section belongs to an entry (a note's body never spills out as free text), fenced code is
balanced inside its entry (no one-bullet-per-line code, ``  - `````), no page is left with an
open code block, and the pages round-trip byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown

from .conftest import CORPORA, Clock, Result, corpora

Run = Callable[..., Result]

SOURCES = {
    "markdown": CORPORA / "cboettig-labnotebook",
    "obsidian": CORPORA / "logseq-docs" / "journals",
    "logseq": CORPORA / "logseq-docs",
    "notion": CORPORA / "notion-export-obsidian-importer" / "Notion.Test.Export",
    "org": CORPORA / "org-journal-fixtures",
}


def _open_fence(lines: list[str]) -> str | None:
    """The fence left open at the end of ``lines`` (CommonMark's rule: a closing fence is the same
    character, at least as long, and nothing else), or None."""
    fence: str | None = None
    for line in lines:
        stripped = line.strip()
        if fence is None:
            match = re.match(r"(`{3,}|~{3,})", stripped)
            fence = match.group(1) if match else None
        elif stripped.startswith(fence) and set(stripped) == {fence[0]}:
            fence = None
    return fence


@corpora
@pytest.mark.parametrize("fmt", sorted(SOURCES))
def test_imported_pages_hold_each_note_whole(fmt: str, run: Run, clock: Clock, log_dir: Path) -> None:
    args = ["--date-format", "%Y_%m_%d"] if fmt == "obsidian" else []
    result = run("import", fmt, str(SOURCES[fmt]), *args)
    assert result.code == 0, result.err
    pages = sorted((log_dir / "days").rglob("*.md"))
    assert pages
    fenced_entries = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        page = markdown.parse(text)
        assert markdown.render(page) == text and page.unclosed is None, path.name
        opaque = markdown.opaque_lines(page)
        for section in page.sections:
            covered = {i for entry in section.entries for i in range(entry.index, entry.end)}
            loose = [page.lines[i] for i in range(section.index + 1, section.end)
                     if page.lines[i].strip() and i not in covered]
            assert loose == [], f"{path.name}: lines outside any entry: {loose[:3]}"
            for entry in section.entries:
                lines = [markdown.line_body(page, i) for i in range(entry.index + 1, entry.end)]
                assert not any(line.lstrip().startswith(("- ```", "- ~~~")) for line in lines), path.name
                assert _open_fence(lines) is None, f"{path.name}:{entry.line}: an open code block"
                fenced_entries += any(opaque[i] for i in range(entry.index + 1, entry.end))
    if fmt == "markdown":
        assert fenced_entries > 100  # the notebook's R and shell code, each block whole under its post
