"""Turn the real lab notebook in ../shared/corpora/cboettig-labnotebook into day pages.

A test helper, not the importer: each dated post's body is split into
paragraphs; each paragraph becomes an entry of What was done, its further
lines nested (indented) under it, so search sees the researcher's own words.
"""

from __future__ import annotations

import re
from pathlib import Path

from reslog.store import new_day_text

from .conftest import CORPORA

NOTEBOOK = CORPORA / "cboettig-labnotebook"
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-.*\.(md|Rmd)$")


def _body(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4:]
    return text


def _entries(body: str) -> list[str]:
    entries = []
    for block in re.split(r"\n\s*\n", body):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        entries.append("\n".join([f"- {lines[0]}", *(f"  {line}" for line in lines[1:])]))
    return entries


def posts() -> dict[str, list[str]]:
    """Day -> entry blocks, from every dated post of the notebook."""
    days: dict[str, list[str]] = {}
    for path in sorted(NOTEBOOK.glob("*/_posts/*")):
        match = _NAME.match(path.name)
        if not match:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
        days.setdefault(match.group(1), []).extend(_entries(_body(text)))
    return days


def write_notebook_log(root: Path) -> int:
    """Write the notebook as day pages under ``root``; returns the number of entries."""
    count = 0
    for day, blocks in posts().items():
        import datetime as dt

        text = new_day_text(dt.date.fromisoformat(day)).replace(
            "## What was done\n", "## What was done\n" + "\n".join(blocks) + "\n"
        )
        path = root / "days" / day[:4] / f"{day}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        count += len(blocks)
    return count
