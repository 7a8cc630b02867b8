"""Read an org-journal (Emacs) journal: ``reslog import org PATH``.

org-journal keeps one file per day, week, month or year
(``org-journal-file-type``), named by ``org-journal-file-format`` (default
``%Y%m%d``, no extension: ``20190407``; a yearly journal's files are named
after the year's first day, ``20190101``). Inside, a level-1 *date heading*
opens each day and level-2 headings are the *entries*, each opened by the
time it was written::

    * Sunday, 13 January 2019
    :PROPERTIES:
    :CREATED:  [2019-01-13 Sun]
    :END:
    ** 08:22 Coffee with Ana                       :w2s:chat:
    She suggests a held-out weak model.
    ** TODO Rerun the sweep

How it maps onto day pages:

* **Which files.** PATH is one file or a folder, read with its subfolders
  (hidden files aside). A file's name, without ``.org``/``.txt``, must be a
  date: ``20190407``, ``2019-04-07``, ``201904``, ``2019`` (or match
  ``--date-format``); other files are skipped with that reason, ``.gpg`` files
  as encrypted. If no file at all has a date name, or every one is encrypted,
  nothing is imported and the command stops with what to do.
* **The day.** A level-1 heading is a date heading when it has a ``CREATED``
  property (``20190407``, ``[2019-04-07 Sun]``) or its title is a date
  (``Sunday, 04/07/19``, ``Sunday, 07 April 2019``, ``2019-04-07``; an
  ambiguous ``04/07/19`` is read month first unless the weekday says
  otherwise). Its entries take its date (CREATED first, then the title), never
  the file's name: weekly, monthly and yearly files hold many days. A file
  with no date heading is a daily file whose entries are level-1 headings
  (``#+TITLE:`` date prefix); they take the date of the file's name. Level-1
  headings that are neither, in a file that has date headings, or in a file
  whose name is not a single day, are skipped with the reason.
* **An entry** becomes one item: ``HH:MM`` at the start of its title is its
  time; the rest of the title its text; org tags ``:a:b:`` at the end of the
  title its tags (a tag reslog cannot spell, such as ``@home``, goes to a
  ``[tags:: ...]`` field), and the file's ``#+FILETAGS:`` too, as org has
  every entry of the file inherit them (``#+FILETAGS: :private:`` keeps the
  whole file out of an export); its PROPERTIES drawer its fields (a key or value a
  field cannot hold is kept as a body line ``KEY:: value``); every other line
  under it (text, planning lines, drawers) its body as written (indentation
  they share removed, an Org ``#+BEGIN_SRC``/``#+BEGIN_EXAMPLE`` block turned
  into a fenced code block so that it stays code), and each sub-heading a
  nested list item ``- title`` (stars dropped, a keyword written as a
  checkbox, below) with its own lines under it, nested as deep as the outline.
  Closed ``CLOCK`` lines also add up into ``[took:: ...]``.
* **Tasks.** ``TODO`` makes an open to-do (``[ ]``), ``DONE`` a done one
  (``[x]``), both in *What to do next*, the keyword itself dropped (the state
  carries it). A file's own ``#+TODO:`` (``#+SEQ_TODO:``, ``#+TYP_TODO:``)
  line replaces that pair: its keywords before ``|`` are open, after it done
  (``CANCELLED``/``CANCELED`` dropped, ``[-]``), and a keyword other than
  TODO, DONE and the cancelled ones is kept as a field ``[org:: NEXT]``. Any
  other word stays in the text as typed. A sub-heading's keyword makes it a
  nested to-do the same way (``*** DONE Sent`` gives ``- [x] Sent`` under the
  entry, ``*** NEXT x`` ``- [ ] x [org:: NEXT]``); as every nested task, it has
  no number and is not carried over. A keyword with no text after it stays as
  typed.
* Text under a date heading before its first entry becomes an item of that
  day; text before the first heading (``#+`` keyword lines aside) only in a
  daily file. Entries encrypted with org-crypt are skipped.

The Org outline helpers here (``outline``, ``headline``, ``title_date``,
``read_text``, ...) are shared with the Logseq reader, whose journals may be
Org files.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog import markdown
from reslog.dates import WEEKDAYS, format_duration
from reslog.errors import InputError, ReslogError
from reslog.importers.base import ImportItem, Reading, Skipped, nested_todo, source_files
from reslog.importers.base import read_text as base_read_text
from reslog.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from reslog.importers.base import ImportOptions

__all__ = [
    "Node", "block_lines", "clock_minutes", "field_or_line", "flatten", "headline", "outline", "read",
    "read_text", "split_lines", "split_time", "tag_name", "title_date",
]

_HEADING = re.compile(r"^(\*+)[ \t]+(.*?)[ \t]*$")
_PROPERTY = re.compile(r"^[ \t]*:([^\s:]+):(?:[ \t]+(.*?))?[ \t]*$")
_PLANNING = re.compile(r"^[ \t]*(?:SCHEDULED|DEADLINE|CLOSED):")
_TAGS = re.compile(r"(?<![ \t])[ \t]+:((?:[\w@#%]+:)+)[ \t]*$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?(?=[ \t]|$)[ \t]*")
_CLOCK = re.compile(r"^[ \t]*CLOCK:.*=>[ \t]*(\d+):(\d\d)(?::(\d\d))?[ \t]*$")
_FIELD_KEY = re.compile(r"\w[\w .-]*")
_KEYWORDS_LINE = re.compile(r"^[ \t]*#\+(?:SEQ_|TYP_)?TODO:(.*)$", re.IGNORECASE)
#: ``#+FILETAGS: :private:w2s:``: tags every entry of the file inherits, as in org itself.
_FILETAGS_LINE = re.compile(r"^[ \t]*#\+FILETAGS:(.*)$", re.IGNORECASE)
_NAME = re.compile(r"(\d{4})(?:[-_]?(\d{2})(?:[-_]?(\d{2}))?)?")

_MONTHS = {
    name: n for n, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july",
         "august", "september", "october", "november", "december"), 1)
    for name in (full, full[:3])
} | {"sept": 9}
_CANCELLED = ("CANCELLED", "CANCELED")
_DEFAULT_KEYWORDS = {"TODO": " ", "DONE": "x"}


class Node(Record):
    """One Org heading: its level, line number, title, properties, own lines and sub-headings."""

    __slots__ = ("children", "level", "line", "lines", "props", "title")
    level: int
    line: int
    title: str
    props: list[tuple[str, str]]
    lines: list[str]
    children: list[Node]

    def __init__(self, level: int, line: int, title: str, props: list[tuple[str, str]],
                 lines: list[str], children: list[Node]) -> None:
        self.level = level
        self.line = line
        self.title = title
        self.props = props
        self.lines = lines
        self.children = children


# --- helpers shared with the Logseq reader -------------------------------------------------

def read_text(path: Path, origin: str) -> str | Skipped:
    """The file's text (a BOM dropped), or why it cannot be read (see :func:`base.read_text`)."""
    return base_read_text(path, origin)


def split_lines(text: str) -> list[str]:
    """Lines without their endings (``\\n``, ``\\r\\n`` or ``\\r``)."""
    return re.split(r"\r\n|\r|\n", text)


def split_time(text: str) -> tuple[str | None, str]:
    """``HH:MM`` (or ``H:MM``, seconds ignored) that opens a text, normalised, and the rest."""
    match = _TIME.match(text)
    if match is None:
        return None, text
    return f"{int(match.group(1)):02d}:{match.group(2)}", text[match.end():]


def tag_name(name: str) -> str | None:
    """``name`` if reslog reads ``#name`` as exactly that tag, else None."""
    return name if markdown.read_tags("#" + name) == (name,) else None


def field_or_line(key: str, value: str) -> tuple[tuple[str, str] | None, str | None]:
    """A property as a ``[key:: value]`` field, or, when a field cannot hold it, as a body line."""
    if _FIELD_KEY.fullmatch(key) and "]" not in value:
        return (key, value), None
    return None, f"{key}:: {value}".rstrip()


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _weekday(word: str) -> int | None:
    for i, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return i
    return None


def title_date(text: str) -> dt.date | None:
    """The date a heading or title consists of, or None when it holds anything else.

    Reads ``2019-04-07``, ``20190407``, ``[2019-04-07 Sun]``, ``04/07/19`` and ``04/07/2019``
    (month first unless the weekday fits only day first), ``07.04.2019``, ``7 April 2019``,
    ``April 7th, 2019``, ``Apr 7th, 2019``, each with an optional weekday name, and ``[[...]]``.
    """
    clean = text.lower().replace("[[", " ").replace("]]", " ")
    compound: list[str] = []
    numbers: list[str] = []
    months: list[int] = []
    weekday = None
    for token in re.split(r"[\s,()\[\]<>]+", clean):
        if not token or token == "of":
            continue
        number = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?\.?", token)
        if re.fullmatch(r"\d{1,4}([-/._])\d{1,2}\1\d{1,4}", token):
            compound.append(token)
        elif number:
            numbers.append(number.group(1))
        elif token.rstrip(".") in _MONTHS:
            months.append(_MONTHS[token.rstrip(".")])
        elif _weekday(token.rstrip(".")) is not None and weekday is None:
            weekday = _weekday(token.rstrip("."))
        else:
            return None
    if compound and not (numbers or months) and len(compound) == 1:
        a, b, c = re.split(r"[-/._]", compound[0])
        if len(a) == 4:
            return _date(int(a), int(b), int(c))
        if len(c) not in (2, 4):
            return None
        orders = [(b, a)] if "." in compound[0] else [(a, b), (b, a)]
        found = [d for m, n in orders if (d := _date(_year(c), int(m), int(n))) is not None]
        fits = [d for d in found if weekday is None or d.weekday() == weekday]
        return (fits or found)[0] if found else None
    if len(months) == 1 and not compound and len(numbers) == 2:
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if len(years) == 1 and len(days) == 1:
            return _date(int(years[0]), months[0], int(days[0]))
    if not compound and not months and len(numbers) == 1 and len(numbers[0]) == 8:
        value = numbers[0]
        return _date(int(value[:4]), int(value[4:6]), int(value[6:]))
    return None


def _take_properties(lines: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The PROPERTIES drawer right under a heading (planning lines may come first), and the rest."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or _PLANNING.match(lines[i])):
        i += 1
    if i == len(lines) or lines[i].strip().upper() != ":PROPERTIES:":
        return [], lines
    for j in range(i + 1, len(lines)):
        if lines[j].strip().upper() == ":END:":
            props = []
            for line in lines[i + 1:j]:
                match = _PROPERTY.match(line)
                if match:
                    props.append((match.group(1), match.group(2) or ""))
            return props, lines[:i] + lines[j + 1:]
    return [], lines


def outline(lines: Sequence[str]) -> tuple[list[str], list[Node]]:
    """The lines before the first heading, and the tree of headings (each with its drawer read)."""
    preamble: list[str] = []
    roots: list[Node] = []
    stack: list[Node] = []
    for number, line in enumerate(lines, 1):
        match = _HEADING.match(line)
        if match is None:
            (stack[-1].lines if stack else preamble).append(line)
            continue
        node = Node(len(match.group(1)), number, match.group(2), [], [], [])
        while stack and stack[-1].level >= node.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    todo = list(roots)
    while todo:
        node = todo.pop()
        node.props, node.lines = _take_properties(node.lines)
        todo.extend(node.children)
    return preamble, roots


def headline(title: str, keywords: Iterable[str]) -> tuple[str | None, str, list[str]]:
    """A heading title's TODO keyword (if one of ``keywords``), its text, and its org tags."""
    keyword = None
    first = re.match(r"(\S+)(?:[ \t]+|$)", title)
    if first and first.group(1) in keywords:
        keyword, title = first.group(1), title[first.end():]
    tags: list[str] = []
    match = _TAGS.search(" " + title)
    if match:
        tags = match.group(1).strip(":").split(":")
        title = (" " + title)[:match.start()].strip()
    return keyword, title, tags


def clock_minutes(lines: Iterable[str]) -> int:
    """Minutes on the closed ``CLOCK: [...]--[...] => H:MM[:SS]`` lines, added up."""
    seconds = 0
    for line in lines:
        match = _CLOCK.match(line)
        if match:
            seconds += int(match.group(1)) * 3600 + int(match.group(2)) * 60 + int(match.group(3) or 0)
    return round(seconds / 60)


def flatten(nodes: Iterable[Node], prop_line: Callable[[str, str], str | None],
            item_text: Callable[[str], str], depth: int = 0) -> list[str]:
    """Sub-headings (or child blocks) as body lines, depth first: each a nested list item
    ``- item_text(title)`` (the title as typed, but a to-do keyword written as the checkbox it
    stands for, as on a top-level item: a nested to-do), indented by its depth, with its
    properties and its own lines (:func:`block_lines`) under it."""
    out: list[str] = []
    pad = "  " * depth
    for node in nodes:
        inner = pad
        if node.title.strip():
            out.append(f"{pad}- {item_text(node.title.strip())}")
            inner = pad + "  "
        out += [inner + line for key, value in node.props if (line := prop_line(key, value))]
        out += [inner + line if line.strip() else "" for line in block_lines(node.lines)]
        out += flatten(node.children, prop_line, item_text, depth + 1 if node.title.strip() else depth)
    return out


_BLOCK_BEGIN = re.compile(r"^([ \t]*)#\+begin_(src|example)\b[ \t]*(\S*)", re.IGNORECASE)
_BLOCK_END = re.compile(r"^[ \t]*#\+end_(src|example)\b", re.IGNORECASE)


def block_lines(lines: Sequence[str]) -> list[str]:
    """A heading's (or block's) own lines as written, without the indentation they share, an
    Org source or example block (``#+BEGIN_SRC r`` ... ``#+END_SRC``) as a fenced code block
    (```` ```r ```` ... ```` ``` ````), so that it stays code in the day page; blank lines kept
    (the merge keeps those inside code)."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(widths, default=0)
    out: list[str] = []
    for line in lines:
        begin = _BLOCK_BEGIN.match(line)
        if begin is not None:
            lang = begin.group(3) if begin.group(2).lower() == "src" else ""
            out.append(begin.group(1)[cut:] + "```" + lang)
        elif _BLOCK_END.match(line):
            out.append(line[cut: len(line) - len(line.lstrip(" \t"))] + "```")
        else:
            out.append(line[cut:].rstrip() if line.strip() else "")
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


# --- org-journal ---------------------------------------------------------------------------

def _keywords(lines: Iterable[str]) -> dict[str, str]:
    """TODO keyword -> task state, from the file's ``#+TODO:`` lines (org's default without one)."""
    found: dict[str, str] = {}
    for line in lines:
        match = _KEYWORDS_LINE.match(line)
        if match is None:
            continue
        words = [re.sub(r"\(.*\)$", "", word) for word in match.group(1).split()]
        bar = words.index("|") if "|" in words else len(words) - 1
        active, done = words[:bar], words[bar:]
        found.update({word: " " for word in active if word})
        found.update({word: "-" if word in _CANCELLED else "x" for word in done if word and word != "|"})
    return found or dict(_DEFAULT_KEYWORDS)


def _file_tags(lines: Iterable[str]) -> list[str]:
    """The tags of the file's ``#+FILETAGS:`` lines (``:a:b:`` or words), each once."""
    found: list[str] = []
    for line in lines:
        match = _FILETAGS_LINE.match(line)
        if match is not None:
            found += [tag for tag in re.split(r"[:\s]+", match.group(1)) if tag]
    return list(dict.fromkeys(found))


def _with_file_tags(item: ImportItem, tags: list[str]) -> ImportItem:
    """``item`` carrying the file's tags too: a tag reslog can spell as a tag, another (``@home``)
    in its ``[tags:: ...]`` field, as a heading's own tags go."""
    named = [t for t in tags if tag_name(t) and t not in item.tags]
    odd = [t for t in tags if tag_name(t) is None]
    fields = list(item.fields)
    if odd:
        had = next((value for key, value in fields if key == "tags"), "")
        fields = [f for f in fields if f[0] != "tags"] + [("tags", " ".join(dict.fromkeys(
            [*had.split(), *odd])))]
    return ImportItem(item.day, item.text, item.section, item.body, item.time, item.state,
                      [*item.tags, *named], fields, item.starred, item.origin)


def _prop_line(key: str, value: str) -> str:
    return f"{key}:: {value}".rstrip()


def _task_state(keyword: str | None, keywords: dict[str, str]) -> tuple[str | None, list[tuple[str, str]]]:
    """The task state a heading's TODO keyword stands for, and the ``[org:: KEYWORD]`` field that
    keeps a keyword other than TODO, DONE and the cancelled ones."""
    if not keyword:
        return None, []
    kept = [] if keyword in ("TODO", "DONE", *_CANCELLED) else [("org", keyword)]
    return keywords.get(keyword), kept


def _sub_heading(title: str, keywords: dict[str, str]) -> str:
    """A sub-heading's title as a nested list item's text: a TODO keyword becomes the checkbox of
    a nested to-do (``** DONE Sent`` gives ``[x] Sent``), as it does on an entry; the rest as typed."""
    first = re.match(r"(\S+)[ \t]+(\S.*)", title)  # a keyword alone stays as typed
    if first is None or first.group(1) not in keywords:
        return title
    state, kept = _task_state(first.group(1), keywords)
    return nested_todo(state, first.group(2), kept)


def _item(node: Node, day: dt.date, origin: str, keywords: dict[str, str]) -> ImportItem | Skipped | None:
    keyword, text, tags = headline(node.title, keywords)
    time, text = split_time(text)
    own = block_lines(node.lines)
    if "crypt" in tags and any("BEGIN PGP MESSAGE" in line for line in own):
        return Skipped(f"{origin}:{node.line}", "entry encrypted with org-crypt; decrypt it in Emacs first")
    fields: list[tuple[str, str]] = []
    body: list[str] = []
    for key, value in node.props:
        field, line = field_or_line(key, value)
        fields += [field] if field else []
        body += [line] if line else []
    odd = [tag for tag in tags if tag_name(tag) is None]
    if odd:
        fields.append(("tags", " ".join(odd)))
    state, kept = _task_state(keyword, keywords)
    fields += kept
    minutes = clock_minutes(node.lines)
    if minutes and not any(key == "took" for key, _ in fields):
        fields.append(("took", format_duration(minutes)))
    body += own + flatten(node.children, _prop_line, lambda title: _sub_heading(title, keywords))
    if not text.strip() and body:  # its first line is never blank (block_lines, flatten)
        text = body.pop(0)
    if not text.strip() and not fields and not tags:
        return None
    return ImportItem(day, text.strip(), section="todo" if state else "done", body=body, time=time,
                      state=state, tags=[t for t in tags if tag_name(t)], fields=fields, origin=origin)


def _loose(lines: Iterable[str], day: dt.date, origin: str) -> ImportItem | None:
    """Text outside entries (``#+`` keyword lines aside, source blocks kept) as one item of ``day``."""
    kept = [line for line in lines if not (line.lstrip().startswith("#+") and not _BLOCK_BEGIN.match(line)
                                           and not _BLOCK_END.match(line))]
    text = block_lines(kept)  # no blank line first or last
    if not text:
        return None
    return ImportItem(day, text[0].strip(), body=text[1:], origin=origin)


def _date_heading(node: Node, keywords: dict[str, str]) -> dt.date | None:
    """The day a level-1 heading stands for, if it is a date heading."""
    keyword, text, _ = headline(node.title, keywords)
    created = next((value for key, value in node.props if key.upper() == "CREATED"), None)
    if created and not keyword:
        day = title_date(created)
        if day is not None:
            return day
    return title_date(text) if not keyword else None


def _read_file(path: Path, origin: str, name_day: dt.date | None, out: Reading) -> None:
    text = read_text(path, origin)
    if isinstance(text, Skipped):
        out.skipped.append(text)
        return
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        out.skipped.append(Skipped(origin, "empty file"))
        return
    keywords = _keywords(lines)
    file_tags = _file_tags(lines)
    preamble, roots = outline(lines)
    dated = {id(node): _date_heading(node, keywords) for node in roots}
    daily = name_day is not None and not any(dated.values())
    before = len(out.items)
    found: list[ImportItem | Skipped | None] = []
    if any(line.strip() and not line.lstrip().startswith("#+") for line in preamble):
        if daily and name_day is not None:
            found.append(_loose(preamble, name_day, origin))
        else:
            found.append(Skipped(f"{origin}:1", "text before the first date heading has no date"))
    for node in roots:
        day = dated[id(node)]
        if day is not None:
            found.append(_loose(node.lines, day, origin))
            found += [_item(child, day, origin, keywords) for child in node.children]
        elif daily and name_day is not None:
            found.append(_item(node, name_day, origin, keywords))
        else:
            why = "the file's name is not one day" if name_day is None else "the file has date headings"
            found.append(Skipped(f"{origin}:{node.line}",
                                 f"heading {node.title.strip()[:40]!r} is not under a date heading ({why})"))
    for thing in found:
        if isinstance(thing, Skipped):
            out.skipped.append(thing)
        elif thing is not None:
            out.items.append(_with_file_tags(thing, file_tags) if file_tags else thing)
    if len(out.items) == before and not any(isinstance(thing, Skipped) for thing in found):
        out.skipped.append(Skipped(origin, "no entries in it"))


def _name_day(stem: str, date_format: str | None) -> tuple[bool, dt.date | None]:
    """Whether a file name (extension dropped) is a date, and the day when it names one day."""
    if date_format:
        try:
            return True, dt.datetime.strptime(stem, date_format).date()
        except ValueError:
            pass
    match = _NAME.fullmatch(stem)
    if match is None:
        return False, None
    year, month, day = match.groups()
    if day is None:
        return (month is None or 1 <= int(month) <= 12), None
    found = _date(int(year), int(month), int(day))
    return found is not None, found


def _files(path: Path, follow_links: bool, out: Reading) -> list[tuple[Path, str]]:
    if path.is_file():
        return [(path, path.name)]
    if not path.is_dir():
        raise InputError(f"{path} is neither a file nor a folder; give an org-journal file or folder")
    found, skipped = source_files(path, follow_links)
    out.skipped.extend(skipped)
    return found


def read(path: Path, options: ImportOptions) -> Reading:
    """Read org-journal files from a file or a folder (see the module's docstring)."""
    out = Reading([], [])
    dated = encrypted = 0
    for file, origin in _files(path, options.follow_links, out):
        name = file.name
        if name.lower().endswith(".gpg"):
            encrypted += 1
            out.skipped.append(Skipped(origin, "encrypted (.gpg); decrypt it with gpg and import the copy"))
            continue
        stem = re.sub(r"\.(org|txt)$", "", name, flags=re.IGNORECASE)
        is_date, day = _name_day(stem, options.date_format)
        if not is_date:
            out.skipped.append(Skipped(origin, "file name is not a date (org-journal names files "
                                               "20190407, 2019-04-07, 201904 or 2019; see --date-format)"))
            continue
        dated += 1
        _read_file(file, origin, day, out)
    if not dated and encrypted:
        raise ReslogError(f"the org-journal in {path} is encrypted (.gpg); decrypt its files with gpg "
                          "and import the decrypted copies")
    if not dated:
        raise InputError(f"no org-journal file in {path}: their names are dates (20190407, 2019); "
                         "give the journal folder, or use --date-format for another naming")
    return out
