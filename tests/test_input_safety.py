"""Input that cannot be written is refused before anything is written (issue 10, item 5)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Clock, Result, day_file, log_files

Run = Callable[..., Result]


def _reslog(log_dir: Path, *args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """A real process, so that the bytes of argv and stdin reach reslog as the shell gives them."""
    env = {**os.environ, "RESLOG_DIR": str(log_dir)}
    return subprocess.run([sys.executable, "-m", "reslog", *args], input=stdin, capture_output=True, env=env)


@pytest.fixture
def yesterday_with_a_todo(log_dir: Path) -> Path:
    """A log whose latest page is yesterday's, with an open to-do: the first capture of today
    makes today's page and carries the to-do into it."""
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    path = day_file(log_dir, day)
    path.parent.mkdir(parents=True)
    path.write_text("## What to do next\n- [ ] carry me\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("did", b"caf\xe9 au lait"), b""),
        (("todo", b"x", b"-t", b"caf\xe9"), b""),
        (("idea", b"x", b"--from", b"\xff\xfe"), b""),
        (("did", b"-"), b"first line\n\xff\xfe second line\n"),
        (("think", b"-"), b"\xe9"),
    ],
)
def test_invalid_utf8_is_refused_before_carry_over(log_dir: Path, yesterday_with_a_todo: Path,
                                                   args: tuple[bytes, ...], stdin: bytes) -> None:
    before = log_files(log_dir)
    done = _reslog(log_dir, *args, stdin=stdin)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert err.startswith("reslog: ") and err.count("\n") == 1, err
    assert "not valid UTF-8" in err
    assert log_files(log_dir) == before  # today's page was not made, nothing was carried


@pytest.mark.parametrize("args", [("search", b"\xff"), ("show", b"\xff"), ("search", "--tag", b"w\xe9")])
def test_invalid_utf8_in_a_reading_command(log_dir: Path, yesterday_with_a_todo: Path,
                                           args: tuple[bytes, ...]) -> None:
    done = _reslog(log_dir, *args)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and err.count("\n") == 1 and "not valid UTF-8" in err, err


def test_lone_surrogates_in_process(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "caf\udce9")
    assert result.code == 2 and "not valid UTF-8" in result.err
    assert not log_dir.exists() or log_files(log_dir) == {}


COMMANDS = [
    ("did", "x"), ("todo", "x"), ("think", "x"), ("today",), ("show",), ("todos",), ("status",),
    ("done", "1"), ("start", "1"), ("stop",), ("edit",), ("search", "x"), ("search",), ("reindex",),
    ("ask", "why?"), ("digest",), ("week",), ("stats", "time"), ("export", "json", "-"),
    ("import", "markdown", "."),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_dir_that_is_a_file_is_the_same_error_for_every_command(run: Run, clock: Clock, tmp_path: Path,
                                                                args: tuple[str, ...]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a log")
    result = run("--dir", str(blocker), *args)
    assert result.code == 1, result
    assert result.err == (
        f"reslog: the log folder {blocker} is a file, not a folder; "
        "choose another with --dir or RESLOG_DIR\n"
    )
    assert blocker.read_text() == "not a log"
