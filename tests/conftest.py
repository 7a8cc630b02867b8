"""Shared fixtures: every test gets its own log folder, chosen by RESLOG_DIR."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reslog.cli import context
from reslog.cli.entry import main

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(autouse=True)
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "log"
    monkeypatch.setenv("RESLOG_DIR", str(folder))
    # no test starts a background embedding worker unless it asks to (tests/test_background.py)
    monkeypatch.setenv("RESLOG_BACKGROUND", "0")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return folder


class Clock:
    """A settable stand-in for the CLI's clock."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def set(self, value: str) -> None:
        self.current = dt.datetime.fromisoformat(value)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock(dt.datetime(2026, 11, 26, 9, 12))
    monkeypatch.setattr(context, "now", fake)
    yield fake


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI in-process through its single exit point; returns code, stdout, stderr."""

    def invoke(*args: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def day_file(log: Path, day: str) -> Path:
    return log / "days" / day[:4] / f"{day}.md"
