"""Read an Obsidian vault, or a folder of its daily notes, into day pages.

``reslog import obsidian PATH [--date-format FMT]`` walks PATH recursively
(leaving out hidden folders such as ``.obsidian/`` and ``.trash/``, folders
named ``attachments``/``_attachments``, the vault's attachment folder and its
templates folder as ``.obsidian/app.json`` and ``templates.json`` name them)
and reads every ``.md`` note.

**Daily notes.** A note whose name (without ``.md``) is a date in
``--date-format`` is the daily note of that date. The format is in Python
strptime codes, default ``%Y-%m-%d``; Obsidian's own setting is written in
moment.js tokens, so ``YYYY-MM-DD`` is ``%Y-%m-%d``, ``DD.MM.YYYY`` is
``%d.%m.%Y`` and ``dddd, MMMM D, YYYY`` is ``%A, %B %d, %Y``. A moment.js
format given to ``--date-format`` is refused with its strptime spelling, and
when the vault's ``.obsidian/daily-notes.json`` names another format than the
one used, the report says which ``--date-format`` to give. Every part of a
daily note that holds text becomes an entry of that day:

* each top-level list item (``-``, ``*``, ``+`` or ``1.``) is one entry; its
  indented lines (nested items, continuation text, code) are its body as
  written, indented relative to the item (nested items keep their markers and
  depth: ``  - [ ] sub`` stays a nested task). ``HH:MM`` at its start is the
  entry's time.
* ``- [ ]``/``- [x]`` tasks go to *What to do next* with the state as typed
  (``x``, ``X``, ``/``, ``-``, ``>``, ...);
* a paragraph of prose is one entry: its first line the text, further lines
  its body (a leading ``HH:MM`` is its time too);
* headings are not entries; they say where the entries below them go (until a
  heading of the same or a higher level): one that mentions ideas ("Ideas",
  "Random ideas") sends them to *Random ideas*, reflection or journal
  ("Reflections", "Journal") to *Reflection*, to-dos or tasks ("Todo",
  "Tasks") to *What to do next* (as typed: a plain item stays a plain item),
  and "Done"/"Log" to *What was done*. Any other heading (except a level-1
  title before the first entry) is kept as the field ``[heading:: text]`` of
  the entries under it, so no word of it is lost;
* a fenced code block goes, whole and as one block, into the body of the
  entry it follows (fence lines and blank lines included, indented as it was
  relative to that entry), or, right after a heading or at the top, becomes an
  entry of its own (its language, else ``code``, the text; the block its body).
  Plugin query blocks
  (```` ```dataview ````, ```` ```dataviewjs ````, ```` ```tasks ````,
  ```` ```query ````) run a query and hold no notes: they are left out (one
  line in the report);
* ``#tags``, ``[[wikilinks]]``, ``![[embeds]]`` and block ids stay in the text
  as typed; thematic breaks (``---``) and empty items (``- ``, ``- [ ]``) are
  dropped.

Front matter: ``tags:`` (a list, ``[a, b]``, or words separated by commas or
spaces) become tags of every entry of the note, as a tag search in Obsidian
finds the whole note; other keys with a simple scalar value (one written over
several lines too, joined on one) become fields
(``mood: 7`` gives ``[mood:: 7]``) on the note's first entry that is not a
task (else its first entry) -- they describe the day, so they are written
once. ``date``, ``aliases`` and ``cssclasses`` are Obsidian's own and left out,
as are lists and nested values.

**Other notes.** A note whose name is not a date but whose front matter has a
``date:`` (``2024-01-15``, with an optional time) is imported on that date as
one entry, the way ``reslog import markdown`` reads a note: its title (and
subtitle) as the text, every non-blank line nested, its tags, and ``[file:: path]``. Any other
note is skipped with the reason "not a daily note (name is not a date)".
Empty daily notes, files that are not valid UTF-8 and files that are not
``.md`` (listed once per suffix) are reported as skipped too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from reslog.frontmatter import Value, front_matter, front_tags, scalar
from reslog.importers.base import ImportItem, ImportOptions, Reading, Skipped
from reslog.importers.markdown_notes import (
    check_date_format,
    moment_to_strptime,
    note_files,
    note_item,
    parse_when,
    read_lines,
)

DEFAULT_FORMAT = "%Y-%m-%d"
#: Front matter keys that Obsidian itself uses; never imported as fields.
_OWN_KEYS = frozenset({"date", "tags", "tag", "aliases", "alias", "cssclass", "cssclasses"})
#: Languages of fenced blocks that plugins run as queries.
_QUERIES = frozenset({"dataview", "dataviewjs", "tasks", "query"})

_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*([^`\s]*)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|(\d{1,9})[.)])(?:[ \t]+(.*?))?[ \t]*$")
_TASK = re.compile(r"^\[([^\d\]])\](?:[ \t]+|$)")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?=\s|$)\s*")
_FIELD_KEY = re.compile(r"[\w][\w .-]*")
_IDEAS = re.compile(r"\bideas?\b", re.I)
_REFLECTION = re.compile(r"\breflect|\bjournal(?![ \t]+club)", re.I)  # a journal club reads papers
_TODO = re.compile(r"\b(?:to-?dos?|tasks?|what to do next|next)\b", re.I)
_DONE = re.compile(r"^(?:done|log|what was done)\W*$", re.I)
_WIKILINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


class _Draft:
    """An entry being gathered from the lines of a daily note."""

    __slots__ = ("body", "column", "heading", "indent", "listed", "section", "state", "text", "time")

    def __init__(self, text: str, section: str, heading: str | None, indent: int = 0,
                 listed: bool = False, state: str | None = None, time: str | None = None,
                 column: int = 0) -> None:
        self.text = text
        self.section = section
        self.heading = heading
        self.indent = indent
        #: where the item's text starts: its body lines are written relative to this column
        self.column = column
        self.listed = listed
        self.state = state
        self.time = time
        self.body: list[str] = []


def _width(prefix: str) -> int:
    return len(prefix.expandtabs(4))


def _heading_section(text: str) -> str | None:
    """The section a heading sends its entries to; None for a heading that names none."""
    if _IDEAS.search(text):
        return "ideas"
    if _REFLECTION.search(text):
        return "reflection"
    if _TODO.search(text):
        return "todo"
    if _DONE.match(text.strip()):
        return "done"
    return None


def _split_time(text: str) -> tuple[str | None, str]:
    match = _TIME.match(text)
    if match is None:
        return None, text
    return f"{int(match.group(1)):02d}:{match.group(2)}", text[match.end():]


def _relative(line: str, column: int) -> str:
    """A line nested under an entry whose text starts at ``column``, indented relative to it
    (leading tabs count four columns)."""
    text = line.lstrip(" \t")
    width = _width(line[: len(line) - len(text)])
    return " " * max(0, width - column) + text.rstrip()


class _DailyNote:
    """The entries of one daily note, gathered line by line (see the module's docstring)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.drafts: list[_Draft] = []
        self.headings: list[tuple[int, str | None, str | None]] = []  # level, section, field text
        self.last: _Draft | None = None  # where nested lines and code go; None after a heading
        self.mode: str | None = None  # "para", "list", "gap" (a list item, then blank lines), None
        self.queries = 0

    def context(self) -> tuple[str, str | None]:
        """The section and the ``heading`` field of an entry at this point."""
        section = next((s for _, s, _ in reversed(self.headings) if s is not None), "done")
        field = self.headings[-1][2] if self.headings else None
        return section, field

    def parse(self) -> list[_Draft]:
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        return [d for d in self.drafts if d.text.strip() or d.body]

    def step(self, i: int) -> int:
        """Read the line at ``i`` (and, for a code block, the lines after it); the next line to read."""
        line = self.lines[i]
        if not line.strip():
            self.mode = "gap" if self.mode in ("list", "gap") else None
            return i + 1
        fence = _FENCE.match(line)
        if fence is not None:
            return self.code(i, fence)
        indent = _width(line[: len(line) - len(line.lstrip())])
        last = self.last
        inside = last is not None and last.listed and self.mode in ("list", "gap") and indent > last.indent
        if inside and last is not None:
            last.body.append(_relative(line, last.column))
            self.mode = "list"
            return i + 1
        heading = _HEADING.match(line)
        if heading is not None:
            self.heading(len(heading.group(1)), heading.group(2))
            return i + 1
        if _BREAK.match(line):
            self.mode = None
            return i + 1
        item = _ITEM.match(line)
        if item is not None:
            text = item.group(3) or ""  # ``indent`` is the width of item.group(1)
            self.list_item(indent, text, min(indent + len(line.strip()) - len(text), indent + 4))
            return i + 1
        if last is not None and self.mode in ("para", "list"):
            last.body.append(line.strip())  # a paragraph's next line, or a lazy continuation
            return i + 1
        section, field = self.context()
        time, text = _split_time(line.strip())
        self.last = _Draft(text, section, field, time=time)
        self.drafts.append(self.last)
        self.mode = "para"
        return i + 1

    def heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        title = level == 1 and not self.drafts and not self.headings
        section = _heading_section(text)
        # a field's value cannot hold "]": a [[link]] in the heading is kept as its shown text
        field = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
        self.headings.append((level, section, None if title or section is not None else field))
        self.last = None
        self.mode = None

    def list_item(self, indent: int, content: str, column: int) -> None:
        task = _TASK.match(content)
        state = task.group(1) if task is not None else None
        time, text = _split_time(content[task.end():] if task is not None else content)
        section, field = self.context()
        draft = _Draft(text, "todo" if state is not None else section, field, indent, True, state, time,
                       column)
        self.drafts.append(draft)
        self.last = draft
        self.mode = "list"

    def code(self, i: int, fence: re.Match[str]) -> int:
        """Take the fenced block that opens at ``i``; the line after it."""
        marker = fence.group(2)
        end = i + 1
        while end < len(self.lines):
            closing = self.lines[end].strip()
            if closing.startswith(marker) and set(closing) == {marker[0]}:
                break
            end += 1
        indented = self.last is not None and self.last.listed and bool(fence.group(1))
        column = self.last.column if indented and self.last is not None else _width(fence.group(1))
        block = [_relative(line, column) if line.strip() else "" for line in self.lines[i:end + 1]]
        if fence.group(3).lower() in _QUERIES:
            self.queries += 1
        elif self.last is not None:
            self.last.body.extend(block)
        else:
            section, field = self.context()
            self.last = _Draft(fence.group(3) or "code", section, field)
            self.last.body.extend(block)
            self.drafts.append(self.last)
        self.mode = "list" if indented else None
        return end + 1


def _note_fields(values: dict[str, Value]) -> list[tuple[str, str]]:
    """The front matter keys kept as fields: simple scalars, not Obsidian's own keys."""
    fields = []
    for key, value in values.items():
        if key.lower() in _OWN_KEYS or not isinstance(value, str) or not value.strip():
            continue
        if _FIELD_KEY.fullmatch(key):
            fields.append((key, value))
    return fields


def daily_items(day: dt.date, lines: list[str], origin: str) -> tuple[list[ImportItem], int]:
    """The entries of a daily note, and how many plugin query blocks it held."""
    values, start = front_matter(lines)
    note = _DailyNote(lines[start:])
    drafts = note.parse()
    tags = front_tags(values, ("tags", "tag"))
    fields = _note_fields(values)
    holder = next((d for d in drafts if d.state is None), drafts[0] if drafts else None)
    items = []
    for draft in drafts:
        if not draft.text.strip():  # "- " with only nested lines under it: the first is the text
            first = draft.body.pop(0)
            item = _ITEM.match(first)
            draft.text = (item.group(3) or "") if item is not None else first.strip()
            if item is not None:
                column = len(first) - len(first.lstrip()) + len(first.strip()) - len(draft.text)
                draft.body = [_relative(line, column) if line.strip() else "" for line in draft.body]
        own = [("heading", draft.heading)] if draft.heading else []
        if draft is holder:
            own += fields
        items.append(ImportItem(day, draft.text.strip(), draft.section, body=draft.body, time=draft.time,
                                state=draft.state, tags=tags, fields=own, origin=origin))
    return items, note.queries


def _vault_setting(root: Path, name: str, key: str) -> str | None:
    """A text setting from the vault's ``.obsidian/NAME.json``, if there is one."""
    try:
        data = json.loads((root / ".obsidian" / name).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return value.strip().strip("/") if isinstance(value, str) and value.strip() else None


def _folder_filter(root: Path) -> tuple[dict[str, str], set[str]]:
    """Folders to leave out: {relative path: reason} and folder names left out anywhere."""
    by_path: dict[str, str] = {}
    names = {"attachments", "_attachments"}
    attachments = _vault_setting(root, "app.json", "attachmentFolderPath")
    if attachments is not None and attachments.startswith("./"):
        names.add(attachments[2:].lower())
    elif attachments is not None and attachments not in ("", "."):
        by_path[attachments] = ""
    templates = _vault_setting(root, "templates.json", "folder")
    if templates is not None:
        by_path[templates] = "the vault's templates folder (.obsidian/templates.json)"
    return by_path, names


def _format_hint(root: Path, used: str) -> Skipped | None:
    """A note when the vault's daily-notes setting names a format other than the one used."""
    setting = _vault_setting(root, "daily-notes.json", "format")
    if setting is None:
        return None
    converted = moment_to_strptime(setting)
    if converted == used:
        return None
    how = f"--date-format '{converted}'" if converted else "its strptime spelling in --date-format"
    return Skipped(".obsidian/daily-notes.json",
                   f"this vault names its daily notes {setting!r} (moment.js); to read them, import "
                   f"again with {how}")


def read(path: Path, options: ImportOptions) -> Reading:
    """Read the daily notes (and dated notes) of a vault or folder (see the module's docstring)."""
    fmt = check_date_format(options.date_format) if options.date_format else DEFAULT_FORMAT
    by_path, names = _folder_filter(path) if path.is_dir() else ({}, set())

    def skip_dir(relative: str) -> str | None:
        if relative in by_path:
            return by_path[relative]
        return "" if relative.rsplit("/", 1)[-1].lower() in names else None

    notes, skipped = note_files(path, (".md",), skip_dir, options.follow_links)
    if options.date_format is None and path.is_dir():
        hint = _format_hint(path, fmt)
        if hint is not None:
            skipped.insert(0, hint)
    items: list[ImportItem] = []
    with_queries: list[str] = []
    for file, origin in notes:
        lines = read_lines(file, origin)
        if isinstance(lines, Skipped):
            skipped.append(lines)
            continue
        stem = file.name[:-3]
        try:
            day: dt.date | None = dt.datetime.strptime(stem, fmt).date()
        except ValueError:
            day = None
        if day is None:
            values, start = front_matter(lines)
            when = parse_when(scalar(values, "date") or "")
            if when is None:
                skipped.append(Skipped(origin, "not a daily note (name is not a date)"))
            else:
                items.append(note_item(when[0], when[1], values, lines[start:], stem, origin))
            continue
        found, queries = daily_items(day, lines, origin)
        if queries:
            with_queries.append(origin)
        if found:
            items.extend(found)
        else:
            skipped.append(Skipped(origin, "empty daily note (nothing to import)"))
    if with_queries:
        shown = ", ".join(with_queries[:3]) + (f" and {len(with_queries) - 3} more" if len(with_queries) > 3
                                               else "")
        skipped.append(Skipped(shown, "query blocks (dataview, tasks, query) left out: they run a "
                                      "search in Obsidian and hold no notes"))
    return Reading(items, skipped)
