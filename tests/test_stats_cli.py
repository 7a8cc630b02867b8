"""reslog stats through the command line: every topic answers, cites, plots; bad input is one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.analytics.data import load
from reslog.store import Log

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]
TOPICS = ("time", "bugs", "sources", "focus", "weeks", "habits", "runs")


@pytest.fixture
def small_log(log_dir: Path) -> Path:
    pages = {
        "2026-11-16": "## What to do next\n- [x] write intro #paper [est:: 1h] [took:: 2h]\n"
                      "## What was done\n- 09:00 bug: NaN loss in the loader #w2s\n"
                      "## Random ideas\n- 10:00 clip gradients [from:: chat with Ana]\n",
        "2026-11-17": "## What was done\n- 09:30 fix: clip gradients, fixes the NaN loss #w2s\n",
    }
    for day, text in pages.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    week = log_dir / "weeks" / "2026" / "2026-W47.md"
    week.parent.mkdir(parents=True)
    week.write_text("---\nweek: 2026-W47\nrating: 4\n---\n", encoding="utf-8")
    return log_dir


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_answers_in_json_text_and_plot(topic: str, run: Run, clock: Clock, small_log: Path,
                                                   tmp_path: Path) -> None:
    result = run("stats", topic, "--json")
    assert result.code == 0, result.err
    assert isinstance(json.loads(result.out), dict)
    text = run("stats", topic)
    assert text.code == 0 and text.out.strip()
    chart = tmp_path / f"{topic}.svg"
    assert run("stats", topic, "--plot", str(chart)).code == 0
    assert chart.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))


def test_time_figures_and_citations(run: Run, clock: Clock, small_log: Path) -> None:
    result = json.loads(run("stats", "time", "--json").out)
    assert result["ratio_median"] == 2.0
    assert result["by_tag"]["paper"]["n"] == 1
    assert "days/2026/2026-11-16.md" in json.dumps(result)


def test_ratings_follow_the_scope(small_log: Path, clock: Clock) -> None:
    import datetime as dt

    today = dt.date(2026, 11, 26)
    assert load(Log(small_log), today).ratings == {"2026-W47": 4}
    assert load(Log(small_log), today, since=dt.date(2026, 11, 23)).ratings == {}


@pytest.mark.parametrize(("args", "code", "message"), [
    (("stats", "nope"), 2, "'nope' is not one of 'time'"),
    (("stats", "time", "--plot", "chart.gif"), 2, "give a file name ending in .png or .svg"),
    (("stats", "time", "--since", "2026-12-01", "--until", "2026-11-01"), 2, "the range is empty"),
    (("stats", "time", "--since", "whenever"), 2, "cannot read 'whenever'"),
])
def test_bad_input(args: tuple[str, ...], code: int, message: str, run: Run, clock: Clock,
                   small_log: Path) -> None:
    result = run(*args)
    assert result.code == code and message in result.err and result.err.count("\n") == 1


def test_missing_plot_folder(run: Run, clock: Clock, small_log: Path, tmp_path: Path) -> None:
    result = run("stats", "time", "--plot", str(tmp_path / "no" / "chart.png"))
    assert result.code == 1 and "does not exist; create it first" in result.err


def test_a_chart_is_not_drawn_inside_the_log_and_needs_a_file_name(
    run: Run, clock: Clock, log_dir: Path, tmp_path: Path
) -> None:
    """``--plot`` wrote into the log folder, where ``export`` refuses its OUT; ``--plot ''`` said
    "cannot draw : ..." (nothing between the words). Both are refused before anything is drawn."""
    assert run("did", "seed").code == 0
    inside = run("stats", "time", "--plot", str(log_dir / "chart.png"))
    assert inside.code == 2 and inside.err == (
        f"reslog: {log_dir / 'chart.png'} lies inside the log folder {log_dir}; draw the chart outside it\n")
    blank = run("stats", "time", "--plot", "")
    assert blank.code == 2 and blank.err == "reslog: cannot draw '': give a file name ending in .png or .svg\n"
    assert not (log_dir / "chart.png").exists()


@pytest.mark.parametrize("topic", TOPICS)
def test_a_range_without_entries_says_so(topic: str, run: Run, clock: Clock, small_log: Path) -> None:
    """On a log whose every entry is tagged, ``stats focus --since 2027`` said "no tagged entries
    in scope yet (tag entries with #project ...)" and ``stats habits --since 2030`` "Habits: no
    entries logged yet": the range held nothing, and the log had entries elsewhere."""
    ahead = run("stats", topic, "--since", "2027")
    assert ahead.code == 0 and ahead.out.splitlines()[2:] == [
        "No entries: the range begins on 2027-01-01, after today (2026-11-26); "
        "the log runs from 2026-11-16 to 2026-11-17."]
    before = run("stats", topic, "--since", "2025-01", "--until", "2025-02")
    assert before.code == 0 and before.out.splitlines()[2:] == [
        "No entries from 2025-01-01 to 2025-02-28; the log runs from 2026-11-16 to 2026-11-17."]
    assert run("stats", topic, "--until", "2025").out.splitlines()[2:] == [
        "No entries up to 2025-12-31; the log runs from 2026-11-16 to 2026-11-17."]


def test_the_terminal_cites_entries_behind_the_figures(run: Run, clock: Clock, log_dir: Path) -> None:
    """`stats --help` promises the entries behind each figure; time, sources and focus printed
    figures alone (the entries only in --json). They name which: the to-dos furthest over their
    estimates, an idea of each of the first sources, an entry of the project a shift is to."""
    pages = {
        "2026-11-09": "## What to do next\n- [x] write the intro #alpha [est:: 1h] [took:: 3h]\n"
                      "- [x] plot the loss curves #alpha [est:: 1h] [took:: 1h]\n"
                      "## What was done\n" + "".join(f"- 09:0{n} exp: alpha sweep {n} #alpha\n" for n in range(4))
                      + "## Random ideas\n- 10:00 clip gradients by layer [from:: chat with Ana]\n",
        "2026-11-16": "## What to do next\n- [x] rerun the baseline #beta [est:: 2h] [took:: 3h]\n"
                      "## What was done\n" + "".join(f"- 09:0{n} exp: beta probe {n} #beta\n" for n in range(4))
                      + "## Random ideas\n- 10:00 a curriculum by loss [from:: paper]\n",
    }
    for day, text in pages.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    time = run("stats", "time").out.splitlines()
    over = time.index("Furthest over their estimates:")
    assert time[over + 1:over + 3] == [
        "  ×3.00 1h -> 3h  write the intro #alpha  (days/2026/2026-11-09.md:2)",
        "  ×1.50 2h -> 3h  rerun the baseline #beta  (days/2026/2026-11-16.md:2)",
    ]
    assert "plot the loss curves" not in "\n".join(time)  # on its estimate: not over
    sources = run("stats", "sources").out
    assert "  e.g. chat: clip gradients by layer  (days/2026/2026-11-09.md:10)\n" in sources
    assert "  e.g. paper: a curriculum by loss  (days/2026/2026-11-16.md:9)\n" in sources
    focus = run("stats", "focus").out
    assert "    2026-W47  lead alpha -> beta" in focus
    assert "      e.g. beta: rerun the baseline #beta  (days/2026/2026-11-16.md:2)\n" in focus
    for lines in (time, sources.splitlines(), focus.splitlines()):
        assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
