"""The merge every importer shares: append-only, idempotent, no carry-over into the past."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown
from reslog.errors import PageError
from reslog.importers.base import ImportItem, Reading, Skipped, apply, body_lines, entry_lines
from reslog.store import Log

from .conftest import Clock, Result, day_file, log_files

Run = Callable[..., Result]

TODAY = dt.date(2026, 11, 26)


def _reading() -> Reading:
    return Reading(
        [
            ImportItem(dt.date(2020, 3, 2), "Ran the sweep @w2s", time="09:05", tags=("w2s",),
                       body=("first detail", "", "  second detail  "), starred=True, origin="a.txt"),
            ImportItem(dt.date(2020, 3, 2), "Write the intro", section="todo", state=" ", origin="a.txt"),
            ImportItem(dt.date(2020, 3, 1), "An idea", section="ideas", fields=(("from", "chat [x]"),)),
            ImportItem(dt.date(2020, 3, 1), "An idea", section="ideas", fields=(("from", "chat [x]"),)),
        ],
        [Skipped("b.txt", "no date")],
    )


def test_entry_lines() -> None:
    item = _reading().items[0]
    assert entry_lines(item, "jrnl") == [
        "- 09:05 Ran the sweep @w2s #w2s ★ [imported:: jrnl]",
        "  first detail",
        "    second detail",
    ]
    assert entry_lines(_reading().items[2], "x")[0] == "- An idea [from:: chat (x)] [imported:: x]"


def test_apply_merges_once_and_never_carries(log_dir: Path) -> None:
    log = Log(log_dir)
    # an older page with an open to-do: importing earlier and later days must not carry it
    old = day_file(log_dir, "2020-02-28")
    old.parent.mkdir(parents=True)
    old.write_text("## What to do next\n- [ ] open before the import\n", encoding="utf-8")
    existing = day_file(log_dir, "2020-03-02")
    existing.write_text("## What was done\n- 08:00 mine, by hand\r\n", encoding="utf-8")
    report = apply(log, _reading(), "jrnl", TODAY)
    assert (report.entries, report.todos, report.already, len(report.days)) == (4, 1, 0, 2)
    assert report.skipped == [Skipped("b.txt", "no date")]
    assert old.read_text(encoding="utf-8") == "## What to do next\n- [ ] open before the import\n"
    text = existing.read_bytes().decode("utf-8")
    assert text.startswith("## What to do next\n- [ ] Write the intro [imported:: jrnl]\n\n## What was done\n")
    assert "- 08:00 mine, by hand\r\n- 09:05 Ran the sweep @w2s #w2s ★ [imported:: jrnl]\n" in text
    page = markdown.parse(day_file(log_dir, "2020-03-01").read_text(encoding="utf-8"))
    assert [e.text for e in page.section("ideas").entries] == [  # type: ignore[union-attr]
        "An idea [from:: chat (x)] [imported:: jrnl]"] * 2
    assert "carried" not in day_file(log_dir, "2020-03-01").read_text(encoding="utf-8")
    before = {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")}
    again = apply(log, _reading(), "jrnl", TODAY)
    assert (again.entries, again.already, again.days) == (0, 4, [])
    assert {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")} == before


def test_an_import_that_makes_the_latest_page_carries_the_open_to_dos_on(
    run: Run, clock: Clock, tmp_path: Path, log_dir: Path
) -> None:
    """An import dated after the log's last page made a page the next day carries from, with none
    of that last page's open to-dos: they were stranded, listed nowhere. They move on into the
    newest imported page, as a capture on that day would have moved them; nothing else changes."""
    assert run("todo", "old task", "--date", "2026-11-20").code == 0
    assert run("todo", "older and done", "--date", "2026-11-20").code == 0
    assert run("done", "2", "--date", "2026-11-20").code == 0
    journal = tmp_path / "a.jrnl"
    journal.write_text("[2026-11-22 12:00] a day between\n\n[2026-11-24 09:00] the latest day\n",
                       encoding="utf-8")
    before = log_files(log_dir)
    dry = run("import", "jrnl", str(journal), "--dry-run")
    assert dry.code == 0 and "Would carry 1 open to-do over from 2026-11-20 to 2026-11-24, now the latest page, " \
                              "so that it carries on." in dry.out
    assert log_files(log_dir) == before
    result = run("import", "jrnl", str(journal))
    assert result.code == 0 and "Carried 1 open to-do over from 2026-11-20 to 2026-11-24" in result.out
    assert "- [>] old task" in day_file(log_dir, "2026-11-20").read_text(encoding="utf-8")
    assert "- [x] older and done" in day_file(log_dir, "2026-11-20").read_text(encoding="utf-8")
    assert "old task" not in day_file(log_dir, "2026-11-22").read_text(encoding="utf-8")
    assert "- [ ] old task [carried:: 2026-11-20]" in day_file(log_dir, "2026-11-24").read_text(encoding="utf-8")
    listed = run("todos")  # today, 2026-11-26: carried on from the imported page
    assert "old task" in listed.out and "waiting 6 days since 2026-11-20" in listed.out
    assert "Carried" not in run("import", "jrnl", str(journal)).out  # a second import changes nothing


def test_an_imported_to_do_of_the_same_words_is_no_copy_of_the_logs_own(
    run: Run, clock: Clock, tmp_path: Path, log_dir: Path
) -> None:
    """The carry took an imported to-do that happened to hold a ``[carried::]`` field and the same
    words for a copy already made: the log's own was marked [>] and copied nowhere."""
    assert run("todo", "Task two", "--date", "2026-11-20").code == 0
    assert run("todo", "Email Yitao", "--date", "2026-11-20").code == 0
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "2026-11-24.md").write_text("- [ ] Email Yitao [carried:: 2026-11-20]\n- [ ] Obs task\n",
                                         encoding="utf-8")
    result = run("import", "obsidian", str(vault))
    assert "Carried 2 open to-dos over from 2026-11-20 to 2026-11-24" in result.out
    page = day_file(log_dir, "2026-11-24").read_text(encoding="utf-8")
    assert page.count("Email Yitao") == 2 and "- [ ] Task two [carried:: 2026-11-20]" in page


TODOS = [
    ImportItem(dt.date(2020, 3, 2), text, section="todo", state=" ", tags=("g",))
    for text in ("Write the intro", "Email Bob", "Run the sweep", "Fix the loader", "Read the paper",
                 "Plot the curves")
]


def test_a_todo_changed_since_the_import_is_not_added_again(log_dir: Path) -> None:
    log = Log(log_dir)
    assert apply(log, Reading(TODOS, []), "obsidian", TODAY).todos == 6
    page = day_file(log_dir, "2020-03-02")
    # what the person did since, as reslog's commands write it: done, drop, carry-over, defer,
    # the timer
    changed = page.read_text(encoding="utf-8").replace(
        "- [ ] Write the intro #g [imported:: obsidian]",
        "- [x] Write the intro #g [imported:: obsidian] [took:: 45m]").replace(
        "- [ ] Email Bob #g [imported:: obsidian]", "- [-] Email Bob #g [imported:: obsidian]").replace(
        "- [ ] Run the sweep #g [imported:: obsidian]", "- [>] Run the sweep #g [imported:: obsidian]").replace(
        "- [ ] Fix the loader #g [imported:: obsidian]",
        "- [ ] Fix the loader #g [imported:: obsidian] [scheduled:: 2020-03-09]").replace(
        "- [ ] Read the paper #g [imported:: obsidian]",
        "- [ ] Read the paper #g [imported:: obsidian] [started:: 2020-03-02T09:00:00]").replace(
        "- [ ] Plot the curves #g [imported:: obsidian]",
        "- [X] Plot the curves #g [imported:: obsidian] [carried:: 2020-02-28] [took:: 1h]")
    page.write_text(changed, encoding="utf-8")
    again = apply(log, Reading(TODOS, []), "obsidian", TODAY)
    assert (again.entries, again.todos, again.already) == (0, 0, 6)
    assert page.read_text(encoding="utf-8") == changed
    # a to-do's words still tell it apart: one more in the source is added, once
    more = [*TODOS, ImportItem(dt.date(2020, 3, 2), "Write the intro", section="todo", state=" ", tags=("g",))]
    assert apply(log, Reading(more, []), "obsidian", TODAY).entries == 1
    assert page.read_text(encoding="utf-8").endswith("- [ ] Write the intro #g [imported:: obsidian]\n"
                                                     "\n## What was done\n\n## Random ideas\n\n## Reflection\n")


def test_a_text_that_opens_with_a_checkbox_stays_a_note(log_dir: Path) -> None:
    note = ImportItem(dt.date(2020, 3, 2), "[ ] open-looking", fields=(("file", "a.md"),))
    task = ImportItem(dt.date(2020, 3, 2), "[x] a box in a task's text", section="todo", state=" ")
    assert entry_lines(note, "markdown") == ["- \\[ ] open-looking [file:: a.md] [imported:: markdown]"]
    assert entry_lines(task, "org") == ["- [ ] \\[x] a box in a task's text [imported:: org]"]
    timed = ImportItem(dt.date(2020, 3, 2), "[-]", time="09:00")
    assert entry_lines(timed, "jrnl") == ["- 09:00 \\[-] [imported:: jrnl]"]
    report = apply(Log(log_dir), Reading([note], []), "markdown", TODAY)
    assert (report.entries, report.todos) == (1, 0)
    page = markdown.parse(day_file(log_dir, "2020-03-02").read_text(encoding="utf-8"))
    assert [(e.state, e.text) for e in page.section("done").entries] == [  # type: ignore[union-attr]
        (None, "\\[ ] open-looking [file:: a.md] [imported:: markdown]")]


def test_a_note_an_older_import_wrote_as_a_todo_is_not_added_again(log_dir: Path) -> None:
    page = day_file(log_dir, "2020-03-02")
    page.parent.mkdir(parents=True)
    old = "## What was done\n- [ ] open-looking [file:: a.md] [imported:: markdown]\n"
    page.write_text(old, encoding="utf-8")
    note = ImportItem(dt.date(2020, 3, 2), "[ ] open-looking", fields=(("file", "a.md"),))
    assert apply(Log(log_dir), Reading([note], []), "markdown", TODAY).already == 1
    assert page.read_text(encoding="utf-8") == old


def test_dry_run_writes_nothing(log_dir: Path) -> None:
    report = apply(Log(log_dir), _reading(), "jrnl", TODAY, dry_run=True)
    assert (report.entries, report.todos, len(report.days)) == (4, 1, 2)
    assert not (log_dir / "days").exists()


def test_cli_dry_run_lists_the_pages_it_would_change(run, clock, tmp_path: Path, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    journal = tmp_path / "j.txt"
    journal.write_text("[2020-03-01 09:00] One.\n\n[2020-03-01 10:00] Two.\n\n[2020-03-02 09:00] Three.\n")
    result = run("import", "jrnl", str(journal), "--dry-run")
    assert result.code == 0
    assert result.out.splitlines()[:3] == [
        "  days/2020/2020-03-01.md: +2 entries",
        "  days/2020/2020-03-02.md: +1 entry",
        "Would import 3 entries (0 to-dos) into 2 days.",
    ]
    assert not (log_dir / "days").exists()


def test_cli_counts_one_of_each_in_the_singular(run, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    journal = tmp_path / "j.txt"
    journal.write_text("[2020-03-01 09:00] One.\n")
    assert "Imported 1 entry (0 to-dos) into 1 day." in run("import", "jrnl", str(journal)).out
    again = run("import", "jrnl", str(journal)).out
    assert "Already in the log, not added again: 1 entry." in again


NOTE_BODY = [
    "Some prose with a [link](https://example.org) and *emphasis*.",
    "",
    "## A heading",
    "> a quote",
    "",
    "| a | b |",
    "| --- | --- |",
    "| 1 | 2 |",
    "",
    "```r",
    "x <- rnorm(10)",
    "",
    "  if (x) {",
    "- [ ] not a task",
    "```",
    "<div class=\"note\">",
    "  <p>html over lines</p>",
    "</div>",
    "- a list item",
    "    - nested under it",
]


def test_body_lines_keep_the_note_as_written() -> None:
    assert body_lines(NOTE_BODY) == [
        "  Some prose with a [link](https://example.org) and *emphasis*.",
        "  ## A heading",
        "  > a quote",
        "  | a | b |",
        "  | --- | --- |",
        "  | 1 | 2 |",
        "  ```r",
        "  x <- rnorm(10)",
        "",
        "    if (x) {",
        "  - [ ] not a task",
        "  ```",
        '  <div class="note">',
        "    <p>html over lines</p>",
        "  </div>",
        "  - a list item",
        "      - nested under it",
    ]
    assert body_lines(["```", "open", "", ""]) == ["  ```", "  open", "  ```"]  # closed where it ends


def test_imported_body_parses_back_as_one_entry_with_its_code(log_dir: Path) -> None:
    item = ImportItem(dt.date(2020, 3, 2), "A note", body=NOTE_BODY, origin="n.md")
    report = apply(Log(log_dir), Reading([item, ImportItem(dt.date(2020, 3, 2), "Next")], []), "markdown",
                   TODAY)
    assert report.entries == 2
    page = markdown.parse(day_file(log_dir, "2020-03-02").read_text(encoding="utf-8"))
    note, nxt = page.section("done").entries  # type: ignore[union-attr]
    assert note.end - note.index == 1 + len(body_lines(NOTE_BODY))
    assert [c.text for c in note.children] == ["a list item"]  # "- [ ] not a task" is code
    assert nxt.text == "Next [imported:: markdown]"
    fenced = [markdown.line_body(page, i) for i in range(note.index, note.end) if markdown.opaque_lines(page)[i]]
    assert fenced == ["  ```r", "  x <- rnorm(10)", "", "    if (x) {", "  - [ ] not a task", "  ```"]


def test_a_bad_later_page_stops_the_import_before_any_write(log_dir: Path) -> None:
    good = day_file(log_dir, "2020-03-01")
    good.parent.mkdir(parents=True)
    good.write_text("## What was done\n- mine\n", encoding="utf-8")
    bad = day_file(log_dir, "2020-03-05")
    bad.write_bytes(b"## What was done\n- caf\xe9\n")
    before = {p: p.read_bytes() for p in (log_dir / "days").rglob("*") if p.is_file()}
    reading = Reading([ImportItem(dt.date(2020, 3, d), f"item {d}") for d in (1, 2, 5, 6)], [])
    with pytest.raises(PageError) as caught:
        apply(Log(log_dir), reading, "jrnl", TODAY)
    assert "2020-03-05.md is not valid UTF-8 (byte 22)" in caught.value.message
    assert {p: p.read_bytes() for p in (log_dir / "days").rglob("*") if p.is_file()} == before  # nor .tmp


def test_the_cli_names_the_bad_page_and_writes_nothing(run, clock, tmp_path: Path, log_dir: Path) -> None:  # type: ignore[no-untyped-def]
    bad = day_file(log_dir, "2020-03-02")
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"\xff\xfe")
    journal = tmp_path / "j.txt"
    journal.write_text("[2020-03-01 09:00] One.\n\n[2020-03-02 10:00] Two.\n\n[2020-03-03 09:00] Three.\n")
    result = run("import", "jrnl", str(journal))
    assert result.code == 1
    assert result.err.startswith("reslog: ") and "2020-03-02.md is not valid UTF-8 (byte 0)" in result.err
    assert sorted(p.name for p in (log_dir / "days" / "2020").iterdir()) == ["2020-03-02.md"]


_FULL_DISK = """
import datetime as dt, resource, signal, sys
from reslog.importers.base import ImportItem, Reading, apply
from reslog.store import Log
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))
items = [ImportItem(dt.date(2020, 3, 1), "small"), ImportItem(dt.date(2020, 3, 2), "small too"),
         ImportItem(dt.date(2020, 3, 3), "big", body=["x" * 80] * 100)]
try:
    apply(Log(sys.argv[1]), Reading(items, []), "jrnl", dt.date(2026, 11, 26))
except Exception as exc:
    print(type(exc).__name__, exc)
"""


def test_a_failed_write_changes_no_page_and_leaves_no_temporary_file(log_dir: Path) -> None:
    """A real process whose file size limit makes the third page's write fail (as a full disk)."""
    first = day_file(log_dir, "2020-03-01")
    first.parent.mkdir(parents=True)
    first.write_text("## What was done\n- mine\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(markdown.__file__).parent.parent)}
    done = subprocess.run([sys.executable, "-c", _FULL_DISK, str(log_dir)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.stdout.startswith("LogError cannot use the log folder"), done.stdout + done.stderr
    assert "File too large" in done.stdout
    assert sorted(p.name for p in (log_dir / "days").rglob("*")) == ["2020", "2020-03-01.md"]
    assert first.read_text(encoding="utf-8") == "## What was done\n- mine\n"
