"""Statistics that stay fast on any log: a forecast computed, not simulated, for a long backlog;
citations bounded in --json; the backlog benchmark's generator.

(Speed itself is measured in benchmarks/bench_stats.py --backlog, not here.)"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from reslog.analytics import data, time
from reslog.analytics.data import CITED
from reslog.store import Log

from .conftest import ROOT, Clock, Result
from .stats_helpers import write_page

Run = Callable[..., Result]
TODAY = dt.date(2026, 11, 26)


def _backlog(log: Path, open_count: int) -> None:
    done = "".join(f"- [x] done {n} [est:: 1h] [took:: {m}m]\n" for n, m in enumerate(
        (30, 45, 60, 60, 75, 90, 120, 150, 200, 240)))
    open_ = "".join(f"- [ ] open {n} [est:: {(15, 30, 60, 120)[n % 4]}m]\n" for n in range(open_count))
    write_page(log, "2026-11-02", "## What to do next\n" + done + open_)


def test_a_long_backlog_is_forecast_from_the_distribution(log_dir: Path) -> None:
    _backlog(log_dir, 400)
    forecast = time.compute(data.load(Log(log_dir), TODAY))["forecast"]
    assert forecast["n_open"] == 400 and forecast["method"] == "cornish-fisher"
    estimates = [float((15, 30, 60, 120)[n % 4]) for n in range(400)]
    ratios = [m / 60 for m in (30, 45, 60, 60, 75, 90, 120, 150, 200, 240)]
    simulated = time._simulated(estimates, ratios)  # the 10,000 trials it no longer runs
    for q, minutes in zip((50, 80, 95), simulated, strict=True):
        assert abs(forecast[f"hours_p{q}"] * 60 / minutes - 1) < 0.01
    assert forecast["hours_p50"] < forecast["hours_p80"] < forecast["hours_p95"]


def test_a_short_list_is_still_simulated_with_its_seed(log_dir: Path) -> None:
    _backlog(log_dir, 3)
    forecast = time.compute(data.load(Log(log_dir), TODAY))["forecast"]
    assert forecast["method"] == "monte carlo" and forecast["seed"] == time.SEED


def test_json_cites_a_bounded_number_per_figure(run: Run, clock: Clock, log_dir: Path) -> None:
    _backlog(log_dir, 40)
    result = json.loads(run("stats", "time", "--json").out)
    forecast = result["forecast"]
    assert len(forecast["citations"]) == CITED and forecast["citations_more"] == 40 - CITED
    assert result["citations_more"] == 0 and len(result["citations"]) == 10
    habits = json.loads(run("stats", "habits", "--json").out)
    assert habits["by_hour"]["untimed"]["citations_more"] == 50 - CITED
    assert data.bounded({"citations": {"2026-11": {"w2s": list(range(25))}}}, 10) == {
        "citations": {"2026-11": {"w2s": list(range(10))}}, "citations_more": {"2026-11": {"w2s": 15}}}


def test_the_backlog_generator_writes_what_stats_must_survive(tmp_path: Path) -> None:
    out = tmp_path / "backlog"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "genbacklog.py"), str(out), "--years", "1",
                           "--backlog", "300", "--carried-days", "5", "--end", "2026-11-25"],
                          capture_output=True, text=True, check=True)
    assert "open estimated to-dos" in done.stdout
    found = data.load(Log(out), TODAY)
    open_estimated = [h for h in found.entries if h.state == " " and h.est_minutes]
    assert len(open_estimated) > 300
    carried = [h for h in open_estimated if h.carried]
    assert len(carried) == 300 and min(h.carried or "" for h in carried) < "2026-01-01"
    assert len([t for t in found.todos if t.state == ">"]) == 300 * 4
    assert time.compute(found)["forecast"]["method"] == "cornish-fisher"
