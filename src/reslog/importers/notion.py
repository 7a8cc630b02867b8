"""Notion's "Markdown & CSV" export, read into day-page entries.

The format. Notion's *Export → Markdown & CSV* writes a workspace as a tree
(a folder, or a ``.zip`` of it; big workspaces come as a zip of
``Export-…-Part-N.zip`` files, which are read too):

* a **page** is ``Title 0123…(32 hex).md``: ``# Title`` on its first line; for
  a database row, one ``Property: value`` line per property under the title;
  then the content. A page's sub-pages lie in the folder ``Title 0123….``;
* a **database** is ``Name 0123….csv`` (the current view's columns) and
  ``Name 0123…_all.csv`` (every property; preferred when present), both
  UTF-8 with a byte order mark and CRLF, the title column first, plus a
  folder ``Name 0123…/`` holding one page per row. Checkboxes are written
  ``Yes``/``No``, multi-selects ``a, b``, dates ``November 26, 2026``,
  ``November 26, 2026 9:12 AM``, ``11/26/2026``, ``26/11/2026`` or
  ``2026/11/26`` (as the view formats them), ranges ``A → B``; a date
  mention in a title reads ``@November 26, 2026`` (a relative one,
  ``@Today``, ``@Last Monday``, only in the page's title and file name).

How it maps onto day pages. Only what carries a date is imported:

* a **database row** is dated by the first column whose every value reads as
  a date (the start of a range; ``@`` of a mention dropped), the title column
  included. It becomes one entry: text = the title, time = the time of that
  date if it has one, body = the content of the row's page. Every other
  non-empty property becomes a field ``[Property:: value]`` (the date
  column only when it is a range, whose end would be lost); a column named
  ``Tags``/``Tag`` becomes ``#tags`` (spaces turned into ``-``; a value that
  would not read back as a tag stays a field); and ``[database:: Name]`` says
  where the row came from. A row's page is found by its title, else (a title
  Notion wrote as ``@Last Monday`` in the page but as a date in the CSV) by
  its property values;
* a **to-do**: a row of a database with a checkbox column named ``Done``
  (``Completed``, ``Complete``, ``Checked``, ``Finished``, ``Checkbox``) or a
  ``Status``/``State`` column goes to *What to do next* as ``- [x]`` when
  checked or ``Done``/``Complete(d)``, ``- [-]`` when ``Cancelled``, else
  ``- [ ]``; a status other than done/to do/not started/cancelled (``In
  progress``, ``Blocked``) is also kept as a field. Other checkbox columns
  (a habit tracker's ``Ran today``) are plain fields;
* a **page** (not a row) is dated by its first ``Property: value`` line that
  holds a date (``Created:``, ``Date:``), else by a title that begins with a
  date (``@February 5, 2025``, ``2024-10-04 standup``); it becomes one entry
  in *What was done*, its content the body. An undated page whose headings
  begin with dates (a journal page of ``# October 4, 2024 — A walk``
  sections) gives one entry per such heading, on that day;
* everything else (pages and rows without a date, unreadable files) is
  reported as skipped, with the reason.

Names are shown without their hex ids: in texts, in origins, and in links,
which are rewritten ``[[Page title]]`` (or ``[[Page title|label]]``) for links
to other pages and databases of the export; links to attachments keep their
path, ids removed; web links are left alone (and code is left as it is). A
page's content is the entry's body as written (lists, code, headings, tables
and quotes kept; thematic breaks and empty check boxes dropped).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
from typing import NamedTuple
from urllib.parse import quote, unquote

from reslog import markdown
from reslog.errors import InputError, ReslogError
from reslog.importers.base import (
    ImportItem,
    ImportOptions,
    Reading,
    Skipped,
    read_bytes,
    read_member,
    source_files,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

_HINT = "give the folder or the .zip that Notion's Export (Markdown & CSV) made"
_ID = re.compile(r"(?<!\s)\s+[0-9a-fA-F]{32}(?=(?:_all)?(?:\.[A-Za-z0-9]+)?$)")
_MONTHS = {
    name: n
    for n, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")), 1)
    for name in names
}
_CLOCK = r"(?:at\s+)?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?"
_ZONE = r"(?:\s*Z|\s*[+-]\d{2}:?\d{2}|\s*\([^)]*\)|\s+[A-Z]{2,5})?"
_WORDY = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+" + _CLOCK + ")?" + _ZONE)
_NUMERIC = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:(?:T|,?\s+)" + _CLOCK + ")?" + _ZONE)
_PROPERTY = re.compile(r"([^\s:#>*|!\[`<-][^:]{0,59}?):(?:[ \t]+(.*))?")
_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*")
_LINK = re.compile(r"(!?)\[([^\[\]]*)\]\(([^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)")
_RELATION = re.compile(r"(?<!\s)\s*\((?:[^()]*?)[0-9a-fA-F]{32}\.(?:md|csv)\)")
_BREAK = re.compile(r"([-*_])(?:\s*\1){2,}")
_MARKER = re.compile(r"[-*+]\s+")
_FENCE = re.compile(r"(?<![ \t])[ \t]*(`{3,}|~{3,})")
_CHECKBOXES = {"done", "completed", "complete", "checked", "finished", "checkbox"}
_STATUSES = {"status", "state"}
_TAGS = {"tags", "tag"}
_YES_NO = {"yes": "x", "no": " ", "true": "x", "false": " "}
#: Status values whose state says all of it (not kept as a field too).
_EXACT = {"done": "x", "complete": "x", "completed": "x", "finished": "x", "to do": " ",
          "to-do": " ", "todo": " ", "not started": " ", "cancelled": "-", "canceled": "-"}
_PARTIAL = {"in progress", "doing", "started", "blocked", "waiting", "on hold", "next"}


class _Page(NamedTuple):
    name: str  # path inside the export
    title: str
    props: list[tuple[str, str]]
    body: list[str]


def read(path: Path, options: ImportOptions) -> Reading:
    """The entries of a Notion export (folder, .zip, or a single page or database file)."""
    files, skipped = _tree(path, options.follow_links)
    if not files and not skipped:
        raise InputError(f"{path} holds no Notion pages (.md) or databases (.csv); {_HINT}")
    texts: dict[str, str] = {}
    for name in sorted(files):
        try:
            texts[name] = files[name].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            skipped.append(Skipped(_shown(name), f"not valid UTF-8 (byte {exc.start}); "
                                                 "convert it to UTF-8 and import again"))
    pages = {name: _parse_page(name, text) for name, text in texts.items() if name.lower().endswith(".md")}
    items: list[ImportItem] = []
    claimed: set[str] = set()
    for csv_name, folder in _databases(texts):
        rows = [name for name, page in pages.items() if posixpath.dirname(name) == folder]
        found, lost, used = _database(csv_name, texts[csv_name], [pages[n] for n in rows])
        items += found
        skipped += lost
        claimed.update(used)
        claimed.update(rows)
        for name in rows:  # row pages no CSV row claimed: pages of their own
            if name not in used:
                _page_items(pages[name], _database_name(folder), items, skipped)
    for name, page in pages.items():
        if name not in claimed:
            _page_items(page, None, items, skipped)
    return Reading(items, skipped)


# --- the files of the export ---------------------------------------------------------------------


def _tree(path: Path, follow_links: bool) -> tuple[dict[str, bytes], list[Skipped]]:
    """The .md and .csv files of the export, by their path inside it (``/``-separated)."""
    files: dict[str, bytes] = {}
    skipped: list[Skipped] = []
    if path.is_dir():
        found, left = source_files(path, follow_links, _skip_macosx)
        skipped += [Skipped(_shown(s.origin), s.reason) for s in left]
        for full, name in found:
            if name.lower().endswith(".zip"):
                _zip_file(str(full), name, files, skipped)
            elif _wanted(name):
                data = read_bytes(full, _shown(name))
                if isinstance(data, Skipped):
                    skipped.append(data)
                else:
                    files[name] = data
    elif path.suffix.lower() == ".zip":
        _zip_file(str(path), path.name, files, skipped, whole=True)
    elif path.suffix.lower() in (".md", ".csv"):
        data = read_bytes(path, path.name)
        if isinstance(data, Skipped):
            raise ReslogError(f"{path} {data.reason}; check the file and its permissions")
        files[path.name] = data
    else:
        raise InputError(f"{path} is not a Notion export; {_HINT}")
    return files, skipped


def _wanted(name: str) -> bool:
    base = posixpath.basename(name)
    return name.lower().endswith((".md", ".csv")) and not base.startswith("._")


def _zip_file(
    file: str, name: str, files: dict[str, bytes], skipped: list[Skipped], whole: bool = False
) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            _archive(archive, name, files, skipped)
    except (zipfile.BadZipFile, OSError) as exc:
        if whole:
            raise ReslogError(f"{file} cannot be read as a zip file ({exc}); {_HINT}") from None
        skipped.append(Skipped(name, f"cannot be read as a zip file ({exc})"))


def _archive(archive: zipfile.ZipFile, label: str, files: dict[str, bytes], skipped: list[Skipped],
             depth: int = 0) -> None:
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        if info.is_dir() or name.startswith("__MACOSX/"):
            continue
        try:
            if name.lower().endswith(".zip") and depth < 2:  # Export-…-Part-N.zip inside the export
                with archive.open(info) as part, zipfile.ZipFile(part) as inner:  # streamed, not read whole
                    _archive(inner, name, files, skipped, depth + 1)
            elif _wanted(name):
                data = read_member(archive, info, f"{label}: {_shown(name)}")
                if isinstance(data, Skipped):
                    skipped.append(data)
                else:
                    files[name] = data
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:  # damaged, encrypted
            skipped.append(Skipped(f"{label}: {_shown(name)}", f"cannot be read from the zip ({exc})"))


def _strip_id(segment: str) -> str:
    return _ID.sub("", segment)


def _shown(name: str) -> str:
    """A path as the person knows it: no hex ids, no ``_all``."""
    shown = "/".join(_strip_id(part) for part in name.split("/"))
    return re.sub(r"_all(\.csv)$", r"\1", shown, flags=re.IGNORECASE)


def _database_name(folder: str) -> str:
    return _strip_id(posixpath.basename(folder))


def _databases(texts: dict[str, str]) -> list[tuple[str, str]]:
    """(CSV to read, folder of its row pages) per database; ``X_all.csv`` over ``X.csv``."""
    chosen: dict[str, str] = {}
    for name in texts:
        if not name.lower().endswith(".csv"):
            continue
        stem = name[:-4]
        folder = stem[:-4] if stem.endswith("_all") else stem
        if folder not in chosen or stem.endswith("_all"):
            chosen[folder] = name
    return sorted((name, folder) for folder, name in chosen.items())


# --- dates -------------------------------------------------------------------------------------------


def _parse_date(value: str, dayfirst: bool = False) -> tuple[dt.date, str | None] | None:
    """The day and time (``HH:MM`` or None) of a date as Notion writes it, or None."""
    text = value.split("→")[0].strip().lstrip("@").strip()
    wordy = _WORDY.fullmatch(text)
    if wordy:
        month = _MONTHS.get(wordy.group(1).lower())
        numbers = (int(wordy.group(3)), month or 0, int(wordy.group(2)))
        clock = wordy.groups()[3:6]
    else:
        numeric = _NUMERIC.fullmatch(text)
        if not numeric:
            return None
        a, b, c = numeric.group(1, 2, 3)
        if len(a) == 4:
            numbers = (int(a), int(b), int(c))
        elif len(c) == 4:
            numbers = (int(c), int(b), int(a)) if dayfirst else (int(c), int(a), int(b))
        else:
            return None
        clock = numeric.groups()[3:6]
    try:
        day = dt.date(*numbers)
    except ValueError:
        return None
    hour, minute, half = clock
    if hour is None:
        return day, None
    h, m = int(hour), int(minute)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower().startswith("p") else 0)
    if h > 23 or m > 59:
        return None
    return day, f"{h:02d}:{m:02d}"


def _leading_date(title: str) -> tuple[dt.date, str | None] | None:
    """The date a title is or begins with (``October 4, 2024 — A walk``, ``2024-10-04 standup``)."""
    text = title.strip().lstrip("@").strip()
    for pattern in (_WORDY, _NUMERIC):
        match = pattern.match(text)
        if match and (match.end() == len(text) or not text[match.end()].isalnum()):
            found = _parse_date(match.group(0)) or _parse_date(match.group(0), dayfirst=True)
            if found:
                return found
    return None


def _date_column(header: list[str], rows: list[list[str]]) -> tuple[int, bool] | None:
    """The first column whose every (non-empty) value is a date, and whether days come first."""
    for col in range(len(header)):
        values = [row[col].strip() for row in rows if col < len(row) and row[col].strip()]
        if not values:
            continue
        for dayfirst in (False, True):
            if all(_parse_date(v, dayfirst) for v in values):
                return col, dayfirst
    return None


# --- pages ---------------------------------------------------------------------------------------


def _parse_page(name: str, text: str) -> _Page:
    """A page's title, its ``Property: value`` lines and its content lines."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = _strip_id(posixpath.basename(name))[:-3]
    if i < len(lines) and lines[i].startswith("# "):
        title = lines[i][2:].strip() or title
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    end = i
    while end < len(lines) and lines[end].strip():
        end += 1
    matches = [_PROPERTY.fullmatch(line.strip()) for line in lines[i:end]]
    props: list[tuple[str, str]] = []
    if matches and all(matches) and any(m.group(2) for m in matches if m):
        props = [(m.group(1).strip(), (m.group(2) or "").strip()) for m in matches if m]
        i = end
    return _Page(name, title, props, lines[i:])


def _page_items(page: _Page, database: str | None, items: list[ImportItem], skipped: list[Skipped]) -> None:
    """The entries of a page that is not a database row (or a row page no CSV row claimed)."""
    origin = _shown(page.name)
    if page.props:
        header = [page.title, *(key for key, _ in page.props)]
        row = [page.title, *(value for _, value in page.props)]
        found = _date_column(header[1:], [row[1:]])
        if found is not None:
            items.append(_row_item(header, row, (found[0] + 1, found[1]), _state_column(header, [row]),
                                   database, page, origin))
            return
        # no date among them: perhaps not properties at all, so they stay text
        page = page._replace(props=[], body=[f"{k}: {v}".rstrip() for k, v in page.props] + page.body)
    dated = _leading_date(page.title)
    if dated is not None:
        items.append(ImportItem(dated[0], _inline(page.title), body=_body(page.body), time=dated[1],
                                fields=[("database", database)] if database else [], origin=origin))
        return
    found_any, leftover = _dated_sections(page, origin, items)
    if not found_any:
        skipped.append(Skipped(origin, "no date"))
    elif leftover:
        skipped.append(Skipped(origin, f"no date: {leftover} line(s) outside the dated headings"))


def _dated_sections(page: _Page, origin: str, items: list[ImportItem]) -> tuple[bool, int]:
    """One entry per heading that begins with a date; (any found, content lines left out)."""
    current: tuple[int, str, dt.date, str | None] | None = None
    lines: list[str] = []
    found = False
    leftover = 0

    def close() -> None:
        if current is not None:
            items.append(ImportItem(current[2], _inline(current[1]), body=_body(lines), time=current[3],
                                    origin=origin))
        lines.clear()

    for line in page.body:
        heading = _HEADING.fullmatch(line)
        dated = _leading_date(heading.group(2).strip("*_ ")) if heading else None
        if heading and dated:
            close()
            found = True
            current = (len(heading.group(1)), heading.group(2).strip("*_ "), *dated)
        elif heading and current is not None and len(heading.group(1)) <= current[0]:
            close()
            current = None
        elif current is not None:
            lines.append(line)
        elif line.strip() and not _BREAK.fullmatch(line.strip()):
            leftover += 1
    close()
    return found, leftover


# --- databases ---------------------------------------------------------------------------------------


def _database(
    csv_name: str, text: str, pages: list[_Page]
) -> tuple[list[ImportItem], list[Skipped], set[str]]:
    """The entries of one database; (items, skipped, names of the row pages used)."""
    shown = _shown(csv_name)
    try:
        table = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        return [], [Skipped(shown, f"not a readable CSV file ({exc})")], set()
    if not table:
        return [], [Skipped(shown, "empty file")] if not text.strip() else [], set()
    header, rows = [cell.strip() for cell in table[0]], table[1:]
    matched = _match_pages(header, rows, pages)
    used = {page.name for page in matched.values()}
    column = _date_column(header, rows)
    if column is None:
        lost = [Skipped(f"{shown} (all {len(rows)} rows)", "no date: no column holds dates")] if rows else []
        return [], lost, used
    state = _state_column(header, rows)
    name = _database_name(csv_name[:-4].removesuffix("_all"))
    items: list[ImportItem] = []
    skipped: list[Skipped] = []
    for n, row in enumerate(rows, 1):
        page = matched.get(n - 1)
        origin = _shown(page.name) if page else f"{shown}, row {n} ({' '.join(row[0].split()) or 'untitled'})"
        if column[0] >= len(row) or _parse_date(row[column[0]], column[1]) is None:
            skipped.append(Skipped(origin, "no date"))
            continue
        items.append(_row_item(header, row, column, state, name, page, origin))
    return items, skipped, used


def _match_pages(header: list[str], rows: list[list[str]], pages: list[_Page]) -> dict[int, _Page]:
    """Row number (from 0) -> its page: by title, else by equal property values."""
    by_title: dict[str, list[_Page]] = {}
    for page in pages:
        by_title.setdefault(page.title.strip(), []).append(page)
    matched: dict[int, _Page] = {}
    for i, row in enumerate(rows):
        same = by_title.get(row[0].strip() if row else "")
        if same:
            matched[i] = same.pop(0)
    for page in (p for group in by_title.values() for p in group):
        shown = {k: v for k, v in page.props if v}
        if not shown:
            continue
        fits = [i for i, row in enumerate(rows) if i not in matched and shown == {
            header[c]: row[c].strip() for c in range(1, min(len(header), len(row))) if row[c].strip()}]
        if len(fits) == 1:
            matched[fits[0]] = page
    return matched


def _state_column(header: list[str], rows: list[list[str]]) -> int | None:
    """The column that makes the rows to-dos: a Done-like checkbox, else a Status column."""
    def values(col: int) -> set[str]:
        return {row[col].strip().lower() for row in rows if col < len(row) and row[col].strip()}

    for col in range(1, len(header)):
        if header[col].lower() in _CHECKBOXES and values(col) <= set(_YES_NO):
            return col
    for col in range(1, len(header)):
        if header[col].lower() in _STATUSES and values(col) & (set(_EXACT) | _PARTIAL):
            return col
    return None


def _row_item(header: list[str], row: list[str], column: tuple[int, bool], state_col: int | None,
              database: str | None, page: _Page | None, origin: str) -> ImportItem:
    day, time = _parse_date(row[column[0]], column[1]) or (dt.date.min, None)
    state: str | None = None
    tags: list[str] = []
    fields: list[tuple[str, str]] = []
    for col in range(1, len(header)):
        value = row[col].strip() if col < len(row) else ""
        key = header[col]
        if col == state_col:
            lowered = value.lower()
            state = _YES_NO.get(lowered) or _EXACT.get(lowered) or " "
            if lowered in _YES_NO or lowered in _EXACT or not value:
                continue
        if not value or (col == column[0] and "→" not in value):
            continue
        if key.lower() in _TAGS:
            good, bad = _tags(value)
            tags += good
            if bad:
                fields.append((_key(key), ", ".join(bad)))
            continue
        fields.append((_key(key), _inline(value)))
    if database:
        fields.append(("database", database))
    title = _inline(row[0]) if row else ""
    return ImportItem(
        day, title or (page.title if page else "") or "Untitled",
        section="todo" if state is not None else "done", body=_body(page.body) if page else (),
        time=time, state=state, tags=tags, fields=fields, origin=origin,
    )


def _tags(value: str) -> tuple[list[str], list[str]]:
    """A multi-select's values as tags (spaces made ``-``), and those that cannot be tags."""
    good: list[str] = []
    bad: list[str] = []
    for part in value.split(","):
        tag = "-".join(part.split())
        if not tag:
            continue
        if markdown.read_tags(f"#{tag}") == (tag,):
            good.append(tag)
        else:
            bad.append(part.strip())
    return good, bad


def _key(name: str) -> str:
    """A property name as a field key reslog reads back (``[key:: value]``)."""
    key = " ".join(re.sub(r"[^\w .-]+", " ", name).split()).lstrip(".- ")
    return key if key and markdown.read_fields(f"[{key}:: x]") == ((key, "x"),) else "property"


# --- text ----------------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """A title or value as shown: links rewritten, relation targets and hex ids removed."""
    text = _RELATION.sub("", text)
    return _LINK.sub(_link, " ".join(text.split()))


def _link(match: re.Match[str]) -> str:
    bang, label, target = match.groups()
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith("#"):
        return match.group(0)
    path = unquote(target.split("#")[0])
    segments = [_strip_id(part) for part in path.split("/")]
    last = segments[-1]
    if not bang and last.lower().endswith((".md", ".csv")):
        title = last.rsplit(".", 1)[0]
        return f"[[{title}]]" if label.strip() in ("", title) else f"[[{title}|{label}]]"
    return f"{bang}[{label}]({quote('/'.join(segments))})"


def _body(lines: list[str]) -> list[str]:
    """Content lines as written (indentation, list markers, code, headings, tables kept; links
    rewritten outside code), thematic breaks and empty check boxes dropped."""
    out: list[str] = []
    fence: str | None = None
    for raw in lines:
        line = raw.rstrip()
        opening = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            continue
        if opening is not None:
            fence = opening.group(1)
            out.append(line)
            continue
        bare = _MARKER.sub("", line.strip(), count=1)
        if _BREAK.fullmatch(line.strip()) or re.fullmatch(r"\[[ xX]\]", bare):
            continue
        out.append(_LINK.sub(_link, line))
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return out


def _skip_macosx(folder: str) -> str | None:
    """The resource-fork folders a zip made on a Mac carries (``__MACOSX`` at any depth): left
    out without a word ("" is a reason not to report)."""
    return "" if folder.rsplit("/", 1)[-1] == "__MACOSX" else None
