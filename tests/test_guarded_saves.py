"""Saves guarded by what was shown: a page by its content hash, a week's own section by the hash
of its text, a to-do by its words. A stale save is refused and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

import pytest

from reslog import review, tasks
from reslog.errors import ConflictError, TodoError
from reslog.markdown import strip_fields
from reslog.store import Log, content_hash

from .conftest import day_file

DAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 9, 30)


def test_content_hash_is_of_the_exact_text() -> None:
    assert content_hash(None) == ""
    assert content_hash("a\n") != content_hash("a\r\n")
    assert len(content_hash("x")) == 32


def test_save_text_replaces_a_page_loaded_unchanged(log_dir: Path) -> None:
    log = Log(log_dir)
    log.update_day(DAY, DAY)
    path = log.day_file(DAY)
    before = log.read_text(path)
    assert before is not None
    edited = before.replace("## What was done\n", "## What was done\n- 10:00 by hand\n")
    page = log.save_text(path, edited, content_hash(before))
    assert day_file(log_dir, "2026-11-26").read_text(encoding="utf-8") == edited
    assert [e.text for e in page.notes()] == ["by hand"]


def test_save_text_refuses_a_page_that_changed_since_it_was_loaded(log_dir: Path) -> None:
    log = Log(log_dir)
    log.update_day(DAY, DAY)
    path = log.day_file(DAY)
    loaded = log.read_text(path)
    assert loaded is not None
    from reslog.capture import Capture, add_entry

    add_entry(log, DAY, DAY, "done", Capture("captured meanwhile"))
    on_disk = day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    with pytest.raises(ConflictError) as caught:
        log.save_text(path, loaded + "- lost?\n", content_hash(loaded))
    assert "changed since it was loaded; nothing was saved" in caught.value.message
    assert "days/2026/2026-11-26.md" in caught.value.message
    assert caught.value.current == on_disk
    assert day_file(log_dir, "2026-11-26").read_text(encoding="utf-8") == on_disk  # nothing written


def test_save_text_makes_a_new_page_only_if_there_was_none(log_dir: Path) -> None:
    log = Log(log_dir)
    log.ensure_root()
    path = log.day_file(DAY)
    log.save_text(path, "---\ndate: 2026-11-26\n---\n- 09:00 new\n", "")
    assert day_file(log_dir, "2026-11-26").read_text(encoding="utf-8").endswith("- 09:00 new\n")
    with pytest.raises(ConflictError):
        log.save_text(path, "other\n", "")


def test_save_text_keeps_crlf_and_bom_as_given(log_dir: Path) -> None:
    log = Log(log_dir)
    log.ensure_root()
    path = log.day_file(DAY)
    text = "\ufeff# Day\r\n- one\r\n"
    log.save_text(path, text, "")
    assert day_file(log_dir, "2026-11-26").read_bytes() == text.encode("utf-8")
    assert log.read_text(path) == text


def test_todo_actions_check_the_words_that_were_shown(log_dir: Path) -> None:
    log = Log(log_dir)
    from reslog.capture import Capture, add_entry

    add_entry(log, DAY, DAY, "todo", Capture("Rerun the sweep [est:: 2h]"))
    add_entry(log, DAY, DAY, "todo", Capture("Email Yitao"))
    page = log.read_day(DAY)
    assert page is not None
    first = page.tasks()[0]
    assert tasks.wording(first) == "Rerun the sweep"
    before = day_file(log_dir, "2026-11-26").read_bytes()
    with pytest.raises(TodoError, match="is no longer 'Email Yitao'"):
        tasks.finish(log, DAY, DAY, 1, None, NOW, expect="Email Yitao")
    with pytest.raises(TodoError, match="no longer"):
        tasks.drop(log, DAY, DAY, 1, expect="Email Yitao")
    with pytest.raises(TodoError, match="no longer"):
        tasks.start(log, DAY, 1, NOW, expect="something else")
    assert day_file(log_dir, "2026-11-26").read_bytes() == before
    tasks.start(log, DAY, 1, NOW, expect="Rerun the sweep")  # a started timer adds a field...
    result = tasks.finish(log, DAY, DAY, 1, None, NOW + dt.timedelta(minutes=30),
                          expect="  Rerun the   sweep ")  # ...which the words leave out
    assert result.took == "30m"


def test_strip_fields() -> None:
    assert strip_fields("Rerun [est:: 2h] the sweep [carried:: 2026-11-24]") == "Rerun the sweep"


@pytest.fixture
def week_page(log_dir: Path) -> Log:
    log = Log(log_dir)
    log.update_day(DAY, DAY)
    review.refresh(log, 2026, 48, DAY)
    return log


def _week_text(log_dir: Path) -> str:
    return (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")


def test_own_section_is_saved_in_place(week_page: Log, log_dir: Path) -> None:
    before = _week_text(log_dir)
    page = week_page.read_page(review.week_file(week_page, 2026, 48))
    assert page is not None
    assert review.own_text(page, "reflection") == ""
    review.save_own_text(week_page, 2026, 48, "reflection", "Mornings worked.\r\n\r\nChat did not.\r\n",
                         content_hash(""))
    after = _week_text(log_dir)
    assert "## Reflection\n\nMornings worked.\n\nChat did not.\n\n## Next week's focus\n" in after
    # everything but the section is as it was
    assert after.replace("\nMornings worked.\n\nChat did not.\n", "") == before
    page = week_page.read_page(review.week_file(week_page, 2026, 48))
    assert page is not None
    assert review.own_text(page, "reflection") == "Mornings worked.\n\nChat did not."
    review.save_own_text(week_page, 2026, 48, "focus", "Write the paper.",
                         content_hash(""))
    assert _week_text(log_dir).endswith("## Next week's focus\n\nWrite the paper.\n")
    # regenerating the week keeps both
    review.refresh(week_page, 2026, 48, DAY)
    assert "Mornings worked." in _week_text(log_dir) and "Write the paper." in _week_text(log_dir)


def test_own_section_keeps_the_headings_written_inside_it(week_page: Log, log_dir: Path) -> None:
    """A reflection with a heading of its own ("## Lessons") came back into the web editor cut at
    that heading, and each save left the rest below, unseen, to pile up."""
    text = "Good week overall.\n\n## Lessons\n- test earlier"
    review.save_own_text(week_page, 2026, 48, "reflection", text, content_hash(""))
    page = week_page.read_page(review.week_file(week_page, 2026, 48))
    assert page is not None and review.own_text(page, "reflection") == text
    review.save_own_text(week_page, 2026, 48, "reflection", "Shorter now.", content_hash(text))
    after = _week_text(log_dir)
    assert "Lessons" not in after and "test earlier" not in after
    assert "## Reflection\n\nShorter now.\n\n## Next week's focus\n" in after
    review.save_own_text(week_page, 2026, 48, "focus", "## Plan\n- write", content_hash(""))
    page = week_page.read_page(review.week_file(week_page, 2026, 48))
    assert page is not None and review.own_text(page, "focus") == "## Plan\n- write"
    assert review.own_text(page, "reflection") == "Shorter now."


def test_own_section_save_refuses_a_stale_text(week_page: Log, log_dir: Path) -> None:
    review.save_own_text(week_page, 2026, 48, "reflection", "First.", content_hash(""))
    before = _week_text(log_dir)
    with pytest.raises(ConflictError) as caught:
        review.save_own_text(week_page, 2026, 48, "reflection", "Second.", content_hash(""))
    assert caught.value.current == "First."
    assert "Reflection of 2026-W48 changed since it was loaded" in caught.value.message
    assert _week_text(log_dir) == before


def test_own_section_comes_back_when_its_heading_was_deleted(week_page: Log, log_dir: Path) -> None:
    path = log_dir / "weeks" / "2026" / "2026-W48.md"
    path.write_text(_week_text(log_dir).replace("## Next week's focus\n", ""), encoding="utf-8")
    review.save_own_text(week_page, 2026, 48, "focus", "Rest.", content_hash(""))
    assert _week_text(log_dir).endswith("\n## Next week's focus\n\nRest.\n")


def test_own_section_needs_the_week_page(log_dir: Path) -> None:
    from reslog.errors import InputError

    with pytest.raises(InputError, match="there is no page for 2026-W47 yet"):
        review.save_own_text(Log(log_dir), 2026, 47, "reflection", "x", "")
    with pytest.raises(InputError, match="unknown section"):
        review.save_own_text(Log(log_dir), 2026, 47, "summary", "x", "")



def test_defer_checks_the_words_the_person_saw(log_dir: Path) -> None:
    """A deferral from a page loaded a while ago lands on the to-do the person saw, or on none."""
    from reslog.capture import Capture, add_entry

    log = Log(log_dir)
    add_entry(log, DAY, DAY, "todo", Capture("Rerun the sweep\n  with lr=3e-4"))
    add_entry(log, DAY, DAY, "todo", Capture("Email Yitao"))
    before = day_file(log_dir, "2026-11-26").read_text(encoding="utf-8")
    with pytest.raises(TodoError, match="no longer"):
        tasks.defer(log, DAY, DAY, 1, dt.date(2026, 11, 30), expect="Email Yitao")
    assert day_file(log_dir, "2026-11-26").read_text(encoding="utf-8") == before
    tasks.defer(log, DAY, DAY, 1, dt.date(2026, 11, 30), expect="Rerun the sweep")
    assert "- [ ] Rerun the sweep [scheduled:: 2026-11-30]\n  - with lr=3e-4\n" in day_file(
        log_dir, "2026-11-26").read_text(encoding="utf-8")



def test_a_file_written_aside_is_whole_or_untouched(tmp_path: Path) -> None:
    """store.write_aside (snapshots, progress, stamps): a write that fails leaves the old file
    and no temporary file beside it."""
    from reslog.store import write_aside

    target = tmp_path / "progress.json"
    write_aside(str(target), lambda file: file.write(b'{"done": 1}'))
    assert target.read_bytes() == b'{"done": 1}'

    def half(file: BinaryIO) -> None:
        file.write(b'{"do')
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_aside(str(target), half)
    assert target.read_bytes() == b'{"done": 1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json"]
