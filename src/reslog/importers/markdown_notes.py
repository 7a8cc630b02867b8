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

The helpers below (front matter, file walk, dates, tags) are shared with the
Obsidian reader (:mod:`reslog.importers.obsidian`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

from reslog.errors import InputError
from reslog.importers.base import ImportItem, ImportOptions, Reading, Skipped, read_text, source_files

#: Suffixes (lower case) of the files this reader takes as notes.
NOTE_SUFFIXES = (".md", ".markdown", ".rmd")
#: Front matter keys read as tags.
TAG_KEYS = ("tags", "tag", "categories", "category")

#: A front matter value: a scalar, a list of scalars, or None (anything else: maps, block text).
Value = str | list[str] | None

_NEWLINE = re.compile(r"\r\n|\r|\n")
_KEY = re.compile(r"^([^\s#:\-][^:]*?)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*-(?:[ \t]+(.*?))?[ \t]*$")
_WHEN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[T ]|\s+)(\d{1,2}):(\d{2}))?")
_NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?=$|[-_. ])")
_ATX = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_TAG_OK = re.compile(r"[\w][\w/-]*")
_TAG_BAD = re.compile(r"[^\w/-]+")
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


# --- front matter ----------------------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    return text


def _value(raw: str) -> Value:
    if raw in ("", "~", "null"):
        return []  # a list may follow on the next lines; else it stays empty
    if raw[0] == "[":
        if not raw.endswith("]"):
            return None
        return [_unquote(part) for part in raw[1:-1].split(",") if part.strip()]
    if raw[0] in "{|>&*!":
        return None
    return _unquote(raw.split(" #")[0]) if raw[0] not in "'\"" else _unquote(raw)


def _continued(lines: list[str], start: int, raw: str) -> int:
    """How many of the lines from ``start`` continue the value ``raw`` of the key above them: the
    indented (and blank) lines up to the next line at column 0, unless they hold a list (read
    item by item by :func:`front_matter`) or, under a key with no value, a nested map."""
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    first = next((line for line in lines[start:end] if line.strip()), "")
    if not first or _LIST_ITEM.match(first) or (not raw and _KEY.match(first.strip())):
        return 0
    return end - start


def _fold(pieces: list[str], escapes: bool = False) -> str:
    """The lines of a multi-line scalar as YAML folds them: each line break a space, or, with
    blank lines after it, one line break per blank line; the spaces around a break dropped. With
    ``escapes`` (double quotes), a line that ends with an escaping ``\\`` runs on with no space."""
    out = pieces[0].rstrip(" \t") if len(pieces) > 1 else pieces[0]
    blank = 0
    for n, piece in enumerate(pieces[1:], 2):
        piece = piece.strip(" \t") if n < len(pieces) else piece.lstrip(" \t")
        if not piece and n < len(pieces):
            blank += 1
            continue
        if escapes and not blank and _RUN_ON.search(out):
            out = out[:-1]
        else:
            out += "\n" * blank or " "
        out += piece
        blank = 0
    return out


#: A double-quoted line that ends with an escaped line break (an odd run of backslashes).
_RUN_ON = re.compile(r"(?<!\\)(?:\\\\)*\\$")
#: The text of a quoted scalar up to its closing quote (``''`` is a quote in single quotes).
_UP_TO_CLOSE = {"'": re.compile(r"(?:[^']|'')*'(?!')"), '"': re.compile(r'(?:[^"\\]|\\.)*"')}
_DOUBLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
                   "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
                   "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _unescape(text: str) -> str:
    """A double-quoted scalar's escapes (``\\"``, ``\\n``, ``\\u00e9``, ...); an unknown one is kept."""
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if len(code) == 1:
            return _DOUBLE_ESCAPES.get(code, match.group(0))
        point = int(code[1:], 16)
        # a surrogate or a number past Unicode is no character: kept as written
        return match.group(0) if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF else chr(point)
    return _ESCAPE.sub(one, text)


def _quoted(lines: list[str]) -> str | None:
    """A single- or double-quoted scalar that opens on ``lines[0]`` and closes on its last line,
    folded (:func:`_fold`); None if it closes earlier or never."""
    quote = lines[0][0]
    pieces = [lines[0][1:], *lines[1:]]
    for n, piece in enumerate(pieces):
        closed = _UP_TO_CLOSE[quote].match(piece)
        if closed is not None:
            if n < len(pieces) - 1:
                return None  # more lines after the closing quote: not YAML we can read
            pieces[n] = piece[:closed.end() - 1]
            break
    else:
        return None
    if quote == "'":
        return _fold(pieces).replace("''", "'")
    return _unescape(_fold(pieces, escapes=True))


_BLOCK = re.compile(r"^([|>])(?:[1-9]?[+-]?|[+-]?[1-9]?)(?:[ \t]+#.*)?$")


def _multiline(raw: str, more: list[str]) -> Value:
    """The value of a key whose text runs on over the indented lines ``more``: a block scalar
    (``|`` keeps its lines, ``>`` folds them; line breaks around them dropped), a quoted or plain
    scalar folded, a flow list ``[a,\n  b]``; None for anything else (a nested map, an anchor)."""
    block = _BLOCK.match(raw)
    if block is not None or not raw:
        more = more[next(i for i, line in enumerate(more) if line.strip()):]
    if block is not None:
        indent = more[0][: len(more[0]) - len(more[0].lstrip(" "))]
        kept = [line.removeprefix(indent).rstrip(" \t") if line.strip() else "" for line in more]
        return ("\n".join(kept) if block.group(1) == "|" else _fold(kept)).strip("\n")
    if raw[:1] in ("'", '"'):
        return _quoted([raw, *more])
    if raw.startswith("["):
        return _value(" ".join([raw, *(line.strip() for line in more)]))
    if raw[:1] in tuple("{|>&*!%@`") or " #" in raw or any(
            _KEY.match(line.strip()) or line.lstrip().startswith("#") for line in more):
        return None  # a map, a tag or anchor, a comment: not a simple value
    return _fold([raw, *more] if raw else [more[0].lstrip(" \t"), *more[1:]])


def front_matter(lines: list[str]) -> tuple[dict[str, Value], int]:
    """The YAML front matter's keys (a simple subset, see :data:`Value`) and where the body starts.

    Front matter opens with ``---`` on the first line and closes at the next
    ``---`` or ``...``; without a closing line there is none. A scalar may run
    over several indented lines (:func:`_multiline`), as YAML writers wrap a
    long title.
    """
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, 0
    values: dict[str, Value] = {}
    key: str | None = None
    body = lines[1:end]
    at = 0
    while at < len(body):
        line = body[at]
        at += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if match is not None:
            key, raw = match.group(1), match.group(2) or ""
            more = _continued(body, at, raw)
            values[key] = _multiline(raw, body[at:at + more]) if more else _value(raw)
            at += more
            continue
        item = _LIST_ITEM.match(line)
        current = values.get(key) if key is not None else None
        if key is not None and item is not None and isinstance(current, list):
            if item.group(1):
                current.append(_unquote(item.group(1)))
        elif key is not None:
            values[key] = None  # a nested map or text over several lines: not a simple value
    return values, end + 1


def scalar(values: dict[str, Value], key: str) -> str | None:
    """The front matter value of ``key`` if it is a non-empty scalar."""
    value = values.get(key)
    return value if isinstance(value, str) and value else None


def clean_tag(tag: str) -> str | None:
    """``tag`` as a reslog tag (no ``#``; other characters become ``-``), or None if nothing is left."""
    tag = _TAG_BAD.sub("-", tag.strip().lstrip("#")).strip("-/")
    if not tag or _TAG_OK.fullmatch(tag) is None or not any(c.isalpha() or c == "_" for c in tag):
        return None
    return tag


def front_tags(values: dict[str, Value], keys: tuple[str, ...] = TAG_KEYS) -> list[str]:
    """The tags the front matter names under ``keys``, once each, in order."""
    tags: list[str] = []
    for key in keys:
        value = values.get(key)
        # a list item is one tag; a scalar is split at commas if it has any (Obsidian), else at
        # spaces (as Jekyll reads it)
        words = re.split("," if "," in value else r"\s+", value) if isinstance(value, str) else value or []
        for word in words:
            tag = clean_tag(word)
            if tag is not None and tag not in tags:
                tags.append(tag)
    return tags


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
