"""The fast path and the click CLI read the same command lines the same way."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.cli import fast
from reslog.cli.main import invoke

from .conftest import Clock, Result

Run = Callable[..., Result]

LINES = [
    ["did", "plain", "words"],
    ["did", "--tag", "a", "-t", "b", "-tc", "--tag=d", "text", "after", "options"],
    ["exp", "sweep", "--from", "chat with Ana", "--star", "--time", "7:05"],
    ["bug", "--date", "yesterday", "--", "--not-an-option", "-t"],
    ["todo", "write", "--est", "1h30m", "--from=advisor"],
    ["idea", "-", "--from", "shower"],
    ["reflect", "calm", "--date=2026-11-20", "--time", "18:00"],
    ["think", "why", "--on", "1"],
    ["feel", "tired"],
    ["--debug", "did", "with debug"],
]


@pytest.mark.parametrize("args", LINES, ids=[" ".join(a) for a in LINES])
def test_fast_and_click_write_the_same(args: list[str], clock: Clock, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    results = []
    for way in ("fast", "click"):
        root = tmp_path / way
        (root / "days" / "2026").mkdir(parents=True)
        (root / "days" / "2026" / "2026-11-26.md").write_text("## What was done\n- 08:00 first\n")
        monkeypatch.setattr(sys, "stdin", io.StringIO("line one\nline two\n"))
        full = ["--dir", str(root), *args]
        capsys.readouterr()
        if way == "fast":
            assert fast.run(full) == 0
        else:
            invoke(full)
        out = capsys.readouterr().out
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}
        results.append((out, files))
    assert results[0] == results[1]


@pytest.mark.parametrize("args", [
    ["did", "--help"], ["did", "-h"], ["did", "--nope", "x"], ["todo", "x", "--est"],
    ["search", "x", "--level", "7"], ["search", "--kind", "nope"], ["search", "--limit", "0"],
    ["show"], ["--version"], [], ["did", "--star=yes", "x"], ["search", "x", "--limt", "3"],
])
def test_anything_unusual_goes_to_click(args: list[str]) -> None:
    assert fast.run(args) is None


def test_search_minus_word_excludes(run: Run, clock: Clock) -> None:
    run("did", "rates in the sweep")
    run("did", "rates in the tool")
    out = run("search", "rates", "-tool").out
    assert "sweep" in out and "tool" not in out
    result = run("search", "rates", "--limt", "3")
    assert result.code == 2 and "No such option: --limt" in result.err
