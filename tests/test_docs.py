"""The docs agree with the code: the CLI reference is generated, the format spec is complete.

docs/cli.md must be exactly what docs/gen_cli.py produces from the current
``--help`` texts, so an undocumented command or option, or a changed help text,
fails here until the reference is regenerated. docs/format.md must name every
kind, task state, section and field, and its example pages must parse as they
claim and come from the writer's own functions, and its timer and duration
examples are what the code does.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from reslog import markdown, tasks
from reslog.cli.main import COMMANDS
from reslog.dates import parse_duration
from reslog.errors import InputError
from reslog.model import KINDS, SECTION_ALIASES, SECTION_TITLES, TASK_STATES
from reslog.store import Log, carry_over, new_day_text

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "docs/cli.md is out of date: run `python docs/gen_cli.py`"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", DOCS / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cli_md() -> str:
    return (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def format_md() -> str:
    return (DOCS / "format.md").read_text(encoding="utf-8")


def _markdown_blocks(text: str) -> dict[str, str]:
    """The ```markdown blocks of a document by their label (the word after
    ``markdown``; the first unlabelled block is ``""``)."""
    blocks: dict[str, str] = {}
    for match in re.finditer(r"^```markdown(?:[ \t]+(\S+))?\n(.*?)^```$", text, re.M | re.S):
        blocks.setdefault(match.group(1) or "", match.group(2))
    return blocks


# --- docs/cli.md ---


def test_cli_reference_is_up_to_date(cli_md: str) -> None:
    assert cli_md == _generator().generate(), REGENERATE


def test_check_mode_accepts_the_committed_reference() -> None:
    done = subprocess.run(
        [sys.executable, str(DOCS / "gen_cli.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr or REGENERATE


def test_every_command_has_a_heading(cli_md: str) -> None:
    headings = set(re.findall(r"^## (.+)$", cli_md, re.M))
    missing = [name for name in COMMANDS if f"reslog {name}" not in headings]
    assert not missing, f"commands without a section in docs/cli.md: {missing}; {REGENERATE}"
    for section in ("Environment", "Exit codes", "Shell completion"):
        assert section in headings


# --- docs/format.md ---


def test_format_opens_with_the_principle(format_md: str) -> None:
    assert "Files are the source of truth." in format_md.split("\n## ")[0]


def test_format_names_every_kind_state_section_and_field(format_md: str) -> None:
    for kind in KINDS:
        assert f"`{kind}:`" in format_md, kind
    for char, name in TASK_STATES.items():
        assert f"`- [{char}]`" in format_md, name
        assert name in format_md
    for title in SECTION_TITLES.values():
        assert f"## {title}" in format_md, title
    lowered = format_md.lower()
    for alias in SECTION_ALIASES:
        assert f"`{alias}`" in lowered or f"`## {alias}`" in lowered, alias
    for key in ("est", "took", "from", "carried", "started", "imported", "scheduled"):
        assert f"`{key}`" in format_md, key


def test_example_page_round_trips_and_parses_as_described(format_md: str) -> None:
    text = _markdown_blocks(format_md)[""]
    page = markdown.parse(text)
    assert markdown.render(page) == text
    assert dict(page.front_matter) == {"date": "2026-11-26"}
    assert page.title == "Thursday 26 November 2026"
    assert [s.key for s in page.sections] == ["todo", "done", "ideas", "reflection"]

    tasks = page.tasks()
    assert [t.state for t in tasks] == [" ", " ", "x"]
    assert tasks[0].tags == ("w2s",)
    assert tasks[0].field("est") == "2h"
    assert tasks[1].field("carried") == "2026-11-24"
    assert tasks[2].field("took") == "45m"

    done = page.section("done")
    assert done is not None
    exp, bug, read = done.entries
    assert (exp.time, exp.kind, exp.level) == ("09:12", "exp", 0)
    (thought,) = exp.children
    assert (thought.kind, thought.depth, thought.level) == ("thought", 1, 1)
    assert bug.kind == "bug"
    assert read.starred and read.field("from") == "twitter"
    assert "#" not in "".join(read.tags)  # the URL holds no tag

    ideas, reflection = page.section("ideas"), page.section("reflection")
    assert ideas is not None and reflection is not None
    assert ideas.entries[0].field("from") == "chat with Yitao"
    assert ideas.entries[0].level == 1
    assert reflection.entries[0].level == 2


def test_every_example_page_round_trips(format_md: str) -> None:
    for label, text in _markdown_blocks(format_md).items():
        assert markdown.render(markdown.parse(text)) == text, label


def test_new_page_example_is_what_the_tool_writes(format_md: str) -> None:
    assert _markdown_blocks(format_md)["new-page"] == new_day_text(dt.date(2026, 11, 26))


def test_carry_over_example_is_what_the_tool_writes(format_md: str) -> None:
    blocks = _markdown_blocks(format_md)
    new, marked = carry_over(
        markdown.parse(blocks["carry-old"]),
        dt.date(2026, 11, 27),
        markdown.parse(new_day_text(dt.date(2026, 11, 30))),
    )
    assert markdown.render(new) == blocks["carry-new"]
    assert markdown.render(marked) == blocks["carry-old-after"]


def _section(text: str, number: int) -> str:
    """Section ``number`` of docs/format.md, from its heading to the next one."""
    start = text.index(f"\n## {number}. ")
    return text[start : text.index("\n## ", start + 1)]


def test_timer_example_is_what_the_tool_writes(format_md: str, tmp_path: Path) -> None:
    block = re.search(r"^```text timer\n(.*?)^```$", format_md, re.M | re.S)
    assert block is not None
    rows = [re.split(r" {4,}", line) for line in block.group(1).splitlines()]
    day = dt.date(2026, 11, 26)
    zone = dt.timezone(dt.timedelta(hours=1))  # "The clock of the example is at UTC+01:00."
    log = Log(tmp_path)
    with log.locked():
        page, _ = markdown.append_entry(markdown.parse(new_day_text(day)), "todo", [rows[0][0]])
        log.write_page(log.day_path(day), page)
    for line, step in rows[1:]:
        match = re.fullmatch(r"reslog (start 1|stop|done 1) at (\d\d:\d\d:\d\d)", step)
        assert match is not None, step
        command, clock = match.groups()
        now = dt.datetime.combine(day, dt.time.fromisoformat(clock), zone)
        if command == "start 1":
            tasks.start(log, day, 1, now)
        elif command == "stop":
            tasks.stop(log, day, now)
        else:
            tasks.finish(log, day, day, 1, None, now)
        written = log.read_day(day)
        assert written is not None
        assert markdown.line_body(written, written.tasks()[0].index) == line, step


def test_duration_examples_read_as_stated(format_md: str) -> None:
    rows = re.findall(r"^\| (`.+`) \| (\d+|refused) \|$", _section(format_md, 6), re.M)
    assert len(rows) >= 8
    for cell, minutes in rows:
        for typed in re.findall(r"`([^`]+)`", cell):
            if minutes == "refused":
                with pytest.raises(InputError):
                    parse_duration(typed)
            else:
                assert parse_duration(typed) == int(minutes), typed


def test_run_entry_examples_are_what_the_tool_writes(format_md: str) -> None:
    from reslog.capture import Capture, entry_lines
    from reslog.runs import entry

    blocks = _markdown_blocks(format_md)
    folder = "runs/2026/2026-11-26/091205-python-train"
    lines = entry.start_lines(["python", "train.py", "--lr", "3e-4"], "09:12", folder,
                              [("commit", "3f2a9c1d0e"), ("branch", "main"), ("dirty", "yes")], ("w2s",),
                              reason="does warmup fix the divergence?")
    page, _ = markdown.append_entry(markdown.parse("## What was done\n"), "done", lines)
    assert markdown.render(page) == blocks["run-start"]
    page = entry.complete(page, folder, [("status", "ok"), ("exit", "0"), ("duration", "3m12s"),
                                         ("val_loss", "0.31"), ("acc", "0.874")], lines)
    outcome = entry_lines(Capture("warmup fixes it; keep lr=3e-4", "outcome", star=True), "done")
    found = entry.find(page, folder)
    assert found is not None
    page, _ = entry.nest(page, found, [outcome[0][2:]])
    assert markdown.render(page) == blocks["run-end"]
