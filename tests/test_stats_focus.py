"""``reslog stats focus``: share of entries per project over time, and where the focus shifted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reslog.analytics import data, focus
from reslog.store import Log

from .conftest import day_file
from .stats_helpers import check_plot

TODAY = dt.date(2026, 11, 26)


def write_day(log: Path, day: str, lines: list[str]) -> None:
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"- 1{n}:00 {line}\n" for n, line in enumerate(lines))
    path.write_text(f"---\ndate: {day}\n---\n# {day}\n\n## What was done\n{body}", encoding="utf-8")


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    # 2026-W40: w2s 4, rm 1, one untagged
    write_day(log_dir, "2026-09-28", ["exp: sweep #w2s", "exp: probe #w2s/sweep", "read: paper #w2s",
                                      "note: talk #w2s", "exp: reward model #rm", "note: untagged"])
    # 2026-W41: w2s 4, rm 2 (one entry counts for both projects)
    write_day(log_dir, "2026-10-06", ["exp: a #w2s", "exp: b #w2s", "exp: c #w2s",
                                      "exp: both #w2s/x #RM/y", "exp: d #rm"])
    # 2026-W42: too thin to compare (2 tagged entries)
    write_day(log_dir, "2026-10-13", ["exp: e #rm", "exp: f #rm"])
    # 2026-W43: rm 5, w2s 1
    write_day(log_dir, "2026-10-20", ["exp: g #rm", "exp: h #rm", "exp: i #rm", "exp: j #rm/k", "exp: l #rm",
                                      "bug: m #w2s"])
    return data.load(Log(log_dir), TODAY)


def test_weekly_shares(known: data.Data) -> None:
    result = focus.compute(known)
    assert result["period"] == "week"
    assert result["periods"] == ["2026-W40", "2026-W41", "2026-W42", "2026-W43"]
    assert result["projects"] == ["rm", "w2s"]
    assert result["counts"] == {"rm": [1, 2, 2, 5], "w2s": [4, 4, 0, 1]}
    assert result["totals"] == [5, 6, 2, 6]
    assert result["untagged"] == [1, 0, 0, 0]
    assert result["shares"] == {"rm": [0.2, 0.3333, 1.0, 0.8333], "w2s": [0.8, 0.6667, 0.0, 0.1667]}
    assert result["leaders"] == ["w2s", "w2s", "rm", "rm"]
    assert result["entries"] == 19 and result["tagged"] == 18
    cell = result["citations"]["2026-W41"]["rm"]
    assert [(c["date"], c["line"], c["text"]) for c in cell] == [
        ("2026-10-06", 10, "both #w2s/x #RM/y"), ("2026-10-06", 11, "d #rm")]


def test_shift_points(known: data.Data) -> None:
    shifts = focus.compute(known)["shifts"]
    assert [(s["period"], s["since"], s["kind"], s["project"]) for s in shifts] == [
        ("2026-W43", "2026-W41", "lead", "rm"),
        ("2026-W43", "2026-W41", "share", "rm"),
        ("2026-W43", "2026-W41", "share", "w2s"),
    ]
    lead = shifts[0]
    assert lead["from"] == "w2s" and lead["share_before"] == 0.3333 and lead["share"] == 0.8333
    assert lead["lead_share_before"] == 0.6667
    assert [c["text"] for c in lead["citations"]] == ["g #rm", "h #rm", "i #rm", "j #rm/k", "l #rm"]
    assert shifts[1]["change"] == 0.5 and shifts[2]["change"] == -0.5


def test_a_tie_for_the_lead_is_no_change_of_leader(log_dir: Path) -> None:
    """On the notebook, five of 24 "lead" shifts were ties ("lead ecology -> early-warning (16% ->
    16%)"): the leader was the alphabetically first of the projects sharing the top count."""
    write_day(log_dir, "2026-09-28", ["exp: a #zeta", "exp: b #zeta", "exp: c #zeta", "exp: d #alpha",
                                      "exp: d2 #alpha"])
    write_day(log_dir, "2026-10-06", ["exp: e #zeta", "exp: f #zeta", "exp: f2 #zeta", "exp: g #alpha",
                                      "exp: h #alpha", "exp: h2 #alpha"])
    write_day(log_dir, "2026-10-13", ["exp: i #alpha", "exp: j #alpha", "exp: k #alpha", "exp: k2 #alpha",
                                      "exp: l #zeta"])
    shifts = focus.compute(data.load(Log(log_dir), TODAY))["shifts"]
    leads = [(s["period"], s["from"], s["project"]) for s in shifts if s["kind"] == "lead"]
    assert leads == [("2026-W42", "zeta", "alpha")], leads  # not at the tie of W41
    empty = focus.compute(data.load(Log(log_dir), TODAY, tag="nonexistent"))
    assert focus.render(empty) == ["no entries with #nonexistent in scope"]


def test_a_lead_first_tied_is_no_leader_to_shift_from(log_dir: Path) -> None:
    """On the notebook, ``--since 2013-01 --until 2013-02`` reported "2013-W07 lead blog-post ->
    ecology": 2013-W02 was a tie of four projects, and the alphabetical first of them was taken
    for its leader. A tie names no leader; the first project to lead alone shifts from none. A
    leader is kept through a tie it is not part of, until another leads alone."""
    write_day(log_dir, "2026-09-28", ["exp: a #blog", "exp: b #eco", "exp: c #open", "exp: d #blog",
                                      "exp: e #eco", "exp: f #open"])
    write_day(log_dir, "2026-10-06", ["exp: g #eco", "exp: h #eco", "exp: i #eco", "exp: j #open",
                                      "exp: k #blog"])
    write_day(log_dir, "2026-10-13", ["exp: l #rm", "exp: m #rm", "exp: n #w2s", "exp: o #w2s",
                                      "exp: p #eco"])
    write_day(log_dir, "2026-10-20", ["exp: q #rm", "exp: r #rm", "exp: s #rm", "exp: t #w2s",
                                      "exp: u #w2s"])
    shifts = focus.compute(data.load(Log(log_dir), TODAY))["shifts"]
    leads = [(s["period"], s["from"], s["project"]) for s in shifts if s["kind"] == "lead"]
    assert leads == [("2026-W43", "eco", "rm")], leads
    moved = [(s["period"], s["project"]) for s in shifts if s["kind"] == "share"]
    assert ("2026-W41", "eco") in moved  # a share that moved is a shift point, ties or not


def test_monthly_when_the_scope_is_long(log_dir: Path) -> None:
    write_day(log_dir, "2026-01-10", ["exp: a #alpha"])
    write_day(log_dir, "2026-06-10", ["exp: b #beta", "exp: c #beta"])
    result = focus.compute(data.load(Log(log_dir), TODAY))
    assert result["period"] == "month"
    assert result["periods"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert result["counts"] == {"beta": [0, 0, 0, 0, 0, 2], "alpha": [1, 0, 0, 0, 0, 0]}
    assert result["shares"]["alpha"] == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert result["shifts"] == []  # every month has fewer than 5 tagged entries
    lines = focus.render(result)
    assert "    2026-03  (nothing logged)" in lines and lines[-1] == "  no shift points"


def test_the_rows_are_the_months_the_heading_counts(log_dir: Path) -> None:
    """"focus by month over 12 months" listed 6 months under "recent months:", and a month with no
    page at all read "(no tagged entries)"."""
    for month in (1, 2, 3, 5, 12):
        write_day(log_dir, f"2013-{month:02d}-10", ["exp: a #alpha"] if month != 2 else ["exp: untagged"])
    lines = focus.render(focus.compute(data.load(Log(log_dir), TODAY)))
    assert lines[0] == "focus by month over 12 months; 4 of 5 entries tagged"
    assert lines[2] == "  the last 6 of 12 months:"
    assert lines[3:9] == ["    2013-07  (nothing logged)", "    2013-08  (nothing logged)",
                          "    2013-09  (nothing logged)", "    2013-10  (nothing logged)",
                          "    2013-11  (nothing logged)", "    2013-12  alpha 100%"]
    first = focus.render(focus.compute(data.load(Log(log_dir), TODAY, until=dt.date(2013, 6, 30))))
    assert first[2] == "  recent months:" and "    2013-02  (no tagged entries)" in first


def test_scope_by_since(log_dir: Path) -> None:
    write_day(log_dir, "2026-01-10", ["exp: a #alpha"])
    write_day(log_dir, "2026-06-10", ["exp: b #beta"])
    result = focus.compute(data.load(Log(log_dir), TODAY, since=dt.date(2026, 6, 1)))
    assert result["period"] == "week" and result["periods"] == ["2026-W24"] and result["projects"] == ["beta"]


def test_render_and_json(known: data.Data) -> None:
    result = focus.compute(known)
    json.dumps(result)
    lines = focus.render(result)
    assert lines[0] == "focus by week over 4 weeks; 18 of 19 entries tagged"
    assert lines[1] == "  overall: rm 53%, w2s 47%"
    assert "    2026-W43  rm 83%, w2s 17%" in lines
    # a change of leader and the shares it moved: one shift point, one line (it was three)
    # and an entry of the project that took the lead, cited
    assert lines[-3:] == ["  1 shift point (leader changed, or a share moved 20+ points):",
                          "    2026-W43  lead w2s -> rm (rm 33% -> 83%, w2s 67% -> 17%)",
                          "      e.g. rm: g #rm  (days/2026/2026-10-20.md:7)"]


def test_empty_and_untagged_logs(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = focus.compute(data.load(Log(log_dir), TODAY))
    assert result["projects"] == [] and result["shifts"] == []
    assert focus.render(result) == ["no tagged entries in scope yet (tag entries with #project to see your focus)"]
    for name in ("empty.png", "empty.svg"):
        focus.plot(result, tmp_path / name)
        check_plot(tmp_path / name)
    write_day(log_dir, "2026-11-02", ["exp: nothing tagged"])
    assert focus.compute(data.load(Log(log_dir), TODAY))["tagged"] == 0


def test_single_period_plot(log_dir: Path, tmp_path: Path) -> None:
    write_day(log_dir, "2026-11-02", ["exp: a #alpha", "exp: b #beta"])
    focus.plot(focus.compute(data.load(Log(log_dir), TODAY)), tmp_path / "one.png")
    check_plot(tmp_path / "one.png")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot(known: data.Data, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"focus{suffix}"
    focus.plot(focus.compute(known), path)
    check_plot(path)
    if suffix == ".svg":
        text = path.read_text(encoding="utf-8")
        assert "Focus over time" in text and "2026-W41" in text
