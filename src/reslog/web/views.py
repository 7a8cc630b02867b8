"""What the templates show: a day page (and a week page) turned into plain view data.

A day page is shown as a researcher reads it: its sections in file order,
each entry with its time, kind, level, checkbox, text (tags as chips, fields
as labels, ★), nested lines, and for a to-do its number, est/took, the days it
has waited since it was first written and a running timer. Text that is not
an entry (a hand-written paragraph, code, a table) is shown too, rendered as
Markdown: nothing in the file is hidden.

Every entry carries its 1-based line, which becomes the anchor ``#L12`` that
search results and citations link to.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from reslog import markdown
from reslog.dates import long_date
from reslog.model import SECTION_TITLES, TASK_STATES, Entry, Page, week_own_section
from reslog.store import content_hash
from reslog.tasks import STARTED, wording
from reslog.web import markup

__all__ = ["day_view", "entry_view", "free_blocks", "week_view"]

_LEVELS = {0: "fact", 1: "thought", 2: "reflection"}
_MARKER = re.compile(r"^\s*<!-- reslog:(begin|end) [a-z]+ -->\s*$")


def _waited(entry: Entry, day: dt.date) -> int | None:
    carried = entry.field("carried")
    if not carried:
        return None
    try:
        return (day - dt.date.fromisoformat(carried)).days
    except ValueError:
        return None


def _started(entry: Entry) -> str | None:
    value = entry.field(STARTED)
    if not value or not entry.is_open:
        return None
    try:
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        return None


def entry_view(page: Page, entry: Entry, day: dt.date, number: int | None = None) -> dict[str, Any]:
    """One entry (and its nested lines) as the templates need it."""
    shown_fields = {"est", "took", "carried", STARTED}
    extra_lines: list[str] = []
    child_lines: set[int] = set()
    for child in entry.children:
        child_lines.update(range(child.index, child.end))
    for i in range(entry.index + 1, entry.end):
        if i not in child_lines and not any(c.index <= i < c.end for c in entry.children):
            body = markdown.line_body(page, i).strip()
            if body:
                extra_lines.append(markup.inline(body))
    return {
        "line": entry.line,
        "number": number,
        "state": TASK_STATES.get(entry.state or "", "other") if entry.is_task else None,
        "time": entry.time,
        "kind": entry.kind,
        "kind_class": entry.kind or "note",
        "level": entry.level,
        "level_name": _LEVELS.get(entry.level, ""),
        "html": markup.inline(_without(entry.text, shown_fields)),
        "wording": wording(entry),
        "tags": list(entry.tags),
        "starred": entry.starred,
        "est": entry.field("est"),
        "took": entry.field("took"),
        "carried": entry.field("carried"),
        "waited": _waited(entry, day),
        "started": _started(entry),
        "extra": extra_lines,
        "children": [entry_view(page, child, day) for child in entry.children],
    }


def _without(text: str, keys: set[str]) -> str:
    for key in keys:
        text = markdown.remove_field(text, key)
    return text


def free_blocks(page: Page, start: int, end: int, covered: set[int]) -> list[tuple[int, str]]:
    """Runs of lines in [start, end) that no entry covers, as (first line index, HTML)."""
    found: list[tuple[int, str]] = []
    run: list[str] = []
    first = start
    for i in range(start, end + 1):
        if i < end and i not in covered and not _MARKER.match(markdown.line_body(page, i)):
            if not run:
                first = i
            run.append(markdown.line_body(page, i))
            continue
        if run and any(line.strip() for line in run):
            found.append((first, markup.block("\n".join(run))))
        run = []
    return found


def day_view(page: Page | None, day: dt.date, path: str, text: str | None = None) -> dict[str, Any]:
    """A day page as sections of items (entries and free text), with its hash for guarded saves."""
    numbers: dict[int, int] = {}
    for n, entry in enumerate(page.tasks() if page else [], 1):
        numbers[entry.index] = n
    for n, entry in enumerate(page.notes() if page else [], 1):
        numbers[entry.index] = n
    sections: list[dict[str, Any]] = []
    if page is not None:
        covered = {i for e in page.entries() for i in range(e.index, e.end)}
        title_line = next((i for i in range(page.body_start, len(page.lines))
                           if markdown.line_body(page, i).startswith("# ")), None)
        if title_line is not None:
            covered.add(title_line)
        head_end = page.sections[0].index if page.sections else len(page.lines)
        preamble = _items(page, page.preamble, page.body_start, head_end, covered, day, numbers)
        if preamble:
            sections.append({"key": None, "title": None, "rows": preamble})
        for section in page.sections:
            sections.append({
                "key": section.key,
                "title": section.title,
                "rows": _items(page, section.entries, section.index + 1, section.end, covered, day, numbers),
            })
    notes = page.notes() if page else []
    return {
        "date": day.isoformat(),
        "title": long_date(day),
        "file": path,
        "exists": page is not None,
        "hash": content_hash(text) if page is not None else "",
        "sections": sections,
        "missing": [key for key in SECTION_TITLES if page is None or page.section(key) is None],
        "notes": [{"number": n,
                   "text": markup.images_as_text(markdown.strip_fields(markdown.strip_tags(e.text)))[:60],
                   "value": f"{n} {markdown.strip_fields(e.text)}"} for n, e in enumerate(notes, 1)],
        "empty": page is None or not page.entries(),
    }


def _items(page: Page, entries: tuple[Entry, ...], start: int, end: int, covered: set[int],
           day: dt.date, numbers: dict[int, int]) -> list[dict[str, Any]]:
    items: list[tuple[int, dict[str, Any]]] = []
    for entry in entries:
        items.append((entry.index, {"entry": entry_view(page, entry, day, numbers.get(entry.index))}))
    for first, html in free_blocks(page, start, end, covered):
        items.append((first, {"free": html}))
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def week_view(page: Page) -> list[dict[str, Any]]:
    """The generated area of a week page (up to the researcher's sections) as HTML blocks,
    one per ``##`` section, marker comments left out."""
    blocks: list[dict[str, Any]] = []
    for section in page.sections:
        if week_own_section(section.title) is not None:
            break
        lines = [markdown.line_body(page, i) for i in range(section.index + 1, section.end)]
        lines = [line for line in lines if not _MARKER.match(line)]
        blocks.append({"title": section.title, "html": markup.block("\n".join(lines))})
    return blocks
