"""One count everywhere: the week page, `reslog week`, `stats weeks`, `stats habits` and the html
index count a week's entries and days logged the same way (docs/format.md, section 15)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Clock, Result

Run = Callable[..., Result]


@pytest.fixture
def weeks(run: Run, clock: Clock) -> Run:
    """Two weeks: 2026-W47 (16-22 Nov) and 2026-W48 up to Wednesday 25 November."""
    clock.set("2026-11-16T09:00")
    run("did", "set up the sweep")
    run("todo", "write the abstract")
    clock.set("2026-11-19T10:00")
    run("did", "ran the sweep")
    run("did", "read the logs")
    run("bug", "loader drops the last batch")
    clock.set("2026-11-23T09:00")
    run("did", "new week")
    run("todo", "email Yitao")
    run("feel", "tired")
    clock.set("2026-11-24T09:00")
    run("today")  # a page of carried to-dos only: not a day logged
    clock.set("2026-11-25T11:00")
    run("done", "1")
    return run


def _page(log: Path) -> str:
    return (log / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")


def test_every_view_counts_a_week_the_same(weeks: Run, log_dir: Path, tmp_path: Path) -> None:
    out = weeks("week").out
    assert "2026-W48: 2 days logged, 3 entries, 0 experiments" in out
    page = _page(log_dir)
    assert "- Entries: 3 (1 note: note 1; 2 to-dos)" in page
    assert "- Days logged: 2 of 7" in page
    rows = {w["week"]: w for w in json.loads(weeks("stats", "weeks", "--json").out)["weeks"]}
    assert (rows["2026-W48"]["entries"], rows["2026-W48"]["days_logged"]) == (3, 2)
    assert (rows["2026-W47"]["entries"], rows["2026-W47"]["days_logged"]) == (4, 2)
    habits = json.loads(weeks("stats", "habits", "--json").out)
    assert habits["days"]["logged"] == 4  # 16, 19, 23, 25 November: not the 24th
    assert weeks("export", "html", str(tmp_path / "site"), "--no-redact").code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<a href="weeks/2026-W48.html">.*?</tr>', index, re.S)
    assert row is not None and '<td class="n">3 entries</td>' in row.group(0)


def test_a_week_in_progress_is_compared_with_the_same_days(weeks: Run, log_dir: Path) -> None:
    weeks("week")
    page = _page(log_dir)
    assert ("2026-W48 so far, up to Wednesday 25 November 2026, against the same days of 2026-W47 "
            "(Monday to Wednesday).") in page
    # Monday to Wednesday of W47: one note (the to-do written then lives on in a later week)
    assert "| entries | 1 | 3 | +2 |" in page
    assert "| bugs | 0 | 0 | 0 |" in page  # Thursday's bug is not in the same days


def test_labels_read_right(weeks: Run, log_dir: Path) -> None:
    out = weeks("week", "last").out
    assert "2026-W47: 2 days logged, 4 entries, 0 experiments, 0 papers read, 1 bug, 0 ideas" in out
    assert weeks("stats", "bugs").out.splitlines()[2].startswith("1 bug in 1 category;")
    shown = weeks("show").out
    assert "[x] write the abstract" in shown
    done_line = next(line for line in shown.splitlines() if "[x] write the abstract" in line)
    assert "waiting" not in done_line
    listing = weeks("todos", "--all").out
    done_line = next(line for line in listing.splitlines() if "write the abstract" in line)
    assert "waiting" not in done_line
    open_line = next(line for line in listing.splitlines() if "email Yitao" in line)
    assert "waiting 2 days since 2026-11-23" in open_line
