"""``reslog stats weeks``: the table of weeks and what moves with the rating, on a known log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reslog.analytics import data, weeks
from reslog.store import Log

from .test_stats_time import check_plot, write_day

TODAY = dt.date(2026, 11, 26)


def rate(log: Path, week: str, rating: int) -> None:
    path = log / "weeks" / week[:4] / f"{week}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nrating: {rating}\n---\n# Week {week}\n\n## Reflection\n", encoding="utf-8")


def build(log: Path, ratings: dict[str, int]) -> data.Data:
    # W42 (unrated), W43 nothing, then W44..W47 with ratings 1..4: experiments rise 0, 1, 2, 3 with the
    # rating, bugs fall 3, 2, 1, 0, W47 has a second day (with an idea), and only W44 has to-dos.
    write_day(log, "2026-10-13", "## What was done\n- 10:00 read: an old paper\n")
    write_day(log, "2026-10-27", (
        "## What to do next\n- [x] a #p [est:: 1h] [took:: 2h]\n- [x] b #p [est:: 1h] [took:: 1h]\n"
        "- [-] c\n- [ ] d\n- [>] e\n\n"
        "## What was done\n- 10:00 bug: one\n- 11:00 bug: two\n- 12:00 bug: three\n"
    ))
    write_day(log, "2026-11-03", "## What was done\n- 10:00 exp: one\n- 11:00 bug: one\n- 12:00 bug: two\n")
    write_day(log, "2026-11-10", "## What was done\n- 10:00 exp: one\n- 11:00 exp: two\n- 12:00 bug: one\n")
    write_day(log, "2026-11-17", "## What was done\n- 10:00 exp: one\n- 11:00 exp: two\n- 12:00 exp: three\n")
    write_day(log, "2026-11-19", "## Random ideas\n- 15:00 an idea\n")
    for week, rating in ratings.items():
        rate(log, week, rating)
    return data.load(Log(log), TODAY)


RATED = {"2026-W44": 1, "2026-W45": 2, "2026-W46": 3, "2026-W47": 4}


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    return build(log_dir, RATED)


def test_table_of_weeks(known: data.Data) -> None:
    result = weeks.compute(known)
    rows = {w["week"]: w for w in result["weeks"]}
    assert list(rows) == ["2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    table = [(w["week"], w["start"], w["rating"], w["days_logged"], w["entries"], w["experiments"], w["papers"],
              w["bugs"], w["todo_completion"], w["est_ratio"]) for w in result["weeks"]]
    assert table == [
        ("2026-W42", "2026-10-12", None, 1, 1, 0, 1, 0, None, None),
        ("2026-W43", "2026-10-19", None, 0, 0, 0, 0, 0, None, None),
        ("2026-W44", "2026-10-26", 1, 1, 7, 0, 0, 3, 0.5, 1.5),
        ("2026-W45", "2026-11-02", 2, 1, 3, 1, 0, 2, None, None),
        ("2026-W46", "2026-11-09", 3, 1, 3, 2, 0, 1, None, None),
        ("2026-W47", "2026-11-16", 4, 2, 4, 3, 0, 0, None, None),
    ]
    assert (rows["2026-W44"]["todos_done"], rows["2026-W44"]["todos"]) == (2, 4)
    assert [c["text"] for c in rows["2026-W47"]["citations"]] == ["one", "two", "three", "an idea"]
    assert result["rated_weeks"] == 4 and result["message"] is None


def test_what_moves_with_the_rating(known: data.Data) -> None:
    result = weeks.compute(known)
    found = {c["measure"]: (c["n"], c["spearman"], c["strength"]) for c in result["correlations"]}
    assert found == {
        "experiments": (4, 1.0, "strong positive"),
        "bugs": (4, -1.0, "strong negative"),
        # days 1, 1, 1, 2 (ranks 2, 2, 2, 4) and entries 7, 3, 3, 4 (ranks 4, 1.5, 1.5, 3) against 1..4
        "days_logged": (4, round(3 / 15 ** 0.5, 3), "strong positive"),
        "entries": (4, round(-1.5 / 22.5 ** 0.5, 3), "moderate negative"),
        "papers": (4, None, "no variation"),
        "todo_completion": (1, None, "too few weeks"),
        "est_ratio": (1, None, "too few weeks"),
    }
    assert [c["measure"] for c in result["correlations"]][:2] == ["bugs", "experiments"]
    experiments = next(c for c in result["correlations"] if c["measure"] == "experiments")
    assert [c["date"] for c in experiments["citations"]] == ["2026-10-27", "2026-11-03", "2026-11-10",
                                                              "2026-11-17"]
    lines = weeks.render(result)
    assert lines[0] == "Weeks: 6 weeks, 4 rated."
    # the share of the to-dos done, as a share: a bare "done" over 0.50 read as a count
    assert lines[1] == "      week  rating  days  entries  exps  papers  bugs  % done  took/est"
    assert "  2026-W44       1     1        7     0       0     3     50%      1.50" in lines
    assert max(len(line) for line in lines if "took/est" in line or line.startswith("  20")) <= 80
    assert "What moves with the rating (Spearman, over 4 rated weeks):" in lines
    assert "  experiments             +1.00  n=4    strong positive" in lines
    assert json.loads(json.dumps(result)) == result


def test_spearman_ties() -> None:
    assert weeks.spearman([1, 2, 3], [3, 2, 1]) == -1.0
    assert weeks.spearman([1, 1, 1], [1, 2, 3]) is None
    assert weeks.spearman([1], [2]) is None
    assert weeks.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(0.9486833)


def test_too_few_ratings(log_dir: Path) -> None:
    result = weeks.compute(build(log_dir, {"2026-W44": 1, "2026-W45": 5, "2026-W46": 3}))
    assert result["rated_weeks"] == 3 and result["correlations"] == []
    assert result["message"].startswith("not enough ratings yet to say what moves with the rating: 3 rated")
    assert weeks.render(result)[-1].startswith("Not enough ratings yet")


def test_a_rated_week_without_entries_is_a_row(log_dir: Path) -> None:
    log_dir.mkdir()
    rate(log_dir, "2026-W48", 5)
    result = weeks.compute(data.load(Log(log_dir), TODAY))
    assert [(w["week"], w["rating"], w["entries"], w["citations"]) for w in result["weeks"]] == [
        ("2026-W48", 5, 0, [])]


def test_empty_log(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = weeks.compute(data.load(Log(log_dir), TODAY))
    assert result["weeks"] == [] and result["message"] == "no entries or week ratings yet"
    assert weeks.render(result) == ["Weeks: no entries or week ratings yet."]
    for name in ("empty.png", "empty.svg"):
        weeks.plot(result, tmp_path / name)
        check_plot(tmp_path / name)


@pytest.mark.parametrize("name", ["weeks.png", "weeks.svg"])
def test_plot(known: data.Data, tmp_path: Path, name: str) -> None:
    weeks.plot(weeks.compute(known), tmp_path / name)
    check_plot(tmp_path / name)


def test_since_and_until_leave_out_ratings_of_other_weeks(known: data.Data) -> None:
    scoped = data.load(known.log, TODAY, since=dt.date(2026, 11, 4), until=dt.date(2026, 11, 12))
    result = weeks.compute(scoped)
    assert [(w["week"], w["rating"], w["entries"]) for w in result["weeks"]] == [
        ("2026-W45", 2, 0), ("2026-W46", 3, 3)]
    assert result["rated_weeks"] == 2 and result["correlations"] == []


def test_the_empty_weeks_at_the_ends_of_a_range_are_rows(log_dir: Path) -> None:
    """``--since 2013-W01 --until 2013-W08`` on the notebook began the table at 2013-W02, its first
    week with an entry, and dropped the empty 2013-W01 without a word. The weeks asked for are
    rows, from the log's first page (not the weeks before it) up to this week."""
    write_day(log_dir, "2026-10-01", "## What was done\n- 10:00 the first page\n")
    write_day(log_dir, "2026-10-14", "## What was done\n- 10:00 exp: one\n")
    window = data.load(Log(log_dir), TODAY, dt.date(2026, 10, 5), dt.date(2026, 10, 25))
    assert [w["week"] for w in weeks.compute(window)["weeks"]] == ["2026-W41", "2026-W42", "2026-W43"]
    early = data.load(Log(log_dir), TODAY, dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    rows = [w["week"] for w in weeks.compute(early)["weeks"]]
    assert rows[0] == "2026-W40" and rows[-1] == "2026-W48"  # the log's first week to this one
