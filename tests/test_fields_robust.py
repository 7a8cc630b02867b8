"""Fields under hostile input: values out of range, values that would break a line, text that
only looks like a field (issue 10, items 1, 6 and 8)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Clock, Result, day_file, log_files, write_day

Run = Callable[..., Result]

HUGE = "99999999999999999999"


def _one_line_error(result: Result, code: int, words: str) -> None:
    assert result.code == code, result
    assert result.err.startswith("reslog: ") and result.err.count("\n") == 1, result.err
    assert words in result.err, result.err
    assert "Traceback" not in result.err


# --- item 1: huge durations ---


@pytest.mark.parametrize(
    "args",
    [
        ("todo", "x", "--est", f"{HUGE}d"),
        ("todo", "x", "--est", "9" * 400 + "h"),  # a float that overflows to infinity
        ("todo", "x", "--est", "10001h"),
    ],
)
def test_capture_refuses_durations_out_of_range(run: Run, clock: Clock, log_dir: Path,
                                                args: tuple[str, ...]) -> None:
    before = log_files(log_dir)
    _one_line_error(run(*args), 2, "too long for a duration")
    assert log_files(log_dir) == before


def test_done_refuses_a_huge_took(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "one")
    before = log_files(log_dir)
    _one_line_error(run("done", "1", "--took", f"{HUGE}h"), 2, "too long for a duration")
    assert log_files(log_dir) == before


def test_the_largest_duration_is_kept(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("todo", "x", "--est", "10000h").code == 0
    assert "[est:: 10000h]" in day_file(log_dir, "2026-11-26").read_text()


HAND_WRITTEN = (
    "## What to do next\n"
    f"- [x] train the big model [est:: {HUGE}d] [took:: {HUGE}h]\n"
    "- [ ] call the vendor [carried:: not-a-date]\n"
    "- [ ] fix the loader [est:: 2h] [carried:: 0001-01-01]\n"
    "- [x] read the paper [est:: 30m] [took:: 45m]\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ("search", "model"), ("search",), ("reindex", "--no-embed"), ("week", "2026-11-26"),
        ("stats", "time"), ("stats", "weeks"), ("stats", "habits"), ("export", "json", "-"),
        ("ask", "when did I train the big model?"), ("digest", "--section", "all"),
    ],
)
def test_unreadable_fields_are_no_value_for_every_reader(run: Run, clock: Clock, log_dir: Path,
                                                         args: tuple[str, ...]) -> None:
    write_day(log_dir, "2026-11-25", HAND_WRITTEN)
    result = run(*args)
    assert result.code == 0, result
    assert "Traceback" not in result.err


def test_unreadable_fields_are_counted_by_reindex_check(run: Run, clock: Clock, log_dir: Path) -> None:
    page = write_day(log_dir, "2026-11-25", HAND_WRITTEN)
    first = run("search", "model")
    assert "reslog: days/2026/2026-11-25.md: 4 field values could not be read" in first.err
    out = run("reindex", "--check").out
    assert f"field    days/2026/2026-11-25.md:2: est '{HUGE}d' is not a duration" in out
    assert f"field    days/2026/2026-11-25.md:2: took '{HUGE}h' is not a duration" in out
    assert "field    days/2026/2026-11-25.md:3: carried 'not-a-date' is not a date" in out
    assert "field    days/2026/2026-11-25.md:4: carried '0001-01-01' is not a date" in out
    assert "4 field values could not be read and count as no value" in out
    assert page.read_text() == HAND_WRITTEN
    import json

    hits = {h["text"].split(" [")[0]: h for h in json.loads(run("search", "--json").out)}
    assert hits["train the big model"]["est_minutes"] is None
    assert hits["train the big model"]["took_minutes"] is None
    assert hits["call the vendor"]["carried"] is None
    assert hits["fix the loader"]["carried"] is None and hits["fix the loader"]["est_minutes"] == 120
    assert hits["read the paper"]["took_minutes"] == 45


# --- item 6: options that become part of a line ---


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("did", "x", "--from", "a\n- [ ] a fake to-do"), "--from cannot hold a line break"),
        (("did", "x", "--from", "a\r## A fake heading"), "--from cannot hold a line break"),
        (("idea", "x", "--from", "a]b"), "--from cannot hold ']'"),
        (("think", "x", "--from", "chat]"), "--from cannot hold ']'"),
        (("todo", "x", "--from", "a\u2028b"), "--from cannot hold a line break"),
        (("todo", "x", "-t", "w2s\n## Heading"), "cannot use"),
        (("todo", "x", "-t", "w2s]"), "cannot use"),
    ],
)
def test_options_refuse_line_breaks_and_closing_brackets(run: Run, clock: Clock, log_dir: Path,
                                                        args: tuple[str, ...], words: str) -> None:
    run("did", "first")
    before = log_files(log_dir)
    _one_line_error(run(*args), 2, words)
    assert log_files(log_dir) == before


def test_a_source_with_brackets_inside_is_kept_whole(run: Run, clock: Clock, log_dir: Path) -> None:
    assert run("idea", "x", "--from", "Smith [2020").code == 0
    import json

    hits = json.loads(run("search", "--from", "Smith [2020", "--json").out)
    assert [hit["source"] for hit in hits] == ["Smith [2020"]


# --- item 8: only reslog's own fields at the end of the line are edited ---


def _line(log_dir: Path, n: int) -> str:
    return day_file(log_dir, "2026-11-26").read_text().splitlines()[n - 1]


def test_start_and_stop_keep_text_that_looks_like_a_field(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "explain [started:: field] usage")
    assert run("start", "1").code == 0
    clock.set("2026-11-26T09:42:00")
    assert run("stop").code == 0
    assert _line(log_dir, 7) == "- [ ] explain [started:: field] usage [took:: 30m]"


def test_done_took_leaves_code_spans_alone(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "document the `[took:: 5m]` syntax")
    assert run("done", "1", "--took", "45m").code == 0
    assert _line(log_dir, 7) == "- [x] document the `[took:: 5m]` syntax [took:: 45m]"


def test_a_field_in_a_code_span_is_not_read(run: Run, clock: Clock, log_dir: Path) -> None:
    run("todo", "write ``[took:: 5h]`` in the docs")
    run("start", "1")
    clock.set("2026-11-26T09:42:00")
    run("stop")
    assert _line(log_dir, 7) == "- [ ] write ``[took:: 5h]`` in the docs [took:: 30m]"


def test_the_trailing_fields_are_still_updated_in_place(run: Run, clock: Clock, log_dir: Path) -> None:
    write_day(log_dir, "2026-11-26", "## What to do next\n- [ ] rerun [took:: 1h] #w2s ★ [est:: 2h]\n")
    run("start", "1")
    clock.set("2026-11-26T09:42:00")
    run("stop")
    assert _line(log_dir, 2) == "- [ ] rerun [took:: 1h30m] #w2s ★ [est:: 2h]"


def test_a_capture_refuses_a_typed_field_it_cannot_read_or_a_field_given_twice(
    run: Run, clock: Clock, log_dir: Path
) -> None:
    """``todo 'e [scheduled:: 2026-02-30]'`` was written and counted as put off to no day (and
    ``reindex --check`` never named it); ``todo --est 1h 'c [est:: 2h]'`` wrote two estimates."""
    assert run("did", "seed").code == 0
    before = log_files(log_dir)
    for args, message in (
        (("todo", "e [scheduled:: 2026-02-30]"), "cannot read [scheduled:: 2026-02-30]: it must be a date"),
        (("todo", "t [took:: soon]"), "cannot read [took:: soon]: it must be a duration of at most"),
        (("todo", "--est", "1h", "c [est:: 2h]"), "est is given twice (--est and [est:: 2h] in the text); "
                                                   "give it once"),
        (("did", "--from", "b", "x [from:: a]"), "from is given twice (--from and [from:: a] in the text)"),
    ):
        result = run(*args)
        assert result.code == 2 and result.err.startswith(f"reslog: {message}"), result
    assert log_files(log_dir) == before
    assert run("todo", "fine [est:: 2h] [scheduled:: 2026-12-01]").code == 0
    write_day(log_dir, "2026-11-20", "## What to do next\n- [ ] by hand [scheduled:: 2026-02-30]\n")
    assert "1 field value could not be read" in run("search", "--mode", "keyword", "hand").err
    out = run("reindex", "--check").out
    assert "field    days/2026/2026-11-20.md:2: scheduled '2026-02-30' is not a date" in out
