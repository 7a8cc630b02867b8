"""Carry-over: open to-dos move to the next page once, with their history."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown
from reslog.store import Log

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]

FRIDAY = (
    "---\ndate: 2026-11-20\n---\n# Friday 20 November 2026\n\n"
    "## What to do next\n"
    "- [ ] Rerun the sweep #w2s [est:: 2h]\n"
    "  - thought: use lr=3e-4 this time\n"
    "- [x] Read the paper [took:: 45m]\n"
    "- [ ] Email Yitao [carried:: 2026-11-18]\n"
    "- [-] Dropped idea\n"
    "\n## What was done\n- 09:00 exp: something\n"
    "- [ ] a to-do written among the notes\n"
)


def _write(log: Path, day: str, text: str) -> Path:
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_carry_over_across_a_weekend_gap(run: Run, clock: Clock, log_dir: Path) -> None:
    friday = _write(log_dir, "2026-11-20", FRIDAY)
    clock.set("2026-11-23T08:30")  # Monday
    assert run("did", "monday start").code == 0
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert (
        "## What to do next\n"
        "- [ ] Rerun the sweep #w2s [est:: 2h] [carried:: 2026-11-20]\n"
        "  - thought: use lr=3e-4 this time\n"
        "- [ ] Email Yitao [carried:: 2026-11-18]\n"
        "- [ ] a to-do written among the notes [carried:: 2026-11-20]\n\n"
    ) in monday
    assert friday.read_text(encoding="utf-8") == (
        FRIDAY.replace("- [ ] Rerun", "- [>] Rerun")
        .replace("- [ ] Email", "- [>] Email")
        .replace("- [ ] a to-do", "- [>] a to-do")
    )


def test_a_full_disk_after_the_new_page_is_written_says_the_capture_is_saved(
    run: Run, clock: Clock, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new day's page (entry and carried to-dos) was written, then marking the old page failed
    on a full disk: the capture said it failed and to run it again, which wrote the entry twice."""
    import errno

    from reslog import store

    friday = _write(log_dir, "2026-11-20", FRIDAY)
    clock.set("2026-11-23T08:30")
    real = store.atomic_write

    def full_for_the_old_page(path: Path | str, data: bytes) -> None:
        if str(path).endswith("2026-11-20.md"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)

    monkeypatch.setattr(store, "atomic_write", full_for_the_old_page)
    result = run("did", "monday start")
    assert result.code == 0, result
    assert result.err == ("reslog: saved; but marking the to-dos carried from days/2026/2026-11-20.md failed "
                          "(No space left on device); the next reslog command marks them\n")
    assert friday.read_text(encoding="utf-8") == FRIDAY
    monkeypatch.setattr(store, "atomic_write", real)
    assert run("todos").code == 0  # the next command: marked on Friday's page, not copied again
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert monday.count("monday start") == 1 and monday.count("Rerun the sweep") == 1
    assert "- [>] Rerun the sweep" in friday.read_text(encoding="utf-8")


def test_carry_over_happens_once(run: Run, clock: Clock, log_dir: Path) -> None:
    _write(log_dir, "2026-11-20", FRIDAY)
    clock.set("2026-11-23T08:30")
    for text in ("one", "two", "three"):
        assert run("did", text).code == 0
    assert run("todos").code == 0
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert monday.count("Rerun the sweep") == 1
    assert monday.count("use lr=3e-4") == 1


def test_chain_keeps_first_day_and_waiting_time(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-23T09:00")
    run("todo", "Write the related-work section", "--est", "3h")
    for day in ("2026-11-24", "2026-11-25", "2026-11-27"):
        clock.set(f"{day}T09:00")
        assert run("todos").code == 0
    last = markdown.parse(day_file(log_dir, "2026-11-27").read_text(encoding="utf-8"))
    (task,) = last.tasks()
    assert task.field("carried") == "2026-11-23"
    assert task.is_open
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        (old,) = markdown.parse(day_file(log_dir, day).read_text(encoding="utf-8")).tasks()
        assert old.state == ">"
    listing = run("todos").out
    assert "waiting 4 days since 2026-11-23" in listing


def test_no_carry_into_a_backdated_or_future_page(run: Run, clock: Clock, log_dir: Path) -> None:
    _write(log_dir, "2026-11-20", FRIDAY)
    _write(log_dir, "2026-11-26", "## What to do next\n")
    clock.set("2026-11-26T09:00")
    run("did", "backfill", "--date", "2026-11-23")
    run("did", "plan", "--date", "2026-12-01")
    assert "carried" not in day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert "carried" not in day_file(log_dir, "2026-12-01").read_text(encoding="utf-8")
    assert day_file(log_dir, "2026-11-20").read_text(encoding="utf-8") == FRIDAY


def test_a_to_do_that_will_not_move_to_today_says_so(run: Run, clock: Clock, log_dir: Path) -> None:
    """A to-do written on a day with a later page before today stays there for good (to-dos move
    only from the latest page): the capture said only where it wrote it, and the to-do was never
    on today's list. It says so now; one on the latest page moves, and is not warned about."""
    clock.set("2026-12-04T09:00")
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        assert run("did", "x", "--date", day).code == 0
    run("today")
    stays = run("todo", "added to tuesday", "--date", "2026-12-01")
    assert stays.code == 0 and stays.out == "What to do next: days/2026/2026-12-01.md:7\n"
    assert stays.err == ("reslog: 2026-12-01 is not your latest page, so this to-do stays on that day and "
                         "does not move to today's list; 'reslog todo TEXT' puts it on today's\n")
    moves = run("todo", "added yesterday", "--date", "yesterday")
    assert moves.code == 0 and moves.err == ""
    listed = run("todos").out
    assert "added yesterday" in listed and "added to tuesday" not in listed
    assert run("todo", "planned", "--date", "2026-12-07").err == ""  # a plan: it waits for its day
    assert run("todo", "today's").err == ""


def test_nothing_to_carry_leaves_the_old_page_untouched(log_dir: Path) -> None:
    path = _write(log_dir, "2026-11-20", "## What to do next\n- [x] done\n")
    before = path.stat().st_mtime_ns
    Log(log_dir).update_day(dt.date(2026, 11, 21), dt.date(2026, 11, 21))
    assert path.stat().st_mtime_ns == before


_RACE = """
import datetime as dt, sys
from pathlib import Path
from reslog.capture import Capture, add_entry
from reslog.store import Log
day = dt.date(2026, 11, 23)
add_entry(Log(Path(sys.argv[1])), day, day, "done", Capture(f"from {sys.argv[2]}", time="09:00"))
"""


def test_simultaneous_first_captures_carry_once(log_dir: Path) -> None:
    _write(log_dir, "2026-11-20", FRIDAY)
    procs = [
        subprocess.Popen([sys.executable, "-c", _RACE, str(log_dir), str(n)]) for n in range(8)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * 8
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert monday.count("Rerun the sweep") == 1
    assert monday.count("Email Yitao") == 1
    assert sorted(line for line in monday.splitlines() if "from " in line) == [
        f"- 09:00 from {n}" for n in range(8)
    ]
    friday = day_file(log_dir, "2026-11-20").read_text(encoding="utf-8")
    assert friday.count("- [>]") == 3 and "- [ ]" not in friday


def test_a_page_made_before_its_day_still_receives_the_open_to_dos(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    clock.set("2026-11-23T09:00")
    assert run("todo", "Rerun the sweep").code == 0
    assert run("todo", "Book the room", "--date", "2026-11-24").code == 0  # a plan for tomorrow
    clock.set("2026-11-24T09:00")
    assert run("did", "tuesday start").code == 0
    tuesday = day_file(log_dir, "2026-11-24").read_text(encoding="utf-8")
    assert "- [ ] Book the room\n" in tuesday
    assert "- [ ] Rerun the sweep [carried:: 2026-11-23]\n" in tuesday
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert "- [>] Rerun the sweep\n" in monday and "- [ ]" not in monday
    # a to-do added to the earlier page afterwards moves on at the next command too
    assert run("todo", "Reply to the reviewers", "--date", "2026-11-23").code == 0
    assert run("todos").code == 0
    tuesday = day_file(log_dir, "2026-11-24").read_text(encoding="utf-8")
    assert tuesday.count("Rerun the sweep") == 1
    assert "- [ ] Reply to the reviewers [carried:: 2026-11-23]\n" in tuesday


def test_a_page_made_in_an_editor_receives_the_open_to_dos(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    _write(log_dir, "2026-11-20", FRIDAY)
    monday = _write(log_dir, "2026-11-23", "# Monday\n\n## What was done\n- 08:00 coffee\n")
    clock.set("2026-11-23T09:00")
    assert run("today").code == 0
    text = monday.read_text(encoding="utf-8")
    assert text.startswith("# Monday\n\n## What to do next\n- [ ] Rerun the sweep")
    assert text.endswith("\n## What was done\n- 08:00 coffee\n")
    assert "- [ ] Rerun the sweep #w2s [est:: 2h] [carried:: 2026-11-20]\n" in text
    assert "- [ ] Email Yitao [carried:: 2026-11-18]\n" in text


def test_a_carry_cut_short_is_finished_without_copying_twice(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    # The day's page was written, then the process died before marking the old page.
    friday = _write(log_dir, "2026-11-20", FRIDAY)
    _write(log_dir, "2026-11-23", (
        "## What to do next\n"
        "- [x] Rerun the sweep #w2s [est:: 2h] [carried:: 2026-11-20] [took:: 1h]\n"
        "  - thought: use lr=3e-4 this time\n"
        "- [ ] Email Yitao [carried:: 2026-11-18]\n"
        "- [ ] a to-do written among the notes [carried:: 2026-11-20]\n"
    ))
    clock.set("2026-11-23T10:00")
    assert run("did", "monday").code == 0
    monday = day_file(log_dir, "2026-11-23").read_text(encoding="utf-8")
    assert monday.count("Rerun the sweep") == 1
    assert monday.count("Email Yitao") == 1
    assert monday.count("a to-do written among the notes") == 1
    assert "- [ ]" not in friday.read_text(encoding="utf-8")


def _unreadable_yesterday(log: Path, how: str) -> Path:
    """Yesterday's page (2026-11-25), with an open to-do, made unreadable ``how``."""
    path = _write(log, "2026-11-25", "## What to do next\n- [ ] still open\n")
    if how == "bytes":
        path.write_bytes(b"## What to do next\n- [ ] caf\xe9 in latin-1\n")
    elif how == "permissions":
        if os.geteuid() == 0:
            pytest.skip("root reads a file whatever its permissions")
        path.chmod(0o000)
    else:  # a folder where the page should be
        path.unlink()
        path.mkdir()
    return path


@pytest.mark.parametrize(("how", "reason"), [
    ("bytes", "(not valid UTF-8, byte 28)"),
    ("permissions", "(cannot read it: Permission denied)"),
    ("folder", "(a folder, not a page)"),
])
def test_unreadable_earlier_page_does_not_stop_a_capture(
    run: Run, clock: Clock, log_dir: Path, how: str, reason: str
) -> None:
    path = _unreadable_yesterday(log_dir, how)
    before = path.read_bytes() if path.is_file() and how != "permissions" else None
    mode = path.stat().st_mode
    result = run("did", "logged anyway")
    assert result.code == 0, result.err
    assert "logged anyway" in day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    assert result.err == (
        f"reslog: could not carry to-dos over from days/2026/2026-11-25.md {reason}, so "
        "days/2026/2026-11-26.md starts without them; fix that page, and its open to-dos move "
        "over at the next reslog command\n"
    )
    assert path.stat().st_mode == mode
    if before is not None:
        assert path.read_bytes() == before
    # the notice is given once, when today's page is made
    again = run("did", "and again")
    assert again.code == 0 and again.err == ""
    if how == "permissions":
        path.chmod(0o644)
    # once the page is fixed, its open to-do moves over at the next command
    if path.is_dir():
        path.rmdir()
    path.write_text("## What to do next\n- [ ] still open\n", encoding="utf-8")
    assert run("todos").code == 0
    assert "- [ ] still open [carried:: 2026-11-25]" in day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    assert path.read_text(encoding="utf-8") == "## What to do next\n- [>] still open\n"


def test_unreadable_earlier_page_with_the_library(log_dir: Path) -> None:
    """Without the CLI the notice is dropped; the page is made and the old one kept."""
    path = _unreadable_yesterday(log_dir, "bytes")
    before = path.read_bytes()
    page = Log(log_dir).update_day(dt.date(2026, 11, 26), dt.date(2026, 11, 26))
    assert page.tasks() == []
    assert day_file(log_dir, "2026-11-26").is_file()
    assert path.read_bytes() == before


def test_a_to_do_written_again_after_its_copy_was_done_reaches_today(
    run: Run, clock: Clock, log_dir: Path,
) -> None:
    """The weekly report, done today as a carried to-do, written again on yesterday's page: it was
    marked carried there and reached no list (the done copy counted as the carry's own)."""
    clock.set("2026-11-30T09:00")
    assert run("todo", "Write the weekly report").code == 0
    clock.set("2026-12-01T09:00")
    assert run("done", "1").code == 0
    clock.set("2026-12-01T18:00")
    assert run("todo", "--date", "yesterday", "Write the weekly report").code == 0
    clock.set("2026-12-01T18:01")
    listing = run("todos")
    assert "Write the weekly report" in listing.out, listing.out
    today = markdown.parse(day_file(log_dir, "2026-12-01").read_text(encoding="utf-8")).tasks()
    assert [(t.state, t.text) for t in today] == [
        ("x", "Write the weekly report [carried:: 2026-11-30]"),
        (" ", "Write the weekly report [carried:: 2026-11-30]"),
    ]
