"""``reslog stats habits``: days, streaks, time of day and level mix, on a log whose answers are known."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reslog.analytics import data, habits
from reslog.store import Log

from .test_stats_time import check_plot, write_day

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    # 20, 21, 22 (a 3-day streak), 23 only free text (not logged), 24, 25 (the current streak: today,
    # the 26th, has no entry yet), and 10 November alone.
    write_day(log_dir, "2026-11-10", "## What was done\n- 21:30 late note\n")
    write_day(log_dir, "2026-11-20", (
        "## What to do next\n- [ ] plan the sweep\n\n"
        "## What was done\n- 09:12 exp: W2S on GPT-2\n  - thought: imitation?\n  - result: 0.3 gain\n"
        "- 09:40 bug: off-by-one\n\n"
        "## Random ideas\n- 14:05 use tools in reward models\n\n"
        "## Reflection\n- 18:00 good morning block\n  - more of that\n"
    ))
    write_day(log_dir, "2026-11-21", "## What was done\n- 9:05 decision: drop the baseline, too slow\n")
    write_day(log_dir, "2026-11-22", "## What was done\n- 14:30 read: a paper\n")
    write_day(log_dir, "2026-11-23", "Only free text today.\n")
    write_day(log_dir, "2026-11-24", "## What was done\n- 09:59 fix: the loader\n")
    write_day(log_dir, "2026-11-25", "## What to do next\n- [x] write the report\n")
    return data.load(Log(log_dir), TODAY)


def test_days_and_streaks(known: data.Data) -> None:
    result = habits.compute(known)
    days = result["days"]
    assert (days["logged"], days["first"], days["last"], days["span"]) == (6, "2026-11-10", "2026-11-25", 16)
    assert days["share"] == 0.375
    assert [c["date"] for c in days["citations"]] == [
        "2026-11-10", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-24", "2026-11-25"]
    streaks = result["streaks"]
    assert streaks["count"] == 3
    longest = streaks["longest"]
    assert (longest["days"], longest["start"], longest["end"]) == (3, "2026-11-20", "2026-11-22")
    assert [c["text"] for c in longest["citations"]] == [
        "plan the sweep", "drop the baseline, too slow", "a paper"]
    current = streaks["current"]
    assert (current["days"], current["start"], current["end"]) == (2, "2026-11-24", "2026-11-25")


def test_a_window_is_the_span_of_its_share(known: data.Data, log_dir: Path) -> None:
    """With --since/--until, the share of days logged was of the span from the first logged day to
    the last ("7 days logged of 15" for a three-week window): it is of the window, up to today."""
    window = data.load(Log(log_dir), TODAY, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    days = habits.compute(window)["days"]
    assert (days["logged"], days["first"], days["last"]) == (5, "2026-11-20", "2026-11-25")
    assert (days["from"], days["to"], days["span"], days["share"]) == ("2026-11-16", "2026-11-26", 11, 0.455)
    assert "on 5 of 11 days (46%) from 2026-11-16 to 2026-11-26." in habits.render(habits.compute(window))[0]


def test_a_month_without_entries_is_a_month_of_zeros(known: data.Data, log_dir: Path) -> None:
    """The chart joined the months either side of a month with no entry, drawing entries into it."""
    write_day(log_dir, "2026-08-03", "## What was done\n- 10:00 early note\n")
    months = habits.compute(data.load(Log(log_dir), TODAY))["by_month"]
    assert [(m["month"], m["level0"] + m["level1"] + m["level2"], m["days"]) for m in months] == [
        ("2026-08", 1, 1), ("2026-09", 0, 0), ("2026-10", 0, 0), ("2026-11", 10, 6)]


def test_current_streak_is_broken_after_a_missed_day(known: data.Data) -> None:
    later = data.Data(known.log, known.entries, known.todos, known.ratings, dt.date(2026, 11, 27))
    assert habits.compute(later)["streaks"]["current"]["days"] == 0
    on_the_day = data.Data(known.log, known.entries, known.todos, known.ratings, dt.date(2026, 11, 25))
    assert habits.compute(on_the_day)["streaks"]["current"]["days"] == 2


def test_time_of_day_and_weekdays(known: data.Data) -> None:
    result = habits.compute(known)
    hours = result["by_hour"]
    counts = {h["hour"]: h["n"] for h in hours["hours"] if h["n"]}
    assert counts == {9: 4, 14: 2, 18: 1, 21: 1}
    assert hours["timed"] == 8 and hours["peak_hour"] == 9
    assert hours["untimed"]["n"] == 2
    assert [c["text"] for c in hours["untimed"]["citations"]] == ["plan the sweep", "write the report"]
    assert [c["text"] for c in hours["hours"][14]["citations"]] == ["use tools in reward models", "a paper"]
    weekdays = {w["weekday"]: (w["days"], w["n"]) for w in result["by_weekday"]}
    # 10 Nov Tue, 20 Fri, 21 Sat, 22 Sun, 24 Tue, 25 Wed
    assert weekdays == {"Monday": (0, 0), "Tuesday": (2, 2), "Wednesday": (1, 1), "Thursday": (0, 0),
                        "Friday": (1, 5), "Saturday": (1, 1), "Sunday": (1, 1)}


def test_level_mix(known: data.Data) -> None:
    levels = habits.compute(known)["levels"]
    entries = levels["entries"]
    # level 0: late note, plan, exp, bug, read, fix, report; level 1: idea, decision; level 2: reflection
    assert (entries["level0"], entries["level1"], entries["level2"], entries["total"]) == (7, 2, 1, 10)
    assert entries["shares"] == [0.7, 0.2, 0.1]
    assert entries["reasoning_per_fact"] == round(3 / 7, 3)
    assert [c["text"] for c in entries["citations"][2]] == ["good morning block"]
    nested = levels["with_nested"]
    # + the exp's two nested lines (level 1) and the reflection's nested line (level 2)
    assert (nested["level0"], nested["level1"], nested["level2"], nested["nested_lines"]) == (7, 4, 2, 3)
    assert nested["reasoning_per_fact"] == round(6 / 7, 3)
    months = habits.compute(known)["by_month"]
    assert [(m["month"], m["level0"], m["level1"], m["level2"], m["days"]) for m in months] == [
        ("2026-11", 7, 2, 1, 6)]


def test_render(known: data.Data) -> None:
    result = habits.compute(known)
    lines = habits.render(result)
    assert lines[:3] == [
        "Habits: 10 entries on 6 of 16 days (38%) from 2026-11-10 to 2026-11-25.",
        "Longest streak: 3 days (2026-11-20 to 2026-11-22).",
        "Current streak: 2 days (since 2026-11-24).",
    ]
    assert "  09:00      4 ##############################" in lines
    # a table of 80 columns or fewer: a sentence a line ran to 110 on a long log
    assert lines[-3:] == [
        "Level mix      level 0  level 1  level 2  reasoning per fact",
        "  entries      7 (70%)  2 (20%)  1 (10%)                0.43",
        "  with nested  7 (54%)  4 (31%)  2 (15%)                0.86",
    ]
    assert max(map(len, lines)) <= 80
    assert json.loads(json.dumps(result)) == result


def test_empty_log(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = habits.compute(data.load(Log(log_dir), TODAY))
    assert result["days"]["logged"] == 0 and result["streaks"]["longest"]["days"] == 0
    assert result["by_hour"]["peak_hour"] is None and result["levels"]["entries"]["shares"] is None
    assert habits.render(result) == ["Habits: no entries logged yet."]
    for name in ("empty.png", "empty.svg"):
        habits.plot(result, tmp_path / name)
        check_plot(tmp_path / name)


@pytest.mark.parametrize("name", ["habits.png", "habits.svg"])
def test_plot(known: data.Data, tmp_path: Path, name: str) -> None:
    habits.plot(habits.compute(known), tmp_path / name)
    check_plot(tmp_path / name)


def test_only_reasoning_counts_as_level_1_among_nested_lines(log_dir: Path) -> None:
    """An imported notebook read as "level 1 6411 (86%)": the nested lines of its notes are R code,
    commit logs and links; and a run's nested cmd:, config:, seeds: lines are details, not thoughts."""
    write_day(log_dir, "2026-11-20", (
        "## What was done\n"
        "- notes #ecology [file:: 2013/notes.md] [imported:: markdown]\n"
        "  - [x] knitcitations slidify\n  - [Litzow et al](http://dx.doi.org/10.1890/12-0670.1)\n"
        "  - thought: a transition needs a state space\n"
        "- 09:12 exp: sweep the lr #w2s\n"
        "  - cmd: python train.py --lr 3e-4\n  - config: configs/w2s.yaml\n  - seeds: 1 / 2 / 3\n"
        "  - reason: does warmup fix the divergence?\n  - maybe the warmup is too short\n"
    ))
    levels = habits.compute(data.load(Log(log_dir), TODAY))["levels"]["with_nested"]
    # level 0: the two entries, the imported note's link and to-do, the run's three details;
    # level 1: the imported note's thought, the run's reason and its plain nested thought
    assert (levels["level0"], levels["level1"], levels["nested_lines"]) == (7, 3, 8)
    from reslog import markdown

    page = markdown.parse((log_dir / "days/2026/2026-11-20.md").read_text(encoding="utf-8"))
    parsed = [c.level for e in page.entries() for c in e.children]
    assert parsed == [0, 0, 1, 0, 0, 0, 1, 1]  # the parser's levels (behind search --level) agree
