"""`reslog import org`: org-journal's own test journals and README examples, and journals as use leaves them."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reslog import markdown
from reslog.importers import org
from reslog.importers.base import ImportItem, ImportOptions, body_lines

from .conftest import CORPORA, corpora, day_file, imports_nothing_again

FIXTURES = CORPORA / "org-journal-fixtures"
JOURNALS = FIXTURES / "tests" / "journals"

WEEK = """\
#+TITLE: Weekly Journal
#+TODO: TODO NEXT(n) WAIT(w@/!) | DONE(d!) CANCELLED(c@)
* Sunday, 07 April 2019
** 08:22 Coffee with Ana                                   :w2s:chat:@home:
She suggests a held-out weak model.
*** thought: the weak labels may be the bottleneck
** NEXT Rerun the sweep
   SCHEDULED: <2019-04-08 Mon>
   :LOGBOOK:
   CLOCK: [2019-04-07 Sun 10:00]--[2019-04-07 Sun 10:45] =>  0:45
   :END:
** CANCELLED [#B] Old plan
** DONE 9:05 Sent the draft
** WAITING for reviews
** 11:00 Private                                                   :crypt:
-----BEGIN PGP MESSAGE-----
hQEMA5b2
-----END PGP MESSAGE-----
* Notes without a date
** something
"""


def _lines(log_dir: Path, day: str, section: str) -> list[str]:
    """The lines of one section of a day page, its heading left out."""
    page = markdown.parse(day_file(log_dir, day).read_text(encoding="utf-8"))
    found = page.section(section)
    assert found is not None, f"no {section} section on {day}"
    return [line.rstrip("\r\n") for line in page.lines[found.index + 1 : found.end] if line.strip()]


def _readme_examples() -> list[str]:
    """The two example journal files of org-journal's README (daily, then weekly/monthly/yearly)."""
    text = (FIXTURES / "README.org").read_text(encoding="utf-8")
    blocks = re.findall(r"#\+BEGIN_EXAMPLE org\n(.*?)#\+END_EXAMPLE", text, re.DOTALL)
    return [textwrap.dedent(block) for block in blocks]


def _read(path: Path) -> list[ImportItem]:
    return org.read(path, ImportOptions()).items


@corpora
def test_fixture_journals(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    result = run("import", "org", str(FIXTURES))
    assert result.code == 0, result.err
    assert "Imported 14 entries (7 to-dos) into 8 days." in result.out
    for name in ("LICENSE", "README.org", "SOURCES.md"):
        assert f"  {name}: file name is not a date" in result.out
    # daily files (#+TITLE date prefix, entries at level 1): the day from the file's name
    assert _lines(log_dir, "2020-10-21", "done") == ["- 12:00 Some node [imported:: org]"]
    assert _lines(log_dir, "2020-10-22", "todo") == [
        "- [ ] test 1 [LAST_REVIEW:: 2020-09-23 Sat] [NEXT_REVIEW:: 2020-10-24 Sat] [imported:: org]",
        "  <2020-10-22>",
        "  [2020-10-22 Tue 19:50]",
        "- [ ] test 2 [LAST_REVIEW:: 2020-09-23 Sat] [NEXT_REVIEW:: 2020-10-24 Sat] [imported:: org]",
        "  <2020-10-22>",
        "  [2020-10-22 Tue 19:50]",
    ]
    # yearly files (named 20190101): each entry on the day of its date heading, CREATED first
    # ("* Sunday, 31 December 2019" has the wrong weekday; :CREATED: [2019-12-31 Tue] decides)
    assert _lines(log_dir, "2019-01-13", "done") == ["- 08:22 Some node [imported:: org]"]
    assert _lines(log_dir, "2019-06-01", "done") == ["- 11:56 Yet another day [imported:: org]"]
    assert _lines(log_dir, "2019-12-31", "done") == ["- 23:59 Year is almost over [imported:: org]"]
    assert not day_file(log_dir, "2019-01-01").exists() and not day_file(log_dir, "2020-01-01").exists()
    assert _lines(log_dir, "2020-04-13", "done") == ["- 14:00 What a rainy day [imported:: org]"]
    assert _lines(log_dir, "2020-06-01", "done") == ["- 11:56 Yet another day [imported:: org]"]
    assert _lines(log_dir, "2020-06-01", "todo") == [
        "- [ ] Just a task [imported:: org]",
        "- [ ] Project [imported:: org]",
        "  - [ ] Task 1",
        "  - Some note",
        "  - [ ] Subproject",
        "    - [ ] Task of subproject",
        "- [x] Closed task [imported:: org]",
        "- [ ] Scheduled1 [imported:: org]",
        "  <2020-06-01>",
        "- [ ] Scheduled2 [imported:: org]",
        "  <2020-06-01>",
    ]


@corpora
def test_reimport_adds_nothing_and_dry_run_writes_nothing(run: Callable[..., Any], clock: Any,
                                                         log_dir: Path) -> None:
    dry = run("import", "org", str(JOURNALS), "--dry-run")
    assert dry.code == 0
    assert "Would import 14 entries (7 to-dos) into 8 days." in dry.out
    assert not (log_dir / "days").exists()
    run("import", "org", str(JOURNALS))
    imports_nothing_again(run, log_dir, 14, "org", str(JOURNALS))


@corpora
def test_reimport_after_done_and_drop_adds_nothing(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    run("import", "org", str(JOURNALS))
    for args in (("done", "1", "--took", "5m"), ("drop", "2"), ("done", "4"), ("reopen", "3")):
        assert run(*args, "--date", "2020-06-01").code == 0
    assert run("drop", "2", "--date", "2020-10-22").code == 0
    page = markdown.parse(day_file(log_dir, "2020-06-01").read_text(encoding="utf-8"))
    assert [page.lines[e.index].rstrip("\n") for e in page.section("todo").entries] == [  # type: ignore[union-attr]
        "- [x] Just a task [imported:: org] [took:: 5m]",
        "- [-] Project [imported:: org]",
        "- [ ] Closed task [imported:: org]",
        "- [x] Scheduled1 [imported:: org]",
        "- [ ] Scheduled2 [imported:: org]",
    ]
    imports_nothing_again(run, log_dir, 14, "org", str(JOURNALS))


@corpora
def test_one_yearly_file(run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    result = run("import", "org", str(JOURNALS / "yearly" / "carryover1" / "20190101"))
    assert "Imported 3 entries (0 to-dos) into 3 days." in result.out
    items = _read(JOURNALS / "yearly" / "carryover1" / "20190101")
    assert [(i.day, i.time, i.text, i.origin) for i in items] == [
        (dt.date(2019, 1, 13), "08:22", "Some node", "20190101"),
        (dt.date(2019, 6, 1), "11:56", "Yet another day", "20190101"),
        (dt.date(2019, 12, 31), "23:59", "Year is almost over", "20190101"),
    ]


@corpora
def test_readme_daily_example(tmp_path: Path) -> None:
    daily, _ = _readme_examples()
    (tmp_path / "20130604").write_text(daily, encoding="utf-8")
    items = _read(tmp_path / "20130604")
    assert [(i.day, i.time, i.section, i.state, i.text) for i in items] == [
        (dt.date(2013, 6, 4), "10:28", "done", None, "Company meeting"),
        (dt.date(2013, 6, 4), "11:33", "done", None, "Work on org-journal"),
        (dt.date(2013, 6, 4), "15:33", "done", None, "Work on org-journal"),
        (dt.date(2013, 6, 4), "16:40", "done", None, "Work on org-journal"),
        (dt.date(2013, 6, 4), None, "todo", " ", "teach org-journal how to brew coffee"),
    ]
    assert items[0].body == ("Endless discussions about projects. Not much progress",)
    assert items[1].body[0] == "For the longest time, I wanted to have a cool diary app on my"
    assert items[1].body[-1] == "and represent every entry as an org-mode headline. Very cool!"
    assert len(body_lines(items[1].body)) == 8  # as written; the blank line between paragraphs dropped


@corpora
def test_readme_weekly_example_takes_the_created_dates(tmp_path: Path) -> None:
    _, weekly = _readme_examples()
    (tmp_path / "20130603.org").write_text(weekly, encoding="utf-8")  # the week of Monday 3 June 2013
    items = _read(tmp_path)
    assert [(i.day, i.time, i.state, i.text) for i in items] == [
        (dt.date(2013, 6, 4), "10:28", None, "Company meeting"),
        (dt.date(2013, 6, 4), "11:33", None, "Work on org-journal"),
        (dt.date(2013, 6, 4), "15:33", None, "Work on org-journal"),
        (dt.date(2013, 6, 4), "16:40", None, "Work on org-journal"),
        (dt.date(2013, 6, 5), "10:28", None, "A new day"),
        (dt.date(2013, 6, 5), "11:33", None, "Work is almost over"),
        (dt.date(2013, 6, 5), None, " ", "teach org-journal how to brew coffee"),
    ]
    assert items[4].body == ("...",)


def test_tags_keywords_and_clock(tmp_path: Path, run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "20190401").write_text(WEEK, encoding="utf-8")
    result = run("import", "org", str(tmp_path / "journal"))
    assert result.code == 0, result.err
    assert _lines(log_dir, "2019-04-07", "done") == [
        "- 08:22 Coffee with Ana #w2s #chat [tags:: @home] [imported:: org]",
        "  She suggests a held-out weak model.",
        "  - thought: the weak labels may be the bottleneck",
        "- WAITING for reviews [imported:: org]",
    ]
    assert _lines(log_dir, "2019-04-07", "todo") == [
        "- [ ] Rerun the sweep [org:: NEXT] [took:: 45m] [imported:: org]",
        "  SCHEDULED: <2019-04-08 Mon>",
        "  :LOGBOOK:",
        "  CLOCK: [2019-04-07 Sun 10:00]--[2019-04-07 Sun 10:45] =>  0:45",
        "  :END:",
        "- [-] [#B] Old plan [imported:: org]",
        "- [x] 09:05 Sent the draft [imported:: org]",
    ]
    assert "20190401:15: entry encrypted with org-crypt; decrypt it in Emacs first" in result.out
    assert "20190401:19: heading 'Notes without a date' is not under a date heading" in result.out
    assert "PGP" not in day_file(log_dir, "2019-04-07").read_text(encoding="utf-8")
    assert not day_file(log_dir, "2019-04-01").exists()
    items = _read(tmp_path / "journal")
    coffee = next(i for i in items if i.text == "Coffee with Ana")
    assert (coffee.tags, coffee.fields, coffee.time) == (("w2s", "chat"), (("tags", "@home"),), "08:22")


def test_messy_folder(tmp_path: Path, run: Callable[..., Any], clock: Any, log_dir: Path) -> None:
    folder = tmp_path / "journal, 2019 @work"
    (folder / "2019").mkdir(parents=True)
    (folder / "20190408.org").write_bytes("\ufeff* Monday, 04/08/19\r\n** 09:00 Standup\r\n   notes here\r\n".encode())
    (folder / "20190409").write_bytes(b"* Tuesday, 04/09/19\n** 10:00 caf\xe9\n")
    (folder / "20190410.org").write_bytes(b"")
    (folder / "notes.org").write_text("* 10:00 not a journal file\n", encoding="utf-8")
    (folder / "20190411.org.gpg").write_bytes(b"\x85\x02\x0c\x03")
    (folder / ".#20190412.org").write_text("lock", encoding="utf-8")
    (folder / "2019" / "2019").write_text("* Sunday, 14 April 2019\n** 10:00 In the yearly file\n",
                                          encoding="utf-8")
    (folder / "20190413.org").write_text(
        "#+TITLE: 2019-04-13 (Saturday)\nA line before any heading\n* 12:00 Some node\n", encoding="utf-8")
    (folder / "201904").write_text("* 10:00 orphan\n", encoding="utf-8")
    result = run("import", "org", str(folder))
    assert result.code == 0, result.err
    assert "Imported 4 entries (0 to-dos) into 3 days." in result.out
    assert _lines(log_dir, "2019-04-08", "done") == ["- 09:00 Standup [imported:: org]", "  notes here"]
    assert _lines(log_dir, "2019-04-14", "done") == ["- 10:00 In the yearly file [imported:: org]"]
    assert _lines(log_dir, "2019-04-13", "done") == [
        "- A line before any heading [imported:: org]", "- 12:00 Some node [imported:: org]"]
    out = result.out
    assert "Skipped 5:" in out
    assert "  20190409: not valid UTF-8 (byte 32)" in out
    assert "  20190410.org: empty file" in out
    assert "  notes.org: file name is not a date" in out
    assert "  20190411.org.gpg: encrypted (.gpg)" in out
    assert "  201904:1: heading '10:00 orphan' is not under a date heading (the file's name is not one day)" in out
    assert ".#" not in out


@corpora
def test_journals_that_cannot_be_imported(tmp_path: Path, run: Callable[..., Any], log_dir: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "20190407.gpg").write_bytes(b"\x85\x02")
    result = run("import", "org", str(tmp_path / "locked"))
    assert (result.code, "encrypted" in result.err) == (1, True)
    result = run("import", "org", str(FIXTURES / "README.org"))
    assert result.code == 2
    assert "no org-journal file" in result.err and "--date-format" in result.err
    assert not (log_dir / "days").exists()


def test_date_format_option(tmp_path: Path) -> None:
    (tmp_path / "journal-07.04.2019.org").write_text("* 10:00 Named my way\n", encoding="utf-8")
    items = org.read(tmp_path, ImportOptions(date_format="journal-%d.%m.%Y")).items
    assert [(i.day, i.time, i.text) for i in items] == [(dt.date(2019, 4, 7), "10:00", "Named my way")]


@pytest.mark.parametrize(("title", "day"), [
    ("Tuesday, 06/04/13", dt.date(2013, 6, 4)),        # Emacs' %x: month first
    ("Saturday, 06/04/13", dt.date(2013, 4, 6)),       # ... unless only day first fits the weekday
    ("Sunday, 13 January 2019", dt.date(2019, 1, 13)),
    ("[2019-01-13 Sun]", dt.date(2019, 1, 13)),
    ("20130604", dt.date(2013, 6, 4)),
    ("2020-10-22 (Thursday)", dt.date(2020, 10, 22)),
    ("Jun 1st, 2020", dt.date(2020, 6, 1)),
    ("13.01.2019", dt.date(2019, 1, 13)),
    ("12:00 Some node", None),
    ("Meeting about 2019-01-03", None),
    ("2019", None),
])
def test_title_dates(title: str, day: dt.date | None) -> None:
    assert org.title_date(title) == day


def test_source_blocks_stay_code_and_sub_headings_nest(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                                       log_dir: Path) -> None:
    (tmp_path / "20190409").write_text(
        "* Tuesday, 09 April 2019\n** 10:00 Tried a fix\nSome text\n#+BEGIN_SRC python\ndef f():\n\n"
        "    return 1\n#+END_SRC\n*** a sub heading\nwith its text\n#+begin_example\n- [ ] not a task\n"
        "#+end_example\n", encoding="utf-8")
    assert run("import", "org", str(tmp_path / "20190409")).code == 0
    page = markdown.parse(day_file(log_dir, "2019-04-09").read_text(encoding="utf-8"))
    (entry,) = page.section("done").entries  # type: ignore[union-attr]
    assert [markdown.line_body(page, i) for i in range(entry.index, entry.end)] == [
        "- 10:00 Tried a fix [imported:: org]",
        "  Some text",
        "  ```python",
        "  def f():",
        "",
        "      return 1",
        "  ```",
        "  - a sub heading",
        "    with its text",
        "    ```",
        "    - [ ] not a task",
        "    ```",
    ]
    assert [c.text for c in entry.children] == ["a sub heading"]
    assert entry.children[0].children == ()  # the task is in the example block: code, not a task


def test_sub_heading_keywords_become_nested_todos(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                                  log_dir: Path) -> None:
    (tmp_path / "20190409").write_text(
        "#+TODO: TODO NEXT | DONE CANCELLED\n* Tuesday, 09 April 2019\n** 10:00 Sprint\n*** TODO Task 1\n"
        "*** DONE Review PR :w2s:\n**** NEXT Rerun\n**** CANCELLED Old plan\n*** WAITING not a keyword here\n"
        "*** TODO\n", encoding="utf-8")
    assert run("import", "org", str(tmp_path / "20190409")).code == 0
    assert _lines(log_dir, "2019-04-09", "done") == [
        "- 10:00 Sprint [imported:: org]",
        "  - [ ] Task 1",
        "  - [x] Review PR :w2s:",
        "    - [ ] Rerun [org:: NEXT]",
        "    - [-] Old plan",
        "  - WAITING not a keyword here",  # not a keyword of this file: text as typed
        "  - TODO",
    ]
    (entry,) = markdown.parse(day_file(log_dir, "2019-04-09").read_text(encoding="utf-8")).section(
        "done").entries  # type: ignore[union-attr]
    assert [(c.text, c.state) for c in entry.children] == [
        ("Task 1", " "), ("Review PR :w2s:", "x"), ("WAITING not a keyword here", None), ("TODO", None)]
    assert [(c.text, c.state) for c in entry.children[1].children] == [("Rerun [org:: NEXT]", " "), ("Old plan", "-")]


def test_file_tags_are_every_entry_s_tags(tmp_path: Path, run: Callable[..., Any], clock: Any,
                                          log_dir: Path) -> None:
    """``#+FILETAGS: :private:`` was dropped on import, so a journal file its writer kept private
    was published by the next export; org has every entry of the file inherit the tags."""
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "20190407").write_text(textwrap.dedent("""\
        #+FILETAGS: :private:health:@home:
        * 08:22 Therapy session :w2s:
        SECRET7 was discussed.
        * TODO Book the next one
        """), encoding="utf-8")
    assert run("import", "org", str(tmp_path / "journal")).code == 0
    assert _lines(log_dir, "2019-04-07", "done") == [
        "- 08:22 Therapy session #w2s #private #health [tags:: @home] [imported:: org]",
        "  SECRET7 was discussed.",
    ]
    assert _lines(log_dir, "2019-04-07", "todo") == [
        "- [ ] Book the next one #private #health [tags:: @home] [imported:: org]"]
    exported = run("export", "json", "-")
    assert exported.code == 0 and "SECRET7" not in exported.out and "Book the next" not in exported.out
