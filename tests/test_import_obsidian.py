"""reslog import obsidian: daily notes of a vault onto day pages (items, tasks, headings, front matter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown
from reslog.importers.base import ImportOptions
from reslog.importers.obsidian import read

from .conftest import CORPORA, Clock, Result, corpora, day_file, imports_nothing_again

Run = Callable[..., Result]

DAILY = """\
---
tags: [daily, w2s]
mood: good
aliases: [Monday]
nested:
  a: 1
---
# Monday 15 January

- 09:12 exp: W2S on GPT-2 sizes #w2s with [[Yitao]]
  - thought: the strong model may imitate the weak one
  - [ ] rerun with lr=3e-4
- [ ] Email Bob about the grid-world task
- [x] Read the W2S paper
- [/] Half-way task
- [ ]
-

Prose about the morning,
over two lines.

```python
print("after the prose")
```

## Random ideas
- Use external tools in reward modeling
* 7:05 a second idea

### Reading list
- [[Weak-to-strong]] paper

## Meetings with [[Bob|Bobby]]
- talked about X
```dataview
TASK FROM "Projects"
```

## Journal club
- Discussed the Chinchilla paper

---

## Evening journal
The morning block without chat worked well.
1. A numbered thought
"""


def _vault(root: Path) -> Path:
    """A small vault: settings, a daily note, a dated meeting note, odd and broken files."""
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    (root / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "Files/pics"}', encoding="utf-8")
    (root / ".obsidian" / "workspace.md").write_text("- not a note", encoding="utf-8")
    (root / ".trash").mkdir()
    (root / ".trash" / "2024-01-14.md").write_text("- deleted, never imported", encoding="utf-8")
    for folder in ("Daily", "Templates", "Files/pics", "attachments", "Notes"):
        (root / folder).mkdir(parents=True)
    (root / "Templates" / "2024-01-01.md").write_text("- {{date}} template line", encoding="utf-8")
    (root / "Files" / "pics" / "2024-01-02.md").write_text("- in the attachments", encoding="utf-8")
    (root / "attachments" / "2024-01-03.md").write_text("- in attachments/", encoding="utf-8")
    (root / "Files" / "plot.png").write_bytes(b"\x89PNG\r\n")
    (root / "Daily" / "2024-01-15.md").write_text(DAILY, encoding="utf-8")
    # BOM and CRLF; a time at the start of a paragraph
    (root / "Daily" / "2024-01-16.md").write_bytes(
        "\ufeff---\r\ntags: solo\r\n---\r\n- [ ] 10:00 Call @ the lab, re: data\r\n\r\n18:00 Home.\r\n".encode())
    (root / "Daily" / "2024-01-17.md").write_bytes(b"")
    (root / "Daily" / "2024-01-18.md").write_bytes(b"- caf\xe9 in Latin-1\n")
    (root / "Daily" / "2024-01-19.md").write_text("---\ntags: [x]\n---\n\n", encoding="utf-8")
    (root / "Notes" / "Group meeting, 3pm @ lab: W2S.md").write_text(
        "---\ndate: 2024-01-16 15:00\ntags: meeting\n---\n# Group meeting\n\nAgreed on the sweep.\n",
        encoding="utf-8")
    (root / "Notes" / "Reading notes.md").write_text("Some notes, no date.\n", encoding="utf-8")
    return root


def _page(log_dir: Path, day: str) -> str:
    return day_file(log_dir, day).read_text(encoding="utf-8")


def _section(log_dir: Path, day: str, key: str) -> list[str]:
    page = markdown.parse(_page(log_dir, day))
    section = page.section(key)
    assert section is not None
    return [line.rstrip("\n") for line in page.lines[section.index + 1:section.end] if line.strip()]


def test_daily_note_items_sections_and_front_matter(tmp_path: Path, log_dir: Path, run: Run,
                                                    clock: Clock) -> None:
    vault = _vault(tmp_path / "vault")
    result = run("import", "obsidian", str(vault))
    assert result.code == 0, result.err
    assert "Imported 15 entries (4 to-dos) into 2 days." in result.out
    tag = "#daily #w2s"
    assert _section(log_dir, "2024-01-15", "todo") == [
        f"- [ ] Email Bob about the grid-world task {tag} [imported:: obsidian]",
        f"- [x] Read the W2S paper {tag} [imported:: obsidian]",
        f"- [/] Half-way task {tag} [imported:: obsidian]",
    ]
    done = _section(log_dir, "2024-01-15", "done")
    # in the note's own order (a day keeps the order the source gives its items)
    assert done == [
        "- 09:12 exp: W2S on GPT-2 sizes #w2s with [[Yitao]] #daily [mood:: good] [imported:: obsidian]",
        "  - thought: the strong model may imitate the weak one",
        "  - [ ] rerun with lr=3e-4",
        f"- Prose about the morning, {tag} [imported:: obsidian]",
        "  over two lines.",
        "  ```python",
        '  print("after the prose")',
        "  ```",
        f"- talked about X {tag} [heading:: Meetings with Bobby] [imported:: obsidian]",
        f"- Discussed the Chinchilla paper {tag} [heading:: Journal club] [imported:: obsidian]",
    ]
    assert _section(log_dir, "2024-01-15", "ideas") == [
        f"- Use external tools in reward modeling {tag} [imported:: obsidian]",
        f"- 07:05 a second idea {tag} [imported:: obsidian]",
        f"- [[Weak-to-strong]] paper {tag} [heading:: Reading list] [imported:: obsidian]",
    ]
    assert _section(log_dir, "2024-01-15", "reflection") == [
        f"- The morning block without chat worked well. {tag} [imported:: obsidian]",
        f"- A numbered thought {tag} [imported:: obsidian]",
    ]
    # BOM and CRLF in the note; a time opening a task and a paragraph; odd characters kept
    assert _section(log_dir, "2024-01-16", "todo") == [
        "- [ ] 10:00 Call @ the lab, re: data #solo [imported:: obsidian]"]
    assert _section(log_dir, "2024-01-16", "done") == [  # the daily note is read before Notes/
        "- 18:00 Home. #solo [imported:: obsidian]",
        "- 15:00 Group meeting #meeting [file:: Notes/Group meeting, 3pm @ lab: W2S.md] [imported:: obsidian]",
        "  Agreed on the sweep.",
    ]
    # nothing from hidden folders, templates or attachments
    assert sorted(p.name for p in (log_dir / "days").rglob("*.md")) == ["2024-01-15.md", "2024-01-16.md"]
    report = result.out.split("Skipped 7:\n")[1].splitlines()
    assert report == [
        "  Templates/: the vault's templates folder (.obsidian/templates.json)",
        "  Files/plot.png: not a Markdown note (1 .png file)",
        "  Daily/2024-01-17.md: empty file",
        "  Daily/2024-01-18.md: not valid UTF-8 (byte 5); convert it to UTF-8 and import again",
        "  Daily/2024-01-19.md: empty daily note (nothing to import)",
        "  Notes/Reading notes.md: not a daily note (name is not a date)",
        "  Daily/2024-01-15.md: query blocks (dataview, tasks, query) left out: they run a search in "
        "Obsidian and hold no notes",
    ]


def test_twice_adds_nothing_and_existing_lines_stay(tmp_path: Path, log_dir: Path, run: Run,
                                                    clock: Clock) -> None:
    vault = _vault(tmp_path / "vault")
    mine = day_file(log_dir, "2024-01-15")
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"## What was done\r\n- 08:00 my own line #w2s\r\n\r\n## Notes\r\nfree text\r\n")
    dry = run("import", "obsidian", str(vault), "--dry-run")
    assert "Would import 15 entries (4 to-dos) into 2 days." in dry.out
    assert sorted(p.name for p in (log_dir / "days").rglob("*.md")) == ["2024-01-15.md"]
    assert run("import", "obsidian", str(vault)).code == 0
    text = mine.read_bytes().decode()
    assert text.startswith("## What to do next\r\n- [ ] Email Bob")  # the missing section, in its place
    assert "\r\n## What was done\r\n- 08:00 my own line #w2s\r\n- 09:12 exp: W2S on GPT-2 sizes" in text
    assert "\r\n## Notes\r\nfree text\r\n" in text
    imports_nothing_again(run, log_dir, 15, "obsidian", str(vault))


def test_date_format_and_vault_setting(tmp_path: Path, log_dir: Path, run: Run, clock: Clock) -> None:
    vault = tmp_path / "v"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "daily-notes.json").write_text('{"format": "DD.MM.YYYY", "folder": "Journal"}',
                                                          encoding="utf-8")
    (vault / "Journal").mkdir()
    (vault / "Journal" / "03.02.2025.md").write_text("- ran the sweep\n", encoding="utf-8")
    plain = run("import", "obsidian", str(vault), "--dry-run")
    assert "Would import 0 entries" in plain.out
    assert (".obsidian/daily-notes.json: this vault names its daily notes 'DD.MM.YYYY' (moment.js); "
            "to read them, import again with --date-format '%d.%m.%Y'") in plain.out
    assert "Journal/03.02.2025.md: not a daily note (name is not a date)" in plain.out
    moment = run("import", "obsidian", str(vault), "--date-format", "DD.MM.YYYY")
    assert moment.code == 2
    assert "give it in strptime codes: --date-format '%d.%m.%Y'" in moment.err
    partial = run("import", "obsidian", str(vault), "--date-format", "%m.%Y")
    assert partial.code == 2 and "does not spell a whole date" in partial.err
    good = run("import", "obsidian", str(vault), "--date-format", "%d.%m.%Y")
    assert good.code == 0 and "Imported 1 entry" in good.out
    assert "- ran the sweep [imported:: obsidian]" in _page(log_dir, "2025-02-03")


def test_path_of_the_wrong_kind(tmp_path: Path, log_dir: Path, run: Run) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("- a line\n", encoding="utf-8")
    result = run("import", "obsidian", str(other))
    assert result.code == 2
    assert "is not a folder or a Markdown note" in result.err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("import", "obsidian", str(empty)).code == 2
    assert not log_dir.exists()
    # one daily note given directly
    note = tmp_path / "2024-03-05.md"
    note.write_text("- only this\n", encoding="utf-8")
    assert run("import", "obsidian", str(note)).code == 0
    assert "- only this [imported:: obsidian]" in _page(log_dir, "2024-03-05")


@pytest.mark.parametrize(("text", "expected"), [
    ("- a\n  continued text\n\n  after a blank, still a\n", [("a", ("continued text", "after a blank, still a"))]),
    ("- a\nlazy continuation\n\nnew paragraph\n", [("a", ("lazy continuation",)), ("new paragraph", ())]),
    ("```sh\nls\n```\n- b\n", [("sh", ("```sh", "ls", "```")), ("b", ())]),
    ("-\n  - only nested\n  - second\n", [("only nested", ("- second",))]),
    ("- a\n\t- tab nested\n\t\t- deeper\n", [("a", ("  - tab nested", "      - deeper"))]),
    ("- a\n  ```py\n  x = 1\n\n      y = 2\n  ```\n  - b\n", [("a", ("```py", "x = 1", "", "    y = 2", "```", "- b"))]),
    ("* * *\n---\n", []),
])
def test_note_shapes(tmp_path: Path, text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    (tmp_path / "2024-05-06.md").write_text(text, encoding="utf-8")
    reading = read(tmp_path, ImportOptions())
    assert [(item.text, item.body) for item in reading.items] == expected
    assert all(item.day == dt.date(2024, 5, 6) for item in reading.items)


@corpora
def test_logseq_journals_as_daily_notes(log_dir: Path) -> None:
    """A real folder of daily notes named YYYY_MM_DD: journals read, pages and .org files skipped."""
    reading = read(CORPORA / "logseq-docs", ImportOptions(date_format="%Y_%m_%d"))
    by_day = {item.day: item for item in reading.items}
    done = by_day[dt.date(2021, 2, 20)]
    assert (done.text, done.body, done.section) == ("DONE Write changelog for v0.0.9", ("done:: 1614350275750",),
                                                     "done")
    assert done.fields == (("title", "Feb 20th, 2021"),)
    reasons = {skip.origin: skip.reason for skip in reading.skipped}
    assert reasons["pages/Advanced Queries.md"] == "not a daily note (name is not a date)"
    assert reasons["journals/2020_09_14.md"] == "empty daily note (nothing to import)"
    assert any(r == "not a Markdown note (20 .org files)" for r in reasons.values())
    assert len(reading.items) == 4


def test_twice_adds_nothing_whatever_was_done_to_the_todos_since(tmp_path: Path, log_dir: Path, run: Run,
                                                                clock: Clock) -> None:
    vault = tmp_path / "v"
    (vault / "Daily").mkdir(parents=True)
    (vault / "Daily" / "2026-11-24.md").write_text(
        "- [ ] write grant #g\n- [ ] review paper\n- [ ] email Yitao\n- [ ] book the room\n", encoding="utf-8")
    (vault / "Daily" / "2026-11-26.md").write_text("- [ ] plot the curves\n- [ ] read the paper\n",
                                                  encoding="utf-8")
    assert "Imported 6 entries (6 to-dos) into 2 days." in run("import", "obsidian", str(vault)).out
    # done, dropped, deferred, timed, running, carried (the 24th's open ones to the 26th when its
    # timer starts, the 26th's to the 27th)
    for args in (("done", "1", "--took", "45m"), ("drop", "2"), ("defer", "3", "--to", "2026-11-30")):
        assert run(*args, "--date", "2026-11-24").code == 0
    assert run("start", "1").code == 0
    clock.set("2026-11-26T09:42")
    assert run("stop").code == 0
    assert run("start", "2").code == 0
    clock.set("2026-11-27T08:00")
    assert run("todos").code == 0
    assert _todos(log_dir, "2026-11-24") == [
        "- [x] write grant #g [imported:: obsidian] [took:: 45m]",
        "- [-] review paper [imported:: obsidian]",
        "- [>] email Yitao [imported:: obsidian] [scheduled:: 2026-11-30]",
        "- [>] book the room [imported:: obsidian]",
    ]
    assert _todos(log_dir, "2026-11-26") == [
        "- [>] plot the curves [imported:: obsidian] [took:: 30m]",
        "- [>] read the paper [imported:: obsidian] [started:: 2026-11-26T09:42:00]",
        "- [>] email Yitao [imported:: obsidian] [scheduled:: 2026-11-30] [carried:: 2026-11-24]",
        "- [>] book the room [imported:: obsidian] [carried:: 2026-11-24]",
    ]
    imports_nothing_again(run, log_dir, 6, "obsidian", str(vault))


def _todos(log_dir: Path, day: str) -> list[str]:
    page = markdown.parse(day_file(log_dir, day).read_text(encoding="utf-8"))
    return [page.lines[entry.index].rstrip("\n") for entry in page.section("todo").entries]  # type: ignore[union-attr]
