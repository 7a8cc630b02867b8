"""The supported range of dates, 1900-01-01 to 2199-12-31: captures outside it are refused, a
far-off year asks for --force, and readers skip pages outside it (issue 10, item 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.dates import FIRST_DAY, LAST_DAY

from .conftest import Clock, Result, day_file, log_files, write_day

Run = Callable[..., Result]


def test_the_range() -> None:
    assert (FIRST_DAY.isoformat(), LAST_DAY.isoformat()) == ("1900-01-01", "2199-12-31")


@pytest.mark.parametrize("when", ["0226-11-30", "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01",
                                  "99999999 days ago", "999999999999999999999 days ago"])
def test_captures_outside_the_range_are_refused(run: Run, clock: Clock, log_dir: Path, when: str) -> None:
    run("did", "first")
    before = log_files(log_dir)
    for args in (("did", "x", "--date", when), ("todo", "x", "--date", when, "--force"),
                 ("think", "x", "--date", when)):
        result = run(*args)
        assert result.code == 2, result
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
        assert "outside the dates reslog supports (1900-01-01 to 2199-12-31)" in result.err
    assert log_files(log_dir) == before


@pytest.mark.parametrize("when", ["2062-11-26", "2025-11-20", "1926-11-26"])
def test_a_year_typo_asks_for_force(run: Run, clock: Clock, log_dir: Path, when: str) -> None:
    result = run("did", "x", "--date", when)
    assert result.code == 2
    assert result.err == (
        f"reslog: {when} is more than a year from today (2026-11-26); check the year, "
        "or add --force to write there\n"
    )
    assert log_files(log_dir) == {}
    forced = run("did", "x", "--date", when, "--force")
    assert forced.code == 0
    assert day_file(log_dir, when).exists()


def test_dates_within_a_year_need_no_force(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("todo", "plan", "--date", "2027-11-20").code == 0
    assert run("did", "x", "--date", "2025-11-27").code == 0


OUTSIDE = ["0226-11-30", "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"]
READERS = [
    ("search", "typo"), ("search",), ("search", "--since", "0001-01-01", "--until", "9999-12-31"),
    ("week",), ("week", "2026-11-25"), ("digest", "--since", "0001", "--section", "all"),
    ("export", "json", "-"), ("export", "md", "-"), ("export", "json", "-", "--since", "0001-01-01"),
    ("stats", "time"), ("stats", "bugs"), ("stats", "sources"), ("stats", "focus"), ("stats", "weeks"),
    ("stats", "habits"), ("stats", "habits", "--since", "0001", "--until", "9999"),
    ("ask", "when did I fix the typo?"), ("status",), ("todos",), ("today",), ("reindex", "--no-embed"),
]


@pytest.mark.parametrize("args", READERS)
def test_readers_skip_pages_outside_the_range(run: Run, clock: Clock, log_dir: Path,
                                              args: tuple[str, ...]) -> None:
    (log_dir).mkdir()
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n")
    for day in OUTSIDE:
        write_day(log_dir, day, "## What to do next\n- [ ] typo to-do [est:: 1h]\n## What was done\n"
               "- 10:00 bug: the typo page #w2s\n")
    write_day(log_dir, "2026-11-25", "## What was done\n- 10:00 bug: a typo fixed #w2s\n"
           "- [ ] wait [carried:: not-a-date]\n")
    pages = {day: day_file(log_dir, day).read_bytes() for day in OUTSIDE}
    result = run(*args)
    assert result.code == 0, result
    assert "Traceback" not in result.err
    assert "the typo page" not in result.out and "typo to-do" not in result.out
    if args[0] in ("search", "week", "digest", "export", "stats", "ask", "reindex"):
        assert (
            "reslog: skipped days/0226/0226-11-30.md: its date is outside the dates reslog supports "
            "(1900-01-01 to 2199-12-31); rename the file" in result.err
        )
    assert {day: day_file(log_dir, day).read_bytes() for day in OUTSIDE} == pages


def test_listing_filters_clamp_to_the_range(run: Run, clock: Clock, log_dir: Path) -> None:
    run("did", "inside")
    out = run("search", "--since", "0001-01-01", "--until", "9999-12-31", "--json").out
    assert [hit["text"] for hit in json.loads(out)] == ["inside"]


def test_show_a_date_outside_the_range(run: Run, clock: Clock) -> None:
    result = run("show", "0226-11-30")
    assert result.code == 2 and "outside the dates reslog supports" in result.err


def test_reindex_check_lists_pages_outside_the_range(run: Run, clock: Clock, log_dir: Path) -> None:
    write_day(log_dir, "0226-11-30", "- typo\n")
    run("search", "--mode", "keyword", "typo")
    out = run("reindex", "--check").out
    assert "problem  days/0226/0226-11-30.md: its date is outside the dates reslog supports" in out


def test_garbage_carried_does_not_break_the_week(run: Run, clock: Clock, log_dir: Path) -> None:
    write_day(log_dir, "2026-11-24", "## What to do next\n- [ ] call [carried:: not-a-date]\n"
           "- [ ] mail [carried:: 2026-13-45]\n- [ ] old [carried:: 0001-01-01]\n")
    result = run("week")
    assert result.code == 0, result
    assert result.out.startswith("weeks/2026/2026-W48.md (created)")


@pytest.mark.parametrize("week", ["0226-11-30", "0226-W48", "9999-W01", "2199-12-31"])
def test_a_week_outside_the_range_is_refused(run: Run, clock: Clock, log_dir: Path, week: str) -> None:
    result = run("week", week)
    assert result.code == 2 and "outside the dates reslog supports" in result.err
    assert not (log_dir / "weeks").exists()


def test_carry_over_skips_a_page_outside_the_range(run: Run, clock: Clock, log_dir: Path) -> None:
    typo = write_day(log_dir, "0226-11-25", "## What to do next\n- [ ] written on a typo day\n")
    assert run("todo", "today's").code == 0
    assert typo.read_text() == "## What to do next\n- [ ] written on a typo day\n"
    assert "written on a typo day" not in day_file(log_dir, "2026-11-26").read_text()
    assert run("status").code == 0


@pytest.mark.parametrize(("args", "day", "month"), [
    (("show", "2013-02-30"), "2013-02-30", "February 2013 has 28 days"),
    (("week", "2012-02-30"), "2012-02-30", "February 2012 has 29 days"),
    (("stats", "habits", "--since", "2013-04-31"), "2013-04-31", "April 2013 has 30 days"),
    (("did", "--date", "2013-06-31", "x"), "2013-06-31", "June 2013 has 30 days"),
])
def test_a_day_its_month_does_not_have_is_named(run: Run, clock: Clock, log_dir: Path,
                                                args: tuple[str, ...], day: str, month: str) -> None:
    """``show 2013-02-30`` said "use YYYY-MM-DD", as if the date were written wrong: it is the
    month that has no such day."""
    write_day(log_dir, "2026-11-20", "## What was done\n- a note\n")
    before = log_files(log_dir)
    result = run(*args)
    assert result.code == 2 and result.err == f"reslog: cannot read {day!r} as a date: {month}; check the day\n"
    assert log_files(log_dir) == before
