"""Day One's JSON export, read into day-page entries.

The format. Day One (version 2 and later) exports a journal as JSON:
``{"metadata": {...}, "entries": [...]}``, one file per journal
(``Journal.json``, or the journal's name), usually zipped together with its
media (``photos/<md5>.jpeg``, ``videos/``, ``audios/``, ``pdfs/``). An entry
holds ``creationDate`` (UTC, ISO 8601: ``2019-03-18T13:04:56Z``),
``timeZone`` (the IANA name of the zone it was written in, ``Europe/Berlin``),
``text`` (Markdown, in which Day One escapes characters it means literally:
``\\.``, ``\\-``, ``\\*``, ``\\/``; ``richText`` repeats it as JSON, unused
here), and optionally ``tags``, ``starred``, ``isAllDay``, ``location``,
``weather``, and ``photos`` (``identifier``, ``md5``, ``type``) that the text
shows as ``![](dayone-moment://IDENTIFIER)``.

How it maps onto day pages. Each entry becomes one entry in *What was done*:

* day and ``HH:MM`` are its creation time in its own time zone (a zone this
  system does not know, or none, falls back to UTC, said by a field
  ``[timezone:: Name unknown, time in UTC]``; an all-day entry has no time);
* the first non-empty line of the text is the entry's text (a heading marker
  ``# `` removed; a text that opens with fenced code is named by the code's
  language, else ``code``, and the code goes whole into the body), and every
  further line its body, as written (see :func:`reslog.importers.base.body_lines`):
  indentation, list markers (``- [ ] buy`` stays a nested to-do), thematic
  breaks and fenced code with its blank lines kept; escapes are undone as
  CommonMark reads them (a backslash before punctuation means the character
  itself), except in code and where the backslash keeps a body line from
  opening a list item, heading or quote (``\\- not a list``, ``1\\. not a list``);
  a moment link becomes the path of the media file inside the export
  (``![](photos/<md5>.jpeg)``);
* ``tags`` become ``#tags`` (spaces turned into ``-``; a tag that reslog would
  not read back goes to a field ``[tags:: C++, ...]``), ``starred`` becomes ``★``;
* ``location`` becomes ``[location:: place, town, region]`` (the first three
  of place, town, region and country that it names; else its coordinates)
  and ``weather`` ``[weather:: conditions, 12°C]``; with more than one
  journal in the export,
  ``[journal:: name]`` says which.

Entries without ``creationDate``, or without text, are skipped with the
reason. A journal file that is not JSON (or not UTF-8) is skipped when others
can be read, and an error when it is the only one; an export with no journal
at all is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
import zoneinfo
from typing import Any

from reslog import markdown
from reslog.errors import InputError, ReslogError
from reslog.importers.base import (
    ImportItem,
    ImportOptions,
    Reading,
    Skipped,
    code_title,
    read_bytes,
    read_member,
    source_files,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

_HINT = "export the journal from Day One as JSON (File → Export → JSON) and give the .zip or its .json"
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(?<!`)(`++)(.+?)(?<!`)\1(?!`)")
#: Fenced code, at any indentation: the body keeps it (nested in a list item), and so does
#: :func:`reslog.importers.base.body_lines`.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_MOMENT = re.compile(r"dayone-moment:/+(?:(?:photo|video|audio|pdfAttachment)s?/)?([0-9A-Za-z-]+)")
_HEADING = re.compile(r"#{1,6}\s+")
#: The start of a body line whose escape is kept: undone, it would make the line a list item
#: (``\\- x``, ``1\\. x``), a heading (``\\# x``) or a quote (``\\> x``).
_BLOCK_ESCAPE = re.compile(r"^[ \t]*(?:\\[-+*](?=[ \t]|$)|\d{1,9}\\[.)](?=[ \t]|$)|\\#(?=[ \t#]|$)|\\>)")
_OFFSET = re.compile(r"(?:GMT|UTC)?(?<!\s)\s*([+-])(\d{1,2}):?(\d{2})?")
#: A link to a media file of the export, as :func:`_text` writes it.
_LINKED = re.compile(r"\]\((?:photos|videos|audios|pdfs)/[^)\s]+\)")
#: media list in an entry -> its folder in the export
_MEDIA = {"photos": "photos", "videos": "videos", "audios": "audios", "pdfAttachments": "pdfs"}
_DEFAULT_TYPE = {"photos": "jpeg", "videos": "mov", "audios": "m4a", "pdfAttachments": "pdf"}


def read(path: Path, options: ImportOptions) -> Reading:
    """The entries of a Day One JSON export (a .json, a .zip holding one, or its folder)."""
    journals, problems = _journals(path, options.follow_links)
    if not journals:
        if problems:
            raise ReslogError(f"{problems[0].origin}: {problems[0].reason}; {_HINT}")
        classic = path.is_dir() and (path.name.endswith(".dayone") or (path / "entries").is_dir())
        what = "a Day One Classic journal (.doentry files), which reslog cannot read" if classic else \
            "no Day One journal (no .json file such as Journal.json)"
        raise InputError(f"{path} holds {what}; {_HINT}")
    items: list[ImportItem] = []
    skipped = list(problems)
    several = len(journals) > 1
    for name, entries in journals:
        journal = os.path.splitext(os.path.basename(name))[0] if several else None
        for n, entry in enumerate(entries, 1):
            origin = f"{name}, entry {n}"
            if isinstance(entry, dict) and isinstance(entry.get("uuid"), str):
                origin += f" ({entry['uuid']})"
            found = _entry(entry, journal, origin)
            if isinstance(found, Skipped):
                skipped.append(found)
            else:
                items.append(found)
    linked = sum(len(_LINKED.findall("\n".join((item.text, *item.body)))) for item in items)
    notes = [f"links to photos and other media of the export: {linked}, written as photos/… (read from "
             "the day page's folder); the files were not copied: copy the export's photos/ (videos/, "
             "audios/, pdfs/) folders into each year's folder under days/ to see them"] if linked else []
    return Reading(items, skipped, notes)


# --- the files of the export ---------------------------------------------------------------------


def _journals(path: Path, follow_links: bool) -> tuple[list[tuple[str, list[Any]]], list[Skipped]]:
    """Each journal's entries, by file name, and the journal files that could not be read."""
    found: list[tuple[str, list[Any]]] = []
    problems: list[Skipped] = []

    def take(name: str, data: bytes) -> None:
        entries = _entries(name, data)
        if isinstance(entries, Skipped):
            problems.append(entries)
        else:
            found.append((name, entries))

    suffix = path.suffix.lower()
    if path.is_dir():
        files, left = source_files(path, follow_links, skip_dir=lambda _: "")  # the folder's own files
        problems += [s for s in left if s.origin.lower().endswith(".json")]
        for full, file in files:
            if file.lower().endswith(".json"):  # "._" AppleDouble files are hidden: left out above
                data = read_bytes(full, file)
                if isinstance(data, Skipped):
                    problems.append(data)
                else:
                    take(file, data)
    elif suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    name = info.filename.replace("\\", "/")
                    base = name.rsplit("/", 1)[-1]
                    if name.lower().endswith(".json") and not name.startswith("__MACOSX/") \
                            and not base.startswith("._"):
                        try:
                            member = read_member(archive, info, name)
                        except (RuntimeError, zipfile.BadZipFile, OSError, EOFError) as exc:
                            problems.append(Skipped(name, f"cannot be read from the zip ({exc})"))
                            continue
                        if isinstance(member, Skipped):
                            problems.append(member)
                        else:
                            take(name, member)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReslogError(f"{path} cannot be read as a zip file ({exc}); {_HINT}") from None
    elif suffix == ".json":
        data = read_bytes(path, path.name)
        if isinstance(data, Skipped):
            raise ReslogError(f"{path} {data.reason}; check the file and its permissions")
        take(path.name, data)
    else:
        raise InputError(f"{path} is not a Day One export; {_HINT}")
    return found, problems


def _entries(name: str, data: bytes) -> list[Any] | Skipped:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return Skipped(name, f"not valid UTF-8 (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return Skipped(name, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return Skipped(name, 'not a Day One journal (no "entries" list)')
    return entries


# --- one entry -----------------------------------------------------------------------------------


def _entry(entry: object, journal: str | None, origin: str) -> ImportItem | Skipped:
    if not isinstance(entry, dict):
        return Skipped(origin, "not an entry (not a JSON object)")
    created = entry.get("creationDate")
    if not isinstance(created, str) or not created.strip():
        return Skipped(origin, "no creationDate")
    try:
        moment = dt.datetime.fromisoformat(created.strip())
    except ValueError:
        return Skipped(origin, f"creationDate {created!r} is not an ISO date and time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    fields: list[tuple[str, str]] = []
    zone = _zone(entry.get("timeZone"))
    if zone is None:
        name = entry.get("timeZone")
        known = isinstance(name, str) and name.strip()
        fields.append(("timezone", f"{name} unknown, time in UTC" if known else "none given, time in UTC"))
        zone = dt.UTC
    try:
        local = moment.astimezone(zone)
    except (OverflowError, ValueError):
        return Skipped(origin, f"creationDate {created!r} is out of range")
    found = _first_and_body(_text(entry))
    if found is None:
        return Skipped(origin, "no text")
    first, body = found
    tags: list[str] = []
    odd: list[str] = []
    listed = entry.get("tags")
    for tag in listed if isinstance(listed, list) else ():
        safe = "-".join(str(tag).split())
        if safe and markdown.read_tags(f"#{safe}") == (safe,):
            tags.append(safe)
        elif safe:
            odd.append(" ".join(str(tag).split()))
    if odd:
        fields.append(("tags", ", ".join(odd)))
    fields += _extras(entry)
    if journal:
        fields.append(("journal", journal))
    return ImportItem(
        local.date(), first, body=body,
        time=None if entry.get("isAllDay") is True else f"{local:%H:%M}",
        tags=tags, fields=fields, starred=entry.get("starred") is True, origin=origin,
    )


def _zone(name: object) -> dt.tzinfo | None:
    """The entry's time zone: an IANA name, or a fixed offset (``GMT+01:00``); None if unknown."""
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return zoneinfo.ZoneInfo(name.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    offset = _OFFSET.fullmatch(name.strip())
    if offset and int(offset.group(2)) <= 14:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return dt.timezone(dt.timedelta(minutes=sign * minutes))
    return None


def _text(entry: dict[str, Any]) -> str:
    """The entry's Markdown, escapes undone and moment links turned into media paths."""
    text = entry.get("text")
    if not isinstance(text, str):
        return ""
    media: dict[str, str] = {}
    for key, folder in _MEDIA.items():
        for item in entry.get(key) or ():
            if isinstance(item, dict) and item.get("identifier") and item.get("md5"):
                kind = item.get("type") or _DEFAULT_TYPE[key]
                media[str(item["identifier"])] = f"{folder}/{item['md5']}.{kind}"
    text = _unescape(text)
    return _MOMENT.sub(lambda m: media.get(m.group(1), m.group(0)), text)


def _unescape(text: str) -> str:
    """Backslash escapes undone (``\\.`` is ``.``), but not inside code spans or fenced code, nor
    the one that keeps a line of the body (after the first non-empty line) from opening a list
    item, heading or quote: the body is kept as written, and ``\\- x`` is no list item."""
    out: list[str] = []
    fence: str | None = None
    body = False  # past the first non-empty line
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and line.strip().startswith(fence):
                fence = None
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        else:
            block = _BLOCK_ESCAPE.match(line) if body else None
            kept = block.group(0) if block else ""
            parts = _CODE.split(line[len(kept):])  # text, ticks, code, text, ticks, code, ..., text
            pieces = [kept]
            for i, part in enumerate(parts):
                if i % 3 == 0:
                    pieces.append(_ESCAPE.sub(r"\1", part))
                elif i % 3 == 2:
                    pieces.append(parts[i - 1] + part + parts[i - 1])
            out.append("".join(pieces))
        body = body or bool(line.strip())
    return "\n".join(out)


def _first_and_body(text: str) -> tuple[str, list[str]] | None:
    """The entry's text, its first non-empty line (a heading marker dropped), and its body: the
    lines after that one as written, blank ones too (:func:`~reslog.importers.base.body_lines`
    keeps those inside code). A text that opens with fenced code is named by the code's
    language, the code whole in the body. None for a text with no words."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None
    first = lines[start].strip()
    code = code_title(first)
    if code is not None:
        return code, lines[start:]
    if _HEADING.match(first):
        first = _HEADING.sub("", first, count=1).strip() or first
    return first, lines[start + 1:]


def _extras(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """Location and weather, briefly."""
    fields: list[tuple[str, str]] = []
    place = entry.get("location")
    if isinstance(place, dict):
        names = [place.get(k) for k in ("placeName", "localityName", "administrativeArea", "country")]
        parts = list(dict.fromkeys(str(n).strip() for n in names if n and str(n).strip()))
        if not parts and isinstance(place.get("latitude"), (int, float)) \
                and isinstance(place.get("longitude"), (int, float)):
            parts = [f"{place['latitude']:.4f}", f"{place['longitude']:.4f}"]
        if parts:
            fields.append(("location", ", ".join(parts[:3])))
    weather = entry.get("weather")
    if isinstance(weather, dict):
        parts = []
        if weather.get("conditionsDescription"):
            parts.append(str(weather["conditionsDescription"]).strip())
        celsius = weather.get("temperatureCelsius")
        if isinstance(celsius, (int, float)) and not isinstance(celsius, bool):
            parts.append(f"{celsius:.0f}°C")
        if parts:
            fields.append(("weather", ", ".join(parts)))
    return fields
