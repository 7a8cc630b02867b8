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


@pytest.mark.parametrize(
    ("args", "stdin", "named"),
    [
        (("did", "-"), b"first line\nsec\x00ond\n", "the text holds the control character U+0000"),
        (("think", "clear \x1b[2J screen"), b"", "the text holds the control character U+001B"),
        (("todo", "x", "-t", "w2s\x07"), b"", "a tag holds the control character U+0007"),
        (("idea", "x", "--from", "chat\x7f"), b"", "--from holds the control character U+007F"),
    ],
)
def test_control_characters_are_refused_before_carry_over(log_dir: Path, yesterday_with_a_todo: Path,
                                                           args: tuple[str, ...], stdin: bytes,
                                                           named: str) -> None:
    before = log_files(log_dir)
    done = _reslog(log_dir, *args, stdin=stdin)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert err == (f"reslog: {named}, which a page cannot keep; remove it (a stray byte of a paste or a "
                   "binary file) and try again\n")
    assert log_files(log_dir) == before  # today's page was not made, nothing was carried


def test_a_nul_in_an_argument_is_refused(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "a\x00b")  # in process: a real argv cannot hold a NUL, but an API caller can
    assert result.code == 2
    assert result.err.startswith("reslog: the text holds the control character U+0000, which a page")
    assert not log_dir.exists() or log_files(log_dir) == {}


def test_a_tab_in_the_text_is_kept(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("did", "loss\t0.31").code == 0
    assert "- 09:12 loss\t0.31\n" in day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")


def test_a_run_shows_a_control_character_of_its_command_escaped(run: Run, clock: Clock,
                                                                 log_dir: Path) -> None:
    """Never raw on the page (an escape sequence would act on the terminal of whoever reads it),
    and not as a space either, which made another command: as bash's $'...' writes it."""
    result = run("run", "--", sys.executable, "-c", "pass", "a\x1bb")
    assert result.code == 0, result.err
    page = day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    assert "\x1b" not in page
    assert " -c pass $'a\\x1bb'`" in page


def test_import_keeps_its_own_rules_for_control_characters(run: Run, clock: Clock, tmp_path: Path) -> None:
    journal = tmp_path / "j.txt"
    journal.write_text("[2020-03-01 09:00] bell \x07 in an old note\n", encoding="utf-8")
    result = run("import", "jrnl", str(journal))
    assert result.code == 0 and "Imported 1 entry" in result.out, result.err


def test_an_import_from_inside_the_log_or_of_a_folder_holding_it_is_refused(
    run: Run, clock: Clock, log_dir: Path, tmp_path: Path
) -> None:
    """``import obsidian`` of the log's own days/ added every page again as notes (a to-do twice,
    both open), and importing a folder that holds the log does the same: refused, nothing written."""
    assert run("todo", "beta").code == 0
    before = log_files(log_dir)
    for fmt, path, message in (
        ("obsidian", log_dir / "days", f"{log_dir / 'days'} lies inside the log folder {log_dir}; "
                                        "import from a folder outside it"),
        ("markdown", log_dir, f"{log_dir} lies inside the log folder {log_dir}; import from a folder outside it"),
        ("markdown", tmp_path, f"the log {log_dir} lies inside {tmp_path}; import a folder that does not hold "
                               "the log"),
    ):
        result = run("import", fmt, str(path))
        assert result.code == 2 and result.err == f"reslog: {message}\n", result
    assert log_files(log_dir) == before


@pytest.mark.parametrize(("args", "env", "message"), [
    (("--dir", "", "did", "x"), None, "the log folder given (--dir or RESLOG_DIR) is blank"),
    (("did", "x", "--dir", " "), None, "the log folder given (--dir or RESLOG_DIR) is blank"),
    (("did", "x"), "   ", "the log folder given (--dir or RESLOG_DIR) is blank"),
    (("search", "x"), "   ", "the log folder given (--dir or RESLOG_DIR) is blank"),
    (("todos",), "\t", "the log folder given (--dir or RESLOG_DIR) is blank"),
    (("demo", ""), None, "FOLDER is blank; give a folder, or leave it out for a new folder here"),
])
def test_a_blank_log_folder_is_refused(tmp_path: Path, args: tuple[str, ...], env: str | None, message: str) -> None:
    """``--dir ''`` wrote the log into the current folder, ``RESLOG_DIR='   '`` into a folder named
    by three spaces, ``demo ''`` into the current folder: refused, nothing written anywhere."""
    here = tmp_path / "here"
    here.mkdir()
    environ = {**os.environ, "HOME": str(tmp_path / "home"), "RESLOG_BACKGROUND": "0"}
    environ.pop("RESLOG_DIR", None)
    if env is not None:
        environ["RESLOG_DIR"] = env
    done = subprocess.run([sys.executable, "-m", "reslog", *args], cwd=here, env=environ, capture_output=True,
                          text=True)
    assert done.returncode == 2, done
    assert done.stderr.startswith(f"reslog: {message}") and len(done.stderr.splitlines()) == 1
    assert list(here.iterdir()) == [] and not (tmp_path / "home").exists()


def test_a_blank_source_and_a_control_character_in_a_reason_are_refused(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    """``--from '   '`` wrote ``[from:: ]``; ``run --reason`` with an escape byte wrote it to the
    page (a capture refuses both)."""
    assert run("did", "seed").code == 0
    before = log_files(log_dir)
    blank = run("did", "--from", "   ", "read the paper")
    assert blank.code == 2 and blank.err == (
        "reslog: --from is blank; say where it came from (a person, a paper, a talk), or leave it out\n")
    reason = run("run", "--reason", "x\x1by", "--", "true")
    assert reason.code == 2 and reason.err.startswith("reslog: --reason holds the control character U+001B")
    assert log_files(log_dir) == before
