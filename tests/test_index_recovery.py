"""The derived databases heal themselves: damage found by any query is moved aside and rebuilt,
a write error is reported and never taken for damage, and a read-only log is still searchable
(issue 10, items 2, 3 and 5)."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.index import Index
from reslog.store import Log

from .conftest import ROOT, Clock, Result, day_file
from .test_errors import _unwritable

Run = Callable[..., Result]

PAGES = {
    "2026-11-20": "## What was done\n" + "".join(f"- 09:{n:02d} exp: warmup sweep {n} #w2s\n" for n in range(40)),
    "2026-11-23": "## What was done\n- 10:00 bug: NaN loss after warmup\n- 11:00 fix: clipped the gradients\n",
    "2026-11-24": "## What to do next\n- [x] rerun the sweep [est:: 2h] [took:: 3h]\n",
}


def _pages(log_dir: Path, pages: dict[str, str] = PAGES) -> None:
    for day, text in pages.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (1e9, 1e9))  # old: trusted mtimes, so an unchanged page is not read again


def _keyword_only(log_dir: Path) -> None:
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n")


def _damage(db: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with random bytes, as a bad sector would."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    with open(db, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(random.Random(root).randbytes(page_size))


def _aside(folder: Path, name: str) -> list[str]:
    """The copies of ``name`` moved aside (without their -wal and -shm companions)."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(f"{name}.broken-") and not p.name.endswith(("-wal", "-shm")))


# --- item 2: the index, damaged in the middle, found by any query ---


@pytest.mark.parametrize(
    "args",
    [
        ("search", "warmup"), ("search",), ("stats", "time"), ("week", "2026-11-23"),
        ("export", "json", "-"), ("ask", "what caused the NaN loss?"),
    ],
)
def test_damage_found_by_any_query_is_moved_aside_and_rebuilt(run: Run, clock: Clock, log_dir: Path,
                                                               args: tuple[str, ...]) -> None:
    _pages(log_dir)
    _keyword_only(log_dir)
    run(*args)
    expected = run(*args)  # the second time: a week page says "refreshed", not "created"
    assert expected.code == 0
    data = log_dir / ".reslog"
    _damage(data / "index.db", "entries")
    probe = sqlite3.connect(data / "index.db")
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):  # the file is really damaged
        probe.execute("SELECT * FROM entries").fetchall()
    probe.close()
    result = run(*args)
    assert result.code == 0, result
    assert "Traceback" not in result.err
    assert result.out == expected.out
    notices = [line for line in result.err.splitlines() if "index" in line]
    assert notices == [
        "reslog: rebuilt the index: the index could not be used (database disk image is malformed); "
        f"it was moved to {'.reslog/' + _aside(data, 'index.db')[0]}."
    ]
    assert len(_aside(data, "index.db")) == 1
    again = run(*args)
    assert again.out == expected.out and "index" not in again.err


def test_damage_in_the_full_text_index_is_healed(run: Run, clock: Clock, log_dir: Path) -> None:
    _pages(log_dir)
    _keyword_only(log_dir)
    run("search", "warmup")
    _damage(log_dir / ".reslog" / "index.db", "entries_fts_data")
    result = run("search", "NaN")
    assert result.code == 0 and "NaN loss after warmup" in result.out
    assert "reslog: rebuilt the index: the index could not be used" in result.err


def test_the_python_api_says_what_happened_and_the_next_use_heals(log_dir: Path) -> None:
    _pages(log_dir)
    log = Log(log_dir)
    with Index(log) as index:
        index.refresh()
    _damage(log_dir / ".reslog" / "index.db", "entries")
    from reslog.errors import IndexDamaged
    from reslog.search import listing

    with Index(log) as index, pytest.raises(IndexDamaged, match="index"):
        index.refresh()
        listing(index)
    with Index(log) as index:
        index.refresh()
        assert len(listing(index)) == 43


# --- item 3: the vectors, healed the same way (also by reslog reindex) ---


@pytest.mark.parametrize(("command", "table"), [("reindex", "vectors"), ("search", "vectors"),
                                               ("reindex", "migrations"), ("reindex", "state")])
def test_damaged_vectors_are_moved_aside_and_embedded_again(run: Run, clock: Clock, log_dir: Path,
                                                           command: str, table: str) -> None:
    _pages(log_dir, {"2026-11-23": PAGES["2026-11-23"]})
    first = run("reindex")
    assert "Embedded 2 new passages" in first.out
    data = log_dir / ".reslog"
    for snapshot in data.glob("vectors-*.npy"):
        snapshot.unlink()  # a search then reads the vectors from the database
    _damage(data / "vectors.db", table)
    if command == "reindex":
        result = run("reindex")
        assert result.code == 0, result
        assert "Embedded 2 new passages" in result.out
    else:
        result = run("search", "--mode", "semantic", "gradient clipping")
        assert result.code == 0, result
        assert "clipped the gradients" in result.out
    assert "Traceback" not in result.err
    assert ("reslog: rebuilt the vectors: the vectors could not be used (database disk image is malformed); "
            f"it was moved to .reslog/{_aside(data, 'vectors.db')[0]}.") in result.err
    assert _aside(data, "index.db") == []  # the index itself was fine
    assert run("search", "--mode", "semantic", "gradient clipping").err == ""


def test_vectors_file_that_is_not_a_database_is_moved_aside(run: Run, clock: Clock, log_dir: Path) -> None:
    _pages(log_dir, {"2026-11-23": PAGES["2026-11-23"]})
    run("reindex")
    (log_dir / ".reslog" / "vectors.db").write_bytes(b"not a database" * 500)
    result = run("reindex")
    assert result.code == 0 and "Embedded 2 new passages" in result.out
    assert len(_aside(log_dir / ".reslog", "vectors.db")) == 1


# --- item 5: a write error is not damage; a read-only log is still searchable ---

_FULL_DISK = r"""
import json, os, subprocess, sys
log = sys.argv[1]
data = os.path.join(log, ".reslog")
env = {**os.environ, "RESLOG_DIR": log}

def reslog(*args):
    done = subprocess.run([sys.executable, "-m", "reslog", *args], capture_output=True, text=True, env=env)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}

subprocess.run(["mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", data], check=True)
report = {"first": reslog("search", "warmup")}
before = open(os.path.join(data, "index.db"), "rb").read()
try:
    with open(os.path.join(data, "filler"), "wb", buffering=0) as filler:
        while True:
            filler.write(b"\0" * 4096)
except OSError:
    pass
with open(os.path.join(log, "days", "2026", "2026-11-25.md"), "w") as page:
    page.write("## What was done\n" + "".join(f"- added line {n} about warmup\n" for n in range(300)))
report["full"] = reslog("search", "warmup")
report["listing"] = sorted(os.listdir(data))
report["kept"] = open(os.path.join(data, "index.db"), "rb").read() == before
os.remove(os.path.join(data, "filler"))
report["freed"] = reslog("search", "added", "line", "299")
print(json.dumps(report))
"""


def test_disk_full_during_search_is_one_line_and_keeps_the_index(log_dir: Path) -> None:
    if shutil.which("unshare") is None or subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    ).returncode:
        pytest.skip("unshare cannot make a mount namespace here: no small disk to fill")
    _pages(log_dir)
    _keyword_only(log_dir)
    (log_dir / ".reslog").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c", _FULL_DISK, str(log_dir)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["first"]["code"] == 0 and "warmup sweep 1" in report["first"]["out"]
    full = report["full"]
    assert full["code"] == 1, full
    assert full["err"].startswith("reslog: ") and full["err"].count("\n") == 1, full["err"]
    assert "full" in full["err"] and "free some space" in full["err"]
    assert not any("broken" in name for name in report["listing"]), report["listing"]
    assert report["kept"]
    assert report["freed"]["code"] == 0 and "added line 299 about warmup" in report["freed"]["out"]


def test_unwritable_dot_reslog_without_an_index(run: Run, clock: Clock, log_dir: Path) -> None:
    _pages(log_dir)
    _keyword_only(log_dir)
    (log_dir / ".reslog").mkdir()
    with _unwritable(log_dir / ".reslog"):
        result = run("search", "--mode", "keyword", "NaN")
    assert result.code == 0, result
    assert "NaN loss after warmup" in result.out
    assert result.err == (
        f"reslog: {log_dir}/.reslog is read-only: the index is built in a temporary folder "
        "for this command.\n"
    )
    assert list((log_dir / ".reslog").iterdir()) == []


def test_read_only_log_is_searchable_and_left_as_it_was(run: Run, clock: Clock, log_dir: Path) -> None:
    _pages(log_dir, {"2026-11-23": PAGES["2026-11-23"], "2026-11-24": PAGES["2026-11-24"]})
    expected = {args: run(*args).out for args in (("search", "gradient"), ("stats", "time"))}
    assert "clipped the gradients" in expected[("search", "gradient")]
    _pages(log_dir, {"2026-11-25": "## What was done\n- 12:00 result: the sweep converged\n"})
    data = log_dir / ".reslog"
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    with _unwritable(data):
        for args, out in expected.items():
            result = run(*args)
            assert result.code == 0, result
            assert result.out == out
            assert "is read-only: the index is built in a temporary folder" in result.err
        found = run("search", "--mode", "keyword", "converged")
        assert "the sweep converged" in found.out
        assert "Traceback" not in found.err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


_HOLD_TEMPORARY = """
import sys, time
from reslog.index import Index
from reslog.store import Log
index = Index(Log(sys.argv[1]))
index.__enter__()
index.refresh()
print(index.folder, flush=True)
time.sleep(600)  # until the test kills it
"""


def test_a_killed_commands_temporary_index_is_removed_by_the_next(run: Run, clock: Clock, log_dir: Path,
                                                                  tmp_path: Path) -> None:
    """A read-only log's index is built in a temporary folder that the command removes at its
    end; a command killed first (SIGKILL) cannot, and left a copy of the index behind on every
    kill. The next command to need a temporary folder removes those of processes gone."""
    _pages(log_dir)
    _keyword_only(log_dir)
    assert run("search", "--mode", "keyword", "NaN").code == 0  # an index in .reslog/ to copy
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(temp), "RESLOG_DIR": str(log_dir),
           "RESLOG_BACKGROUND": "0"}
    other = temp / "reslog-edit-1-abc"  # another folder of the same name's start: not ours to remove
    other.mkdir()
    with _unwritable(log_dir / ".reslog"):
        with subprocess.Popen([sys.executable, "-c", _HOLD_TEMPORARY, str(log_dir)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as held:
            assert held.stdout is not None
            killed = Path(held.stdout.readline().strip())
            assert killed.parent == temp and killed.name.startswith(f"reslog-{held.pid}-")
            assert (killed / "index.db").exists()
            # while it runs, a second command leaves its folder alone
            alive = subprocess.run([sys.executable, "-m", "reslog", "search", "--mode", "keyword", "NaN"],
                                   env=env, capture_output=True, text=True, timeout=120)
            assert alive.returncode == 0 and "NaN loss after warmup" in alive.stdout, alive.stderr
            assert killed.exists()
            held.kill()
            held.wait(timeout=30)
        assert killed.exists()  # SIGKILL: nothing ran to remove it
        after = subprocess.run([sys.executable, "-m", "reslog", "search", "--mode", "keyword", "NaN"],
                               env=env, capture_output=True, text=True, timeout=120)
    assert after.returncode == 0 and "NaN loss after warmup" in after.stdout, after.stderr
    assert sorted(p.name for p in temp.iterdir()) == ["reslog-edit-1-abc"]


_HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_a_read_answers_from_the_committed_index_while_another_process_writes(
    run: Run, clock: Clock, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the index's write lock (a reindex, a hung session) kept every read
    waiting 30 s, then failing: a read now answers from the index as last committed, and says
    what it leaves out; the next read, once the lock is free, has it."""
    _pages(log_dir)
    _keyword_only(log_dir)
    assert "clipped the gradients" in run("search", "gradient").out
    _pages(log_dir, {"2026-11-25": "## What was done\n- 12:00 result: the sweep converged\n"})
    monkeypatch.setattr("reslog.index.WAIT_FOR_WRITER", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_WRITE_LOCK, str(log_dir / ".reslog" / "index.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        while_held = run("search", "--mode", "keyword", "gradient")
        assert while_held.code == 0, while_held
        assert "clipped the gradients" in while_held.out
        assert while_held.err == (
            "reslog: another reslog process is writing the index: this answer leaves out what changed "
            "on 1 page since it was last updated; run the command again in a moment\n")
        assert "the sweep converged" not in run("search", "--mode", "keyword", "converged").out
    finally:
        holder.communicate("")
    after = run("search", "--mode", "keyword", "converged")
    assert after.code == 0 and "the sweep converged" in after.out
    assert after.err == ""


def test_a_full_reindex_still_waits_for_the_write_lock(
    run: Run, clock: Clock, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``reslog reindex`` rebuilds the whole index: it cannot answer from the old one, so it waits
    for the lock as before and then says the index is busy."""
    from reslog import derived

    _pages(log_dir)
    _keyword_only(log_dir)
    run("search", "gradient")
    monkeypatch.setattr(derived, "BUSY_SECONDS", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_WRITE_LOCK, str(log_dir / ".reslog" / "index.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        result = run("reindex")
    finally:
        holder.communicate("")
    assert result.code == 1, result
    assert "is busy (database is locked): another reslog process is using it; try again" in result.err
