"""Capture from the command line: what lands where, and what is left alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reslog import markdown

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]


def _page(log: Path, day: str = "2026-11-26") -> str:
    return day_file(log, day).read_text(encoding="utf-8")


def test_first_capture_makes_the_page(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "Set", "up", "my", "research", "log")
    assert result.code == 0
    assert result.out == "What was done: days/2026/2026-11-26.md:9\n"
    assert _page(log_dir) == (
        "---\ndate: 2026-11-26\n---\n# Thursday 26 November 2026\n\n"
        "## What to do next\n\n"
        "## What was done\n- 09:12 Set up my research log\n\n"
        "## Random ideas\n\n## Reflection\n"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("did", "exp: lr sweep"), "- 09:12 exp: lr sweep"),
        (("exp", "lr sweep"), "- 09:12 exp: lr sweep"),
        (("exp", "exp: already kinded"), "- 09:12 exp: already kinded"),
        (("bug", "NaN loss"), "- 09:12 bug: NaN loss"),
        (("fix", "clip grads"), "- 09:12 fix: clip grads"),
        (("read", "paper", "--from", "twitter"), "- 09:12 read: paper [from:: twitter]"),
        (("decision", "use AdamW"), "- 09:12 decision: use AdamW"),
        (("result", "71.2%"), "- 09:12 result: 71.2%"),
        (("did", "x", "-t", "w2s", "--tag", "#proj/sub", "--star"), "- 09:12 x #w2s #proj/sub ★"),
        (("did", "inline #w2s [n:: 3] ★", "-t", "w2s", "--star"), "- 09:12 inline #w2s [n:: 3] ★"),
        (("did", "late", "--time", "7:05"), "- 07:05 late"),
        # a time the text opens with is the entry's (it was "- 09:12 09:30 exp: ...": a note)
        (("did", "08:30 exp: warmup sweep"), "- 08:30 exp: warmup sweep"),
        (("bug", "7:45", "NaN", "loss"), "- 07:45 bug: NaN loss"),
    ],
)
def test_done_entries(run: Run, clock: Clock, log_dir: Path, args: tuple[str, ...], line: str) -> None:
    assert run(*args).code == 0
    assert f"## What was done\n{line}\n\n" in _page(log_dir)


def test_sections(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("todo", "Rerun sweep", "--est", "2h", "-t", "w2s").code == 0
    assert run("idea", "Use tools in RM", "--from", "chat with Yitao").code == 0
    assert run("reflect", "Calm morning").code == 0
    text = _page(log_dir)
    assert "## What to do next\n- [ ] Rerun sweep #w2s [est:: 2h]\n\n" in text
    assert "## Random ideas\n- 09:12 Use tools in RM [from:: chat with Yitao]\n\n" in text
    assert text.endswith("## Reflection\n- 09:12 Calm morning\n")


def test_think_nests_under_latest_entry_and_on_n(run: Run, clock: Clock, log_dir: Path) -> None:
    run("exp", "first")
    clock.set("2026-11-26T10:00")
    run("bug", "second")
    run("think", "why second")
    run("feel", "annoyed", "--on", "1")
    text = _page(log_dir)
    assert (
        "- 09:12 exp: first\n  - feel: annoyed\n- 10:00 bug: second\n  - thought: why second\n"
    ) in text
    entries = markdown.parse(text).section("done").entries  # type: ignore[union-attr]
    assert [c.level for c in entries[1].children] == [1]


def test_think_on_empty_day_becomes_an_entry(run: Run, clock: Clock, log_dir: Path) -> None:
    run("think", "maybe the data is wrong")
    assert "## What was done\n- thought: maybe the data is wrong\n" in _page(log_dir)


def test_stdin_multiline_becomes_nested(run: Run, clock: Clock, log_dir: Path) -> None:
    result = run("did", "-", stdin="ran the sweep\n\nloss fell to 0.31\nthen plateaued\n")
    assert result.code == 0
    assert "- 09:12 ran the sweep\n  - loss fell to 0.31\n  - then plateaued\n" in _page(log_dir)


def test_stdin_laid_out_keeps_its_indentation(run: Run, clock: Clock, log_dir: Path) -> None:
    """A traceback piped in lost its indentation, each line a nested item: laid-out lines (one is
    indented) are kept as written under the entry, two spaces in, still words that search and
    ask read (the error's message is what one asks about)."""
    trace = ("Traceback (most recent call last):\n  File \"train.py\", line 12, in <module>\n"
             "    loss.backward()\n\nRuntimeError: CUDA out of memory\n")
    assert run("bug", "-", stdin=trace).code == 0
    assert ("- 09:12 bug: Traceback (most recent call last):\n    File \"train.py\", line 12, in <module>\n"
            "      loss.backward()\n  RuntimeError: CUDA out of memory\n\n## Random ideas") in _page(log_dir)
    found = run("search", "--mode", "keyword", "CUDA out of memory")
    assert "days/2026/2026-11-26.md:" in found.out
    assert "CUDA out of memory" in run("ask", "--mode", "keyword", "when was CUDA out of memory?").out


def test_date_option_writes_another_day_without_a_time(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("did", "backfilled", "--date", "yesterday").code == 0
    assert "- backfilled\n" in _page(log_dir, "2026-11-25")
    assert run("did", "friday work", "--date", "last friday", "--time", "16:00").code == 0
    assert "- 16:00 friday work\n" in _page(log_dir, "2026-11-20")
    assert run("did", "iso", "--date", "2026-01-02").code == 0
    assert day_file(log_dir, "2026-01-02").exists()


def test_log_folder_from_dir_option(run: Run, clock: Clock, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "deep"
    assert run("--dir", str(other), "did", "here").code == 0
    assert day_file(other, "2026-11-26").exists()


HAND_EDITED = (
    "\ufeff---\r\ndate: 2026-11-26\r\ntitle: odd  \r\n---\r\n"
    "# My own title\r\n\r\n"
    "Some prose before the sections,   with trailing spaces   \r\n"
    "<div class=\"x\">\r\n  <b>html</b>\r\n</div>\r\n\r\n"
    "## Meetings\r\n"
    "- talked to Ana\t\r\n"
    "\r\n"
    "## What was done\r\n"
    "* 09:00 exp: hand written with a star bullet\r\n"
    "\t- tab nested\r\n"
    "```python\r\n- [ ] not a task\r\n```\r\n"
    "- 09:30 last one\r\n"
    "\r\n\r\n"
    "## Unknown section\r\n"
    "text without newline at end"
)


def test_capture_into_hand_edited_page_changes_only_added_lines(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    path.write_bytes(HAND_EDITED.encode("utf-8"))
    assert run("did", "added").code == 0
    expected = HAND_EDITED.replace(  # in time order: after 09:00, before 09:30
        "```\r\n- 09:30 last one\r\n", "```\r\n- 09:12 added\r\n- 09:30 last one\r\n"
    )
    assert path.read_bytes().decode("utf-8") == expected
    assert run("todo", "a task").code == 0
    expected = expected.replace(
        "## What was done\r\n", "## What to do next\r\n- [ ] a task\r\n\r\n## What was done\r\n"
    )
    assert path.read_bytes().decode("utf-8") == expected
    assert run("reflect", "end").code == 0
    expected += "\r\n\r\n## Reflection\r\n- 09:12 end\r\n"
    assert path.read_bytes().decode("utf-8") == expected


def test_think_keeps_the_entrys_own_indentation(run: Run, clock: Clock, log_dir: Path) -> None:
    path = day_file(log_dir, "2026-11-26")
    path.parent.mkdir(parents=True)
    path.write_text("## What was done\n- 09:00 a\n\t- tabbed child\n- 08:00 b\n", encoding="utf-8")
    assert run("think", "more", "--on", "1").code == 0
    assert path.read_text(encoding="utf-8") == (
        "## What was done\n- 09:00 a\n\t- tabbed child\n\t- thought: more\n- 08:00 b\n"
    )


def _all_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("think", "x", "--on", "3"), 1),  # today has no page yet
        (("feel", "x", "--on", "0"), 2),
        (("think", "x", "--on", "1", "--date", "2026-11-20"), 1),  # a past day with no page
        (("feel", "x", "--on", "0", "--date", "2026-11-21"), 2),
    ],
)
def test_refused_on_n_changes_nothing(
    run: Run, clock: Clock, log_dir: Path, args: tuple[str, ...], code: int
) -> None:
    # A bad --on N is refused before the first write: no page is made, no to-do carried over.
    assert run("todo", "old open", "--date", "2026-11-23").code == 0
    before = _all_files(log_dir)
    result = run(*args)
    assert result.code == code
    assert "--on" in result.err or "there is no entry" in result.err
    assert _all_files(log_dir) == before


def test_text_that_opens_with_a_checkbox_stays_text(run: Run, clock: Clock, log_dir: Path) -> None:
    """On another day no time stands before the text, so "[ ] note" was written "- [ ] note": an
    open to-do that was carried to today; "[x] ..." in Random ideas counted as a done task."""
    assert run("did", "--date", "yesterday", "[ ] checked the box in the form").code == 0
    assert run("idea", "[x] an idea with a box").code == 0
    assert run("did", "first line\n[ ] a nested line", "--date", "yesterday").code == 0
    pages = {p.name: markdown.parse(p.read_text(encoding="utf-8")) for p in log_dir.rglob("days/*/*.md")}
    assert all(not entry.is_task for page in pages.values() for entry in page.entries()), pages
    text = "".join(p.read_text(encoding="utf-8") for p in log_dir.rglob("days/*/*.md"))
    assert "- \\[ ] checked the box in the form" in text and "  - \\[ ] a nested line" in text
    assert "No open to-dos" in run("todos").out
