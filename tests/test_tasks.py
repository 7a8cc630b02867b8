"""To-dos: numbers, done, drop, and the timer (including across midnight)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reslog import markdown

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]


def _tasks(log: Path, day: str = "2026-11-26") -> list[markdown.Entry]:  # type: ignore[name-defined]
    return markdown.parse(day_file(log, day).read_text(encoding="utf-8")).tasks()


def test_numbers_are_stable_through_the_day(run: Run, clock: Clock, log_dir: Path) -> None:
    for text in ("one", "two", "three"):
        run("todo", text)
    assert run("done", "2", "--took", "45m").code == 0
    listing = run("todos").out.splitlines()
    assert [line.split("]")[-1].strip() for line in listing] == ["one", "three"]
    assert listing[1].lstrip().startswith("3 [ ]")
    assert run("drop", "3").code == 0
    states = [(t.state, t.text) for t in _tasks(log_dir)]
    assert states == [(" ", "one"), ("x", "two [took:: 45m]"), ("-", "three")]
    assert "[x] two" in run("todos", "--all").out


def test_timer_adds_to_took(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write", "--est", "1h")
    clock.set("2026-11-26T10:00")
    assert run("start", "1").code == 0
    assert "[started:: 2026-11-26T10:00:00]" in day_file(log_dir, "2026-11-26").read_text()
    clock.set("2026-11-26T10:40")
    assert run("status").out == "Running: 1 write [est:: 1h] — 40m, since 10:00\n"
    assert run("stop").out == "Stopped: 1 after 40m (took 40m in all)\n"
    clock.set("2026-11-26T11:00")
    run("start", "1")
    clock.set("2026-11-26T11:35")
    assert run("done", "1").code == 0
    (task,) = _tasks(log_dir)
    assert task.state == "x"
    assert markdown.line_body(markdown.parse(day_file(log_dir, "2026-11-26").read_text()), task.index) == (
        "- [x] write [est:: 1h] [took:: 1h15m]"
    )


def test_one_timer_at_a_time(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "a")
    run("todo", "b")
    run("start", "1")
    assert run("start", "1").err == "reslog: to-do 1 is already running since 09:12\n"
    assert run("start", "2").code == 0  # a switch: 1 stops, 2 starts
    assert [t.field("started") is not None for t in _tasks(log_dir)] == [False, True]
    assert run("stop").code == 0
    assert run("stop").code == 1


def test_timer_across_midnight(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-26T23:30")
    run("todo", "late night run")
    run("start", "1")
    clock.set("2026-11-27T00:45")
    assert "1h15m, since yesterday 23:30" in run("status").out
    assert run("stop").out == "Stopped: 1 after 1h15m (took 1h15m in all)\n"
    (today,) = _tasks(log_dir, "2026-11-27")
    assert today.is_open and today.field("took") == "1h15m" and today.field("started") is None
    assert today.field("carried") == "2026-11-26"
    (yesterday,) = _tasks(log_dir, "2026-11-26")
    assert yesterday.state == ">"
    assert run("status").out.startswith("No timer is running")


def test_status_with_no_page_reads_without_writing(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("status").out.startswith("No timer is running")
    assert not (log_dir / "days").exists()


def test_done_with_explicit_took_replaces_measured(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "x")
    run("start", "1")
    clock.set("2026-11-26T10:12")
    assert run("done", "1", "--took", "20m").out == "Done: 1 x (took 20m)\n"
    (task,) = _tasks(log_dir)
    assert task.field("took") == "20m" and task.field("started") is None
    # a time already on the line is replaced, and the message tells only the new one
    run("todo", "y [est:: 30m]")
    run("start", "2")
    clock.set("2026-11-26T10:13")
    run("stop")
    assert run("done", "2", "--took", "50m").out == "Done: 2 y [est:: 30m] (took 50m)\n"


def test_drop_stops_a_running_timer(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "x")
    run("start", "1")
    run("drop", "1")
    (task,) = _tasks(log_dir)
    assert task.state == "-" and task.field("started") is None and task.field("took") is None


def test_timer_across_a_daylight_saving_change(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-10-25T01:30:00+02:00")  # Central European Summer Time
    run("todo", "overnight job", "--date", "2026-10-25")
    assert run("start", "1").code == 0
    clock.set("2026-10-25T02:30:00+01:00")  # an hour of wall clock, two of real time
    assert run("stop").out == "Stopped: 1 after 2h (took 2h in all)\n"
