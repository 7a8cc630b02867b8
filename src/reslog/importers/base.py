"""What every importer shares: the item it produces, and the merge into day pages.

A reader (one module per format, ``read(path, options) -> Reading``) turns
another tool's files into :class:`ImportItem` values and :class:`Skipped`
notes, and touches nothing. :func:`apply` then merges the items into the log:

* each item becomes one entry at the end of its section of the day page of
  its date (tasks in What to do next, ideas in Random ideas, the rest in What
  was done), its first line ``- [state] HH:MM text #tags [fields] ★
  [imported:: FORMAT]`` and every further line of its body a nested item;
* existing lines are never touched: entries are appended, and a page made
  for an imported day gets no carry-over (the past is not re-lived);
* an entry whose exact first line is already on the page is not added again,
  so running the same import twice adds nothing the second time (the same
  line twice in the source is added twice);
* ``dry_run`` computes the same report and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from reslog import markdown
from reslog.model import STAR, Page
from reslog.records import Record
from reslog.store import Log, new_day_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Final

#: Sections an item may go to.
SECTIONS = ("todo", "done", "ideas", "reflection")


class ImportItem(Record):
    """One entry to import: its day, section and text, as the source had them."""

    __slots__ = ("body", "day", "fields", "origin", "section", "starred", "state", "tags", "text", "time")
    day: Final[dt.date]
    text: Final[str]
    section: Final[str]
    body: Final[tuple[str, ...]]
    time: Final[str | None]
    state: Final[str | None]
    tags: Final[tuple[str, ...]]
    fields: Final[tuple[tuple[str, str], ...]]
    starred: Final[bool]
    origin: Final[str]

    def __init__(
        self, day: dt.date, text: str, section: str = "done", body: Sequence[str] = (),
        time: str | None = None, state: str | None = None, tags: Sequence[str] = (),
        fields: Sequence[tuple[str, str]] = (), starred: bool = False, origin: str = "",
    ) -> None:
        if section not in SECTIONS:
            raise ValueError(f"unknown section {section!r}")
        self.day = day
        self.text = text
        self.section = section
        self.body = tuple(body)
        self.time = time
        self.state = state
        self.tags = tuple(tags)
        self.fields = tuple(fields)
        self.starred = starred
        self.origin = origin


class Skipped(Record):
    """Something the reader left out, and why (shown in the report)."""

    __slots__ = ("origin", "reason")
    origin: Final[str]
    reason: Final[str]

    def __init__(self, origin: str, reason: str) -> None:
        self.origin = origin
        self.reason = reason


class Reading(Record):
    """What a reader found in the source."""

    __slots__ = ("items", "skipped")
    items: Final[list[ImportItem]]
    skipped: Final[list[Skipped]]

    def __init__(self, items: list[ImportItem], skipped: list[Skipped]) -> None:
        self.items = items
        self.skipped = skipped


class ImportOptions(Record):
    """What the command line may tell a reader."""

    __slots__ = ("config", "date_format")
    config: Final[Path | None]
    date_format: Final[str | None]

    def __init__(self, config: Path | None = None, date_format: str | None = None) -> None:
        self.config = config
        self.date_format = date_format


class ImportReport(Record):
    """What an import did (or, dry, would do)."""

    __slots__ = ("added", "already", "days", "entries", "skipped", "todos")
    days: list[dt.date]
    entries: int
    todos: int
    already: int
    skipped: list[Skipped]
    added: list[tuple[dt.date, int]]

    def __init__(self, days: list[dt.date], entries: int, todos: int, already: int,
                 skipped: list[Skipped], added: list[tuple[dt.date, int]] | None = None) -> None:
        self.days = days
        self.entries = entries
        self.todos = todos
        self.already = already
        self.skipped = skipped
        #: (day, entries added to it), for the days that gain entries
        self.added = [] if added is None else added


def decode(data: bytes, origin: str) -> str | Skipped:
    """A source file's text (a BOM dropped), or why it cannot be imported."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Skipped(origin, f"not valid UTF-8 (byte {exc.start}); convert it to UTF-8 and import again")
    if "\x00" in text:
        return Skipped(origin, "a binary file, not text")
    return text.removeprefix("\ufeff")


def read_text(path: Path, origin: str) -> str | Skipped:
    """:func:`decode` of a file, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(origin, f"cannot be read ({exc.strerror or exc})")
    return decode(data, origin)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field_value(value: str) -> str:
    """A value that stays one field: brackets would end it early, so they become parentheses."""
    return _one_line(value).replace("[", "(").replace("]", ")")


def entry_lines(item: ImportItem, fmt: str) -> list[str]:
    """The Markdown lines of an imported item (first line, then nested body lines)."""
    first_text, *more = [line for line in item.text.splitlines() if line.strip()] or [""]
    parts = [_one_line(first_text)] if first_text.strip() else []
    present = set(markdown.read_tags(item.text))
    parts += [f"#{tag}" for tag in dict.fromkeys(item.tags) if tag not in present]
    parts += [f"[{key}:: {_field_value(value)}]" for key, value in item.fields]
    if item.starred and STAR not in item.text:
        parts.append(STAR)
    parts.append(f"[imported:: {fmt}]")
    head = "- "
    if item.state is not None:
        head += f"[{item.state}] "
    if item.time:
        head += f"{item.time} "
    body = [_unlisted(line.strip()) for line in [*more, *item.body] if line.strip()]
    return [head + " ".join(parts)] + [f"  - {line}" for line in body]


def _unlisted(line: str) -> str:
    """A body line without its own list marker: it becomes a nested item, not ``- - item``
    (a thematic break such as ``* * *`` is text, kept whole)."""
    if line[:2] not in ("- ", "* ", "+ ") or set(line.replace(" ", "")) == {line[0]}:
        return line
    return line[2:].lstrip() or line


def _merge(page: Page, items: Sequence[ImportItem], fmt: str) -> tuple[Page, int, int, int]:
    """The page with the items not already on it appended; (page, added, to-dos, already)."""
    existing = Counter(line.rstrip("\r\n") for line in page.lines)
    added = todos = already = 0
    for item in items:
        lines = entry_lines(item, fmt)
        if existing[lines[0]] > 0:
            existing[lines[0]] -= 1
            already += 1
            continue
        page, _ = markdown.append_entry(page, item.section, lines)
        added += 1
        todos += item.state is not None
    return page, added, todos, already


def _merge_day(
    log: Log, day: dt.date, items: Sequence[ImportItem], fmt: str, today: dt.date, dry_run: bool
) -> tuple[int, int, int]:
    counts: list[int] = []

    def edit(page: Page) -> Page:
        new, *numbers = _merge(page, items, fmt)
        counts.extend(numbers)
        return new

    if dry_run:
        current = log.read_day(day)
        edit(current if current is not None else markdown.parse(new_day_text(day)))
    else:
        log.update_day(day, today, edit, carry=False)
    added, todos, already = counts
    return added, todos, already


def apply(
    log: Log, reading: Reading, fmt: str, today: dt.date, dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Merge what a reader found into the log (or only count it, when ``dry_run``)."""
    by_day: dict[dt.date, list[ImportItem]] = {}
    for item in sorted(reading.items, key=lambda i: i.day):  # stable: a day keeps the source's order
        by_day.setdefault(item.day, []).append(item)
    report = ImportReport([], 0, 0, 0, list(reading.skipped))
    for n, (day, items) in enumerate(sorted(by_day.items()), 1):
        added, todos, already = _merge_day(log, day, items, fmt, today, dry_run)
        if added:
            report.days.append(day)
            report.added.append((day, added))
        report.entries += added
        report.todos += todos
        report.already += already
        if progress is not None:
            progress(n, len(by_day))
    return report
