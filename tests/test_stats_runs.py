"""reslog stats runs: runs per week, failure rate, time running, and the runs that taught something."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.analytics import runs
from reslog.analytics.data import load
from reslog.store import Log

from .conftest import Clock, Result
from .stats_helpers import check_plot, write_day

Run = Callable[..., Result]


def _run(time: str, name: str, status: str, extra: str = "") -> str:
    return (f"- {time} exp: `python {name}.py` [run:: runs/x/{name}] [status:: {status}]{extra}\n")


PAGES = {
    # A: a result the same afternoon.
    "2026-11-16": _run("09:00", "a", "ok", " [duration:: 3m12s]") + "- 15:00 result: warmup fixes it\n",
    # B: a decision the next morning, 23h59m later.
    "2026-11-17": _run("10:00", "b", "failed", " [exit:: 1] [duration:: 12.0s]"),
    "2026-11-18": "- 09:59 decision: drop the big batch\n",
    # C: a starred entry 24h01m later: too late.
    "2026-11-19": _run("10:00", "c", "ok", " [duration:: 1h05m00s]"),
    "2026-11-20": "- 10:01 read: the LAMB paper ★\n",
    # D: an outcome nested under the run itself. E: starred at launch, a result only before it.
    "2026-11-23": _run("09:00", "d", "lost") + "  - result: OOM at batch 512\n",
    "2026-11-24": "- 08:00 result: yesterday's OOM explained\n"
                  + _run("09:00", "e", "killed", " [exit:: SIGINT] [duration:: 30.5s] ★")
                  + _run("11:00", "f", "running")
                  + "- 11:30 exp: a hand-written experiment, not a run\n",
}


@pytest.fixture
def runs_log(log_dir: Path) -> Path:
    for day, body in PAGES.items():
        write_day(log_dir, day, body)
    return log_dir


def _result(log: Path, **scope: object) -> dict[str, object]:
    return runs.compute(load(Log(log), dt.date(2026, 11, 26), **scope))  # type: ignore[arg-type]


def test_the_figures(runs_log: Path) -> None:
    result = _result(runs_log)
    assert result["runs"] == 6
    assert result["statuses"] == {"ok": 2, "failed": 1, "lost": 1, "killed": 1, "running": 1}
    rate = result["failure_rate"]
    assert isinstance(rate, dict)
    assert (rate["failed"], rate["finished"], rate["share"]) == (3, 5, 0.6)
    assert [c["line"] for c in rate["citations"]] == [7, 7, 8]
    assert result["time_running"] == {"seconds": 4134.5, "median_seconds": 111.2}
    weeks = result["per_week"]
    assert isinstance(weeks, list)
    assert [(w["week"], w["runs"], w["failed"], w["seconds"]) for w in weeks] == [
        ("2026-W47", 3, 1, 4104.0), ("2026-W48", 3, 2, 30.5)]


def test_which_runs_taught_something(runs_log: Path) -> None:
    taught = _result(runs_log)["taught"]
    assert isinstance(taught, list)
    pairs = [(t["run"]["text"].split("`")[1], t["followed_by"]["date"], t["followed_by"]["text"]) for t in taught]
    assert pairs == [
        ("python a.py", "2026-11-16", "result: warmup fixes it"),
        ("python b.py", "2026-11-18", "decision: drop the big batch"),
        ("python d.py", "2026-11-23", "result: OOM at batch 512"),
    ]
    nested = taught[2]["followed_by"]
    assert (nested["file"], nested["line"]) == ("days/2026/2026-11-23.md", 8)
    assert _result(runs_log)["taught_share"] == 0.5


def test_a_recorded_outcome_is_what_a_run_taught(log_dir: Path) -> None:
    write_day(log_dir, "2026-11-25", _run("09:00", "g", "ok") + "  - outcome: taught me: lr warmup matters\n"
              + _run("10:00", "h", "ok") + "  - reason: does warmup fix the divergence?\n")
    result = _result(log_dir)
    taught = result["taught"]
    assert isinstance(taught, list) and len(taught) == 1
    assert taught[0]["followed_by"]["text"] == "outcome: taught me: lr warmup matters"
    assert taught[0]["followed_by"]["line"] == 8
    assert result["taught_share"] == 0.5  # a reason says why a run was made, not what it taught


def test_scope_and_no_runs(runs_log: Path) -> None:
    assert _result(runs_log, since=dt.date(2026, 11, 23))["runs"] == 3
    empty = _result(runs_log, until=dt.date(2026, 11, 1))
    assert empty["runs"] == 0 and "no runs in scope yet" in str(empty["message"])
    assert runs.render(empty) == [str(empty["message"])]


def test_one_run_is_counted_in_the_singular(runs_log: Path) -> None:
    one = _result(runs_log, until=dt.date(2026, 11, 16))
    assert runs.render(one)[0] == "1 run (1 ok)"


def test_stats_runs_on_the_command_line(run: Run, clock: Clock, runs_log: Path, tmp_path: Path) -> None:
    text = run("stats", "runs")
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0] == "Which experiments did I run, how did they end, and which taught me something?"
    assert lines[2] == "6 runs (2 ok, 1 failed, 1 lost, 1 killed, 1 running)"
    assert lines[3] == "Failure rate: 60% (3 of 5 finished runs failed, were killed or were lost)"
    assert lines[4] == "Time spent running: 1h08m54s (median run 1m51s)"
    assert "2026-W47     3       1  1h08m24s" in lines
    assert ("Runs that taught something (an outcome recorded, or followed within a day by result:, "
            "decision: or ★): 3 of 6 (50%)" in lines)
    assert "    -> 2026-11-18 decision: drop the big batch  (days/2026/2026-11-18.md:7)" in lines
    data = json.loads(run("stats", "runs", "--json").out)
    assert data["topic"] == "runs" and len(data["taught"]) == 3
    chart = tmp_path / "runs.png"
    assert run("stats", "runs", "--plot", str(chart)).code == 0
    check_plot(chart)
