"""Read a folder of dated Markdown notes (a Jekyll blog, a notes folder): one entry per note.

``reslog import markdown PATH`` walks PATH recursively and reads every note
(``.md``, ``.markdown``, ``.Rmd``; hidden files and folders are left out).
Each note becomes **one entry** in *What was done* on the day page of its
date:

* **date**: the front matter's ``date:`` (``2011-02-15``, ``2011-02-15
  23:20:18``, ``2011-02-15T23:20``; a time there becomes the entry's time),
  else the file name: ``YYYY-MM-DD.md``, Jekyll's ``YYYY-MM-DD-slug.md`` (and
  ``.Rmd``), or, with ``--date-format FMT`` (Python strptime codes), a name
  that is, or starts with, a date in that format followed by ``-``, ``_``,
  ``.`` or a space. A note with neither is skipped ("no date").
* **text**: the front matter's ``title:``, else the heading the note opens
  with (``# Title`` or a setext ``Title`` over ``===``/``---``), else the file
  name without its date (``2011-02-15-tuesday.md`` gives ``tuesday``); then
  the front matter's ``subtitle:``, if any, after `` — `` (after a space when
  the title ends with ``:`` or the subtitle is in parentheses). A title or subtitle written over several lines
  (a quoted or plain scalar wrapped onto indented lines, a ``>`` or ``|``
  block) is read whole, on one line.
* **body**: the note below the front matter, as written (the title heading,
  when it gave the text, is not repeated): indented under the entry, each line
  with its own indentation, so that fenced code stays one block (its blank
  lines kept), and headings, quotes, tables, HTML and the note's own lists
  stay as they were; other blank lines are dropped (see
  :func:`reslog.importers.base.body_lines`).
* **tags**: the front matter's ``tags:``/``tag:``/``categories:``/
  ``category:`` (YAML list, ``[a, b]``, or words separated by spaces or
  commas, as Jekyll reads them); characters a reslog tag cannot hold become
  ``-``. Other front matter keys (Jekyll's ``layout``, ``slug``, ...) are
  not imported.
* **field** ``[file:: relative/path.md]``: where the note came from, so that
  the entry leads back to it and two notes with the same title on one day stay
  apart. (Not ``from::``, which in reslog names the source of an idea.)

Left out, each with its reason in the report: notes without a date, empty
files, files that are not valid UTF-8, an R Markdown source whose knitted
``.md`` twin (the same file name) lies beside it or anywhere else in the
import, such as a Jekyll ``_source/`` folder beside ``_posts/`` (the ``.md``
holds the same text plus the results), FIFOs and other files that are not
regular, symbolic links that lead outside PATH, and files that are not
Markdown (listed once per kind of file).

The helpers below (file walk, dates) are shared with the Obsidian reader
(:mod:`reslog.importers.obsidian`); front matter is read by :mod:`reslog.frontmatter`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

from reslog.errors import InputError
from reslog.frontmatter import Value, front_matter, front_tags, scalar
from reslog.importers.base import ImportItem, ImportOptions, Reading, Skipped, read_text, source_files

#: Suffixes (lower case) of the files this reader takes as notes.
NOTE_SUFFIXES = (".md", ".markdown", ".rmd")

_NEWLINE = re.compile(r"\r\n|\r|\n")
_WHEN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[T ]|\s+)(\d{1,2}):(\d{2}))?")
_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?=$|[-_. ])")
_ATX = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_MOMENT = re.compile(r"\[[^\[\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|[A-Za-z]+|.", re.S)
_MOMENT_CODES = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m",
                 "DD": "%d", "D": "%d", "dddd": "%A", "ddd": "%a"}


# --- reading files ---------------------------------------------------------------------------


def note_files(
    root: Path, suffixes: tuple[str, ...], skip_dir: Callable[[str], str | None] | None = None,
    follow_links: bool = False,
) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """The notes under ``root`` (path, origin relative to ``root``), sorted, and what was left out.

    Files are found by :func:`reslog.importers.base.source_files` (hidden ones, FIFOs and
    links that lead outside ``root`` left out, the last two with a reason); ``skip_dir`` is
    passed to it. Files with other suffixes are reported once per suffix. A single file
    ``root`` is taken as the one note, if its suffix fits.
    """
    if root.is_file():
        if root.suffix.lower() not in suffixes:
            raise InputError(f"{root} is not a folder or a Markdown note; give the folder of notes")
        return [(root, root.name)], []
    if not root.is_dir():
        raise InputError(f"{root} is not a folder; give the folder of notes")
    files, skipped = source_files(root, follow_links, skip_dir)
    notes: list[tuple[Path, str]] = []
    others: dict[str, list[str]] = {}
    for path, origin in files:
        suffix = os.path.splitext(origin)[1].lower()
        if suffix in suffixes:
            notes.append((path, origin))
        else:
            others.setdefault(suffix or "(no suffix)", []).append(origin)
    for suffix, names in sorted(others.items()):
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        noun = "file" if len(names) == 1 else "files"
        kind = f"{noun} without a suffix" if suffix == "(no suffix)" else f"{suffix} {noun}"
        skipped.append(Skipped(shown, f"not a Markdown note ({len(names)} {kind})"))
    if not notes:
        raise InputError(f"{root} holds no Markdown notes; give the folder of notes")
    return notes, skipped


def read_lines(path: Path, origin: str) -> list[str] | Skipped:
    """The note's lines (BOM removed, any line ending), or why it cannot be read."""
    text = read_text(path, origin)
    if isinstance(text, Skipped):
        return text
    if not text.strip():
        return Skipped(origin, "empty file")
    return _NEWLINE.split(text)


# --- dates -----------------------------------------------------------------------------------


def _ymd(match: re.Match[str]) -> dt.date | None:
    """The date the first three groups of ``match`` spell (year, month, day), if it is one."""
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_when(value: str) -> tuple[dt.date, str | None] | None:
    """A front matter date (``2011-02-15``, ``2011-02-15 23:20:18``, ``...T23:20``): date and HH:MM."""
    match = _WHEN.match(value.strip())
    if match is None:
        return None
    day = _ymd(match)
    if day is None:
        return None
    hour, minute = match.group(4), match.group(5)
    if hour is None or int(hour) > 23 or int(minute) > 59:
        return day, None
    return day, f"{int(hour):02d}:{minute}"


def moment_to_strptime(fmt: str) -> str | None:
    """A moment.js date format (as Obsidian's settings hold it) in strptime codes, if it has one."""
    out = []
    for token in _MOMENT.findall(fmt):
        if token.startswith("["):
            out.append(token[1:-1].replace("%", "%%"))
        elif token in _MOMENT_CODES:
            out.append(_MOMENT_CODES[token])
        elif token.isalpha():
            return None
        else:
            out.append(token.replace("%", "%%"))
    return "".join(out)


def check_date_format(fmt: str) -> str:
    """``fmt`` if it spells a whole date in strptime codes; else an InputError that says what to give."""
    if "%" not in fmt:
        hint = moment_to_strptime(fmt) if re.search(r"YY|DD", fmt) else None
        if hint:
            raise InputError(f"--date-format {fmt!r} looks like a moment.js format (as Obsidian writes "
                             f"it); give it in strptime codes: --date-format '{hint}'")
        raise InputError(f"--date-format {fmt!r} has no strptime codes; give one such as %Y-%m-%d")
    sample = dt.date(2024, 11, 26)
    try:
        ok = dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample
    except (ValueError, re.error):
        ok = False
    if not ok:
        raise InputError(f"--date-format {fmt!r} does not spell a whole date (year, month and day); "
                         "give strptime codes such as %Y-%m-%d")
    return fmt


def date_of_name(stem: str, fmt: str | None) -> tuple[dt.date, str] | None:
    """The date a note's name is, or starts with (followed by ``-``, ``_``, ``.`` or a space),
    and the rest of the name (``2011-02-15-tuesday`` gives ``tuesday``)."""
    if fmt is None:
        match = _NAME_DATE.match(stem)
        if match is None:
            return None
        day = _ymd(match)
        if day is None:
            return None
        return day, stem[match.end():].lstrip("-_. ")
    ends = [len(stem)] + [i for i in range(len(stem) - 1, 0, -1) if stem[i] in "-_. "]
    for end in ends:
        try:
            return dt.datetime.strptime(stem[:end], fmt).date(), stem[end:].lstrip("-_. ")
        except ValueError:
            continue
    return None


# --- one note, one entry ---------------------------------------------------------------------


def _title(values: dict[str, Value], body: list[str], name: str) -> tuple[str, list[str]]:
    """The note's title, and its body without the heading the title came from (blank lines
    kept: :func:`reslog.importers.base.body_lines` keeps those inside fenced code)."""
    title = scalar(values, "title")
    if title is not None:
        return " ".join(title.split()), body  # a block scalar's lines: the entry's line is one
    filled = [i for i, line in enumerate(body) if line.strip()]
    if filled:
        first = body[filled[0]]
        atx = _ATX.match(first)
        if atx is not None and atx.group(1).strip():
            return atx.group(1).strip(), body[filled[0] + 1:]
        if len(filled) > 1 and filled[1] == filled[0] + 1 and _SETEXT.match(body[filled[1]]) \
                and not first.startswith((" ", "\t", "-", "*")):
            return first.strip(), body[filled[1] + 1:]
    return name, body


def note_item(
    day: dt.date, time: str | None, values: dict[str, Value], body: list[str], name: str, origin: str
) -> ImportItem:
    """A whole note as one entry: its title (else ``name``) and subtitle, its body as written, its
    tags and its file."""
    text, lines = _title(values, body, name)
    subtitle = scalar(values, "subtitle")
    if subtitle is not None and subtitle.strip():
        # joined on the entry's line, where the day page, search results and citations show it
        joint = " " if text.endswith(":") or subtitle.startswith("(") else " — "
        text += joint + " ".join(subtitle.split())
    return ImportItem(day, text, "done", body=lines, time=time, tags=front_tags(values),
                      fields=[("file", origin)], origin=origin)


def _twins(notes: list[tuple[Path, str]]) -> dict[str, str]:
    """R Markdown sources whose knitted ``.md`` is among the notes: origin -> the ``.md``'s origin.

    The twin is the ``.md`` of the same file name, beside the source or anywhere else in the
    import (Jekyll sites keep sources in ``_source/`` and the knitted posts in ``_posts/``); it
    holds the same text plus the results, so it is the one imported.
    """
    origins = {origin for _, origin in notes}
    knitted: dict[str, str] = {}
    for _, origin in notes:
        if origin.lower().endswith(".md"):
            knitted.setdefault(origin.rsplit("/", 1)[-1][:-3], origin)
    twins = {}
    for _, origin in notes:
        base, _, suffix = origin.rpartition(".")
        if suffix.lower() != "rmd":
            continue
        beside = base + ".md"
        twin = beside if beside in origins else knitted.get(base.rsplit("/", 1)[-1])
        if twin is not None:
            twins[origin] = twin
    return twins


def read(path: Path, options: ImportOptions) -> Reading:
    """Read every dated note under ``path`` (see the module's docstring)."""
    fmt = check_date_format(options.date_format) if options.date_format else None
    notes, skipped = note_files(path, NOTE_SUFFIXES, follow_links=options.follow_links)
    twins = _twins(notes)
    items: list[ImportItem] = []
    for file, origin in notes:
        if origin in twins:
            why = f"R Markdown source of {twins[origin]}, which is imported instead"
            skipped.append(Skipped(origin, why))
            continue
        lines = read_lines(file, origin)
        if isinstance(lines, Skipped):
            skipped.append(lines)
            continue
        values, start = front_matter(lines)
        stem = file.name.rsplit(".", 1)[0]
        named = date_of_name(stem, fmt)
        when = parse_when(scalar(values, "date") or "") or (named and (named[0], None))
        if not when:
            skipped.append(Skipped(origin, "no date (none in the front matter or the file name)"))
            continue
        name = named[1] if named and named[1] else stem
        items.append(note_item(when[0], when[1], values, lines[start:], name, origin))
    return Reading(items, skipped)
