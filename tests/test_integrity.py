"""Never lose a word: concurrent writers, killed writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reslog import markdown

from .conftest import day_file

_WRITER = """
import sys
from reslog.cli.entry import main
worker = sys.argv[1]
for n in range(50):
    code = main(["did", f"worker {worker} entry {n}", "--time", "10:00"])
    assert code == 0, code
"""


def test_eight_processes_fifty_captures_each(log_dir: Path) -> None:
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(w)], env=env, stdout=subprocess.DEVNULL)
        for w in range(8)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * 8
    days = list((log_dir / "days").rglob("*.md"))
    assert len(days) == 1
    page = markdown.parse(days[0].read_text(encoding="utf-8"))
    texts = sorted(e.text for e in page.entries())
    assert texts == sorted(f"worker {w} entry {n}" for w in range(8) for n in range(50))


# Writes a large page over and over, alternating two contents; reports after each write.
_LOOPER = """
import datetime as dt, sys
from pathlib import Path
from reslog import markdown
from reslog.store import Log
log, day = Log(Path(sys.argv[1])), dt.date(2026, 11, 26)
contents = [markdown.parse(Path(p).read_text(encoding="utf-8")) for p in sys.argv[2:4]]
n = 0
while True:
    log.update_day(day, day, lambda page: contents[n % 2])
    n += 1
    sys.stdout.write("w\\n"); sys.stdout.flush()
"""

# Stops forever inside the fsync of the temporary file: the kill lands mid-write.
_STUCK = """
import datetime as dt, os, sys, time
from pathlib import Path
from reslog.capture import Capture, add_entry
from reslog.store import Log
real_fsync = os.fsync
calls = []
def stuck(fd):
    calls.append(fd)
    if len(calls) == int(sys.argv[2]):
        sys.stdout.write("stuck\\n"); sys.stdout.flush()
        time.sleep(600)
    real_fsync(fd)
os.fsync = stuck
day = dt.date(2026, 11, 26)
add_entry(Log(Path(sys.argv[1])), day, day, "done", Capture("the new entry", time="11:00"))
"""


def _big_page(tag: str) -> str:
    lines = "".join(f"- 09:{n % 60:02d} exp: {tag} run {n} " + "x" * 200 + "\n" for n in range(20000))
    return f"## What was done\n{lines}"


def test_sigkill_at_random_moments_never_tears_a_page(log_dir: Path, tmp_path: Path) -> None:
    a, b = _big_page("A"), _big_page("B")
    (tmp_path / "a.md").write_text(a, encoding="utf-8")
    (tmp_path / "b.md").write_text(b, encoding="utf-8")
    path = day_file(log_dir, "2026-11-26")
    for attempt in range(12):
        args = [sys.executable, "-c", _LOOPER, str(log_dir), str(tmp_path / "a.md"), str(tmp_path / "b.md")]
        with subprocess.Popen(args, stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()  # at least one write has finished
            time.sleep(0.003 * attempt)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert path.read_text(encoding="utf-8") in (a, b)


@pytest.mark.parametrize(("fsync_call", "outcome"), [(1, "old"), (2, "new")])
def test_sigkill_inside_the_write_leaves_a_whole_page(
    log_dir: Path, fsync_call: int, outcome: str
) -> None:
    """Killed in the temporary file's fsync (call 1) or the folder's (call 2, after the rename)."""
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    old = "## What was done\n- 09:00 the old entry\n"
    new = old + "- 11:00 the new entry\n"
    path.write_text(old, encoding="utf-8")
    args = [sys.executable, "-c", _STUCK, str(log_dir), str(fsync_call)]
    with subprocess.Popen(args, stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"stuck\n"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    before = old if outcome == "old" else new
    assert path.read_text(encoding="utf-8") == before
    # the next writer is not blocked by the dead one and overwrites its temporary file
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    code = subprocess.run(
        [sys.executable, "-m", "reslog", "did", "after", "--date", "2026-11-26", "--time", "12:00"],
        env=env, capture_output=True, timeout=60,
    ).returncode
    assert code == 0
    assert path.read_text(encoding="utf-8") == before + "- 12:00 after\n"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_first_capture_flushes_every_new_folder(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """days/ and days/YYYY/ of a new log are durable: the folder holding each is fsynced."""
    import datetime as dt

    from reslog import store
    from reslog.capture import Capture, add_entry

    flushed: list[str] = []
    real = store._fsync_dir
    monkeypatch.setattr(store, "_fsync_dir", lambda folder: (flushed.append(folder), real(folder))[1])
    day = dt.date(2026, 11, 26)
    add_entry(store.Log(log_dir), day, day, "done", Capture("first", time="09:00"))
    assert {str(log_dir), str(log_dir / "days"), str(log_dir / "days" / "2026")} <= set(flushed)
