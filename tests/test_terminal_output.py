"""Control characters in entries never reach the terminal raw; the files keep them (issue 10,
item 11). Only the colours reslog adds itself are escape sequences."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
C1 = "\x9b31m"  # CSI as one 8-bit character
PAGE = (
    "## What to do next\n"
    f"- [ ] rename the run{TITLE} #w2s [est:: 1h]\n"
    "\n"
    "## What was done\n"
    f"- 09:00 exp: warmup sweep{CLEAR} diverged #w2s\n"
    f"  - thought: the bell\x07 and a backspace\x08 and DEL\x7f and {C1}red\n"
    f"- 10:00 bug: NaN loss{TITLE} after warmup #w2s\n"
    "\n"
    "## Random ideas\n"
    f"- 11:00 idea: warmup schedules that adapt{CLEAR} [from:: a talk{TITLE}]\n"
    "\n"
    "## Reflection\n"
    f"- 18:00 the warmup day{CLEAR} went well\n"
)
RAW = ("\x1b", "\x07", "\x08", "\x7f", "\x9b")


@pytest.fixture
def hostile(log_dir: Path) -> Path:
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    path.write_text(PAGE, encoding="utf-8")
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n")
    return path


COMMANDS = [
    ("today",), ("show",), ("show", "2026-11-26"), ("todos",), ("search", "warmup"), ("search",),
    ("search", "warmup", "--json"), ("ask", "what happened with the warmup?"), ("week",),
    ("stats", "bugs"), ("stats", "time"), ("stats", "sources"), ("stats", "focus"), ("stats", "habits"),
    ("digest", "--section", "all"), ("digest", "--section", "all", "--json"), ("status",),
    ("done", "1"), ("start", "1"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_no_raw_control_character_reaches_the_output(run: Run, clock: Clock, hostile: Path,
                                                     args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.code == 0, result
    for char in RAW:
        assert char not in result.out, (char, result.out)
        assert char not in result.err, (char, result.err)
    text = hostile.read_text(encoding="utf-8")
    assert TITLE in text and CLEAR in text and C1 in text  # the file keeps the bytes as written


def test_control_characters_are_made_visible(run: Run, clock: Clock, hostile: Path) -> None:
    out = run("show").out
    assert "sweep diverged" in out or "sweep␛[2J diverged" in out  # click strips CSI from a pipe
    assert "rename the run␛]0;pwned␇" in out
    assert "the bell␇ and a backspace␈ and DEL␡ and ␛[31mred" in out
    assert run("search", "NaN").out.count("NaN loss␛]0;pwned␇ after warmup") == 1


def test_the_status_of_a_running_timer(run: Run, clock: Clock, hostile: Path) -> None:
    run("start", "1")
    out = run("status").out
    assert "rename the run␛]0;pwned␇" in out and "\x1b" not in out
    assert "\x1b]0;pwned\x07" in hostile.read_text(encoding="utf-8")  # the file keeps its bytes


def test_an_export_to_a_file_keeps_the_bytes(run: Run, clock: Clock, hostile: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    assert run("export", "md", str(target)).code == 0
    assert TITLE in target.read_text(encoding="utf-8")


def _on_a_terminal(log_dir: Path, *args: str) -> str:
    """What reslog writes to a real terminal (a pseudo-terminal), where it uses colour."""
    leader, follower = pty.openpty()
    env = {**os.environ, "RESLOG_DIR": str(log_dir), "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "reslog", *args], stdin=follower, stdout=follower,
                               stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(30)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_on_a_terminal_only_reslogs_own_colours_are_escape_sequences(hostile: Path, log_dir: Path) -> None:
    out = _on_a_terminal(log_dir, "show", "2026-11-26")
    assert "\x1b[1m" in out  # the bold date reslog writes
    assert "sweep␛[2J diverged" in out and "\x1b[2J" not in out and "\x1b]0;" not in out
    sequences = set(re.findall(r"\x1b[^a-zA-Z]*[a-zA-Z]", out))
    assert sequences and all(re.fullmatch(r"\x1b\[[0-9;]*m", s) for s in sequences), sequences
    found = _on_a_terminal(log_dir, "search", "--mode", "keyword", "NaN")
    assert "loss␛]0;pwned␇ after warmup" in found and "\x07" not in found
