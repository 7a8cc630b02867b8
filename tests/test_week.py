"""The weekly review: ``reslog week`` builds and refreshes weeks/YYYY/YYYY-Www.md.

The log below has known answers for 2026-W48 (Monday 23 to Sunday 29
November; the clock says Thursday 26) and for the week before, so every figure
is checked exactly. The researcher's sections must survive every refresh byte
for byte, whatever they contain.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.analytics.data import week_ratings
from reslog.review import BLOCKS
from reslog.store import Log

from .conftest import Clock, Result, day_file, log_files, write_day

Run = Callable[..., Result]

DAYS = {
    "2026-11-16": """\
## What to do next
- [x] Old task A [est:: 1h] [took:: 2h]
- [x] Old task B [est:: 30m] [took:: 30m]

## What was done
- 09:00 exp: baseline run #w2s
- 10:00 read: the W2S paper

## Random ideas
- an old idea
""",
    "2026-11-18": """\
## What to do next
- [x] Old task C [est:: 1h] [took:: 1h30m]

## What was done
- bug: the loader drops the last batch
- a plain note
""",
    "2026-11-23": """\
## What to do next
- [>] Write the paper draft [est:: 2h] [carried:: 2026-11-20]
- [x] Task D #w2s [est:: 1h] [took:: 2h]
- [-] Task E

## What was done
- 09:00 bug: NaN loss after warmup #w2s
  - thought: maybe the learning rate
- 10:00 exp: sweep the learning rate #w2s \u2605

## Random ideas
- Use tools in reward modeling [from:: chat]
""",
    "2026-11-24": """\
## What to do next
- [>] Write the paper draft [est:: 2h] [carried:: 2026-11-20]
- [x] Task F [est:: 30m] [took:: 45m]

## What was done
- bug: NaN loss again in eval
- decision: switch to bf16
""",
    "2026-11-25": """\
## What to do next
- [ ] Write the paper draft [est:: 2h] [carried:: 2026-11-20]
- [ ] New task G

## What was done
- bug: NaN loss in the probe #w2s
- read: Weak-to-strong generalization

## Random ideas
- Curriculum for the weak teacher

## Reflection
- Good day.
""",
}

W48 = Path("weeks/2026/2026-W48.md")
W47 = Path("weeks/2026/2026-W47.md")


def write_log(log: Path) -> None:
    for day, body in DAYS.items():
        path = day_file(log, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ndate: {day}\n---\n# {day}\n\n{body}", encoding="utf-8")


def block(text: str, name: str) -> str:
    begin, end = f"<!-- reslog:begin {name} -->\n", f"<!-- reslog:end {name} -->"
    return text[text.index(begin) + len(begin):text.index(end)]


def own_part(data: bytes) -> bytes:
    """The bytes from the Reflection heading to the end: the researcher's own text."""
    return data[data.index(b"## Reflection"):]


@pytest.fixture
def known(log_dir: Path, clock: Clock) -> Path:
    write_log(log_dir)
    return log_dir


def test_the_projects_of_the_week_leave_private_entries_out(run: Run, clock: Clock, log_dir: Path) -> None:
    """An imported notebook's week page said "Experiments: 0; papers read: 0 ..." and nothing of
    what the week was about; its entries' tags say it."""
    write_day(log_dir, "2026-11-24", "## What was done\n- fitting the #ecology model #pdg/control\n"
                                     "- more #ecology\n- therapy #private #health\n- untagged\n")
    assert run("week", "2026-W48").code == 0
    figures = block((log_dir / W48).read_text(encoding="utf-8"), "figures")
    assert "- Projects (entries by tag): ecology 2, pdg 1\n" in figures
    assert "health" not in figures and "private" not in figures


def test_figures_of_a_known_week(known: Path, run: Run) -> None:
    result = run("week")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "weeks/2026/2026-W48.md (created)",
        "2026-W48: 3 days logged, 14 entries, 1 experiment, 1 paper read, 3 bugs, 2 ideas; "
        "to-dos 4 added, 2 done",
    ]
    text = (known / W48).read_text(encoding="utf-8")
    assert text.startswith("---\nweek: 2026-W48\n---\n# Week 2026-W48: Monday 23 November 2026 to "
                           "Sunday 29 November 2026\n\n<!-- reslog:begin figures -->\n")
    assert block(text, "figures") == (
        "## The week in figures\n\n"
        "- Days logged: 3 of 7\n"
        "- Entries: 14 (9 notes: bug 3, decision 1, exp 1, note 3, read 1; 5 to-dos)\n"
        "- Projects (entries by tag): w2s 3\n"
        "- By level: facts (0) 5, thoughts and ideas (1) 3, reflection (2) 1; "
        "thoughts (thought:, feel:, decision:, nested ones included): 2\n"
        "- Experiments: 1; papers read: 1; bugs: 3; ideas: 2; starred: 1\n"
        "- To-dos: 4 added, 2 done, 1 deferred, 1 dropped\n"
    )
    assert block(text, "time") == (
        "## Time: estimates against actuals\n\n"
        "- 2 finished to-dos: estimated 1h30m, spent 2h45m\n"
        "- Estimate ratio (median took/est): 1.75x this week; the personal norm is 1.5x "
        "(median of 3 earlier to-dos)\n"
        "  - Task D #w2s: est 1h, took 2h ([[2026-11-23]])\n"
        "  - Task F: est 30m, took 45m ([[2026-11-24]])\n"
    )
    assert block(text, "waiting") == (
        "## Tasks that keep waiting\n\n- Write the paper draft: waiting 6 days, since [[2026-11-20]]\n"
    )
    assert block(text, "ideas") == (
        "## Ideas of the week\n\n"
        "- **modeling, reward, tools** (new)\n"
        "  - Use tools in reward modeling ([[2026-11-23]], from chat)\n"
        "- **weak, curriculum, teacher** (new)\n"
        "  - Curriculum for the weak teacher ([[2026-11-25]])\n"
    )
    compare = block(text, "compare")
    assert ("2026-W48 so far, up to Thursday 26 November 2026, against the same days of 2026-W47 "
            "(Monday to Thursday).") in compare
    for row in ("| figure | 2026-W47 | 2026-W48 | change |", "| entries | 8 | 14 | +6 |",
                "| days logged | 2 | 3 | +1 |", "| bugs | 1 | 3 | +2 |", "| ideas | 1 | 2 | +1 |",
                "| thoughts | 0 | 2 | +2 |", "| to-dos added | 3 | 4 | +1 |", "| to-dos done | 3 | 2 | -1 |",
                "| to-dos dropped | 0 | 1 | +1 |", "| experiments | 1 | 1 | 0 |",
                "| estimate ratio | 1.5x | 1.75x | +0.25 |"):
        assert row + "\n" in compare
    assert "- Down: to-dos done (-1)\n" in compare
    assert compare.count("- Up: entries (+6), days logged (+1), bugs (+2)") == 1
    prompts = block(text, "prompts")
    assert "- 3 bugs mention 'nan loss' this week: same cause?\n" in prompts
    assert ("- Tasks took 1.75x their estimates this week, against a norm of 1.5x: what made the difference?\n"
            in prompts)
    assert "1 to-do waited 3+ days (longest: 'Write the paper draft', 6 days)" in prompts
    assert "1 experiment and no result:" in prompts
    assert "Nothing logged on" not in prompts  # Monday to Wednesday logged; Thursday is not over
    assert text.endswith("<!-- reslog:end prompts -->\n\n## Reflection\n\n## Next week's focus\n")


def test_last_week_and_the_forms_of_week(known: Path, run: Run, clock: Clock) -> None:
    result = run("week", "last")
    assert result.code == 0 and result.out.startswith("weeks/2026/2026-W47.md (created)\n")
    text = (known / W47).read_text(encoding="utf-8")
    assert "- Days logged: 2 of 7\n" in text
    assert "- Entries: 8 (5 notes: bug 1, exp 1, note 2, read 1; 3 to-dos)\n" in text
    assert "- 3 finished to-dos: estimated 2h30m, spent 4h\n" in text
    assert "no earlier finished to-dos to compare with yet" in text
    # A finished week: every weekday is over, so the days without entries are prompts.
    assert "- Nothing logged on Tuesday, Thursday and Friday: what happened those days?\n" in text
    assert "so far" not in text
    for form in ("2026-W47", "2026w47", "2026-11-18", "last week"):
        assert run("week", form).out.startswith("weeks/2026/2026-W47.md (unchanged)\n")
    for form in ("yesterday", "2026-11-29", "this"):
        assert run("week", form).out.startswith("weeks/2026/2026-W48.md (")
    # A week that has not begun has nothing to review: refused, nothing written.
    result = run("week", "2027-01-01")
    assert result.code == 2 and result.err == (
        "reslog: 2026-W53 has not begun (it starts on Monday 28 December 2026); "
        "review this week or an earlier one\n")
    assert not (known / "weeks" / "2026" / "2026-W53.md").exists()
    # The ISO year names the folder: 1 January 2027 lies in 2026-W53.
    clock.set("2027-01-02T10:00")
    assert run("week", "2027-01-01").out.startswith("weeks/2026/2026-W53.md (created)\n")


def test_a_week_before_the_log_began_is_refused_unless_it_has_a_page(known: Path, run: Run) -> None:
    """Paging back from the first week (in the web app) wrote an empty review for every week:
    a week that ends before the log's first page has nothing to review. A page already there
    (written by hand, or imported) is still refreshed."""
    result = run("week", "2026-W45")
    assert result.code == 1 and result.err == (
        "reslog: 2026-W45 ends before the log's first page (2026-11-16): there is nothing to review; "
        "review 2026-W47 or a later week\n")
    assert not (known / "weeks").exists()
    assert run("week", "2026-W47").code == 0  # the log's first week
    kept = known / "weeks" / "2026" / "2026-W45.md"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text("---\nweek: 2026-W45\n---\n## Reflection\n\nA week of reading before the log.\n",
                    encoding="utf-8")
    result = run("week", "2026-W45")
    assert result.code == 0 and result.out.startswith("weeks/2026/2026-W45.md (refreshed)\n")
    assert "A week of reading before the log." in kept.read_text(encoding="utf-8")


def test_show_of_a_week_to_come_says_it_has_not_begun(known: Path, run: Run) -> None:
    """``show 2027-W01`` said "make it with 'reslog week 2027-W01'", a command that refuses a week
    that has not begun."""
    result = run("show", "2026-W49")
    assert result.code == 1 and result.err == (
        "reslog: there is no page for 2026-W49: the week has not begun (it starts on Monday "
        "30 November 2026); show this week or an earlier one\n")
    assert run("week", "2026-W49").code == 2  # as the message no longer suggests
    assert "make it with 'reslog week 2026-W48'" in run("show", "this week").err


def test_a_log_of_plans_alone_has_not_begun(log_dir: Path, clock: Clock, run: Run) -> None:
    """A log whose only page lies ahead refused this week as "before the log's first page", and
    that week as one that "has not begun": each message sent to the other."""
    assert run("todo", "future thing", "--date", "2026-12-20").code == 0
    result = run("week", "this")
    assert result.code == 0 and result.out.startswith("weeks/2026/2026-W48.md (created)\n")


@pytest.mark.parametrize("value", ["2026-W54", "banana", "2026-11", "2026"])
def test_bad_week_is_a_usage_error(known: Path, run: Run, value: str) -> None:
    result = run("week", value)
    assert result.code == 2
    assert len(result.err.splitlines()) == 1 and result.err.startswith("reslog: ")
    assert repr(value) in result.err and result.out == ""
    assert not (known / "weeks").exists()


@pytest.mark.parametrize("args", [
    ("week", ""), ("week", "  "), ("week", "", ""), ("show", ""), ("edit", ""),
    ("digest", "--since", ""), ("digest", "--until", " "), ("tags", "--since", ""),
    ("projects", "--until", ""),
])
def test_a_blank_week_or_date_is_a_usage_error(known: Path, run: Run, monkeypatch: pytest.MonkeyPatch,
                                               args: tuple[str, ...]) -> None:
    """``reslog week ""`` (an empty variable in a script) read as no week: it wrote this week's
    page, as ``show ""`` showed today, ``edit ""`` made today's page and ``digest --since ""``
    digested this week. A blank phrase is refused before anything is written or indexed."""
    monkeypatch.setenv("VISUAL", "true")
    before = log_files(known)
    result = run(*args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith("reslog: ")
    assert log_files(known) == before and not (known / ".reslog").exists()


def test_empty_week(log_dir: Path, clock: Clock, run: Run) -> None:
    missing = run("week")
    assert missing.code == 1 and "there is no log at" in missing.err  # the index's own message
    log_dir.mkdir()
    result = run("week", "2026-W40")
    assert result.code == 0
    assert result.out.splitlines() == ["weeks/2026/2026-W40.md (created)", "2026-W40: nothing logged this week"]
    text = (log_dir / "weeks/2026/2026-W40.md").read_text(encoding="utf-8")
    assert block(text, "figures") == "## The week in figures\n\nNothing logged this week.\n"
    assert "No finished to-dos with an estimate and a time spent this week." in text
    assert "No to-do has waited 3 days or more." in text and "No ideas this week." in text
    assert "| entries | 0 | 0 | 0 |" in text and "| estimate ratio | - | - | - |" in text
    assert block(text, "prompts") == (
        "## Prompts for the reflection\n\n"
        "- Nothing was logged this week: what got in the way, and what would make capture easier?\n"
    )


def test_a_week_with_nothing_to_prompt_says_so(log_dir: Path, clock: Clock, run: Run) -> None:
    """A week that raised no prompt left "Prompts for the reflection" an empty heading, where
    every other block says what it has not found."""
    for day in ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"):
        write_day(log_dir, day, f"## What was done\n- decision: keep going on {day}\n\n"
                                "## Random ideas\n- an idea\n")
    assert run("week", "2026-W47").code == 0
    assert block((log_dir / W47).read_text(encoding="utf-8"), "prompts") == (
        "## Prompts for the reflection\n\n"
        "- No prompts from the figures this week: what went well, and what would you keep?\n"
    )


def test_the_days_before_the_log_began_are_not_nothing_logged(log_dir: Path, clock: Clock, run: Run) -> None:
    """The week an imported notebook began in (its first page a Sunday) asked "Nothing logged on
    Monday, Tuesday, ... what happened those days?" of days before there was a log."""
    write_day(log_dir, "2026-11-18", "## What was done\n- the first entry\n")
    write_day(log_dir, "2026-11-20", "## What was done\n- another\n")
    assert run("week", "2026-W47").code == 0
    prompts = block((log_dir / W47).read_text(encoding="utf-8"), "prompts")
    assert "- Nothing logged on Thursday: what happened that day?\n" in prompts
    assert "Monday" not in prompts and "Tuesday" not in prompts


def test_a_refresh_that_changes_nothing_says_so(known: Path, run: Run) -> None:
    """A second ``reslog week`` said "(refreshed)" of a page it left as it was."""
    assert run("week", "last").out.startswith("weeks/2026/2026-W47.md (created)\n")
    before = (known / W47).stat().st_mtime_ns
    assert run("week", "last").out.startswith("weeks/2026/2026-W47.md (unchanged)\n")
    assert (known / W47).stat().st_mtime_ns == before
    assert run("did", "--date", "2026-11-17", "a late note").code == 0
    assert run("week", "last").out.startswith("weeks/2026/2026-W47.md (refreshed)\n")


def test_refresh_follows_a_new_capture(known: Path, run: Run) -> None:
    run("week")
    before = (known / W48).read_text(encoding="utf-8")
    assert run("bug", "NaN loss in the loader").code == 0  # makes today's page: carries two to-dos
    result = run("week")
    assert result.out.startswith("weeks/2026/2026-W48.md (refreshed)\n")
    after = (known / W48).read_text(encoding="utf-8")
    assert "- Days logged: 4 of 7\n" in after and "- Entries: 15 (10 notes: bug 4," in after
    assert "- To-dos: 4 added, 2 done, 2 deferred, 1 dropped\n" in after  # G is now deferred too
    assert "- 4 bugs mention 'nan loss' this week" in after
    assert block(after, "waiting") == block(before, "waiting")  # G has waited one day only
    assert "| bugs | 1 | 4 | +3 |" in after


REFLECTION = (
    "## Reflection\n"
    "- The NaN bugs share a cause: `<!-- reslog:begin figures -->` is what I grep for\n"
    "<!-- reslog:begin figures -->\n"
    "a fake begin marker above, and a whole fake pair below\n"
    "<!-- reslog:begin prompts -->\n"
    "my own prompts  \n"
    "<!-- reslog:end prompts -->\n"
    "```\n"
    "<!-- reslog:begin ideas -->\n"
    "<!-- reslog:end ideas -->\n"
    "```\n"
    "\n"
    "## Next week's focus\n"
    "- Fix the loader first \u2605\n"
    "\t- trailing tab and no final newline"
)


def _hand_edit(path: Path, crlf: bool = False, bom: bool = False) -> bytes:
    text = path.read_text(encoding="utf-8")
    text = text[:text.index("## Reflection")] + REFLECTION
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("crlf,bom", [(False, False), (True, True)])
def test_own_sections_survive_refreshes_byte_for_byte(known: Path, run: Run, crlf: bool, bom: bool) -> None:
    run("week")
    data = _hand_edit(known / W48, crlf, bom)
    assert run("week").code == 0
    assert (known / W48).read_bytes() == data  # nothing changed: the figures are the same
    run("bug", "NaN loss in the loader")
    result = run("week", "--rate", "3")
    assert result.code == 0 and result.err == ""
    new = (known / W48).read_bytes()
    assert own_part(new) == own_part(data)
    assert new.startswith(b"\xef\xbb\xbf---" if bom else b"---")
    text = new.decode("utf-8").lstrip("\ufeff")
    if crlf:
        assert "\n" not in text.replace("\r\n", "")
    text = text.replace("\r\n", "\n")
    assert "- Entries: 15 (10 notes: bug 4," in block(text, "figures")
    assert block(text, "prompts").startswith("## Prompts for the reflection\n\n- 4 bugs mention")
    assert text.count("<!-- reslog:begin figures -->") == 3  # the real one, the quoted one, the fake one
    assert "rating: 3" in text.split("---")[1]


def test_broken_markers_get_a_fresh_block(known: Path, run: Run) -> None:
    run("week")
    path = known / W48
    text = path.read_text(encoding="utf-8")
    text = text.replace("<!-- reslog:end figures -->\n", "", 1)  # hand-edited away
    text = text.replace("<!-- reslog:begin waiting -->\n", "", 1)
    text = text.replace("## Reflection\n", "## Reflection\n- mine\n")
    path.write_text(text, encoding="utf-8")
    run("bug", "NaN loss in the loader")
    result = run("week")
    assert result.code == 0
    assert "'figures' block was missing or broken; a fresh one was added" in result.err
    assert "'waiting' block was missing or broken" in result.err
    assert "the 'figures' begin marker on line 6 has no partner" in result.err
    new = path.read_text(encoding="utf-8")
    # The stale text stays as it was; the fresh blocks come last in the generated area.
    assert new.startswith(text[:text.index("<!-- reslog:begin time -->")])
    assert "- Entries: 14 (" in new and "- Entries: 15 (" in new
    tail = new[new.index("<!-- reslog:end prompts -->"):]
    assert tail.index("<!-- reslog:begin figures -->") < tail.index("<!-- reslog:begin waiting -->")
    assert tail.endswith("<!-- reslog:end waiting -->\n\n## Reflection\n- mine\n\n## Next week's focus\n")
    # Stable from now on: the fresh blocks are well-formed pairs.
    again = run("week")
    assert path.read_text(encoding="utf-8") == new
    assert "fresh" not in again.err


def test_rate_sets_the_rating_that_analytics_read(known: Path, run: Run) -> None:
    run("week")
    path = known / W48
    text = path.read_text(encoding="utf-8").replace("week: 2026-W48\n", "week: 2026-W48\nmood:  'fine' \n")
    path.write_text(text, encoding="utf-8")
    result = run("week", "--rate", "4")
    assert result.code == 0 and "rating: 4" in result.out.splitlines()
    assert path.read_text(encoding="utf-8").startswith("---\nweek: 2026-W48\nmood:  'fine' \nrating: 4\n---\n")
    assert week_ratings(Log(known)) == {"2026-W48": 4}
    run("week", "--rate", "5")
    assert path.read_text(encoding="utf-8").startswith("---\nweek: 2026-W48\nmood:  'fine' \nrating: 5\n---\n")
    run("week", "last", "--rate", "2")
    assert week_ratings(Log(known)) == {"2026-W47": 2, "2026-W48": 5}
    assert (known / W47).read_text(encoding="utf-8").startswith("---\nweek: 2026-W47\nrating: 2\n---\n")


@pytest.mark.parametrize("value", ["0", "6", "four", "4.5"])
def test_bad_rating_is_a_usage_error(known: Path, run: Run, value: str) -> None:
    result = run("week", "--rate", value)
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "1 to 5" in result.err
    assert not (known / "weeks").exists()


def test_edit_opens_the_page_at_the_reflection(known: Path, run: Run, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "bin" / "vim"
    editor.parent.mkdir()
    record = tmp_path / "args.txt"
    editor.write_text(f'#!/bin/sh\necho "$@" > {record}\n', encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    assert run("week", "--edit").code == 0
    lines = (known / W48).read_text(encoding="utf-8").splitlines()
    line = lines.index("## Reflection") + 2
    assert record.read_text(encoding="utf-8").split() == [f"+{line}", str(known / W48)]


def test_week_pages_stay_out_of_the_day_index(known: Path, run: Run) -> None:
    run("week")
    # The week page quotes the ideas; a search still finds each idea once, on its day.
    result = run("search", "Curriculum")
    assert result.out.count("Curriculum for the weak teacher") == 1
    assert "2026-11-25" in result.out
    assert os.listdir(known / "weeks" / "2026") == ["2026-W48.md"]


def test_new_page_lists_every_block_once(known: Path, run: Run) -> None:
    run("week")
    text = (known / W48).read_text(encoding="utf-8")
    for name in BLOCKS:
        assert text.count(f"<!-- reslog:begin {name} -->") == 1
        assert text.count(f"<!-- reslog:end {name} -->") == 1


def test_one_finished_to_do_reads_in_the_singular(log_dir: Path, clock: Clock, run: Run) -> None:
    write_day(log_dir, "2026-11-10", "## What to do next\n- [x] Read the W2S paper [est:: 1h] [took:: 2h]\n")
    write_day(log_dir, "2026-11-24", "## What to do next\n- [x] Rerun the sweep [est:: 2h] [took:: 1h]\n")
    assert run("week", "2026-W48").code == 0
    text = (log_dir / "weeks/2026/2026-W48.md").read_text(encoding="utf-8")
    assert "- 1 finished to-do: estimated 2h, spent 1h\n" in text
    assert "(median of 1 earlier to-do)" in text


def test_the_same_cause_prompt_quotes_words_the_bugs_write() -> None:
    """"2 bugs mention 'loss tool'" quoted no bug ("NaN loss when tool output is empty", "NaN loss
    with tool tokens": the pair bridged a left-out word), and "2 bugs mention 'grok'" a project's
    tag and run names shared by unrelated bugs."""
    from reslog.review import _recurring_phrase

    assert _recurring_phrase(["NaN loss when tool output is empty", "NaN loss with tool tokens"]) == ("nan loss", 2)
    assert _recurring_phrase(["NaN at step 40 in grok-1205-91 #grok",
                              "seed flag ignored by grok-1205-88 #grok"]) is None
    assert _recurring_phrase(["loader drops last batch", "the loader drops the cache"]) == ("loader drops", 2)


@pytest.mark.parametrize("value", ["9", "four", "4.5"])
def test_a_rating_typed_by_hand_that_cannot_be_read_is_named(known: Path, run: Run, value: str) -> None:
    """`rating: 9` typed into the page was printed back by `week` and dropped by `stats weeks`
    ("0 rated") without a word."""
    run("week", "--rate", "3")
    path = known / W48
    path.write_text(path.read_text(encoding="utf-8").replace("rating: 3", f"rating: {value}"), encoding="utf-8")
    problem = (f"weeks/2026/2026-W48.md: rating '{value}' is not a whole number from 1 to 5 and counts as "
               "no rating; fix it, or rate the week with 'reslog week WEEK --rate N'")
    week = run("week")
    assert week.code == 0 and "rating:" not in week.out and f"reslog: {problem}\n" in week.err
    stats = run("stats", "weeks")
    assert stats.code == 0 and f"reslog: {problem}\n" in stats.err
    assert f"rating: {value}" in path.read_text(encoding="utf-8")  # the page is the researcher's: as written


def test_a_long_wait_that_ended_in_the_week_is_listed_as_finished(log_dir: Path, clock: Clock, run: Run) -> None:
    """A past week's review said "No to-do has waited 3 days or more" though a to-do that had waited
    two weeks was done in it: only to-dos still open were looked at."""
    write_day(log_dir, "2026-11-23", "## What to do next\n- [>] Email Yitao [carried:: 2026-11-12]\n"
              "- [>] Fix the loader [carried:: 2026-11-19]\n- [ ] Rerun the sweep [carried:: 2026-11-20]\n"
              "- [x] Quick fix [carried:: 2026-11-22]\n")
    write_day(log_dir, "2026-11-24", "## What to do next\n- [-] Fix the loader [carried:: 2026-11-19]\n"
              "- [>] Email Yitao [carried:: 2026-11-12]\n")
    write_day(log_dir, "2026-11-26", "## What to do next\n- [x] Email Yitao [carried:: 2026-11-12]\n")
    clock.set("2026-12-02T09:00")
    assert run("week", "2026-W48").code == 0
    text = (log_dir / "weeks/2026/2026-W48.md").read_text(encoding="utf-8")
    assert block(text, "waiting") == (
        "## Tasks that keep waiting\n\n"
        "- Rerun the sweep: waiting 9 days, since [[2026-11-20]]\n"
        "- Email Yitao: waited 14 days, since [[2026-11-12]]; done [[2026-11-26]]\n"
        "- Fix the loader: waited 5 days, since [[2026-11-19]]; dropped [[2026-11-24]]\n"
    )  # "Quick fix" waited one day only
    prompts = block(text, "prompts")  # the prompt asks about the to-do still open
    assert "1 to-do waited 3+ days (longest: 'Rerun the sweep', 9 days)" in prompts
    from reslog.model import quoted_entry

    assert quoted_entry("waiting", "- Email Yitao: waited 14 days, since [[2026-11-12]]; done [[2026-11-26]]") == (
        "Email Yitao")


def test_a_day_to_come_is_not_a_day_logged(run: Run, clock: Clock, log_dir: Path) -> None:
    """A to-do planned on tomorrow's page was written today: on a Saturday with a to-do put on
    Sunday's page, the week in progress said "Days logged: 7 of 7". Nor do habits count it in a
    streak, nor `stats weeks`."""
    clock.set("2026-11-26T09:00")  # a Thursday
    assert run("did", "ran the sweep").code == 0
    assert run("todo", "write the summary", "--date", "2026-11-28").code == 0  # Saturday, to come
    assert run("week").code == 0
    text = (log_dir / "weeks" / "2026" / "2026-W48.md").read_text(encoding="utf-8")
    assert "- Days logged: 1 of 7\n" in text
    assert "to-dos 1 added" in run("week").out
    weeks = json.loads(run("stats", "weeks", "--json").out)
    assert weeks["weeks"][-1]["days_logged"] == 1
    habits = json.loads(run("stats", "habits", "--json").out)
    assert habits["days"]["logged"] == 1 and habits["streaks"]["current"]["days"] == 1


def test_habits_of_a_log_written_only_ahead(run: Run, clock: Clock, log_dir: Path) -> None:
    """Entries, but no day logged yet (all on a page to come): habits said so, not a traceback
    (a share of no days logged)."""
    clock.set("2026-11-26T09:00")
    assert run("todo", "write the summary", "--date", "2026-11-28").code == 0
    habits = run("stats", "habits")
    assert habits.code == 0, habits.err
    assert "Habits: 1 entry, but no day logged yet" in habits.out
