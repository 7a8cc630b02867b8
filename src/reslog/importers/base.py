"""What every importer shares: the item it produces, the files it may read, and the merge
into day pages.

A reader (one module per format, ``read(path, options) -> Reading``) turns
another tool's files into :class:`ImportItem` values and :class:`Skipped`
notes, and touches nothing. It finds its files with :func:`source_files` and
reads them with :func:`read_text`/:func:`read_bytes`, which leave out, each
with its reason, what is not a regular file (a FIFO would hang the import)
and symbolic links that lead outside the source. :func:`apply` then merges the
items into the log:

* each item becomes one entry at the end of its section of the day page of
  its date (tasks in What to do next, ideas in Random ideas, the rest in What
  was done), its first line ``- [state] HH:MM text #tags [fields] ★
  [imported:: FORMAT]``, and under it the item's body **as written**
  (:func:`body_lines`): every line indented two spaces, so that it stays in the
  entry's block, with its own indentation, list markers, headings, quotes,
  tables and HTML; blank lines are dropped (a blank line would end the
  entry) except inside fenced code, which stays one block;
* existing lines are never touched: entries are appended, and a page made
  for an imported day gets no carry-over (the past is not re-lived), but for
  one: when the newest page the import makes becomes the log's latest up to
  today, the open to-dos of the page before it move on into it (else they
  were stranded there: the next page carries from the latest);
* an entry whose first line is already on the page (its source file compared by
  name, as a note imported from another folder names it by another path; a
  to-do whatever its checkbox and the fields reslog's commands added since) is
  not added again,
  so running the same import twice adds nothing the second time (the same
  line twice in the source is added twice);
* all or nothing: every target page is read and merged first (a page that
  cannot be read stops the import, naming it, before anything is written),
  then the changed pages are written together (:meth:`Log.write_pages`), under
  the log's lock for the whole run;
* ``dry_run`` computes the same report and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from reslog import markdown
from reslog.errors import InputError
from reslog.model import STAR, Entry, Page
from reslog.records import Record
from reslog.store import Log, carry_over, new_day_text

TYPE_CHECKING = False
if TYPE_CHECKING:
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

    __slots__ = ("items", "notes", "skipped")
    items: Final[list[ImportItem]]
    skipped: Final[list[Skipped]]
    #: what the person should know of what was imported (media left behind, ...), one line each
    notes: Final[list[str]]

    def __init__(self, items: list[ImportItem], skipped: list[Skipped],
                 notes: list[str] | None = None) -> None:
        self.items = items
        self.skipped = skipped
        self.notes = notes or []


class ImportOptions(Record):
    """What the command line may tell a reader."""

    __slots__ = ("config", "date_format", "follow_links")
    config: Final[Path | None]
    date_format: Final[str | None]
    follow_links: Final[bool]

    def __init__(self, config: Path | None = None, date_format: str | None = None,
                 follow_links: bool = False) -> None:
        self.config = config
        self.date_format = date_format
        #: Follow symbolic links that lead outside the source (``--follow-links``).
        self.follow_links = follow_links


class ImportReport(Record):
    """What an import did (or, dry, would do)."""

    __slots__ = ("added", "already", "carried", "days", "entries", "skipped", "todos")
    days: list[dt.date]
    entries: int
    todos: int
    already: int
    skipped: list[Skipped]
    added: list[tuple[dt.date, int]]
    carried: tuple[int, dt.date, dt.date] | None

    def __init__(self, days: list[dt.date], entries: int, todos: int, already: int,
                 skipped: list[Skipped], added: list[tuple[dt.date, int]] | None = None,
                 carried: tuple[int, dt.date, dt.date] | None = None) -> None:
        self.days = days
        self.entries = entries
        self.todos = todos
        self.already = already
        self.skipped = skipped
        #: (day, entries added to it), for the days that gain entries
        self.added = [] if added is None else added
        #: (open to-dos, from the day, into the day) moved on by :func:`_unstranded`
        self.carried = carried


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
    """:func:`decode` of a file, or why it cannot be read (see :func:`read_bytes`)."""
    data = read_bytes(path, origin)
    return data if isinstance(data, Skipped) else decode(data, origin)


def read_bytes(path: Path | str, origin: str) -> bytes | Skipped:
    """A regular file's bytes, or why it is left out: a FIFO, socket or device is never read (a
    FIFO would wait for a writer forever), and neither is a file that cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Skipped(origin, f"cannot be read ({exc.strerror or exc})")
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return Skipped(origin, f"not a regular file ({_file_kind(mode)}); left out")
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError as exc:
        return Skipped(origin, f"cannot be read ({exc.strerror or exc})")
    finally:
        os.close(fd)


#: The most an import reads of one member of a zip (a page, a CSV, a Day One journal's JSON),
#: uncompressed. A member that says it holds more is left out before a byte of it is inflated,
#: and one that holds more than it says fails its check: a zip bomb never fills the memory.
MEMBER_LIMIT = 256 * 1024 * 1024


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> bytes | Skipped:
    """A zip member's bytes, streamed and bounded by :data:`MEMBER_LIMIT`, or why it is left out.
    Damaged or encrypted members raise (zipfile.BadZipFile, RuntimeError, ...), as
    :meth:`zipfile.ZipFile.read` does."""
    if info.file_size > MEMBER_LIMIT:
        packed = _mib(info.compress_size)
        return Skipped(origin, f"{_mib(info.file_size)} uncompressed ({packed} in the zip), more than the "
                               f"{_mib(MEMBER_LIMIT)} an import reads of one file; left out")
    chunks: list[bytes] = []
    with archive.open(info) as stream:  # never yields more than the size the member declares
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
    return b"".join(chunks)


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"


def check_source(path: Path) -> None:
    """Refuse an import source that is neither a folder nor a regular file (a FIFO, a device)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror or exc}); give a file or folder") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError(f"{path} is {_file_kind(mode)}, not a file or folder to import; give the export "
                         "itself")


def source_files(
    root: Path, follow_links: bool = False, skip_dir: Callable[[str], str | None] | None = None,
    _seen: set[str] | None = None,
) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """The regular files under the folder ``root`` (path, name relative to ``root``), sorted by
    name, hidden files and folders left out; and what was left out with a reason.

    ``skip_dir(relative)`` may name a reason to leave out a folder (None: go in; "": leave out
    silently). A FIFO, socket or device is left out, and so is a symbolic link that leads
    outside ``root`` (or nowhere) unless ``follow_links``; a link to a folder inside ``root``
    is not walked (its files are read where they lie).
    """
    found: list[tuple[Path, str]] = []
    skipped: list[Skipped] = []
    real_root = os.path.realpath(root)
    seen = {real_root} if _seen is None else _seen | {real_root}  # followed links never loop

    def outside(full: str) -> bool:
        target = os.path.realpath(full)
        return not (target == real_root or target.startswith(real_root.rstrip("/") + "/"))

    def left_out(link: str, origin: str) -> Skipped | None:
        """Why the symbolic link ``link`` is not taken (broken, or leading outside unfollowed)."""
        if not os.path.exists(link):
            return Skipped(origin, "a broken symbolic link; left out")
        if outside(link) and not follow_links:
            return Skipped(origin, _LINK_OUT.format(os.path.realpath(link)))
        return None

    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        kept = []
        for name in sorted(dirs):
            full = os.path.join(folder, name)
            if name.startswith("."):
                continue
            if os.path.islink(full):
                link = left_out(full, prefix + name + "/")
                if link is not None:
                    skipped.append(link)
                elif outside(full):
                    files.append(name)  # followed: walked below as a folder of its own
                continue
            reason = skip_dir(prefix + name) if skip_dir is not None else None
            if reason is None:
                kept.append(name)
            elif reason:
                skipped.append(Skipped(prefix + name + "/", reason))
        dirs[:] = kept
        for name in sorted(files):
            full = os.path.join(folder, name)
            if name.startswith("."):
                continue
            if os.path.islink(full):
                link = left_out(full, prefix + name)
                if link is not None:
                    skipped.append(link)
                    continue
            mode = os.stat(full).st_mode
            if stat.S_ISDIR(mode) and os.path.realpath(full) in seen:
                skipped.append(Skipped(prefix + name + "/", "a link back to a folder being read; left out"))
            elif stat.S_ISDIR(mode):  # a followed link to a folder outside
                inner, left = source_files(Path(full), follow_links, skip_dir, seen)
                found += [(path, f"{prefix}{name}/{rel_name}") for path, rel_name in inner]
                skipped += [Skipped(f"{prefix}{name}/{s.origin}", s.reason) for s in left]
            elif not stat.S_ISREG(mode):
                skipped.append(Skipped(prefix + name, f"not a regular file ({_file_kind(mode)}); left out"))
            else:
                found.append((Path(full), prefix + name))
    found.sort(key=lambda pair: pair[1])
    return found, skipped


_LINK_OUT = "a symbolic link to {} outside the import source; not followed (--follow-links follows it)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _field_value(value: str) -> str:
    """A value that stays one field: brackets would end it early, so they become parentheses."""
    return _one_line(value).replace("[", "(").replace("]", ")")


def nested_todo(state: str | None, text: str, fields: Sequence[tuple[str, str]] = ()) -> str:
    """A nested item's text for a task a source marks inside a note (a Logseq child block's
    ``DONE``, an Org sub-heading's ``TODO``): its checkbox, its text, the fields it keeps."""
    return " ".join([f"[{state}] {text}", *(f"[{key}:: {_field_value(value)}]" for key, value in fields)])


def entry_lines(item: ImportItem, fmt: str) -> list[str]:
    """The Markdown lines of an imported item: its first line, then its body (:func:`body_lines`)."""
    first_text, *more = [line.strip() for line in item.text.splitlines() if line.strip()] or [""]
    # a text that opens with "[ ]" would read back as a to-do: escaped as a capture escapes it
    parts = [markdown.escape_checkbox(_one_line(first_text))] if first_text.strip() else []
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
    return [head + " ".join(parts), *body_lines([*more, *item.body])]


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
#: A line that opens fenced code, as CommonMark reads it (a backtick fence's info string holds
#: no backtick: ```` ```x``` ```` is inline code), and the language it names.
_OPENING = re.compile(r"^[ \t]*(?:`{3,}(?=[^`]*$)|~{3,})[ \t]*([^\s`]*)")


def code_title(line: str) -> str | None:
    """The text of an entry whose first line would open fenced code: the fence's language,
    else ``code`` (the Obsidian reader's rule for a code block of its own); None for any other
    line. The fence itself then goes into the body, so that the code stays one block under it
    (a fence on the entry's first line opens nothing, and its closing line would open a new one)."""
    opening = _OPENING.match(line)
    if opening is None:
        return None
    return opening.group(1) or "code"


def body_lines(lines: Sequence[str]) -> list[str]:
    """An item's body under its entry, as written: each line indented two spaces (so that the
    page's parser keeps it in the entry's block), its own indentation, list marker and text
    kept, trailing spaces trimmed. Blank lines are dropped (one would end the entry), except
    inside fenced code, which stays one block; a fence the body leaves open is closed."""
    out: list[str] = []
    fence: tuple[str, str] | None = None  # (indentation, fence characters) of an open fence
    for raw in lines:
        line = raw.rstrip(" \t\r\n")
        if fence is None:
            opening = _FENCE.match(line)
            if opening is not None:
                fence = (line[: len(line) - len(line.lstrip())], opening.group(1))
        elif line.strip().startswith(fence[1]) and set(line.strip()) == {fence[1][0]}:
            fence = None
        if line.strip():
            out.append("  " + line)
        elif fence is not None:
            out.append("")
    if fence is not None:
        while out and not out[-1]:
            out.pop()
        out.append("  " + fence[0] + fence[1])
    return out


#: The source file named in an imported entry's first line, up to its last folder: what is kept
#: of it when telling an entry already on the page (see :func:`_same`).
_FILE_FIELD = re.compile(r"\[file:: (?:[^\]]*/)?([^\]/]*)\]")
#: The checkbox of an imported line (``- [x] ``), or the escaped box of a note whose text opens
#: with one (``- \[ ] ``, written so since; an older import wrote it unescaped).
_BOX = re.compile(r"^- \\?\[[^\d\]]\](?=[ \t]|$)")
#: The fields reslog's own commands set on a to-do's line after it was written (docs/format.md
#: 10.4): the timer's ``started`` and ``took``, ``defer``'s ``scheduled``, carry-over's ``carried``.
_LATER_FIELDS = ("started", "took", "scheduled", "carried")


def _same(line: str) -> str:
    """An entry's first line as the import compares it.

    Its ``[file:: ...]`` counts by the file's name alone, which is relative to the folder
    imported: the same notes imported from their parent folder (``2013/_posts/2013-01-08-x.md``,
    then ``2013-01-08-x.md``) were added twice. A to-do counts without what the person did to
    it since it was imported: its checkbox state (done, dropped, carried ``[>]``, reopened) and
    the fields of :data:`_LATER_FIELDS`, so that a second import does not add it again, open.
    """
    line = _FILE_FIELD.sub(r"[file:: \1]", line.rstrip("\r\n"))
    box = _BOX.match(line)
    if box is None:
        return line
    for key in _LATER_FIELDS:
        line = markdown.remove_field(line, key)
    return "- [ ]" + line[box.end():]


def _merge(page: Page, items: Sequence[ImportItem], fmt: str) -> tuple[Page, int, int, int]:
    """The page with the items not already on it appended; (page, added, to-dos, already)."""
    existing = Counter(_same(line) for line in page.lines)
    added = todos = already = 0
    for item in items:
        lines = entry_lines(item, fmt)
        if existing[_same(lines[0])] > 0:
            existing[_same(lines[0])] -= 1
            already += 1
            continue
        page, _ = markdown.append_entry(page, item.section, lines)
        added += 1
        todos += item.state is not None
    return page, added, todos, already


def apply(
    log: Log, reading: Reading, fmt: str, today: dt.date, dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Merge what a reader found into the log (or only count it, when ``dry_run``): every page
    is read and merged before the first write, then the changed pages are written together."""
    by_day: dict[dt.date, list[ImportItem]] = {}
    for item in sorted(reading.items, key=lambda i: i.day):  # stable: a day keeps the source's order
        by_day.setdefault(item.day, []).append(item)
    report = ImportReport([], 0, 0, 0, list(reading.skipped))
    if dry_run:
        _unstranded(log, _plan(log, by_day, fmt, report), today, report)
        return report
    with log.locked():
        changed = _unstranded(log, _plan(log, by_day, fmt, report), today, report)
        log.write_pages(changed, progress)
    return report


def _unstranded(
    log: Log, changed: list[tuple[dt.date, Page]], today: dt.date, report: ImportReport
) -> list[tuple[dt.date, Page]]:
    """``changed``, and the open to-dos of the log's latest page carried into the import's new
    page after it, when that page becomes the latest up to today.

    A new page made by an import receives no carry-over (imported history is not re-lived),
    but the next page carries from the latest page before it: an import dated after the log's
    last page stranded that page's open to-dos there, listed nowhere from then on. They move on
    into the newest imported page, as a capture on that day would have moved them."""
    existing = [day for day in log.days() if day <= today]
    known = set(existing)
    made = [day for day, _ in changed if day <= today and day not in known]
    if not made or not existing or max(existing) > max(made):
        return changed
    into = max(made)
    source = max(day for day in existing if day < into)
    before = log.read_day(source)
    if before is None:
        return changed
    pages = dict(changed)
    old = pages.get(source, before)  # with what the import adds to it
    # the to-dos open before the import: those it brings in are history, as on every other page
    waiting = Counter(markdown.line_body(before, e.index) for e in before.entries() if e.is_open)

    def was_waiting(entry: Entry) -> bool:
        body = markdown.line_body(old, entry.index)
        if waiting[body] <= 0:
            return False
        waiting[body] -= 1
        return True

    new, marked = carry_over(old, source, pages[into], was_waiting)
    if marked is old:
        return changed
    copied = sum(1 for e in new.entries() if e.is_open) - sum(1 for e in pages[into].entries() if e.is_open)
    pages[into], pages[source] = new, marked
    report.carried = (copied, source, into)
    return sorted(pages.items())


def _plan(
    log: Log, by_day: dict[dt.date, list[ImportItem]], fmt: str, report: ImportReport
) -> list[tuple[dt.date, Page]]:
    """The merged page of every day that changes, counted into ``report``; nothing written.
    A page that cannot be read raises its PageError here, before any write."""
    changed: list[tuple[dt.date, Page]] = []
    for day, items in sorted(by_day.items()):
        current = log.read_day(day)
        page, added, todos, already = _merge(
            current if current is not None else markdown.parse(new_day_text(day)), items, fmt)
        if added:
            report.days.append(day)
            report.added.append((day, added))
            changed.append((day, page))
        report.entries += added
        report.todos += todos
        report.already += already
    return changed
