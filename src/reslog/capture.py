"""The fast path: from a command line to one appended line in one day's page.

This module is on the path of every capture, so it imports only the files
layer, the Markdown code and the standard library: never the index, numpy,
rich, the web stack or a model. A capture reads and writes one page.

Text is kept as typed: inline ``#tags``, ``[key:: value]`` fields and ``★``
stay where the person put them; options add theirs at the end. A multi-line
text becomes an entry whose first line is the first line of text and whose
further lines are nested items under it.

Entries keep time order: an entry with a time goes before the first entry of
its section with a later time (a ``--time`` backfill lands in its place), except
to-dos, which always go last so that their numbers stay stable.

Every capture is remembered in ``.reslog/undo`` (the day it was made, the page,
and the lines it added) so that :func:`undo` can take the last one back while
it is unchanged. The file holds only the current day's captures; losing it
only forgets what undo could remove. A write that undo cannot take back (the
entry of a run) is remembered too, as a stop (:func:`remember_stop`): undo
refuses there rather than reach past it to an older capture.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from reslog import markdown
from reslog.dates import format_duration, unreadable_value
from reslog.errors import InputError, LogError, TodoError, UndoError
from reslog.model import OPEN, STAR, Entry, Page
from reslog.records import Record
from reslog.store import DATA_DIR, Log, path_text

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


#: Control characters a capture refuses: C0 but tab and line ends (the text's lines), DEL and C1.
#: A NUL or an escape sequence pasted into a page would stay there, invisible or acting on the
#: terminal of whoever reads the file; importers keep their own rules (reslog.importers).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def writable(value: str, what: str) -> str:
    """``value``, if it can be written to a page: UTF-8 (text Python read from bytes that were
    not UTF-8 holds lone surrogates, and would fail only at the write, after carry-over) and
    free of control characters. Checked before anything is written."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{what} is not valid UTF-8; check the terminal's encoding (locale)") from None
    control = _CONTROL.search(value)
    if control is not None:
        raise InputError(f"{what} holds the control character U+{ord(control.group()):04X}, which a page "
                         "cannot keep; remove it (a stray byte of a paste or a binary file) and try again")
    return value


#: A time of day typed at the start of an entry's text ("09:30 exp: ..."), and what only looks
#: like one ("09:99", "25:00").
_LEADING_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?=\s|$)\s*")


def leading_time(text: str) -> tuple[str | None, str]:
    """(``HH:MM``, the rest) when ``text`` opens with a time of day, else (None, ``text``). A time
    that cannot be one is refused: kept as text, "09:99 exp: x" was written as a note that
    begins with 09:99, not as an experiment."""
    match = _LEADING_TIME.match(text)
    if match is None:
        return None, text
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise InputError(f"{match.group(1)}:{match.group(2)} at the start of the text is not a time of day; "
                         "write it as HH:MM from 00:00 to 23:59, or start the text with a word")
    return f"{hour:02d}:{minute:02d}", text[match.end():]


def timed(text: str, time: str | None) -> tuple[str | None, str]:
    """(the entry's time, its text): ``time`` as given (``--time``), else the time ``text`` opens
    with (:func:`leading_time`); both is refused, as one of them would be lost."""
    typed, rest = leading_time(text)
    if typed is None:
        return time, text
    if time is not None:
        raise InputError(f"the time is given twice ({time} as an option and {typed} before the text); "
                         "give it once")
    return typed, rest


def _text_lines(text: str) -> list[str]:
    writable(text, "the text")
    lines = [line.rstrip() for line in markdown.split_lines(text)]
    lines = [line.rstrip("\r\n").rstrip() for line in lines]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise InputError("nothing to write: the text is empty; give the entry's text")
    kind, rest = markdown.split_kind(lines[0].strip())
    if kind is not None and not rest.strip() and len(lines) == 1:  # "exp:" wrote "- 03:04 exp:"
        raise InputError(f"nothing to write after '{kind}:'; type the entry's text after it")
    # text that opens with a checkbox ("[ ] note") would read back as a to-do wherever no time
    # stands before it (a capture on another day, a nested line)
    return [markdown.escape_checkbox(line.strip()) for line in lines]


def _laid_out(text: str) -> list[str] | None:
    """The lines after the first as written, each indented two spaces more (so that the page's
    parser keeps them in the entry's block, as an import writes a note's body), when they are
    laid out, indented by different amounts: a traceback or an output piped in (``reslog bug -``)
    lost its indentation as nested items, one a line. Blank lines are left out (one would end the
    entry). None for lines indented alike (a detail typed under a to-do), which stay nested
    items. They stay words, not code: an error's message is what search and ``ask`` look for."""
    lines = [line.rstrip() for line in markdown.split_lines(text)]
    rest = [line for line in lines if line.strip()][1:]
    if len({len(line) - len(line.lstrip()) for line in rest}) < 2:
        return None
    return ["  " + line for line in rest]


def _decorate(first: str, item: Capture) -> str:
    typed = dict(markdown.read_fields(first))
    for key, value in typed.items():  # else it counts as no value: put off to no day, never timed
        wanted = unreadable_value(key, value.strip())
        if wanted is not None:
            raise InputError(f"cannot read [{key}:: {value.strip()}]: it must be {wanted}; fix the value")
    options = (("est", "--est", item.estimate is not None), ("from", "--from", bool(item.source)))
    for key, option, given in options:
        if given and key in typed:
            raise InputError(f"{key} is given twice ({option} and [{key}:: {typed[key].strip()}] in the "
                             "text); give it once")
    parts = [first]
    for tag in item.tags:
        tag = writable(tag, "a tag").strip().lstrip("#")
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
        source = writable(item.source, "--from").strip()
        if not source:  # it was written as "[from:: ]"
            raise InputError("--from is blank; say where it came from (a person, a paper, a talk), "
                             "or leave it out")
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


def entry_lines(item: Capture, section: str, laid_out: bool = True) -> list[str]:
    """The Markdown lines of a new top-level entry: its further lines nested items ``  - line``,
    or kept as written when they are laid out (:func:`_laid_out`), unless ``laid_out`` is False
    (lines that will be nested one level deeper, as items)."""
    lines = _text_lines(item.text)
    first = _kind_prefix(lines[0], item.kind)
    first = _decorate(first, item)
    if section == "todo":
        head = "- [ ] " + (f"{item.time} " if item.time else "")
    else:
        head = f"- {item.time} " if item.time else "- "
    kept = _laid_out(item.text) if laid_out else None
    if kept is not None:
        return [head + first, *kept]
    return [head + first] + [f"  - {line.strip()}" for line in lines[1:]]


def _place(page: Page, section: str, time: str | None) -> int | None:
    """Where an entry at ``time`` goes in ``section``: before the first top-level entry with a
    later time; None (the end of the section) for to-dos, untimed entries, or none later."""
    found = page.section(section)
    if time is None or section == "todo" or found is None:
        return None
    for entry in found.entries:
        if entry.time is not None and _clock(entry.time) > time:
            return entry.index
    return None


def _clock(time: str) -> str:
    return time if len(time) == 5 else f"0{time}"  # 9:05 as typed by hand is 09:05


def add_entry(log: Log, day: dt.date, today: dt.date, section: str, item: Capture) -> Captured:
    """Add an entry to a section of the day's page, in time order (see the module's docstring)."""
    lines = entry_lines(item, section)
    at: list[int] = []

    def edit(page: Page) -> Page:
        place = _place(page, section, item.time)
        if place is None:
            new, index = markdown.append_entry(page, section, lines)
        else:
            new, index = markdown.insert_lines(page, place, lines), place
        at.append(index)
        return new

    log.update_day(day, today, edit, then=lambda: _remember(log, today, day, at[0], lines))
    return Captured(log.day_name(day), at[0] + 1, lines[0])


def latest_note(page: Page) -> Entry | None:
    """The entry a thought goes under by default: the latest by time, ties to the later line."""
    notes = page.notes()
    if not notes:
        return None
    return max(enumerate(notes), key=lambda pair: (pair[1].time or "", pair[0]))[1]


def add_thought(
    log: Log, day: dt.date, today: dt.date, kind: str, item: Capture, on: int | None,
    expect: str | None = None,
) -> Captured:
    """Nest a level-1 line (``thought:``/``feel:``) under an entry of the day.

    With no entry on the page yet, the thought becomes an entry of What was done. With ``expect``
    (the words of entry ``on`` as a page showed them, without fields), only under that entry:
    numbers shift when an entry is added above, and a thought must not land under another one.
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
                ).without_command(f"there is no entry {on} on {day.isoformat()} (it has {len(notes)}); "
                                  "the page changed since it was shown: choose the entry again")
            target: Entry | None = notes[on - 1]
            if expect is not None and markdown.strip_fields(notes[on - 1].text) != " ".join(expect.split()):
                raise TodoError(
                    f"entry {on} on {day.isoformat()} is no longer {expect!r}: the page changed since "
                    "it was shown; nothing was written, choose the entry again"
                )
        else:
            target = latest_note(page)
        if target is None:
            lines = [f"- {body}"] + [f"  - {r}" for r in rest]
            new, index = markdown.append_entry(page, "done", lines)
            at.append(index)
            added.extend(lines)
            return new
        new = markdown.add_children(page, target, [body])
        at.append(target.end + len(new.lines) - len(page.lines) - 1)  # after a fence it had to close
        if rest:
            inserted = new.notes()[notes.index(target)].children[-1]
            new = markdown.add_children(new, inserted, rest)
        added.extend(markdown.line_body(new, i) for i in range(at[0], at[0] + 1 + len(rest)))
        return new

    added: list[str] = []
    log.update_day(day, today, edit, then=lambda: _remember(log, today, day, at[0], added))
    return Captured(log.day_name(day), at[0] + 1, body)


# --- undo ---

_UNDO = "undo"
_HEADER = "@ "
_STOP = -1  # the line index of a stop: a record of a write undo cannot take back


class Undone(Record):
    """What :func:`undo` removed: the page, the 1-based line it started on, and the lines."""

    __slots__ = ("line", "lines", "path")
    path: Final[str]
    line: Final[int]
    lines: Final[list[str]]

    def __init__(self, path: str, line: int, lines: list[str]) -> None:
        self.path = path
        self.line = line
        self.lines = lines


def _journal(log: Log) -> str:
    return path_text(log.folder, DATA_DIR, _UNDO)


def _records(text: str, today: dt.date) -> list[tuple[dt.date, int, list[str]]]:
    """The journal's records of ``today``: (page day, 0-based line, added lines)."""
    records: list[tuple[dt.date, int, list[str]]] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        head = lines[i].split(" ")
        i += 1
        if len(head) != 5 or head[0] != "@" or head[1] != today.isoformat():
            continue
        try:
            day, index, count = dt.date.fromisoformat(head[2]), int(head[3]), int(head[4])
        except ValueError:
            continue
        records.append((day, index, lines[i:i + count]))
        i += count
    return records


def _record(today: dt.date, day: dt.date, index: int, lines: Sequence[str]) -> str:
    """One record of the journal, as :func:`_records` reads it."""
    return f"{_HEADER}{today.isoformat()} {day.isoformat()} {index} {len(lines)}\n" + "".join(
        line + "\n" for line in lines)


def _write_records(log: Log, today: dt.date, records: list[tuple[dt.date, int, list[str]]]) -> None:
    with open(_journal(log), "w", encoding="utf-8") as out:
        out.write("".join(_record(today, day, index, lines) for day, index, lines in records))


def _read_journal(log: Log) -> str:
    try:
        with open(_journal(log), encoding="utf-8") as found:
            return found.read()
    except (OSError, UnicodeDecodeError):
        return ""


def remember(log: Log, today: dt.date, day: dt.date, index: int, lines: Sequence[str]) -> None:
    """Note a capture for :func:`undo`: ``lines`` were added at ``index`` of ``day``'s page.

    Best effort: a journal that cannot be written costs only the undo. The page is already
    written, so a lock held too long by another process must not turn this into an error.
    A capture notes its lines under the lock it wrote them with (:func:`_remember`), or two
    captures at once could be noted in the other order, and undo take back the earlier."""
    try:
        with log.locked():
            _remember(log, today, day, index, lines)
    except LogError:
        pass


def _remember(log: Log, today: dt.date, day: dt.date, index: int, lines: Sequence[str]) -> None:
    """:func:`remember`, for a caller that holds the lock."""
    try:
        same_day = _read_journal(log).startswith(f"{_HEADER}{today.isoformat()} ")
        # a new day starts a new journal
        with open(_journal(log), "a" if same_day else "w", encoding="utf-8") as out:
            out.write(_record(today, day, index, lines))
    except OSError:
        pass


def remember_stop(log: Log, today: dt.date, day: dt.date, what: str) -> None:
    """Note a write to ``day``'s page that :func:`undo` cannot take back (``what`` names it).

    Undo stops there instead of removing an older capture the person no longer has in mind."""
    remember(log, today, day, _STOP, [what])


def _find(page: Page, index: int, lines: list[str]) -> int | None:
    """Where ``lines`` stand on the page as one whole entry (nothing nested under it since):
    at ``index`` if they are still there, else the one place they are; None if changed or gone."""
    bodies = [markdown.line_body(page, i) for i in range(len(page.lines))]
    n = len(lines)
    places = [index] if bodies[index:index + n] == lines else [
        i for i in range(len(bodies) - n + 1) if bodies[i:i + n] == lines]
    whole = [i for i in places if _entry_span(page, i) == n]
    return whole[0] if len(whole) == 1 else None


def _entry_span(page: Page, index: int) -> int | None:
    """How many lines the entry (at any depth) that starts at ``index`` spans, or None."""
    stack = list(page.entries())
    while stack:
        entry = stack.pop()
        if entry.index == index:
            return entry.end - entry.index
        stack.extend(entry.children)
    return None


def undo(log: Log, today: dt.date) -> Undone:
    """Remove the last lines a capture added today, if they stand on their page as written.

    Raises :class:`UndoError` when nothing is left to undo, or when the last
    addition has changed since (edited, moved into another entry, given nested
    lines, done or timed): that addition is then forgotten and nothing is
    removed, so a second ``undo`` goes one further back.
    """
    with log.locked():
        records = _records(_read_journal(log), today)
        while records:
            day, index, lines = records.pop()
            if index == _STOP:
                raise UndoError(
                    f"the last thing reslog added ({log.day_name(day)}: {lines[0] if lines else 'an entry'}) "
                    "cannot be undone; nothing was removed (edit the page with 'reslog edit')"
                )
            page = log.read_day(day)
            at = _find(page, index, lines) if page is not None and lines else None
            if at is None:
                _write_records(log, today, records)
                if page is None or not lines:
                    continue
                raise UndoError(
                    f"the last line reslog added ({log.day_name(day)}: '{lines[0].strip()}') has changed "
                    "or gone since; nothing was removed (edit the page with 'reslog edit')"
                )
            assert page is not None
            kept = page.lines[:at] + page.lines[at + len(lines):]
            log.write_page(log.day_file(day), markdown.with_lines(page, kept))
            _write_records(log, today, records)
            return Undone(log.day_name(day), at + 1, lines)
    raise UndoError("nothing to undo: reslog has added no line today that is still there")


def open_tasks(page: Page) -> list[tuple[int, Entry]]:
    """Open to-dos with their numbers."""
    return [(n, e) for n, e in enumerate(page.tasks(), 1) if e.state == OPEN]


__all__ = [
    "Capture", "Captured", "Undone", "add_entry", "add_thought", "entry_lines", "latest_note", "open_tasks",
    "remember", "remember_stop", "undo", "writable",
]
