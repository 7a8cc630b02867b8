"""The fast path: from a command line to one appended line in one day's page.

This module is on the path of every capture, so it imports only the files
layer, the Markdown code and the standard library: never the index, numpy,
rich, the web stack or a model. A capture reads and writes one page.

Text is kept as typed: inline ``#tags``, ``[key:: value]`` fields and ``★``
stay where the person put them; options add theirs at the end. A multi-line
text becomes an entry whose first line is the first line of text and whose
further lines are nested items under it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reslog import markdown
from reslog.dates import format_duration
from reslog.errors import InputError, TodoError
from reslog.model import OPEN, STAR, Entry, Page
from reslog.records import Record
from reslog.store import Log

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Final


class Capture(Record):
    """What to add: the text as typed plus what the options say."""

    __slots__ = ("estimate", "kind", "source", "star", "tags", "text", "time")
    text: Final[str]
    kind: Final[str | None]
    tags: Final[Sequence[str]]
    source: Final[str | None]
    star: Final[bool]
    time: Final[str | None]
    estimate: Final[int | None]

    def __init__(
        self, text: str, kind: str | None = None, tags: Sequence[str] = (), source: str | None = None,
        star: bool = False, time: str | None = None, estimate: int | None = None,
    ) -> None:
        self.text = text
        self.kind = kind
        self.tags = tags
        self.source = source
        self.star = star
        self.time = time
        self.estimate = estimate


class Captured(Record):
    """Where a capture landed: the page file and the 1-based line of the new entry."""

    __slots__ = ("body", "line", "path")
    path: Final[str]
    line: Final[int]
    body: Final[str]

    def __init__(self, path: str, line: int, body: str) -> None:
        self.path = path
        self.line = line
        self.body = body


def _writable(value: str, what: str) -> str:
    """``value``, if it can be written to a page as UTF-8 (text Python read from bytes that were
    not UTF-8 holds lone surrogates, and would fail only at the write, after carry-over)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{what} is not valid UTF-8; check the terminal's encoding (locale)") from None
    return value


def _text_lines(text: str) -> list[str]:
    _writable(text, "the text")
    lines = [line.rstrip() for line in markdown.split_lines(text)]
    lines = [line.rstrip("\r\n").rstrip() for line in lines]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise InputError("nothing to write: the text is empty; give the entry's text")
    return lines


def _decorate(first: str, item: Capture) -> str:
    parts = [first]
    for tag in item.tags:
        tag = _writable(tag, "a tag").strip().lstrip("#")
        if markdown.read_tags(f"#{tag}") != (tag,):  # what would not read back as this tag
            raise InputError(
                f"cannot use {tag!r} as a tag; a tag is letters, digits, _, - and / with at least "
                "one letter, such as w2s or proj/sub"
            )
        if f"#{tag}" not in first.split():
            parts.append(f"#{tag}")
    if item.estimate is not None:
        parts.append(markdown.field("est", format_duration(item.estimate)))
    if item.source:
        source = _writable(item.source, "--from").strip()
        problem = markdown.field_problem(source)
        if problem is not None:
            raise InputError(
                f"--from cannot hold {problem}: a field ends at ']' and at the end of the line; "
                "write the source on one line, with ( ) for brackets"
            )
        parts.append(markdown.field("from", source))
    if item.star and STAR not in first:
        parts.append(STAR)
    return " ".join(parts)


def _kind_prefix(first: str, kind: str | None) -> str:
    if kind is None:
        return first
    if markdown.split_kind(first)[0] is not None:
        return first  # the text names its kind already
    return f"{kind}: {first}"


def entry_lines(item: Capture, section: str) -> list[str]:
    """The Markdown lines of a new top-level entry."""
    lines = _text_lines(item.text)
    first = _kind_prefix(lines[0], item.kind)
    first = _decorate(first, item)
    if section == "todo":
        head = "- [ ] " + (f"{item.time} " if item.time else "")
    else:
        head = f"- {item.time} " if item.time else "- "
    return [head + first] + [f"  - {line.strip()}" for line in lines[1:]]


def add_entry(log: Log, day: dt.date, today: dt.date, section: str, item: Capture) -> Captured:
    """Append an entry to a section of the day's page."""
    lines = entry_lines(item, section)
    at: list[int] = []

    def edit(page: Page) -> Page:
        new, index = markdown.append_entry(page, section, lines)
        at.append(index)
        return new

    log.update_day(day, today, edit)
    return Captured(log.day_name(day), at[0] + 1, lines[0])


def latest_note(page: Page) -> Entry | None:
    """The entry a thought goes under by default: the latest by time, ties to the later line."""
    notes = page.notes()
    if not notes:
        return None
    return max(enumerate(notes), key=lambda pair: (pair[1].time or "", pair[0]))[1]


def add_thought(
    log: Log, day: dt.date, today: dt.date, kind: str, item: Capture, on: int | None
) -> Captured:
    """Nest a level-1 line (``thought:``/``feel:``) under an entry of the day.

    With no entry on the page yet, the thought becomes an entry of What was done.
    """
    lines = _text_lines(item.text)
    body = _decorate(_kind_prefix(lines[0], kind), item)
    if item.time:
        body = f"{item.time} {body}"
    rest = [line.strip() for line in lines[1:]]
    at: list[int] = []

    def edit(page: Page) -> Page:
        notes = page.notes()
        if on is not None:
            if not 1 <= on <= len(notes):
                raise TodoError(
                    f"there is no entry {on} on {day.isoformat()} (it has {len(notes)}); "
                    "see the numbers with 'reslog show'"
                )
            target: Entry | None = notes[on - 1]
        else:
            target = latest_note(page)
        if target is None:
            new, index = markdown.append_entry(
                page, "done", [f"- {body}"] + [f"  - {r}" for r in rest]
            )
            at.append(index)
            return new
        new = markdown.add_children(page, target, [body])
        at.append(target.end)
        if rest:
            inserted = new.notes()[notes.index(target)].children[-1]
            new = markdown.add_children(new, inserted, rest)
        return new

    log.update_day(day, today, edit)
    return Captured(log.day_name(day), at[0] + 1, body)


def open_tasks(page: Page) -> list[tuple[int, Entry]]:
    """Open to-dos with their numbers."""
    return [(n, e) for n, e in enumerate(page.tasks(), 1) if e.state == OPEN]
