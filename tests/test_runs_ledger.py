"""Reading runs back: reslog runs (--failed, --since, --json), outcome, rerun (real git)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown

from .conftest import Clock, Result, day_file
from .run_helpers import PY, git, make_repo, reslog, run_entries
from .stats_helpers import write_day

Run = Callable[..., Result]

PAGES = {
    "2026-11-20": (
        "- 09:00 exp: `python train.py --lr 1e-3` #w2s [run:: runs/2026/2026-11-20/090000-python-train] "
        "[status:: ok] [commit:: 3f2a9c1d0e] [branch:: main] [dirty:: no] [exit:: 0] [duration:: 3m12s] "
        "[val_loss:: 0.40]\n"
        "- 10:00 exp: `python train.py --lr 1e-2` [run:: runs/2026/2026-11-20/100000-python-train] "
        "[status:: failed] [exit:: 1] [duration:: 12.0s]\n"
        "- 11:00 exp: an experiment written by hand, not a run\n"
    ),
    "2026-11-25": (
        "- 14:00 exp: `python sweep.py` #sweep [run:: runs/2026/2026-11-25/140000-python-sweep] "
        "[status:: killed] [exit:: SIGINT] [duration:: 1h05m00s]\n"
        "    - reason: the big sweep\n"
        "    - outcome: stopped early, wrong grid\n"
    ),
}


@pytest.fixture
def ledger_log(log_dir: Path) -> Path:
    for day, body in PAGES.items():
        write_day(log_dir, day, body)
    return log_dir


def test_runs_are_listed_and_numbered(run: Run, clock: Clock, ledger_log: Path) -> None:
    listed = run("runs")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0].split()[:4] == ["1", "2026-11-20", "09:00", "ok"]
    assert "3m12s  python train.py --lr 1e-3  val_loss=0.40  main@3f2a9c1d0e" in lines[0]
    assert lines[1].split()[:6] == ["2", "2026-11-20", "10:00", "failed", "(exit", "1)"]
    assert lines[2].split()[:5] == ["3", "2026-11-25", "14:00", "killed", "(SIGINT)"]
    assert lines[3:] == ["        reason: the big sweep", "        outcome: stopped early, wrong grid"]


def test_runs_filters(run: Run, clock: Clock, ledger_log: Path) -> None:
    failed = run("runs", "--failed").out
    assert [line.split()[0] for line in failed.splitlines() if line[3].isdigit()] == ["2", "3"]
    since = run("runs", "--since", "2026-11-21").out.splitlines()
    assert since[0].split()[0] == "3"  # numbers stay those of the whole log
    assert run("runs", "--tag", "w2s").out.splitlines()[0].split()[0] == "1"
    assert run("runs", "--since", "2026-11-26").out == "No runs match.\n"
    limited = run("runs", "--limit", "1")
    assert limited.out.split()[0] == "3" and "(the latest 1 of 3; --limit 0 shows all)" in limited.err
    bad = run("runs", "--since", "2026-11-26", "--until", "2026-11-01")
    assert bad.code == 2 and "the range is empty" in bad.err


def test_runs_json(run: Run, clock: Clock, ledger_log: Path) -> None:
    runs = json.loads(run("runs", "--json").out)
    assert [r["number"] for r in runs] == [1, 2, 3]
    first, _, sweep = runs
    assert first["command"] == "python train.py --lr 1e-3" and first["status"] == "ok"
    assert first["metrics"] == {"val_loss": "0.40"} and first["commit"] == "3f2a9c1d0e"
    assert first["dirty"] is False and first["duration_s"] == 192 and first["tags"] == ["w2s"]
    assert (first["file"], first["line"]) == ("days/2026/2026-11-20.md", 7)
    assert sweep["reason"] == "the big sweep" and sweep["outcomes"] == ["outcome: stopped early, wrong grid"]
    assert sweep["exit"] == "SIGINT" and sweep["duration_s"] == 3900
    assert json.loads(run("runs", "--json", "--failed", "--since", "2026-11-21").out)[0]["number"] == 3


def test_an_empty_ledger(run: Run, clock: Clock) -> None:
    assert run("runs").code == 1  # no log at all: said as search says it
    run("did", "set up the log")
    assert run("runs").out == "No runs yet. Record one with 'reslog run -- COMMAND'.\n"
    assert run("runs", "--json").out == "[]\n"
    result = run("outcome", "1", "x")
    assert result.code == 1 and "this log has no runs yet" in result.err
    empty = run("outcome", "last", "")  # a usage error first, as `reslog did ""` says it
    assert empty.code == 2 and "the text is empty" in empty.err


def test_outcome_nests_under_the_run(run: Run, clock: Clock, ledger_log: Path) -> None:
    result = run("outcome", "1", "val loss plateaued at 0.40", "--star", "-t", "w2s")
    assert result.code == 0 and result.out == "Outcome of run 1: days/2026/2026-11-20.md:8\n"
    page = markdown.parse(day_file(ledger_log, "2026-11-20").read_text())
    first = page.entries()[0]
    (child,) = first.children
    assert markdown.line_body(page, child.index) == "  - outcome: val loss plateaued at 0.40 #w2s ★"
    assert child.level == 1 and child.starred
    # Under a run that has nested lines, the outcome takes their indentation, after them.
    # (an indented line too: an outcome's lines are items, not laid out as an entry's are)
    assert run("outcome", "last", "-", stdin="result: lr 1e-2 needs warmup\n    see the plot\n  and the table\n").code == 0
    text = day_file(ledger_log, "2026-11-25").read_text()
    assert text.endswith("    - outcome: stopped early, wrong grid\n    - result: lr 1e-2 needs warmup\n"
                         "      - see the plot\n      - and the table\n")
    outcomes = json.loads(run("runs", "--json").out)[2]["outcomes"]
    assert outcomes == ["outcome: stopped early, wrong grid", "result: lr 1e-2 needs warmup"]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("outcome", "4", "x"), 1, "there is no run 4 (the runs are 1 to 3); see them with 'reslog runs'"),
    (("outcome", "one", "x"), 2, "cannot read 'one' as a run"),
    (("outcome", "1"), 2, "Missing argument 'TEXT...'"),
    (("rerun", "0"), 1, "there is no run 0"),
])
def test_bad_run_numbers(args: tuple[str, ...], code: int, message: str, run: Run, clock: Clock,
                         ledger_log: Path) -> None:
    before = {p: p.read_bytes() for p in ledger_log.rglob("*.md")}
    result = run(*args)
    assert result.code == code and message in result.err and result.err.count("\n") == 1
    assert {p: p.read_bytes() for p in ledger_log.rglob("*.md")} == before


def test_rerun_warns_when_the_code_differs(log_dir: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    first = reslog("run", "-t", "w2s", "--reason", "baseline", PY, "train.py", cwd=repo)
    assert first.returncode == 0
    old = git(repo, "rev-parse", "HEAD").strip()

    same = reslog("rerun", "1")  # from elsewhere: it runs in the run's folder
    assert same.returncode == 0 and same.stdout == "val_loss=0.31 acc=0.874\n"
    assert "warning" not in same.stderr and f"reslog: rerunning run 1 in {repo}: " in same.stderr

    (repo / "train.py").write_text("print('val_loss=0.29')\n")
    git(repo, "commit", "-q", "-am", "second")
    new = git(repo, "rev-parse", "HEAD").strip()
    moved = reslog("rerun", "1")
    assert f"reslog: warning: the commit differs: run 1 ran at {old[:10]}, HEAD is now {new[:10]}" in moved.stderr
    assert "uncommitted" not in moved.stderr and moved.stdout == "val_loss=0.29\n"

    (repo / "train.py").write_text("print('val_loss=0.1')\n")
    (repo / "extra.py").write_text("\n")
    dirty = reslog("rerun", "3")
    warnings = [line for line in dirty.stderr.splitlines() if "warning" in line]
    assert warnings == ["reslog: warning: the uncommitted changes differ from run 3's",
                        "reslog: warning: the untracked files differ from run 3's (new: extra.py)"]
    again = reslog("rerun", "4")  # the same dirty tree as run 4: nothing to warn about
    assert "warning" not in again.stderr

    entries = run_entries(log_dir)
    assert len(entries) == 5
    assert [e.field("rerun") for e in entries] == [None, entries[0].field("run"), entries[0].field("run"),
                                                     entries[2].field("run"), entries[3].field("run")]
    assert all(e.tags == ("w2s",) for e in entries)
    assert [c.text for c in entries[0].children] == ["reason: baseline"] and not entries[1].children
    assert entries[3].field("dirty") == "yes" and entries[3].field("val_loss") == "0.1"


def test_rerun_of_a_run_whose_folder_is_gone(log_dir: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    reslog("run", "true", cwd=work)
    work.rmdir()
    gone = reslog("rerun", "1")
    assert gone.returncode == 1 and f"the folder run 1 ran in, {work}, is gone" in gone.stderr
    assert len(run_entries(log_dir)) == 1


def test_rerun_keeps_the_exit_status(log_dir: Path) -> None:
    reslog("run", "--", "sh", "-c", "exit 7")
    assert reslog("rerun", "last").returncode == 7
