"""Bad input: one clear line, the right exit code, and nothing written."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from .conftest import Clock, Result, day_file, log_files

Run = Callable[..., Result]


@pytest.fixture
def seeded(run: Run, clock: Clock, log_dir: Path) -> dict[str, bytes]:
    run("todo", "one", "--est", "1h")
    run("did", "something")
    return log_files(log_dir)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("did", "x", "--date", "blorp"), 2, "cannot read 'blorp' as a date; use YYYY-MM-DD"),
        (("did", "x", "--date", "2026-02-30"), 2, "cannot read '2026-02-30' as a date"),
        (("did", "x", "--time", "25:00"), 2, "cannot read '25:00' as a time; use HH:MM"),
        (("todo", "x", "--est", "soon"), 2, "cannot read 'soon' as a duration; use a number with a unit"),
        (("todo", "x", "--est", "2"), 2, "cannot read '2' as a duration"),
        (("done", "1", "--took", "a while"), 2, "cannot read 'a while' as a duration"),
        (("done", "7"), 1, "there is no to-do 7 on 2026-11-26 (it has to-dos 1 to 1)"),
        (("drop", "0"), 1, "there is no to-do 0 on 2026-11-26"),
        (("start", "9"), 1, "there is no to-do 9"),
        (("think", "x", "--on", "5"), 1, "there is no entry 5 on 2026-11-26 (it has 1)"),
        (("did",), 2, "nothing to write: the text is empty"),
        (("did", "   "), 2, "nothing to write: the text is empty"),
        (("did", "exp:"), 2, "nothing to write after 'exp:'; type the entry's text after it"),
        (("bug", "bug:   "), 2, "nothing to write after 'bug:'"),
        (("did", "x", "-t", "two words"), 2, "cannot use 'two words' as a tag"),
        (("did", "x", "-t", "2026"), 2, "cannot use '2026' as a tag"),
        (("did", "x", "-t", "C++"), 2, "cannot use 'C++' as a tag"),
        (("show", "2020-01-01"), 1, "there is no page for 2020-01-01"),
        (("did", "09:99 exp: bad"), 2, "09:99 at the start of the text is not a time of day"),
        (("did", "25:00 bug: x"), 2, "write it as HH:MM from 00:00 to 23:59"),
        (("did", "10:00 x", "--time", "11:00"), 2, "the time is given twice (11:00 as an option and 10:00"),
        (("search", "--", "🚀"), 2, "'🚀' has no word to search for (letters or digits)"),
        (("search", "("), 2, "has no word to search for"),
        (("todos", "--date", "2020-01-01"), 1, "no to-dos that day; 'reslog todos' lists today's"),
        (("done", "x"), 2, "'x' is not a valid integer"),
        (("did", "x", "--nope"), 2, "No such option '--nope'"),
        (("nonsense",), 2, "No such command 'nonsense'"),
    ],
)
def test_bad_input(
    run: Run, log_dir: Path, seeded: dict[str, bytes], args: tuple[str, ...], code: int, message: str
) -> None:
    result = run(*args)
    assert result.code == code
    assert result.err.startswith("reslog: ") and message in result.err
    assert result.err.count("\n") == 1, result.err
    assert result.out == ""
    assert log_files(log_dir) == seeded


def test_done_twice_is_refused(run: Run, log_dir: Path, seeded: dict[str, bytes]) -> None:
    assert run("done", "1").code == 0
    written = log_files(log_dir)
    result = run("done", "1")
    assert result.code == 1
    assert result.err == ("reslog: to-do 1 on 2026-11-26 is done already; nothing changed "
                          "('reslog reopen 1' opens it again)\n")
    assert log_files(log_dir) == written


def test_page_that_is_not_utf8_is_named_and_kept(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    data = b"## What was done\n- caf\xe9 in latin-1\n"
    path.write_bytes(data)
    for args in (("did", "x"), ("today",), ("show", "today"), ("todos",)):
        result = run(*args)
        assert result.code == 1
        assert str(path) in result.err and "is not valid UTF-8" in result.err
        assert result.err.count("\n") == 1
    assert path.read_bytes() == data


@contextmanager
def _unwritable(folder: Path) -> Iterator[None]:
    """A folder nobody can write to: chmod for users, the immutable attribute for root."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode:
        pytest.skip("running as root without a working chattr: cannot make a folder unwritable")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@contextmanager
def read_only_log(log_dir: Path) -> Iterator[None]:
    """The log folder, its .reslog/ and its day folders unwritable (chmod, or chattr +i for root)."""
    with ExitStack() as stack:
        for folder in (log_dir, log_dir / ".reslog", log_dir / "days", log_dir / "days" / "2026"):
            stack.enter_context(_unwritable(folder))
        yield


def test_today_on_a_read_only_log_shows_the_page_as_it_would_be(run: Run, clock: Clock, log_dir: Path) -> None:
    """So does `reslog todos`, which refused ("cannot write to the log folder"); a change is refused."""
    clock.set("2026-11-24T09:00")
    assert run("todo", "Email Yitao").code == 0
    clock.set("2026-11-26T09:00")
    files = {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file()}
    with read_only_log(log_dir):
        result = run("today")
        listed = run("todos")
        done = run("done", "1")
        unchanged = {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file()}
    assert result.code == 0, result.err
    assert "Email Yitao [carried:: 2026-11-24]" in result.out
    assert result.err == ("reslog: this log is read-only: today's page is shown as it would be written, "
                          "and nothing was saved\n")
    assert listed.code == 0 and listed.out == "  1 [ ] Email Yitao  (waiting 2 days since 2026-11-24)\n"
    assert listed.err == ("reslog: this log is read-only: today's to-dos are listed as they would be, and "
                          "nothing was saved\n")
    assert done.code == 1 and "cannot write" in done.err
    assert unchanged == files
    assert run("today").code == 0 and "[carried:: 2026-11-24]" in day_file(log_dir, "2026-11-26").read_text()


def test_week_on_a_read_only_log_shows_the_page_as_it_would_be(run: Run, clock: Clock, log_dir: Path) -> None:
    clock.set("2026-11-24T09:00")
    assert run("did", "calibrated the thermometer").code == 0
    clock.set("2026-11-26T09:00")
    files = {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file()}
    temporary = sorted(Path(tempfile.gettempdir()).glob("reslog-*"))
    with read_only_log(log_dir):
        shown = run("week")
        rated = run("week", "--rate", "4")
        unchanged = {p: p.read_bytes() for p in log_dir.rglob("*") if p.is_file()}
    assert shown.code == 0, shown.err
    assert "2026-W48" in shown.out and "weeks/2026/2026-W48.md" in shown.out
    assert "Days logged: 1 of 7" in shown.out and "Entries: 1 (1 note" in shown.out
    assert shown.err == (  # the index, opened four times for the page, is built once, and said once
        f"reslog: {log_dir}/.reslog is read-only: the index is built in a temporary folder for this command.\n"
        "reslog: this log is read-only: the week's page is shown as it would be written, and nothing was saved\n")
    assert sorted(Path(tempfile.gettempdir()).glob("reslog-*")) == temporary  # and removed after the command
    assert rated.code == 1 and rated.out == ""
    assert rated.err.startswith("reslog: this log is read-only: cannot save the rating of 2026-W48; make ")
    assert rated.err.count("\n") == 1
    assert unchanged == files and not (log_dir / "weeks").exists()
    assert run("week").code == 0 and (log_dir / "weeks" / "2026" / "2026-W48.md").exists()


def test_unwritable_log_folder(run: Run, clock: Clock, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    with _unwritable(folder):
        result = run("--dir", str(folder), "did", "x")
    assert result.code == 1
    assert result.err.startswith(f"reslog: cannot write to the log folder {folder}")
    assert result.err.count("\n") == 1
    assert [p.name for p in folder.iterdir()] == ["notes.md"]


def test_log_folder_that_is_a_file(run: Run, clock: Clock, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("--dir", str(blocker / "log"), "did", "x")
    assert result.code == 1
    assert result.err.startswith("reslog: cannot use the log folder")
    assert result.err.count("\n") == 1
    assert blocker.read_text() == "not a folder"


def test_a_file_where_a_year_folder_should_be(run: Run, clock: Clock, log_dir: Path) -> None:
    (log_dir / "days").mkdir(parents=True)
    (log_dir / "days" / "2026").write_text("not a folder")
    result = run("did", "x")
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert "a file stands where" in result.err and "2026-11-26.md" in result.err
    assert (log_dir / "days" / "2026").read_text() == "not a folder"


def test_reindex_of_a_read_only_log_says_so(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("did", "an entry to embed").code == 0
    before = log_files(log_dir)
    with _unwritable(log_dir / ".reslog"):
        result = run("reindex")
    # a notice that the index is built aside, then the error (it was a PermissionError traceback)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert result.err.splitlines()[-1].startswith("reslog: cannot embed the log: ") and "read-only" in result.err
    assert log_files(log_dir) == before


def test_run_from_a_deleted_folder(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); " \
             "sys.argv = ['reslog', 'run', 'echo', 'hi']; runpy.run_module('reslog', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "reslog: the current folder no longer exists; cd to a folder and run again\n"


def test_read_only_page_is_reported(run: Run, clock: Clock, log_dir: Path) -> None:
    """Even as root, a read-only file system refuses; emulate with a folder in the page's place."""
    path = day_file(log_dir, "2026-11-26")
    path.mkdir(parents=True)
    result = run("did", "x")
    assert result.code == 1 and "is a folder, not a page" in result.err


def test_debug_shows_the_traceback(run: Run, clock: Clock) -> None:
    from reslog.errors import InputError

    with pytest.raises(InputError):
        run("--debug", "did", "x", "--date", "blorp")


_HOLDER = """
import sys, time
from reslog.store import Log
with Log(sys.argv[1]).locked():
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def _lock_held(log: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process that takes the log's lock and keeps it for ``seconds`` (a stuck writer)."""
    with subprocess.Popen([sys.executable, "-c", _HOLDER, str(log), str(seconds)],
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            yield holder
        finally:
            holder.kill()


def test_a_stuck_writer_is_named_and_nothing_is_written(
    run: Run, clock: Clock, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reslog import store

    assert run("did", "before").code == 0
    before = log_files(log_dir)
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 3.0)
    with _lock_held(log_dir, 600) as holder:
        assert (log_dir / ".reslog" / "lock").read_text() == f"{holder.pid}\n"
        result = run("did", "after")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"reslog: waiting for another reslog (pid {holder.pid}) that is writing this log...",
        f"reslog: another reslog (pid {holder.pid}) has held this log's lock (.reslog/lock) for over "
        f"3 s; nothing was written. If it is stuck, end it ('kill {holder.pid}'), then try again",
    ]
    assert result.out == ""
    assert log_files(log_dir) == before


def test_a_writer_waits_for_the_lock_and_says_so(run: Run, clock: Clock, log_dir: Path) -> None:
    import time

    with _lock_held(log_dir, 3) as holder:
        start = time.monotonic()
        result = run("did", "after the wait")
        waited = time.monotonic() - start
    assert result.code == 0, result.err
    assert waited > 2
    assert result.err == f"reslog: waiting for another reslog (pid {holder.pid}) that is writing this log...\n"
    assert "after the wait" in day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    assert (log_dir / ".reslog" / "lock").read_text() == ""  # no stale pid once released


def test_no_wait_no_notice(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "quick")
    assert result.code == 0 and result.err == ""
    assert (log_dir / ".reslog" / "lock").read_text() == ""


@pytest.mark.parametrize(("number", "said"), [
    (errno.ENOSPC, "No space left on device; free some space on its disk and run the command again"),
    (errno.EROFS, "it is on a read-only file system; remount it writable, or choose another folder"),
    (errno.EACCES, "Permission denied; fix its permissions or choose another with --dir or RESLOG_DIR"),
])
def test_a_failed_write_says_what_to_do_about_its_cause(tmp_path: Path, number: int, said: str) -> None:
    """A full disk was told to "check the path (--dir or RESLOG_DIR)"."""
    from reslog.store import _log_error

    message = str(_log_error(tmp_path, OSError(number, os.strerror(number))))
    assert message.startswith(f"cannot write to the log folder {tmp_path}: ") and said in message, message
