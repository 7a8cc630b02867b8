"""Read a jrnl journal (https://jrnl.sh): one plain-text file, or a folder of day files.

jrnl keeps a journal as plain text. Each entry opens with its date in square
brackets at the start of a line, written with the config's ``timeformat``
(strftime, ``%Y-%m-%d %H:%M`` by default), then a space and the text::

    [2013-06-09 15:39] My first entry. *
    Everything is alright @home

The first line of the text (or, on a one-line entry, its first sentence) is
the entry's *title*, the rest its *body*; a ``*`` at the end of the first line
stars the entry; ``@tag`` words (the config's ``tagsymbols``, ``@`` by
default) are its tags. A *folder journal* keeps the same text in
``YYYY/MM/DD.txt`` files, the path giving the day. This reader follows jrnl's
own parser (``jrnl/journals/Journal.py`` and ``Entry.py``, jrnl 4.x) rule for
rule, so that it finds the same entries with the same dates, titles, bodies,
tags and stars as ``jrnl --export json`` does:

* a header is ``[date] `` at the start of a line; the date is read with the
  timeformat, and failing that as a free-form date (jrnl asks dateutil; this
  reader knows the usual numeric and English forms: ``2020-08-29 11:11:00
  AM``, ``2019-07 14:23``, ``06/09/2013``, ``June 9, 2013 3:39 PM``, ...). A
  bracket of six characters or fewer is never a date (``[1] a footnote``).
  Where jrnl reads each numeric date alone, month first unless it cannot be,
  this reader takes one order for the whole journal: day first when one of its
  dates proves it (``13/04/2026``), else month first, saying so when some
  dates could be read either way (give the config, whose timeformat settles it);
* an unreadable ``[...]`` stays text of the entry before it;
* the title is split off at the first line break, else at the first sentence
  end, exactly as jrnl does; the star marker is removed from the title;
* a journal whose config is JSON (jrnl 1.x) is read in the jrnl 1.x format,
  dates without brackets, as jrnl's upgrade reads it; so is a journal that
  has no bracketed header, or whose text before the first one holds 1.x
  entries (jrnl would drop that text);
* a BOM is dropped and CRLF or CR line ends read as LF (jrnl would miss the
  first entry after a BOM, and every entry of a CR file but the first);
* a folder journal's day file without a header is one entry of that day,
  with no time.

On the day pages, each jrnl entry becomes one entry in *What was done* (jrnl
has no tasks) on the day of its date: ``- HH:MM title #tags ★ [imported::
jrnl]``, the title as typed (runs of spaces become one), and the body under
it as written (:func:`reslog.importers.base.body_lines`: indented two
spaces, its own indentation and list markers kept, blank lines dropped
outside fenced code).
A tag ``@Name`` becomes ``#Name`` (jrnl compares tags case-insensitively, so a
tag written twice in two cases is kept once, as first written); the ``@Name``
stays in the text. A tag that reslog's tag rule cannot spell (``@C++``,
``@C#``, ``@2020``) is kept only in the text.

Left out, and reported: text before the first dated entry, empty entries, a
file with no dated entry, files of a folder journal that are not
``YYYY/MM/DD.txt``, files that are not UTF-8. An encrypted journal (jrnl v1,
v2 or v3 encryption, recognised as jrnl recognises it) is refused as a whole
with the command that decrypts it; a Day One folder is sent to the dayone
importer.

``--config FILE`` is a jrnl config. Only its top-level ``timeformat``,
``tagsymbols`` and ``encrypt`` are read, by a small line reader (quoted and
plain YAML scalars; a JSON config is read as JSON), so that no YAML library
is needed; per-journal overrides under ``journals:`` are not read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from reslog import markdown
from reslog.errors import InputError, ReslogError, notify
from reslog.importers.base import ImportItem, ImportOptions, Reading, Skipped, read_bytes, source_files
from reslog.records import Record
from reslog.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

DEFAULT_TIMEFORMAT = "%Y-%m-%d %H:%M"
DEFAULT_TAGSYMBOLS = "@"


class JrnlConfig(Record):
    """What this reader takes from a jrnl config."""

    __slots__ = ("encrypt", "legacy", "path", "tagsymbols", "timeformat")
    timeformat: Final[str]
    tagsymbols: Final[str]
    encrypt: Final[str | None]
    legacy: Final[bool]
    path: Final[Path | None]

    def __init__(self, timeformat: str = DEFAULT_TIMEFORMAT, tagsymbols: str = DEFAULT_TAGSYMBOLS,
                 encrypt: str | None = None, legacy: bool = False, path: Path | None = None) -> None:
        self.timeformat = timeformat
        self.tagsymbols = tagsymbols
        self.encrypt = encrypt
        self.legacy = legacy
        self.path = path


class JrnlEntry(Record):
    """One entry as jrnl reads it: its date, title, body, tags (as typed) and star."""

    __slots__ = ("body", "date", "line", "starred", "tags", "title")
    date: Final[dt.datetime]
    title: Final[str]
    body: Final[str]
    tags: Final[tuple[str, ...]]
    starred: Final[bool]
    line: Final[int]

    def __init__(self, date: dt.datetime, title: str, body: str, tags: tuple[str, ...], starred: bool,
                 line: int) -> None:
        self.date = date
        self.title = title
        self.body = body
        self.tags = tags
        self.starred = starred
        self.line = line


# --- the config ---


def read_config(path: Path) -> JrnlConfig:
    """The timeformat, tag symbols and encryption setting of a jrnl config file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the jrnl config {path} ({error}); give a jrnl YAML config") from None
    legacy = text.strip().startswith("{")  # jrnl's own test: a JSON config belongs to jrnl 1.x
    values: dict[str, object]
    if legacy:
        try:
            loaded = json.loads(text)
        except ValueError as error:
            raise InputError(f"the jrnl config {path} is not valid JSON ({error})") from None
        values = loaded if isinstance(loaded, dict) else {}
    else:
        values = dict(_yaml_scalars(text))
    timeformat = values.get("timeformat")
    tagsymbols = values.get("tagsymbols")
    encrypt = values.get("encrypt")
    return JrnlConfig(
        timeformat if isinstance(timeformat, str) and timeformat else DEFAULT_TIMEFORMAT,
        tagsymbols if isinstance(tagsymbols, str) and tagsymbols else DEFAULT_TAGSYMBOLS,
        None if encrypt in (None, False, "false", "False", "FALSE", "") else str(encrypt),
        legacy,
        path,
    )


_YAML_KEY = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#'"\-?:][^:]*?))[ \t]*:(?:[ \t]+(.*?))?[ \t]*$""")
_YAML_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "/": "/", " ": " "}


def _yaml_scalars(text: str) -> list[tuple[str, str]]:
    """The top-level ``key: scalar`` pairs of a YAML file (nested maps and lists are passed over)."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _YAML_KEY.match(line)
        if match is None:
            continue
        key = next(group for group in match.groups()[:3] if group is not None)
        value = _yaml_value(match.group(4) or "")
        if value is not None:
            pairs.append((key, value))
    return pairs


def _yaml_value(raw: str) -> str | None:
    """A one-line YAML scalar: double- or single-quoted, or plain (up to a `` #`` comment)."""
    if raw.startswith('"'):
        out: list[str] = []
        i = 1
        while i < len(raw) and raw[i] != '"':
            if raw[i] == "\\" and i + 1 < len(raw):
                code = raw[i + 1]
                if code in "xuU":
                    width = {"x": 2, "u": 4, "U": 8}[code]
                    try:
                        out.append(chr(int(raw[i + 2:i + 2 + width], 16)))
                    except ValueError:
                        return None
                    i += 2 + width
                    continue
                out.append(_YAML_ESCAPES.get(code, code))
                i += 2
                continue
            out.append(raw[i])
            i += 1
        return "".join(out)
    if raw.startswith("'"):
        match = re.match(r"'((?:[^']|'')*)'", raw)
        return match.group(1).replace("''", "'") if match else None
    plain = re.split(r"[ \t]#", raw, maxsplit=1)[0].strip()
    if raw.startswith("#") or plain in ("", "~", "null", "Null", "NULL") or plain[0] in "{[|>&*!":
        return None
    return plain


# --- encryption ---

_V3_PREFIX = b"JRNLv3"
_V2_PREFIX = b"gAAAAA"


def encryption(data: bytes, config: JrnlConfig) -> str | None:
    """The jrnl encryption of a journal's bytes ("v1", "v2", "v3"), or None for plain text.

    jrnl looks for the v3 magic prefix, then (when the config says
    ``encrypt: jrnlv1``) takes jrnl 1.x's raw AES, then the Fernet prefix of
    v2, and else falls back to v1 when the config says the journal is
    encrypted. Without a config, v1 is recognised by what it is: whole AES
    blocks of bytes that are neither UTF-8 nor mostly ASCII (a Latin-1 journal
    is text, reported as not UTF-8).
    """
    if data.startswith(_V3_PREFIX):
        return "v3"
    if data.startswith(_V2_PREFIX):
        return "v2"
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    if config.encrypt is not None:
        return "v1"
    ascii_text = sum(1 for byte in data if 32 <= byte < 127 or byte in b"\t\n\r")
    if len(data) >= 32 and len(data) % 16 == 0 and ascii_text < 0.75 * len(data):
        return "v1"
    return None


def _refusal(path: Path, version: str, config: JrnlConfig) -> ReslogError:
    config_file = config.path if config.path is not None else "JRNL_CONFIG"
    return ReslogError(
        f"{path} is an encrypted jrnl journal (jrnl {version} encryption): write a decrypted copy with "
        f"`jrnl --config-file {config_file} --decrypt --file plain.txt` (a config whose default journal "
        "is this file), then `reslog import jrnl plain.txt`"
    )


# --- jrnl's parser, rule for rule ---

_DATE_BLOB = re.compile(r"(?:^|\n)\[([^\]]+)\] ")

_SENTENCE_SPLITTER = re.compile(
    r"""
    (
    [.!?\u2026\u203C\u203D\u2047\u2048\u2049\u22EF\uFE52\uFE57]  # a sentence terminal,
    [\'\u2019\"\u201D]?  # an optional right quote,
    [\]\)]*              # optional closing brackets,
    \s+                  # and required spaces
    )
    |[\uFF01\uFF0E\uFF1F\uFF61\u3002]  # CJK terminals, usually without spaces
    """,
    re.VERBOSE,
)


def split_title(text: str) -> tuple[str, str]:
    """jrnl's ``split_title``: the title ends at the first line break, else at the first sentence end.

    Like jrnl, the line break is looked for in the text with its leading
    whitespace removed but cut from the text as it is; the oracle is jrnl.
    """
    at = text.lstrip().find("\n")
    if at != -1:
        end = at + 1
    else:
        sentence = _SENTENCE_SPLITTER.search(text)
        if sentence is None:
            return text, ""
        end = sentence.end()
    return text[:end].strip(), text[end:].strip()


def tag_pattern(symbols: str) -> re.Pattern[str]:
    """jrnl's tag rule: a tag symbol after whitespace (or at the start), then ``-+*#/`` or word characters."""
    return re.compile(r"(?<!\S)([" + re.escape(symbols) + r"][-+*#/\w]+)")


def parse_entry(date: dt.datetime, raw: str, tags: re.Pattern[str], line: int) -> JrnlEntry:
    """An entry from the text after its header, as jrnl's ``Entry._parse_text`` reads it."""
    text = raw
    starred = False
    lines = raw.splitlines()
    if lines and lines[0].strip().endswith("*"):
        starred = True
        text = lines[0].strip("\n *") + "\n" + "\n".join(lines[1:])
    title, body = split_title(text)
    return JrnlEntry(date, title, body, tuple(tags.findall(raw)), starred, line)


def parse_date(blob: str, timeformat: str, day_first: bool = False) -> dt.datetime | None:
    """A header's date: by the timeformat, else free-form; None when it is no date."""
    return _formatted(blob, timeformat) or _free(blob, day_first)


def _formatted(blob: str, timeformat: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(blob, timeformat)
    except ValueError:
        return None


def _free(blob: str, day_first: bool) -> dt.datetime | None:
    if len(blob) <= 6:  # jrnl: too short to be a date, probably a Markdown footnote
        return None
    return free_date(blob, day_first)


def numeric_order(blobs: list[str]) -> tuple[bool, list[str]]:
    """How a journal writes its year-last numeric dates (``03/04/2026``): whether day first,
    and those of them that could be read either way.

    Day first when some date's first number cannot be a month (``13/04/2026``) and no date's
    second number can be none (``04/13/2026``); otherwise month first, as dateutil reads them.
    A journal's dates are written by one timeformat, so one date that settles the order
    settles it for all: read alone, ``03/04/2026`` and ``13/04/2026`` would be a month apart
    in the wrong order."""
    firsts, seconds, either = False, False, []
    for blob in blobs:
        match = _FREE_DATE.match(blob)
        if match is None or not match.group("y2"):
            continue
        first, second = int(match.group("a")), int(match.group("b"))
        firsts, seconds = firsts or first > 12, seconds or second > 12
        if first <= 12 and second <= 12 and first != second:
            either.append(blob)
    return firsts and not seconds, either


_MONTHS = {
    name: n
    for n, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_DAY_SUFFIX = r"(?:st|nd|rd|th)?"
_FREE_DATE = re.compile(
    r"^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?:(?P=s)(?P<d>\d{1,2}))?"
    r"|(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?P<y2>\d{4})"
    rf"|(?P<d3>\d{{1,2}}){_DAY_SUFFIX}\s+(?P<mon3>[a-z]+)\.?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<mon4>[a-z]+)\.?\s+(?P<d4>\d{{1,2}}){_DAY_SUFFIX},?\s+(?P<y4>\d{{4}}))"
    r"(?:(?:\s*,\s*|\s+at\s+|\s+|t)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?:(?P<p>[ap])\.?m\.?)?)?"
    r"(?:\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2}))?\s*$",
    re.IGNORECASE,
)


def free_date(blob: str, day_first: bool = False) -> dt.datetime | None:
    """A date written otherwise than the timeformat says: the common forms dateutil reads.

    Numeric dates are year first (``2020-08-29``, ``2019-07``: day 1) or year
    last, month first unless the first number cannot be a month (dateutil's
    default, or ``day_first``: see :func:`numeric_order`); English month names
    in either order; an optional time, 24-hour or with AM/PM, seconds and a
    zone ignored. Dates without a year, relative
    dates and times alone are not read (jrnl would date them from today).
    """
    match = _FREE_DATE.match(blob)
    if match is None:
        return None
    g = match.groupdict()
    try:
        if g["y"]:
            year, month, day = int(g["y"]), int(g["m"]), int(g["d"] or 1)
        elif g["y2"]:
            first, second = int(g["a"]), int(g["b"])
            month, day = (second, first) if first > 12 or (day_first and second <= 12) else (first, second)
            year = int(g["y2"])
        else:
            name = (g["mon3"] or g["mon4"]).lower()
            if name not in _MONTHS:
                return None
            year, month, day = int(g["y3"] or g["y4"]), _MONTHS[name], int(g["d3"] or g["d4"])
        hour, minute, second = int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0)
        if g["p"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if g["p"].lower() == "p" else 0)
        return dt.datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return None


def parse_journal(
    text: str, timeformat: str, tags: re.Pattern[str], warn: bool = True
) -> tuple[list[JrnlEntry], str, int]:
    """jrnl's ``Journal._parse``: the entries, and the text before the first one with its length in lines.

    ``warn``: say when numeric dates could be read day or month first (not for a folder
    journal's day files, whose path gives the day)."""
    found: list[tuple[dt.datetime, int, int]] = []
    headers = [(match, _formatted(match.group(1), timeformat)) for match in _DATE_BLOB.finditer(text)]
    day_first, either = numeric_order([match.group(1) for match, date in headers if date is None])
    if warn and either and not day_first:
        notify(
            f"{plural(len(either), 'date')} of the journal, such as {either[0]}, could be day or "
            "month first; they were read month first, as jrnl does. If they are day first, give the "
            "jrnl config (its timeformat) with --config"
        )
    for match, formatted in headers:
        date = formatted or _free(match.group(1), day_first)
        if date is not None:
            found.append((date, match.start(), match.end()))
    entries = []
    line, counted = 1, 0
    for n, (date, start, end) in enumerate(found):
        stop = found[n + 1][1] if n + 1 < len(found) else len(text)
        line += text.count("\n", counted, start) + (text[start] == "\n")
        counted = start + (text[start] == "\n")
        entries.append(parse_entry(date, text[end:stop], tags, line))
    lead = text[: found[0][1]] if found else text
    return entries, lead, len(lead.splitlines())


_NEW_HEADER = re.compile(r"(^\[[^\]]+\].*?$)")


def parse_legacy(text: str, timeformat: str, tags: re.Pattern[str]) -> tuple[list[JrnlEntry], str, int]:
    """jrnl's ``LegacyJournal._parse`` (jrnl 1.x): a line opening with an unbracketed date opens an entry.

    jrnl measures the date's width on today's date; this reader tries the
    widths the timeformat can take, so that month names of any length work.
    """
    widths = sorted(
        {len(dt.datetime(2001, m, d, 10, 0).strftime(timeformat)) for m in range(1, 13) for d in (1, 28)},
        reverse=True,
    )
    parts: list[tuple[dt.datetime, list[str], bool, int]] = []
    lead: list[str] = []
    for number, original in enumerate(text.splitlines(), 1):
        line = original.rstrip()
        opened = None
        for width in widths:
            try:
                opened = (dt.datetime.strptime(line[:width], timeformat), width)
                break
            except ValueError:
                continue
        if opened is not None:
            date, width = opened
            starred = line.endswith("*")
            if starred:
                line = line[:-1]
            parts.append((date, [line[width + 1:]], starred, number))
        elif parts:
            parts[-1][1].append(_NEW_HEADER.sub(r" \1", line))
        else:
            lead.append(original)
    entries = []
    for date, lines, starred, number in parts:
        entry = parse_entry(date, "".join(f"{line}\n" for line in lines), tags, number)
        if starred and not entry.starred:
            entry = JrnlEntry(entry.date, entry.title, entry.body, entry.tags, True, entry.line)
        entries.append(entry)
    return entries, "\n".join(lead), len(lead)


# --- from jrnl entries to items ---


def _spellable(name: str) -> bool:
    return markdown.read_tags(f"#{name}") == (name,)


def item_tags(entry: JrnlEntry) -> tuple[str, ...]:
    """The entry's tags as reslog tags: symbol removed, once each ignoring case, as first written."""
    seen: dict[str, str] = {}
    for tag in entry.tags:
        seen.setdefault(tag[1:].lower(), tag[1:])
    return tuple(name for name in seen.values() if _spellable(name))




def to_item(entry: JrnlEntry, origin: str, day: dt.date | None = None, timed: bool = True) -> ImportItem:
    """The item of an entry, on ``day`` if given (a folder journal's path), else on the entry's date."""
    return ImportItem(
        day or entry.date.date(),
        entry.title,
        section="done",
        body=entry.body.split("\n") if entry.body else (),
        time=entry.date.strftime("%H:%M") if timed else None,
        tags=item_tags(entry),
        starred=entry.starred,
        origin=origin,
    )


def _decode(data: bytes, origin: str, skipped: list[Skipped]) -> str | None:
    """The text of a file (BOM removed, line endings made LF), or None (and a note) if it is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"not valid UTF-8 (byte {error.start}); convert it to UTF-8 and import again"
        skipped.append(Skipped(origin, reason))
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_text(
    text: str, origin: str, config: JrnlConfig, skipped: list[Skipped], day: dt.date | None = None
) -> list[ImportItem]:
    """The items of one file's text; ``day`` (a folder journal's file) overrides the entries' dates."""
    if not text.strip():
        skipped.append(Skipped(origin, "empty file"))
        return []
    tags = tag_pattern(config.tagsymbols)
    entries, lead, lead_lines = parse_journal(text, config.timeformat, tags, warn=day is None)
    if config.legacy or not entries or lead.strip():
        # jrnl 1.x (its config is JSON): dates without brackets; a bracketed date in it is text
        legacy = parse_legacy(lead if not config.legacy and entries else text, config.timeformat, tags)
        if legacy[0]:
            entries, lead, lead_lines = parse_legacy(text, config.timeformat, tags)
    timed = True
    if not entries and day is not None:
        # a day file without a header: jrnl takes its whole text as one entry on the path's day, at the
        # time it reads it; here, with no time
        midnight = dt.datetime(day.year, day.month, day.day)
        entries, lead, timed = [parse_entry(midnight, text, tags, 1)], "", False
    if not entries:
        skipped.append(Skipped(origin, f"no dated entry: no line starts with [{config.timeformat}]"
                                       " (give the jrnl config with --config if it sets another timeformat)"))
        return []
    if lead.strip():
        lead_text = f"text before the first dated entry ({plural(lead_lines, 'line')})"
        if _OTHER_DATE.match(lead.lstrip()):  # a jrnl 1.x journal written with another timeformat
            lead_text += (f"; it opens with a date not in the timeformat {config.timeformat}: give the jrnl "
                          "config with --config")
        skipped.append(Skipped(f"{origin}:1", lead_text))
    items = []
    for entry in entries:
        if not entry.title.strip() and not entry.body.strip():
            skipped.append(Skipped(f"{origin}:{entry.line}", "empty entry"))
            continue
        items.append(to_item(entry, origin, day, timed))
    return items


#: A line that opens with a numeric date of any order (``10.06.2010 15:00``, ``2010/06/10``).
_OTHER_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def _day_of(parts: tuple[str, ...]) -> dt.date | None:
    """The day of a folder journal's file from its path (``YYYY/MM/DD.txt``, as jrnl globs it)."""
    if len(parts) != 3:
        return None
    year, month, name = parts
    if not (re.fullmatch(r"\d{4}", year) and re.fullmatch(r"[01]\d", month)
            and re.fullmatch(r"[0-3]\d\.txt", name)):
        return None
    try:
        return dt.date(int(year), int(month), int(name[:2]))
    except ValueError:
        return None


def _read_folder(path: Path, config: JrnlConfig, follow_links: bool) -> Reading:
    if path.name.endswith(".dayone") or (path / "entries").is_dir():
        # Day One Classic (.doentry files), which neither importer reads: say what to do instead
        raise InputError(f"{path} is a Day One Classic journal (.doentry files), which reslog cannot read; "
                         "open it in Day One and export the journal as JSON, then `reslog import dayone` "
                         "the .zip")
    items: list[ImportItem] = []
    files, skipped = source_files(path, follow_links)  # hidden files (.git, .DS_Store) left out
    for file, origin in files:
        day = _day_of(tuple(origin.split("/")))
        if day is None:
            skipped.append(Skipped(origin, "not a jrnl day file (a folder journal keeps YYYY/MM/DD.txt)"))
            continue
        data = read_bytes(file, origin)
        if isinstance(data, Skipped):
            skipped.append(data)
            continue
        if data.startswith((_V3_PREFIX, _V2_PREFIX)):
            skipped.append(Skipped(origin, "encrypted (jrnl cannot encrypt folder journals); not read"))
            continue
        text = _decode(data, origin, skipped)
        if text is not None:
            items += read_text(text, origin, config, skipped, day)
    return Reading(items, skipped)


def read(path: Path, options: ImportOptions) -> Reading:
    """Read a jrnl journal file or folder journal at ``path``."""
    config = read_config(options.config) if options.config is not None else JrnlConfig()
    if path.is_dir():
        return _read_folder(path, config, options.follow_links)
    if not path.is_file():
        raise InputError(f"{path} is neither a jrnl journal file nor a folder journal")
    data = path.read_bytes()
    version = encryption(data, config)
    if version is not None:
        raise _refusal(path, version, config)
    skipped: list[Skipped] = []
    text = _decode(data, path.name, skipped)
    items = read_text(text, path.name, config, skipped) if text is not None else []
    return Reading(items, skipped)
