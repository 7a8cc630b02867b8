"""Mistakes fixable from the shell: reopen, defer, stop --at, start as a switch, long timers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown, tasks
from reslog.errors import LongTimerError, TodoError
from reslog.store import Log

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]
DAY = "2026-11-26"


def _tasks(log: Path, day: str = DAY) -> list[markdown.Entry]:  # type: ignore[name-defined]
    return markdown.parse(day_file(log, day).read_text(encoding="utf-8")).tasks()


def test_reopen_puts_a_done_or_dropped_todo_back(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write", "--est", "1h")
    run("todo", "read")
    run("done", "1", "--took", "30m")
    run("drop", "2")
    result = run("reopen", "1")
    assert result.code == 0 and result.out == "Reopened: 1 write [est:: 1h] [took:: 30m]\n"
    assert run("reopen", "2").code == 0
    assert [(t.state, t.field("took")) for t in _tasks(log_dir)] == [(" ", "30m"), (" ", None)]
    again = run("reopen", "2")
    assert again.code == 1 and again.err == "reslog: to-do 2 on 2026-11-26 is open already\n"


@pytest.mark.parametrize(("state", "command", "message"), [
    ("x", "done", "is done already; nothing changed ('reslog reopen 1' opens it again)"),
    ("-", "drop", "is dropped already; nothing changed ('reslog reopen 1' opens it again)"),
    ("x", "drop", "is done, and only open to-dos can be dropped; open it again with 'reslog reopen 1' first"),
    ("-", "defer", "is dropped, and only open to-dos can be deferred; open it again with 'reslog reopen 1' "
     "first"),
    ("-", "start", "is dropped, and only open to-dos can be timed; open it again with 'reslog reopen 1' first"),
    ("?", "done", "is marked [?], which reslog does not change; edit the page with 'reslog edit'"),
    ("?", "start", "is marked [?], which reslog does not change; edit the page with 'reslog edit'"),
])
def test_a_todo_that_is_not_open_is_refused_saying_its_state_once(
    run: Run, clock: Clock, log_dir: Path, state: str, command: str, message: str,
) -> None:
    path = day_file(log_dir, DAY)
    path.parent.mkdir(parents=True)
    path.write_text(f"## What to do next\n- [{state}] write\n", encoding="utf-8")
    result = run(command, "1")
    assert result.code == 1
    assert result.err == f"reslog: to-do 1 on {DAY} {message}\n"


def test_a_refusal_on_another_day_names_that_day_in_its_hint(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-25")
    path.parent.mkdir(parents=True)
    path.write_text("## What to do next\n- [x] write\n", encoding="utf-8")
    result = run("done", "1", "--date", "2026-11-25")
    assert result.err == ("reslog: to-do 1 on 2026-11-25 is done already; nothing changed "
                          "('reslog reopen 1 --date 2026-11-25' opens it again)\n")


def test_a_carried_copy_is_refused_pointing_at_its_later_page(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-25T09:00")
    run("todo", "carried one")
    clock.set("2026-11-26T09:00")
    run("today")  # carries it: the 25th keeps a [>] copy
    result = run("drop", "1", "--date", "2026-11-25")
    assert result.err == ("reslog: to-do 1 on 2026-11-25 was carried to a later page ([>]); act on it there "
                          "(see 'reslog todos')\n")


def test_reopen_in_the_core_refuses_a_deferred_copy(clock: Clock, log_dir: Path) -> None:
    log = Log(log_dir)
    from reslog.capture import Capture, add_entry

    add_entry(log, dt.date(2026, 11, 25), dt.date(2026, 11, 25), "todo", Capture("carried one"))
    log.update_day(dt.date(2026, 11, 26), dt.date(2026, 11, 26))  # carries it
    with pytest.raises(TodoError, match="deferred"):
        tasks.reopen(log, dt.date(2026, 11, 25), dt.date(2026, 11, 26), 1)


def test_defer_hides_a_todo_until_its_day(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write")
    run("todo", "read the paper")
    result = run("defer", "2", "--to", "2026-11-30")
    assert result.code == 0, result.err
    assert result.out == "Deferred: 2 read the paper, to Monday 30 November 2026\n"
    assert _tasks(log_dir)[1].field("scheduled") == "2026-11-30"
    listing = run("todos").out
    assert "read the paper" not in listing.splitlines()[0]
    assert "1 to-do deferred to a later day (see --all)" in listing
    assert "deferred to Monday 30 November" in run("todos", "--all").out
    clock.set("2026-11-30T08:00")
    assert "read the paper" in run("todos").out  # carried every day, shown again on its day


def test_defer_defaults_to_tomorrow_and_refuses_the_past(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write")
    assert run("defer", "1").out == "Deferred: 1 write, to Friday 27 November 2026\n"
    past = run("defer", "1", "--to", "yesterday")
    assert past.code == 2 and "give a day after today" in past.err


def test_defer_refusal_hints_from_today_not_a_fixed_date(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write")
    clock.set("2027-03-10T09:00")  # a hint written as a calendar date would be in the past by now
    past = run("defer", "1", "--to", "2027-03-01")
    assert past.code == 2
    assert past.err == ("reslog: cannot defer to 2027-03-01: give a day after today (2027-03-10), such as "
                        "tomorrow, 'next monday' or a later YYYY-MM-DD\n")
    clock.set("2026-11-27T08:00")
    assert run("todos").out.startswith("  1 [ ] write")


def test_stop_at_a_time(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write")
    clock.set("2026-11-26T10:00")
    run("start", "1")
    clock.set("2026-11-26T18:30")
    result = run("stop", "--at", "11:15")
    assert result.code == 0, result.err
    assert result.out == "Stopped: 1 at 11:15, after 1h15m (took 1h15m in all)\n"
    assert _tasks(log_dir)[0].field("took") == "1h15m"


def test_stop_at_a_time_before_the_start_or_not_yet_come(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write")
    clock.set("2026-11-26T10:00")
    run("start", "1")
    clock.set("2026-11-26T10:30")
    before = day_file(log_dir, DAY).read_text()
    early = run("stop", "--at", "09:00")
    assert early.code == 2
    assert early.err == ("reslog: the timer of to-do 1 started at 10:00; give a time after it "
                         "('reslog stop --at 10:00' counts no time at all)\n")  # not 'drop', which abandons it
    bad = run("stop", "--at", "25:00")
    assert bad.code == 2
    assert day_file(log_dir, DAY).read_text() == before
    assert run("stop", "--at", "10:00").code == 0  # what the message says works
    (task,) = markdown.parse(day_file(log_dir, DAY).read_text()).tasks()
    assert task.is_open and task.field("started") is None


def test_stop_at_a_time_across_midnight(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-26T23:00")
    run("todo", "late")
    run("start", "1")
    clock.set("2026-11-27T09:00")
    assert run("stop", "--at", "00:30").out == "Stopped: 1 at 00:30, after 1h30m (took 1h30m in all)\n"
    clock.set("2026-11-27T10:00")
    run("start", "1")
    clock.set("2026-11-28T08:00")  # forgot it all night: stopped at 18:00 the day before
    assert "after 8h" in run("stop", "--at", "18:00").out


def test_start_on_a_second_todo_switches(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "a")
    run("todo", "b")
    run("start", "1")
    clock.set("2026-11-26T09:52")
    result = run("start", "2")
    assert result.code == 0, result.err
    assert result.out == "Stopped: 1 after 40m (took 40m in all)\nStarted 09:52: 2 b\n"
    first, second = _tasks(log_dir)
    assert first.field("took") == "40m" and first.field("started") is None
    assert second.field("started") == "2026-11-26T09:52:00"
    same = run("start", "2")
    assert same.code == 1 and same.err == "reslog: to-do 2 is already running since 09:52\n"


def test_a_timer_past_eight_hours_asks_before_it_counts(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "a")
    run("start", "1")
    clock.set("2026-11-26T18:52")
    before = day_file(log_dir, DAY).read_text()
    result = run("stop")
    assert result.code == 1
    assert result.err == (
        "reslog: to-do 1 has been running for 9h40m, since 09:12; if that is right, "
        "'reslog stop --yes', else 'reslog stop --at HH:MM' with the time you stopped\n"
    )
    assert day_file(log_dir, DAY).read_text() == before
    done = run("done", "1")
    assert done.code == 1 and "'reslog done 1 --yes'" in done.err
    assert run("stop", "--yes").out == "Stopped: 1 after 9h40m (took 9h40m in all)\n"


def test_a_long_timer_in_the_core_raises_with_the_figures(clock: Clock, log_dir: Path) -> None:
    log = Log(log_dir)
    day = dt.date(2026, 11, 26)
    from reslog.capture import Capture, add_entry

    add_entry(log, day, day, "todo", Capture("a"))
    tasks.start(log, day, 1, dt.datetime(2026, 11, 26, 8, 0))
    with pytest.raises(LongTimerError) as raised:
        tasks.stop(log, day, dt.datetime(2026, 11, 26, 17, 0))
    assert (raised.value.number, raised.value.minutes) == (1, 540)
    result = tasks.stop(log, day, dt.datetime(2026, 11, 26, 17, 0), confirm=True)
    assert result.minutes == 540


def test_status_reads_like_a_sentence(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write", "--est", "1h")
    clock.set("2026-11-26T03:11")
    run("start", "1")
    clock.set("2026-11-26T03:51")
    assert run("status").out == "Running: 1 write [est:: 1h] — 40m, since 03:11\n"
    assert "timer running since 03:11" in run("todos").out
    assert "started::" not in run("todos").out
    clock.set("2026-11-27T01:11")
    assert run("status").out == "Running: 1 write [est:: 1h] — 22h, since yesterday 03:11\n"
