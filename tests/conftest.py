"""Shared fixtures: every test gets its own log folder, chosen by RESLOG_DIR.

Tests that read the third-party material in ``../shared/corpora`` carry the
``corpora`` mark (``@corpora``). Where that folder is absent (a fresh clone with
nothing beside it) they are skipped, all with the one reason below; under CI
(``CI=true``), where the folder must be present, an absent folder fails them
instead, so a CI run never passes by skipping them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reslog.cli import context
from reslog.cli.entry import main

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CORPORA_ABSENT = (
    "needs the third-party corpora in ../shared/corpora beside the checkout, which are not there "
    "(they are on CI)"
)

#: The mark of a test that reads ../shared/corpora (see the module's docstring).
corpora = pytest.mark.corpora


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpora: reads ../shared/corpora (skipped when absent; fails on CI)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("corpora") is None or CORPORA.is_dir():
        return
    if ON_CI:
        pytest.fail(f"CI is set but {CORPORA} is missing; this test reads it, and CI must run it: "
                    "lay shared/ beside the checkout", pytrace=False)
    pytest.skip(CORPORA_ABSENT)


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


def write_day(log: Path, day: str, text: str) -> Path:
    """Write a day page by hand, as a person or another tool would."""
    path = day_file(log, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_days(log: Path, pages: dict[str, str]) -> None:
    """Write several day pages by hand: {"2026-10-05": "## What was done\n- ...\n"}."""
    for day, text in pages.items():
        write_day(log, day, text)


def imports_nothing_again(run: Callable[..., Result], log_dir: Path, entries: int, *args: str) -> None:
    """``reslog import ARGS`` once more adds nothing: it says how many entries it found already
    there, and no day page changes."""
    before = {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")}
    again = run("import", *args)
    assert again.code == 0, again
    assert "Imported 0 entries (0 to-dos) into 0 days." in again.out
    assert f"Already in the log, not added again: {entries} entr{'y' if entries == 1 else 'ies'}." in again.out
    assert {p: p.read_bytes() for p in (log_dir / "days").rglob("*.md")} == before


def log_files(folder: Path) -> dict[str, bytes]:
    """Every file of a log but its derived data (.reslog/), by path: what a command must not change."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".reslog" not in p.parts
    }
