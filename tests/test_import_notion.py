"""`reslog import notion`: a real Notion "Markdown & CSV" export, as a folder and as a zip, and messy ones."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.importers import notion
from reslog.importers.base import ImportOptions, Skipped, body_lines

from .conftest import CORPORA, Clock, Result, corpora, day_file

Run = Callable[..., Result]

EXPORT = CORPORA / "notion-export-obsidian-importer" / "Notion.Test.Export"
PART = "Export-d2b14fbf-86de-4508-a1b2-6515ff8d7aab"
HEX = re.compile(r"[0-9a-f]{32}")


def _days(log: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((log / "days").rglob("*.md"))}


def _page(log: Path, day: str) -> str:
    return day_file(log, day).read_text(encoding="utf-8")


@corpora
def test_real_export_lands_on_its_days(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("import", "notion", str(EXPORT))
    assert result.code == 0, result.err
    assert "Imported 271 entries (0 to-dos) into 270 days." in result.out
    # a database row: dated by its title column ("@February 5, 2025 "), its properties as fields
    assert ("\n- @February 5, 2025 [Ran today:: No] [Meditated:: No] [Practiced guitar:: No] "
            "[Full date:: February 5, 2025 6:16 AM] [database:: Habit Tracker] [imported:: notion]\n"
            in _page(log_dir, "2025-02-05"))
    # the row whose page Notion named "@Last Monday" is found by its properties; the CSV's date is the text
    july_28 = _page(log_dir, "2025-07-28")
    assert "- @July 28, 2025 [Ran today:: No]" in july_28
    assert "Last Monday" not in july_28
    # rows made in bulk on December 4 still land on the day their title names
    assert "- @November 25, 2024 [Ran today:: No] [Meditated:: No] [Practiced guitar:: No] " \
           "[Full date:: December 4, 2024 8:45 AM]" in _page(log_dir, "2024-11-25")
    # a row page no CSV row names: a page of its own, dated by its "Full date:" line, at its time
    assert "- 08:45 @Today [Ran today:: No] [Meditated:: No] [Practiced guitar:: No] " \
           "[database:: Habit Tracker] [imported:: notion]\n" in _page(log_dir, "2024-12-04")
    # the Journal page: no date of its own, one dated heading
    journal = _page(log_dir, "2024-10-04")
    assert "## What was done\n- October 4, 2024 — A Peaceful Forest Walk [imported:: notion]\n" \
           "  I decided to take advantage of the beautiful weather today" in journal
    assert sorted(_days(log_dir))[0] == "2024-10-04.md"
    assert sorted(_days(log_dir))[-1] == "2025-08-06.md"
    # undated pages are reported, by names without their hex ids
    for name in ("Weekly To-do List.md", "Project Planner.md", "Getting Started on Mobile.md",
                 "Getting Started on Mobile/Example sub page.md", "Home.md", "Home/My tasks.md"):
        assert f"  {PART}/{name}: no date\n" in result.out
    assert "Skipped 7:" in result.out
    assert not HEX.search(result.out)
    assert not any(HEX.search(text.decode("utf-8")) for text in _days(log_dir).values())
    # the same import again adds nothing
    before = _days(log_dir)
    again = run("import", "notion", str(EXPORT))
    assert again.code == 0
    assert "Imported 0 entries (0 to-dos) into 0 days." in again.out
    assert "Already in the log, not added again: 271 entries." in again.out
    assert _days(log_dir) == before


@corpora
def test_dry_run_writes_nothing(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("import", "notion", str(EXPORT), "--dry-run")
    assert result.code == 0
    assert "Would import 271 entries (0 to-dos) into 270 days." in result.out
    assert not (log_dir / "days").exists()


def _zip_folder(folder: Path, out: io.BytesIO | Path, prefix: str = "") -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, prefix + file.relative_to(folder).as_posix())


@corpora
def test_zip_and_zip_of_zips_read_as_the_folder(tmp_path: Path) -> None:
    plain = tmp_path / "export.zip"
    _zip_folder(EXPORT, plain)
    part = io.BytesIO()
    _zip_folder(EXPORT, part)
    nested = tmp_path / "Notion export.zip"  # what Notion hands out: a zip of Export-…-Part-N.zip
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("Export-d2b14fbf-Part-1.zip", part.getvalue())
    folder = notion.read(EXPORT, ImportOptions())
    assert len(folder.items) == 271
    assert notion.read(plain, ImportOptions()) == folder
    assert notion.read(nested, ImportOptions()) == folder
    os.remove(plain)  # the zip was closed
    os.remove(nested)


# --- messy exports -------------------------------------------------------------------------------

ID = "0123456789abcdef0123456789abcdef"


def _messy(root: Path) -> Path:
    """An export with odd names, a BOM, CRLF, invalid UTF-8, an empty page and several databases."""
    root.mkdir()
    (root / f"Meeting @ lab, notes: v2 {ID}.md").write_bytes(
        "\ufeff# Meeting @ lab, notes: v2\r\n\r\nCreated: November 26, 2026 9:12 AM\r\nTags: ml, deep learning\r\n"
        "\r\n- point one\r\n- [x]  done thing\r\n\r\n---\r\n\r\n"
        f"See [Other page](Other%20page%20{ID[::-1]}.md) and [the site](https://example.org/a_(b))\r\n"
        f"![plot](Meeting%20@%20lab%2C%20notes%3A%20v2%20{ID}/plot.png)\r\n".encode()
    )
    (root / f"Broken {'1' * 32}.md").write_bytes(b"# Broken\n\nDate: November 26, 2026\n\ncaf\xe9\n")
    (root / f"Empty {'2' * 32}.md").write_bytes(b"")
    (root / f"2026-11-25 standup {'8' * 32}.md").write_text("# 2026-11-25 standup\n\nsaid things\n")
    (root / f"Lab journal {'7' * 32}.md").write_text(
        "# Lab journal\n\nintro line\n\n## November 25, 2026 — Sweep\n\nran it\n\n### details\n\nlr=3e-4\n\n"
        "## 2026-11-26: Fix\n\nfixed it\n\n## Notes\n\nundated\n"
    )
    tasks = f"Tasks, 2026 {'3' * 32}"
    (root / f"{tasks}.csv").write_bytes(b"\xef\xbb\xbfName,Status\r\nWrite intro,Done\r\n")
    (root / f"{tasks}_all.csv").write_bytes(
        "\ufeffName,Assignee,Due,Status,Tags\r\n"
        "Write intro,Ann,\"November 26, 2026\",Done,\"paper, w2s\"\r\n"
        "Rerun sweep,,2026/11/27,In progress,w2s\r\n"
        "\"Plan, with comma\",,\"November 24, 2026 → November 28, 2026\",Not started,C++\r\n"
        "No due date,,,To do,\r\n".encode()
    )
    (root / tasks).mkdir()
    (root / tasks / f"Write intro {'4' * 32}.md").write_text(
        "# Write intro\n\nAssignee: Ann\nDue: November 26, 2026\nStatus: Done\nTags: paper, w2s\n\n"
        "Draft the intro section.\n"
    )
    (root / f"Reading list {'5' * 32}_all.csv").write_text(
        "\ufeffName,Done,Added\nPaper A,Yes,\"November 20, 2026 3:05 PM\"\nPaper B,No,\"November 20, 2026\"\n",
        encoding="utf-8",
    )
    (root / f"Contacts @ work {'6' * 32}.csv").write_text("Name,Email\nAnn,ann@example.org\nBob,\n")
    (root / f"Empty db {'9' * 32}.csv").write_bytes(b"")
    return root


def test_messy_export(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    root = _messy(tmp_path / "odd, names @ here")
    result = run("import", "notion", str(root))
    assert result.code == 0, result.err
    assert "Imported 9 entries (5 to-dos) into 5 days." in result.out
    nov26 = _page(log_dir, "2026-11-26")
    assert ("## What to do next\n- [x] Write intro #paper #w2s [Assignee:: Ann] [database:: Tasks, 2026] "
            "[imported:: notion]\n  Draft the intro section.\n") in nov26
    assert ("- 09:12 Meeting @ lab, notes: v2 #ml #deep-learning [imported:: notion]\n"
            "  - point one\n  - [x]  done thing\n"
            "  See [[Other page]] and [the site](https://example.org/a_(b))\n"
            "  ![plot](Meeting%20%40%20lab%2C%20notes%3A%20v2/plot.png)\n") in nov26
    assert "- 2026-11-26: Fix [imported:: notion]\n  fixed it\n" in nov26
    assert ("- [ ] Rerun sweep #w2s [Status:: In progress] [database:: Tasks, 2026] [imported:: notion]\n"
            in _page(log_dir, "2026-11-27"))
    assert ("- [ ] Plan, with comma [Due:: November 24, 2026 → November 28, 2026] [Tags:: C++] "
            "[database:: Tasks, 2026] [imported:: notion]\n" in _page(log_dir, "2026-11-24"))
    nov25 = _page(log_dir, "2026-11-25")
    assert "- 2026-11-25 standup [imported:: notion]\n  said things\n" in nov25
    assert "- November 25, 2026 — Sweep [imported:: notion]\n  ran it\n  ### details\n  lr=3e-4\n" in nov25
    nov20 = _page(log_dir, "2026-11-20")
    assert "- [x] 15:05 Paper A [database:: Reading list] [imported:: notion]\n" in nov20
    assert "- [ ] Paper B [database:: Reading list] [imported:: notion]\n" in nov20
    skipped = result.out.split("Skipped ", 1)[1]
    assert "  Broken.md: not valid UTF-8 (byte 38); convert it to UTF-8 and import again\n" in skipped
    assert "  Empty.md: no date\n" in skipped
    assert "  Tasks, 2026.csv, row 4 (No due date): no date\n" in skipped
    assert "  Contacts @ work.csv (all 2 rows): no date: no column holds dates\n" in skipped
    assert "  Empty db.csv: empty file\n" in skipped
    assert "  Lab journal.md: no date: 2 line(s) outside the dated headings\n" in skipped
    assert skipped.startswith("6:\n")
    assert not HEX.search(result.out)
    before = _days(log_dir)
    assert "Already in the log, not added again: 9 entries." in run("import", "notion", str(root)).out
    assert _days(log_dir) == before


def test_messy_export_zipped(run: Run, clock: Clock, log_dir: Path, tmp_path: Path) -> None:
    root = _messy(tmp_path / "export")
    archive = tmp_path / "export, v2 @ home.zip"
    _zip_folder(root, archive)
    assert notion.read(archive, ImportOptions()) == notion.read(root, ImportOptions())
    result = run("import", "notion", str(archive))
    assert result.code == 0, result.err
    assert "Imported 9 entries (5 to-dos) into 5 days." in result.out
    assert "  Broken.md: not valid UTF-8 (byte 38)" in result.out
    assert "- [x] 15:05 Paper A [database:: Reading list] [imported:: notion]\n" in _page(log_dir, "2026-11-20")


def test_one_page_file(tmp_path: Path) -> None:
    page = tmp_path / f"Standup {ID}.md"
    page.write_text("# Standup\n\nDate: 2026/11/26\n\n- shipped it\n", encoding="utf-8")
    (item,) = notion.read(page, ImportOptions()).items
    assert (item.day, item.text, item.body, item.time) == (dt.date(2026, 11, 26), "Standup", ("- shipped it",), None)


def test_a_first_paragraph_that_is_not_properties_stays_text(tmp_path: Path) -> None:
    page = tmp_path / f"2026-11-26 Notes {ID}.md"
    page.write_text("# 2026-11-26 Notes\n\nNote: the loader is slow\n\nmore\n", encoding="utf-8")
    (item,) = notion.read(page, ImportOptions()).items
    assert (item.day, item.body, item.fields) == (dt.date(2026, 11, 26), ("Note: the loader is slow", "", "more"), ())


@pytest.mark.parametrize(
    ("value", "dayfirst", "expected"),
    [
        ("November 26, 2026", False, (dt.date(2026, 11, 26), None)),
        ("November 26, 2026 9:12 AM", False, (dt.date(2026, 11, 26), "09:12")),
        ("November 26, 2026 12:30 AM", False, (dt.date(2026, 11, 26), "00:30")),
        ("Nov 26, 2026 9:12 PM (GMT+1)", False, (dt.date(2026, 11, 26), "21:12")),
        ("2026/11/26", False, (dt.date(2026, 11, 26), None)),
        ("2026-11-26T21:05:00Z", False, (dt.date(2026, 11, 26), "21:05")),
        ("11/26/2026", False, (dt.date(2026, 11, 26), None)),
        ("26/11/2026", True, (dt.date(2026, 11, 26), None)),
        ("November 24, 2026 9:00 AM → November 28, 2026", False, (dt.date(2026, 11, 24), "09:00")),
        ("@December 1, 2024 ", False, (dt.date(2024, 12, 1), None)),
        ("@Today", False, None),
        ("26/11/2026", False, None),
        ("February 30, 2026", False, None),
        ("Yes", False, None),
        ("Sept 9 - Sept 13", False, None),
    ],
)
def test_notion_dates(value: str, dayfirst: bool, expected: tuple[dt.date, str | None] | None) -> None:
    assert notion._parse_date(value, dayfirst) == expected


def test_day_first_column(tmp_path: Path) -> None:
    db = tmp_path / f"Log {ID}.csv"
    db.write_text("Name,When\na,03/11/2026\nb,26/11/2026\n", encoding="utf-8")
    assert [i.day for i in notion.read(db, ImportOptions()).items] == [dt.date(2026, 11, 3), dt.date(2026, 11, 26)]


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda p: p / "notes.txt", 2, "is not a Notion export; give the folder or the .zip"),
        (lambda p: p / "bad.zip", 1, "cannot be read as a zip file"),
        (lambda p: p / "nothing.zip", 2, "holds no Notion pages (.md) or databases (.csv)"),
    ],
)
def test_unusable_input(run: Run, clock: Clock, log_dir: Path, tmp_path: Path,
                        make: Callable[[Path], Path], code: int, message: str) -> None:
    path = make(tmp_path)
    if path.name == "nothing.zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("image.png", b"\x89PNG")
    else:
        path.write_bytes(b"not a zip at all")
    result = run("import", "notion", str(path))
    assert result.code == code
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (log_dir / "days").exists()


def test_skipped_are_reported_with_reasons(tmp_path: Path) -> None:
    root = tmp_path / "x"
    root.mkdir()
    (root / f"Untitled {ID}.md").write_text("", encoding="utf-8")
    assert notion.read(root, ImportOptions()).skipped == [Skipped("Untitled.md", "no date")]


def test_mac_resource_forks_are_left_out_and_only_they(tmp_path: Path) -> None:
    root = tmp_path / "x"
    for folder in ("__MACOSX", "sub/__MACOSX", "Journal__MACOSX"):
        (root / folder).mkdir(parents=True)
        (root / folder / f"2026-11-26 Notes {ID}.md").write_text(f"# 2026-11-26 Notes\n\n- from {folder}\n",
                                                                 encoding="utf-8")
    found = notion.read(root, ImportOptions())
    assert [item.body for item in found.items] == [("- from Journal__MACOSX",)] and found.skipped == []


def test_code_tables_and_lists_stay_as_written(tmp_path: Path) -> None:
    page = tmp_path / f"2026-11-26 Code {ID}.md"
    page.write_text("# 2026-11-26 Code\n\n```python\nx = [a](b%20c.md)\n\ny\n```\n\n| a | b |\n| --- | --- |\n\n"
                    "- one\n    - two\n", encoding="utf-8")
    (item,) = notion.read(page, ImportOptions()).items
    assert body_lines(item.body) == [
        "  ```python", "  x = [a](b%20c.md)", "", "  y", "  ```", "  | a | b |", "  | --- | --- |", "  - one",
        "      - two"]
