"""Entries in time order: a backfill with --time lands at its place in the section."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reslog import markdown

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]


def _done(log: Path) -> list[str]:
    page = markdown.parse(day_file(log, "2026-11-26").read_text(encoding="utf-8"))
    section = page.section("done")
    assert section is not None
    return [markdown.line_body(page, i) for i in range(section.index + 1, section.end) if page.lines[i].strip()]


def test_a_backfill_goes_before_later_entries(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-26T14:00")
    run("did", "lunch talk")
    run("did", "-", stdin="afternoon run\nwith a nested line\n")
    result = run("exp", "morning sweep", "--time", "09:30")
    assert result.out == "What was done: days/2026/2026-11-26.md:9\n"
    run("did", "coffee", "--time", "14:00")  # same time: after the ones already there
    run("did", "untimed", "--time", "08:00")
    assert _done(log_dir) == [
        "- 08:00 untimed",
        "- 09:30 exp: morning sweep",
        "- 14:00 lunch talk",
        "- 14:00 afternoon run",
        "  - with a nested line",
        "- 14:00 coffee",
    ]


def test_todos_keep_their_numbers(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "late", "--time", "15:00")
    run("todo", "early", "--time", "08:00")
    page = markdown.parse(day_file(log_dir, "2026-11-26").read_text(encoding="utf-8"))
    assert [t.text for t in page.tasks()] == ["late", "early"]


def test_entries_without_a_time_stay_where_they_are(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-26")
    run("did", "first", "--time", "09:00")
    path.write_text(path.read_text().replace("- 09:00 first\n", "- 09:00 first\n- no time\n- 12:00 noon\n"))
    run("did", "ten", "--time", "10:00")
    assert _done(log_dir) == ["- 09:00 first", "- no time", "- 10:00 ten", "- 12:00 noon"]
