"""`reslog import logseq`: Logseq's own documentation graph, and graphs as real use leaves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reslog import markdown
from reslog.importers import logseq
from reslog.importers.base import ImportOptions, body_lines

from .conftest import CORPORA, corpora, day_file

GRAPH = CORPORA / "logseq-docs"

# A Markdown journal page with page properties, every marker, block properties and nested children.
PAGE = """\
title:: Mar 9th, 2021
tags:: journal

- 09:30 Ran the #w2s sweep on [[GPT-2]] sizes
  id:: 6050a1b2-0000-4000-8000-000000000001
  collapsed:: true
  source:: [[Burns 2023]]
  from:: chat with Yitao
\t- only a slight gain with scale
\t\t- maybe the strong model imitates the weak one
\t\t  id:: 6050a1b2-0000-4000-8000-000000000002
\t- TODO check the loader
- LATER Read the W2S paper
  tags:: w2s, [[reward models]]
- DOING [#A] Write the intro
  :LOGBOOK:
  CLOCK: [2021-03-09 Tue 10:00:00]--[2021-03-09 Tue 11:30:00] =>  01:30:00
  :END:
- WAITING Reply from Yitao
- CANCELED Old plan
- DONE Fix the off-by-one
  tags:: bugs
- [x] 10:15 A checkbox typed by hand
-
"""

ORG_PAGE = """\
#+TITLE: Mar 13th, 2021

* TODO Email Yitao about the grid-world task :w2s:
:PROPERTIES:
:id: 605a0000-0000-4000-8000-000000000003
:effort: 1h
:END:
** ask for the seeds
* Plain note
"""


def _page(log_dir: Path, day: str) -> str:
    return day_file(log_dir, day).read_text(encoding="utf-8")


def _lines(log_dir: Path, day: str, section: str) -> list[str]:
    """The lines of one section of a day page, its heading left out."""
    page = markdown.parse(_page(log_dir, day))
    found = page.section(section)
    assert found is not None, f"no {section} section on {day}"
    return [line.rstrip("\r\n") for line in page.lines[found.index + 1 : found.end] if line.strip()]


def _graph(tmp_path: Path) -> Path:
    journals = tmp_path / "graph" / "journals"
    journals.mkdir(parents=True)
    (journals / "2021_03_09.md").write_text(PAGE, encoding="utf-8")
    (journals / "2021_03_10.md").write_bytes("\ufeff- Morning note\r\n  - detail\r\n- TODO Task two\r\n".encode())
    (journals / "2021_03_11.md").write_bytes(b"- caf\xe9 au lait\n")
    (journals / "2021_03_12.md").write_bytes(b"")
    (journals / "2021_03_13.org").write_text(ORG_PAGE, encoding="utf-8")
    (journals / "notes, v2 @home: draft.md").write_text("- not a day\n", encoding="utf-8")
    (journals / "2021_02_30.md").write_text("- no such day\n", encoding="utf-8")
    (journals / "picture.png").write_bytes(b"\x89PNG\r\n")
    (journals / ".DS_Store").write_bytes(b"\x00\x01")
    return journals.parent


@corpora
def test_documentation_graph(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    result = run("import", "logseq", str(GRAPH))
    assert result.code == 0, result.err
    assert "Imported 25 entries (2 to-dos) into 18 days." in result.out
    # 91 journal pages: 18 with text, 73 empty (front matter or "title" only, or an empty block)
    assert "Skipped 73:" in result.out
    assert "journals/2021_07_14.md: empty page: no text in its blocks" in result.out
    assert "journals/2020_10_08.org: empty page: no text in its blocks" in result.out
    # Markdown pages: markers become to-dos, the millisecond stamps ISO times, NOW kept as a field
    assert _lines(log_dir, "2021-02-26", "todo") == [
        "- [ ] Write changelog for v0.0.10 [logseq:: NOW] [now:: 2021-02-26T14:01:37Z] [imported:: logseq]"]
    assert _lines(log_dir, "2021-02-20", "todo") == [
        "- [x] Write changelog for v0.0.9 [done:: 2021-02-26T14:37:55Z] [imported:: logseq]"]
    assert _lines(log_dir, "2020-10-02", "done") == ["- Testing [imported:: logseq]", "  Testing"]
    # Org pages: the date block "* Sunday, 05/17/2020" is a wrapper; its children are the items,
    # their own children nested items as deep as the outline, the internal :id: property dropped
    assert _lines(log_dir, "2020-05-17", "done") == [
        "- [[Changelog 2020]] [imported:: logseq]",
        "  - Add block reference",
        "    E.g ~((block))~",
        "  - Add zoom in && out to edit specific heading, click the ~dot~ before the heading.",
        "  - Add keybindings for adjusting levels.",
        "    You can already use ~tab~ to add or remove one level, two more bindings were added:",
        "    1. ^^alt+shift+left^^ to remove one level each time.",
        "    2. ^^alt+shift+right^^ to add one level each time.",
        "  - Defaults to solarized dark theme.",
        "- [[Fixed issues]] [imported:: logseq]",
        "  - Logout will clear both localstorage and indexeddb.",
    ]
    assert "05/17/2020" not in _page(log_dir, "2020-05-17")
    assert "CUSTOM_ID" not in _page(log_dir, "2020-05-15")
    # "* Jun 1st, 2020" (Logseq's own title format) is a wrapper too; code blocks stay as typed
    june = _lines(log_dir, "2020-06-01", "done")
    assert june[0] == "- [[Changelog 2020]] [imported:: logseq]"
    assert "      #+BEGIN_NOTE" in june and "        - Item nested 1" in june
    assert not day_file(log_dir, "2020-09-14").exists()


@corpora
def test_reimport_adds_nothing_and_dry_run_writes_nothing(run: Callable[..., Any], clock: Any,
                                                         log_dir: Path) -> None:
    dry = run("import", "logseq", str(GRAPH), "--dry-run")
    assert dry.code == 0
    assert "Would import 25 entries (2 to-dos) into 18 days." in dry.out
    assert not (log_dir / "days").exists()
    run("import", "logseq", str(GRAPH))
    before = {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")}
    again = run("import", "logseq", str(GRAPH / "journals"))  # the journals/ folder itself: same items
    assert "Imported 0 entries (0 to-dos) into 0 days." in again.out
    assert "Already in the log, not added again: 25 entries." in again.out
    assert "  2020_09_14.md: empty page" in again.out  # named relative to the folder given
    assert {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")} == before


def test_markers_properties_and_children(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                         log_dir: Path) -> None:
    mine = day_file(log_dir, "2021-03-09")
    mine.parent.mkdir(parents=True)
    mine.write_text("## What was done\n- 08:00 written by hand #w2s\n", encoding="utf-8")
    result = run("import", "logseq", str(_graph(tmp_path)))
    assert result.code == 0, result.err
    assert _lines(log_dir, "2021-03-09", "done") == [
        "- 08:00 written by hand #w2s",
        "- 09:30 Ran the #w2s sweep on [[GPT-2]] sizes #journal [from:: chat with Yitao] [imported:: logseq]",
        "  source:: [[Burns 2023]]",
        "  - only a slight gain with scale",
        "    - maybe the strong model imitates the weak one",
        "  - [ ] check the loader",
    ]
    assert _lines(log_dir, "2021-03-09", "todo") == [
        "- [ ] Read the W2S paper #w2s #journal [imported:: logseq]",
        "  tags:: w2s, [[reward models]]",
        "- [ ] [#A] Write the intro #journal [logseq:: DOING] [took:: 1h30m] [imported:: logseq]",
        "  :LOGBOOK:",
        "  CLOCK: [2021-03-09 Tue 10:00:00]--[2021-03-09 Tue 11:30:00] =>  01:30:00",
        "  :END:",
        "- [ ] Reply from Yitao #journal [logseq:: WAITING] [imported:: logseq]",
        "- [-] Old plan #journal [imported:: logseq]",
        "- [x] Fix the off-by-one #bugs #journal [imported:: logseq]",
        "- [x] 10:15 A checkbox typed by hand #journal [imported:: logseq]",
    ]
    text = _page(log_dir, "2021-03-09")
    # the page's tags:: journal is a tag of every block (as Obsidian's front matter tags are)
    assert "tags:: journal" not in text and "6050a1b2" not in text and "collapsed" not in text
    assert "## What was done\n- 08:00 written by hand #w2s\n- 09:30 Ran the" in text  # untouched, then appended
    # BOM and CRLF
    assert _lines(log_dir, "2021-03-10", "done") == ["- Morning note [imported:: logseq]", "  - detail"]
    assert _lines(log_dir, "2021-03-10", "todo") == ["- [ ] Task two [imported:: logseq]"]
    # an Org page: heading tags, the drawer's fields (id dropped), a child heading as a body line
    assert _lines(log_dir, "2021-03-13", "todo") == [
        "- [ ] Email Yitao about the grid-world task #w2s [effort:: 1h] [imported:: logseq]",
        "  - ask for the seeds",
    ]
    assert _lines(log_dir, "2021-03-13", "done") == ["- Plain note [imported:: logseq]"]
    assert "Imported 11 entries (8 to-dos) into 3 days." in result.out
    out = result.out
    assert "journals/2021_03_11.md: not valid UTF-8 (byte 5)" in out
    assert "journals/2021_03_12.md: empty page: no text in its blocks" in out
    assert "journals/notes, v2 @home: draft.md: file name is not a date" in out
    assert "journals/2021_02_30.md: file name is not a date" in out
    assert "journals/picture.png: not a Markdown or Org journal page" in out
    assert "DS_Store" not in out
    assert "Skipped 5:" in out
    again = run("import", "logseq", str(tmp_path / "graph"))
    assert "Imported 0 entries" in again.out and "Already in the log, not added again: 11 entries." in again.out


def test_reader_items(tmp_path: Path) -> None:
    reading = logseq.read(_graph(tmp_path) / "journals" / "2021_03_09.md", ImportOptions())
    first = reading.items[0]
    assert (first.day, first.time, first.section, first.state) == (dt.date(2021, 3, 9), "09:30", "done", None)
    assert first.text == "Ran the #w2s sweep on [[GPT-2]] sizes"
    assert first.origin == "2021_03_09.md"
    assert [(i.state, i.tags) for i in reading.items[1:]] == [
        (" ", ("w2s", "journal")), (" ", ("journal",)), (" ", ("journal",)), ("-", ("journal",)),
        ("x", ("bugs", "journal")), ("x", ("journal",))]


def test_file_name_format_from_config_or_option(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    (graph / "journals").mkdir(parents=True)
    (graph / "logseq").mkdir()
    (graph / "logseq" / "config.edn").write_text(
        '{;; :journal/file-name-format "yyyy_MM_dd"\n :journal/file-name-format "dd.MM.yyyy"\n}\n',
        encoding="utf-8")
    (graph / "journals" / "09.03.2021.md").write_text("- a day in March\n", encoding="utf-8")
    (graph / "journals" / "9-3-21.md").write_text("- the same day\n", encoding="utf-8")
    reading = logseq.read(graph, ImportOptions())
    assert [(i.day, i.text) for i in reading.items] == [(dt.date(2021, 3, 9), "a day in March")]
    assert [s.origin for s in reading.skipped] == ["journals/9-3-21.md"]
    reading = logseq.read(graph, ImportOptions(date_format="%d-%m-%y"))
    assert sorted(i.text for i in reading.items) == ["a day in March", "the same day"]


def test_paths_that_cannot_be_imported(tmp_path: Path, run: Callable[..., Any], log_dir: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("import", "logseq", str(tmp_path / "empty"))
    assert result.code == 2
    assert "no Logseq journal pages" in result.err and "journals/" in result.err
    locked = tmp_path / "locked" / "journals"
    locked.mkdir(parents=True)
    (locked / "2021_03_09.md").write_text("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n", encoding="utf-8")
    result = run("import", "logseq", str(locked.parent))
    assert result.code == 1
    assert "encrypted" in result.err
    assert not (log_dir / "days").exists()


@pytest.mark.parametrize("title", ["Tuesday, 03/09/2021", "Mar 9th, 2021", "[[Mar 9th, 2021]]", "2021-03-09"])
def test_a_date_block_is_a_wrapper_only_for_its_own_day(tmp_path: Path, title: str) -> None:
    page = tmp_path / "2021_03_09.md"
    page.write_text(f"- {title}\n\t- first\n\t\t- its detail\n\t- second\n", encoding="utf-8")
    assert [(i.text, i.body) for i in logseq.read(page, ImportOptions()).items] == [
        ("first", ("- its detail",)), ("second", ())]
    other = tmp_path / "2021_03_10.md"
    other.write_text(f"- {title}\n\t- first\n", encoding="utf-8")
    assert [(i.text, i.body) for i in logseq.read(other, ImportOptions()).items] == [(title, ("- first",))]


def test_code_in_a_block_stays_one_fenced_block(tmp_path: Path) -> None:
    page = tmp_path / "2021_03_09.md"
    page.write_text("- 09:00 A block with code\n  ```python\n  x = 1\n\n    y = 2\n  ```\n\t- a child\n",
                    encoding="utf-8")
    (item,) = logseq.read(page, ImportOptions()).items
    assert (item.time, item.text) == ("09:00", "A block with code")
    assert body_lines(item.body) == ["  ```python", "  x = 1", "", "    y = 2", "  ```", "  - a child"]


def test_a_block_that_opens_with_code_stays_code(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                                 log_dir: Path) -> None:
    journals = tmp_path / "graph" / "journals"
    journals.mkdir(parents=True)
    (journals / "2021_03_09.md").write_text(
        "- ```python\n  def f(x):\n\n  return x\n  ```\n- after\n\t- ```sh\n\t  ls\n\n\t  ```\n", encoding="utf-8")
    result = run("import", "logseq", str(tmp_path / "graph"))
    assert result.code == 0, result.err
    # the block's language is its text; the fence, closed where the block closed it, nested under it
    page = markdown.parse(_page(log_dir, "2021-03-09"))
    done = page.section("done")
    assert done is not None
    assert [markdown.line_body(page, i) for e in done.entries for i in range(e.index, e.end)] == [
        "- python [imported:: logseq]",
        "  ```python",
        "  def f(x):",
        "",
        "  return x",
        "  ```",
        "- after [imported:: logseq]",
        "  - sh",
        "    ```sh",
        "    ls",
        "",
        "    ```",
    ]


def test_child_blocks_with_markers_are_nested_todos(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                                    log_dir: Path) -> None:
    journals = tmp_path / "graph" / "journals"
    journals.mkdir(parents=True)
    (journals / "2021_03_09.md").write_text(
        "- Sprint\n\t- TODO Task 1\n\t- DONE Review PR\n\t\t- NOW Deeper\n\t\t- CANCELED Old plan\n"
        "\t- [ ] typed by hand\n\t- TODO\n", encoding="utf-8")
    result = run("import", "logseq", str(tmp_path / "graph"))
    assert result.code == 0, result.err
    assert _lines(log_dir, "2021-03-09", "done") == [
        "- Sprint [imported:: logseq]",
        "  - [ ] Task 1",
        "  - [x] Review PR",
        "    - [ ] Deeper [logseq:: NOW]",
        "    - [-] Old plan",
        "  - [ ] typed by hand",
        "  - TODO",  # a marker with no text stays as typed
    ]
    (entry,) = markdown.parse(_page(log_dir, "2021-03-09")).section("done").entries  # type: ignore[union-attr]
    assert [(c.text, c.state) for c in entry.children] == [
        ("Task 1", " "), ("Review PR", "x"), ("typed by hand", " "), ("TODO", None)]
    assert [(c.text, c.state) for c in entry.children[1].children] == [
        ("Deeper [logseq:: NOW]", " "), ("Old plan", "-")]


@pytest.mark.parametrize("page", [
    "tags:: private\n\n- SECRET3 block\n\t- its child SECRET3\n- TODO SECRET3 task\n",  # page properties
    "- tags:: Private, [[health]]\n  title:: Therapy\n- SECRET3 block\n",  # a first block of properties
    "---\ntags: [private]\n---\n- SECRET3 block\n",  # front matter
])
def test_page_tags_apply_to_every_block(tmp_path: Path, run: Callable[..., Any], clock: Any, log_dir: Path,
                                        page: str) -> None:
    """A page's ``tags:: private`` makes every block of it private, as Obsidian's front matter tags do
    (they were dropped with the page's properties, and every block of a private page was shared)."""
    journals = tmp_path / "graph" / "journals"
    journals.mkdir(parents=True)
    (journals / "2021_03_09.md").write_text(page, encoding="utf-8")
    (journals / "2021_03_10.md").write_text("- a public block\n", encoding="utf-8")
    assert run("import", "logseq", str(tmp_path / "graph")).code == 0
    entries = markdown.parse(_page(log_dir, "2021-03-09")).entries()
    assert entries and all(any(t.lower() == "private" for t in e.tags) for e in entries)
    site = tmp_path / "site"
    result = run("export", "html", str(site))
    assert result.code == 0, result.err
    written = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"SECRET3" not in written and b"a public block" in written
