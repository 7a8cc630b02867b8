"""``reslog stats time``: estimates against actuals, on logs whose answers are known."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.analytics import data, time
from reslog.store import Log

from .conftest import Clock, Result
from .stats_helpers import check_plot
from .stats_helpers import write_page as write_day

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    write_day(log_dir, "2026-10-05", (
        "## What to do next\n"
        "- [x] Write the loader #beta [est:: 1h] [took:: 30m]\n"
        "- [x] Review the sweep [est:: 1h] [took:: 3h]\n"
        "- [x] Never timed [est:: 1h]\n"
        "- [x] Estimated at zero [est:: 0m] [took:: 1h]\n"
        "- [-] Dropped one [est:: 1h] [took:: 1h]\n"
        "- [>] Carried one #alpha [est:: 1h] [took:: 5h]\n"
    ))
    write_day(log_dir, "2026-11-02", (
        "## What to do next\n"
        "- [x] Read the W2S paper #alpha [est:: 1h] [took:: 1h30m]\n"
        "- [x] Carried one #alpha [est:: 2h] [took:: 2h] [carried:: 2026-10-05]\n"
        "- [x] exp: rerun the sweep #beta [est:: 30m] [took:: 1h]\n"
        "- [ ] Open with an estimate [est:: 2h]\n"
        "- [ ] Another open one #alpha [est:: 1h]\n"
        "- [ ] Open without an estimate\n"
        "\n## What was done\n"
        "- 09:00 exp: not a to-do [est:: 1h] [took:: 9h]\n"
    ))
    return data.load(Log(log_dir), TODAY)


def test_calibration_overall_per_tag_per_kind(known: data.Data) -> None:
    result = time.compute(known)
    # ratios 0.5 (loader), 3.0 (review), 1.5 (paper), 1.0 (carried), 2.0 (sweep)
    assert result["n"] == 5
    assert result["ratio_median"] == 1.5
    assert (result["ratio_p25"], result["ratio_p75"]) == (1.0, 2.0)
    assert (result["est_minutes"], result["took_minutes"]) == (330, 480)
    assert {c["text"] for c in result["citations"]} == {
        "Write the loader #beta [est:: 1h] [took:: 30m]", "Review the sweep [est:: 1h] [took:: 3h]",
        "Read the W2S paper #alpha [est:: 1h] [took:: 1h30m]",
        "Carried one #alpha [est:: 2h] [took:: 2h] [carried:: 2026-10-05]",
        "rerun the sweep #beta [est:: 30m] [took:: 1h]",
    }
    assert {c["line"] for c in result["citations"] if c["date"] == "2026-11-02"} == {7, 8, 9}
    assert {tag: (part["n"], part["ratio_median"]) for tag, part in result["by_tag"].items()} == {
        "alpha": (2, 1.25), "beta": (2, 1.25)}
    assert [c["date"] for c in result["by_tag"]["beta"]["citations"]] == ["2026-10-05", "2026-11-02"]
    assert {kind: (part["n"], part["ratio_median"]) for kind, part in result["by_kind"].items()} == {
        "exp": (1, 2.0), "note": (4, 1.25)}
    trend = result["trend"]
    assert trend["period"] == "month"
    assert [(p["period"], p["n"], p["ratio_median"]) for p in trend["points"]] == [
        ("2026-10", 2, 1.75), ("2026-11", 3, 1.5)]
    assert json.loads(json.dumps(result)) == result


def test_forecast_is_seeded_and_bounded(known: data.Data) -> None:
    forecast = time.compute(known)["forecast"]
    assert forecast["n_open"] == 2 and forecast["est_hours"] == 3.0
    assert [c["text"] for c in forecast["citations"]] == [
        "Open with an estimate [est:: 2h]", "Another open one #alpha [est:: 1h]"]
    assert (forecast["seed"], forecast["trials"], forecast["history_n"]) == (time.SEED, time.TRIALS, 5)
    assert 1.5 <= forecast["hours_p50"] <= forecast["hours_p80"] <= forecast["hours_p95"] <= 9.0
    assert forecast == time.compute(known)["forecast"]


def test_forecast_of_a_constant_ratio_is_exact(log_dir: Path) -> None:
    todos = "".join(f"- [x] task {i} #t [est:: {i}h] [took:: {2 * i}h]\n" for i in range(1, 6))
    write_day(log_dir, "2026-11-20", "## What to do next\n" + todos + "- [ ] next [est:: 1h30m]\n")
    result = time.compute(data.load(Log(log_dir), TODAY))
    assert result["ratio_median"] == 2.0 and result["by_tag"]["t"]["n"] == 5
    forecast = result["forecast"]
    assert (forecast["hours_p50"], forecast["hours_p80"], forecast["hours_p95"]) == (3.0, 3.0, 3.0)
    lines = time.render(result)
    assert "Calibration factor (median took/est): ×2.00 (p25-p75 ×2.00-×2.00, n=5)" in lines
    assert ("  50%: 3h, 80%: 3h, 95%: 3h (10000 trials over 5 past ratios, seed 6)") in lines


def test_too_little_history_gives_no_forecast(log_dir: Path) -> None:
    write_day(log_dir, "2026-11-20", "## What to do next\n- [x] one [est:: 1h] [took:: 2h]\n- [ ] two [est:: 1h]\n")
    result = time.compute(data.load(Log(log_dir), TODAY))
    assert result["ratio_median"] == 2.0
    assert result["forecast"]["hours_p50"] is None
    assert "need 5, have 1" in result["forecast"]["message"]


def test_render(known: data.Data) -> None:
    lines = time.render(time.compute(known))
    assert lines[0] == "Time: 5 finished to-dos with estimates: 5h30m estimated, 8h spent."
    assert lines[1] == "Calibration factor (median took/est): ×1.50 (p25-p75 ×1.00-×2.00, n=5)"
    assert "  alpha                ×1.25 (p25-p75 ×1.12-×1.38, n=2)" in lines
    assert "  2026-10  ×1.75 (n=2)" in lines
    assert lines[-2] == "Forecast for 2 open to-dos with estimates (3h estimated):"


def test_quarters_when_the_evidence_spans_years(log_dir: Path) -> None:
    write_day(log_dir, "2023-02-01", "- [x] old [est:: 1h] [took:: 1h]\n")
    write_day(log_dir, "2026-11-20", "- [x] new [est:: 1h] [took:: 2h]\n")
    trend = time.compute(data.load(Log(log_dir), TODAY))["trend"]
    assert trend["period"] == "quarter"
    assert [(p["period"], p["ratio_median"]) for p in trend["points"]] == [("2023-Q1", 1.0), ("2026-Q4", 2.0)]


def test_empty_log(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = time.compute(data.load(Log(log_dir), TODAY))
    assert result["n"] == 0 and result["ratio_median"] is None and result["by_tag"] == {}
    assert result["message"] == "not enough finished to-dos with estimates yet"
    assert result["forecast"]["message"] == "no open to-dos with estimates"
    assert time.render(result)[0] == "Time: not enough finished to-dos with estimates yet."
    for name in ("empty.png", "empty.svg"):
        time.plot(result, tmp_path / name)
        check_plot(tmp_path / name)


@pytest.mark.parametrize("name", ["time.png", "time.svg"])
def test_plot(known: data.Data, tmp_path: Path, name: str) -> None:
    time.plot(time.compute(known), tmp_path / name)
    check_plot(tmp_path / name)


def test_short_tasks_read_in_minutes(run: Callable[..., Result], clock: Clock) -> None:
    """15 and 10 minutes read "0.2 h estimated, 0.2 h spent", above a calibration factor of ×0.67."""
    assert run("todo", "Email", "--est", "15m").code == 0
    assert run("done", "1", "--took", "10m").code == 0
    out = run("stats", "time").out
    assert "Time: 1 finished to-do with estimates: 15m estimated, 10m spent.\n" in out
