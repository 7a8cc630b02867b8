"""`reslog import dayone`: a real Day One JSON export, zipped and not, time zones, and messy journals."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown
from reslog.importers import dayone
from reslog.importers.base import ImportOptions, Skipped, body_lines

from .conftest import CORPORA, Clock, Result, corpora, day_file

Run = Callable[..., Result]

DEMO = CORPORA / "dayone-json-fixtures" / "test" / "assets" / "DayOne2JSONExport" / "demo.json"
PHOTO_MD5 = "cf80411fda6ba991b6110b2365fb8286"


def _days(log: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((log / "days").rglob("*.md"))}


def _page(log: Path, day: str) -> str:
    return day_file(log, day).read_text(encoding="utf-8")


@corpora
def test_real_export(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("import", "dayone", str(DEMO))
    assert result.code == 0, result.err
    assert "Imported 3 entries (0 to-dos) into 3 days." in result.out
    assert "Skipped 1:\n  demo.json, entry 4 (6BD0AE9E21C447A6BC504A63899BA544): no text\n" in result.out
    # 13:04:56 UTC in Europe/Berlin (CET, before the switch to summer time) is 14:04
    assert ("## What was done\n- 14:04 Initial entry [imported:: dayone]\n  some text\n"
            f"  ![](photos/{PHOTO_MD5}.jpeg)\n") in _page(log_dir, "2019-03-18")
    assert "- 22:44 Second entry [imported:: dayone]\n  some text\n" in _page(log_dir, "2010-02-26")
    # Day One's backslash escapes mean the characters themselves
    assert ("- 22:14 Third entry with double escapes [imported:: dayone]\n"
            "  double escape a/b dot. single escape slash/\n") in _page(log_dir, "2010-02-27")
    assert sorted(_days(log_dir)) == ["2010-02-26.md", "2010-02-27.md", "2019-03-18.md"]


@corpora
def test_reimport_adds_nothing(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("import", "dayone", str(DEMO)).code == 0
    before = _days(log_dir)
    again = run("import", "dayone", str(DEMO))
    assert "Imported 0 entries (0 to-dos) into 0 days." in again.out
    assert "Already in the log, not added again: 3 entries." in again.out
    assert _days(log_dir) == before


@corpora
def test_dry_run_writes_nothing(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("import", "dayone", str(DEMO), "--dry-run")
    assert result.code == 0
    assert "Would import 3 entries (0 to-dos) into 3 days." in result.out
    assert "no text" in result.out
    assert not (log_dir / "days").exists()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@corpora
def test_zip_with_journal_and_photos(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    archive = _zip(tmp_path / "Export 11-26-2026.zip", {
        "Journal.json": DEMO.read_bytes(), f"photos/{PHOTO_MD5}.jpeg": b"\xff\xd8\xff\xe0 jpeg",
    })
    from_zip = dayone.read(archive, ImportOptions())
    from_json = dayone.read(DEMO, ImportOptions())
    assert [(i.day, i.time, i.text, i.body) for i in from_zip.items] == \
           [(i.day, i.time, i.text, i.body) for i in from_json.items]
    assert from_zip.items[0].origin == "Journal.json, entry 1 (F4CF0509F3EA47D1B56F95D37F165F5E)"
    result = run("import", "dayone", str(archive))
    assert "Imported 3 entries (0 to-dos) into 3 days." in result.out
    assert f"  ![](photos/{PHOTO_MD5}.jpeg)\n" in _page(log_dir, "2019-03-18")
    assert "Note: links to photos and other media of the export: 1, written as photos/… " in result.out
    assert "the files were not copied" in result.out
    os.remove(archive)  # closed after reading


def _entry(**values: object) -> dict[str, object]:
    return {"uuid": "U" + str(values.get("creationDate", "none"))[:19], "starred": False, **values}


JOURNAL = {
    "metadata": {"version": "1.0"},
    "entries": [
        _entry(creationDate="2026-11-26T02:30:00Z", timeZone="America/Los_Angeles", starred=True,
               text="# Late \\- night idea\n\n- first\n* second\n\n1\\. not a list\n\n```\nkeep \\. here\n```",
               tags=["w2s", "reward models", "C++", "a]b"],
               location={"placeName": "Lab", "localityName": "Berkeley", "administrativeArea": "CA",
                         "country": "United States", "latitude": 37.87, "longitude": -122.26},
               weather={"conditionsDescription": "Clear", "temperatureCelsius": 11.6, "weatherCode": "clear"}),
        _entry(creationDate="2026-11-26T23:30:00.123Z", timeZone="Asia/Tokyo", text="Morning in Tokyo\n"),
        _entry(creationDate="2026-11-26T10:00:00Z", timeZone="Mars/Olympus_Mons", text="Far away"),
        _entry(creationDate="2026-11-26T10:00:00Z", timeZone="GMT+05:30", text="Fixed offset"),
        _entry(creationDate="2026-11-24T10:00:00Z", timeZone="Europe/Paris", isAllDay=True, text="All day"),
        _entry(creationDate="2026-11-24T10:00:00Z", location={"latitude": 48.85341, "longitude": 2.3488},
               text="Only coordinates"),
        _entry(text="No date at all"),
        _entry(creationDate="yesterday", text="Unreadable date"),
        "not an object",
    ],
}


def test_time_zones_tags_star_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "My Journal.json"
    path.write_text(json.dumps(JOURNAL), encoding="utf-8")
    reading = dayone.read(path, ImportOptions())
    late, tokyo, mars, offset, all_day, coords = reading.items
    # 02:30 UTC on the 26th is 18:30 on the 25th in Los Angeles (PST, UTC-8)
    assert (late.day, late.time) == (dt.date(2026, 11, 25), "18:30")
    assert late.text == "Late - night idea"
    # the body as written: list markers kept, and the escape that keeps "1." from starting a list
    assert body_lines(late.body) == ["  - first", "  * second", "  1\\. not a list", "  ```", "  keep \\. here",
                                     "  ```"]
    assert late.tags == ("w2s", "reward-models")
    assert late.starred
    assert late.fields == (("tags", "C++, a]b"), ("location", "Lab, Berkeley, CA"), ("weather", "Clear, 12°C"))
    # 23:30 UTC on the 26th is 08:30 on the 27th in Tokyo (UTC+9)
    assert (tokyo.day, tokyo.time, tokyo.text, tokyo.body) == (dt.date(2026, 11, 27), "08:30", "Morning in Tokyo", ())
    assert (mars.day, mars.time) == (dt.date(2026, 11, 26), "10:00")
    assert mars.fields == (("timezone", "Mars/Olympus_Mons unknown, time in UTC"),)
    assert (offset.time, offset.fields) == ("15:30", ())
    assert (all_day.day, all_day.time) == (dt.date(2026, 11, 24), None)
    assert coords.fields == (("timezone", "none given, time in UTC"), ("location", "48.8534, 2.3488"))
    assert reading.skipped == [
        Skipped("My Journal.json, entry 7 (Unone)", "no creationDate"),
        Skipped("My Journal.json, entry 8 (Uyesterday)", "creationDate 'yesterday' is not an ISO date and time"),
        Skipped("My Journal.json, entry 9", "not an entry (not a JSON object)"),
    ]


def test_rendered_entry_reads_back(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "My Journal.json"
    path.write_text(json.dumps(JOURNAL), encoding="utf-8")
    result = run("import", "dayone", str(path))
    assert "Imported 6 entries (0 to-dos) into 4 days." in result.out
    assert ("- 18:30 Late - night idea #w2s #reward-models [tags:: C++, a)b] [location:: Lab, Berkeley, CA] "
            "[weather:: Clear, 12°C] ★ [imported:: dayone]\n  - first\n  * second\n  1\\. not a list\n") \
        in _page(log_dir, "2026-11-25")
    show = run("show", "2026-11-25")
    assert "Late - night idea" in show.out


@corpora
def test_several_journals_in_a_zip_and_a_broken_one(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    work = {"entries": [_entry(creationDate="2026-11-20T08:00:00Z", timeZone="UTC", text="Work note")]}
    archive = _zip(tmp_path / "export.zip", {
        "Journal.json": DEMO.read_bytes(), "Work, @lab.json": json.dumps(work).encode(),
        "Broken.json": b'{"entries": [', "Latin.json": b'{"entries": [{"text": "caf\xe9"}]}',
    })
    result = run("import", "dayone", str(archive))
    assert result.code == 0, result.err
    assert "Imported 4 entries (0 to-dos) into 4 days." in result.out
    assert "  Broken.json: not valid JSON (Expecting value at line 1, column 14)\n" in result.out
    assert "  Latin.json: not valid UTF-8 (byte 26)\n" in result.out
    assert "- 08:00 Work note [journal:: Work, @lab] [imported:: dayone]\n" in _page(log_dir, "2026-11-20")
    assert "- 14:04 Initial entry [journal:: Journal] [imported:: dayone]\n" in _page(log_dir, "2019-03-18")


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("Journal.json", b'{"entries": [{"text": "x",}]}', 1,
         "Journal.json: not valid JSON (Expecting property name enclosed in double quotes at line 1, column 27); "
         "export the journal from Day One as JSON"),
        ("Journal.json", b'\xef\xbb\xbf["a list"]', 1, 'Journal.json: not a Day One journal (no "entries" list)'),
        ("Journal.json", b"", 1, "Journal.json: not valid JSON"),
        ("notes.txt", b"hello", 2, "notes.txt is not a Day One export"),
        ("photos.zip", None, 2, "holds no Day One journal (no .json file such as Journal.json)"),
        ("broken.zip", b"PK\x03\x04 nope", 1, "cannot be read as a zip file"),
    ],
)
def test_unusable_input(run: Run, clock: Clock, log_dir: Path, tmp_path: Path,
                        name: str, data: bytes | None, code: int, message: str) -> None:
    path = tmp_path / name
    if data is None:
        _zip(path, {f"photos/{PHOTO_MD5}.jpeg": b"\xff\xd8", "README.txt": b"hi"})
    else:
        path.write_bytes(data)
    result = run("import", "dayone", str(path))
    assert result.code == code
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (log_dir / "days").exists()


@corpora
def test_unzipped_export_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Day One export"
    (folder / "photos").mkdir(parents=True)
    (folder / "Journal.json").write_bytes(DEMO.read_bytes())
    reading = dayone.read(folder, ImportOptions())
    assert [i.text for i in reading.items] == ["Initial entry", "Second entry", "Third entry with double escapes"]


def test_body_comes_through_as_written(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    text = ("T\n\n```python\nfor x in d:\n    if x:\n\n        f(x)\n```\n- a\n    - b\n- [ ] buy\n\n---\n"
            "\\- not a list\n\\# not a heading")
    path = tmp_path / "Journal.json"
    path.write_text(json.dumps({"entries": [
        _entry(creationDate="2024-04-01T17:00:00Z", timeZone="UTC", text=text),
        _entry(creationDate="2024-04-01T18:00:00Z", timeZone="UTC", text="```sh\nls \\-l\n\n```\nafter"),
    ]}), encoding="utf-8")
    result = run("import", "dayone", str(path))
    assert result.code == 0, result.err
    page = markdown.parse(_page(log_dir, "2024-04-01"))
    done = page.section("done")
    assert done is not None
    assert [markdown.line_body(page, i) for e in done.entries for i in range(e.index, e.end)] == [
        "- 17:00 T [imported:: dayone]",
        "  ```python",  # code keeps its indentation and its blank line
        "  for x in d:",
        "      if x:",
        "",
        "          f(x)",
        "  ```",
        "  - a",  # the note's own list, nested as it was
        "      - b",
        "  - [ ] buy",  # a nested to-do
        "  ---",
        "  \\- not a list",  # escapes that keep a line from being a list item or heading stay
        "  \\# not a heading",
        # a text that opens with code: its language is the entry's text, the code whole under it
        "- 18:00 sh [imported:: dayone]",
        "  ```sh",
        "  ls \\-l",
        "",
        "  ```",
        "  after",
    ]
    entry = done.entries[0]
    assert [(c.text, c.state) for c in entry.children] == [("a", None), ("buy", " ")]
    assert [c.text for c in entry.children[0].children] == ["b"]
