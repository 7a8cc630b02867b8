"""Terminal rendering of a day page: every line of the file, with numbers and colour.

Nothing is hidden: hand-written paragraphs, code and unknown sections show as
written. Entries get the numbers the commands take (to-dos for ``done N``,
other entries for ``think --on N``); kinds, tags, fields and times are
coloured; a carried to-do says how long it has waited. Colour is dropped when
the output is not a terminal.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog import markdown
from reslog.cli.style import style
from reslog.dates import long_date
from reslog.model import FIELD_VALUE, KINDS, Entry, Page
from reslog.tasks import Todo, started_label
from reslog.words import plural

_KIND_COLOURS = {
    "exp": "blue", "bug": "red", "fix": "green", "read": "magenta", "thought": "yellow",
    "feel": "yellow", "decision": "cyan", "result": "green",
}
_TOKEN = re.compile(r"(\[[\w][\w .-]*?::" + FIELD_VALUE + r"\])|((?<![\w&/#\[])#[\w][\w/-]*)|(★)")
_KIND_AT = re.compile(r"^(\s*[-*+]\s+(?:\[.\]\s+)?(?:\d{1,2}:\d{2}\s+)?)(" + "|".join(KINDS) + r"):")
_TIME_AT = re.compile(r"^(\s*[-*+]\s+(?:\[.\]\s+)?)(\d{1,2}:\d{2})(?=\s)")


def _style_text(text: str) -> str:
    def paint(match: re.Match[str]) -> str:
        field, tag, star = match.groups()
        if field:
            return style(field, dim=True)
        if tag:
            return style(tag, fg="cyan")
        return style(star, fg="yellow", bold=True)

    return _TOKEN.sub(paint, text)


def _style_line(body: str) -> str:
    kind = _KIND_AT.match(body)
    if kind:
        prefix, word = kind.group(1), kind.group(2)
        rest = body[kind.end():]
        head = _style_prefix(prefix) + style(word + ":", fg=_KIND_COLOURS[word], bold=True)
        return head + _style_text(rest)
    time = _TIME_AT.match(body)
    if time:
        return time.group(1) + style(time.group(2), dim=True) + _style_text(body[time.end():])
    return _style_text(body)


def _style_prefix(prefix: str) -> str:
    time = _TIME_AT.match(prefix)
    if time:
        return time.group(1) + style(time.group(2), dim=True) + prefix[time.end():]
    return prefix


def _waiting(entry: Entry, day: dt.date) -> str:
    """What the line itself does not say: how long an open to-do has waited, its timer, its day."""
    notes = []
    todo = Todo(0, entry)
    since = todo.carried_since
    if since is not None and entry.is_open:
        notes.append(f"waiting {plural((day - since).days, 'day')}")
    if todo.started is not None:
        start = started_label(todo.started, dt.datetime.combine(day, dt.time()))
        notes.append(f"timer running since {start}")
    if todo.waits_until_after(day) and todo.scheduled is not None:
        notes.append(f"deferred to {long_date(todo.scheduled)}")
    return ("  " + style("(" + ", ".join(notes) + ")", fg="yellow")) if notes else ""


def page_lines(page: Page, day: dt.date, path: str) -> list[str]:
    """The page as terminal lines."""
    numbers: dict[int, tuple[str, Entry]] = {}
    for n, entry in enumerate(page.tasks(), 1):
        numbers[entry.index] = (f"{n:>3} ", entry)
    for n, entry in enumerate(page.notes(), 1):
        numbers[entry.index] = (f"{n:>3} ", entry)
    heading_lines = {s.index for s in page.sections}
    out = [style(long_date(day), bold=True) + style(f"  {path}", dim=True)]
    title_shown = page.title is None  # the date heads the output instead of the title line
    for i in range(page.body_start, len(page.lines)):
        body = markdown.line_body(page, i)
        if (
            not title_shown and page.title is not None
            and body.startswith("#") and not body.startswith("##") and page.title in body
        ):
            title_shown = True
            continue
        if i in heading_lines:
            out.append(style(body.lstrip("#").strip(), bold=True, underline=True))
        elif i in numbers:
            label, entry = numbers[i]
            out.append(style(label, dim=True) + _style_line(body) + _waiting(entry, day))
        else:
            out.append("    " + _style_line(body) if body.strip() else "")
    while out and not out[-1].strip():
        out.pop()
    return out


_MARKER = re.compile(r"^\s*<!-- reslog:(begin|end) [a-z]+ -->\s*$")


def week_lines(page: Page, path: str) -> list[str]:
    """A week page as terminal lines: headings bold, the generated blocks' markers left out."""
    out = [style(page.title or path, bold=True) + style(f"  {path}", dim=True)]
    title_shown = page.title is None
    for i in range(page.body_start, len(page.lines)):
        body = markdown.line_body(page, i)
        if _MARKER.match(body):
            continue
        if not title_shown and body.startswith("# "):
            title_shown = True
            continue
        if body.startswith("## "):
            out.append(style(body[3:].strip(), bold=True, underline=True))
        else:
            out.append(_style_text(body))
    while out and not out[-1].strip():
        out.pop()
    return out
