"""The day-page merge of ``reslog sync``: every line both machines appended is kept, once, in place."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reslog import markdown
from reslog.sync.merge import merge

SECTIONS = ("What to do next", "What was done", "Random ideas", "Reflection")
Entry = tuple[str, tuple[str, ...]]  # first line, nested lines
Page = dict[str, list[Entry]]


def render(page: Page) -> str:
    lines = ["---", "date: 2026-11-26", "---", "# Thursday 26 November 2026", ""]
    for title in SECTIONS:
        lines.append(f"## {title}")
        for first, nested in page[title]:
            lines.append(first)
            lines += [f"  - {n}" for n in nested]
        lines.append("")
    return "\n".join(lines[:-1]) + "\n"


BASE: Page = {
    "What to do next": [("- [ ] Email Yitao [carried:: 2026-11-24]", ()), ("- [ ] Rerun the sweep [est:: 2h]", ())],
    "What was done": [("- 09:00 exp: first run", ("thought: looks flat",)), ("- 10:00 bug: loader", ())],
    "Random ideas": [],
    "Reflection": [],
}


def grown(side: str, data: st.DataObject) -> tuple[Page, list[str]]:
    """BASE with entries appended to any section and thoughts nested under any entry, by one machine."""
    page: Page = {title: [(first, tuple(nested)) for first, nested in entries] for title, entries in BASE.items()}
    added: list[str] = []
    for n in range(data.draw(st.integers(0, 6), label=f"{side} additions")):
        title = data.draw(st.sampled_from(SECTIONS))
        entries = page[title]
        if entries and data.draw(st.booleans()):
            at = data.draw(st.integers(0, len(entries) - 1))
            first, nested = entries[at]
            thought = f"thought: {side}{n} nested"
            entries[at] = (first, (*nested, thought))
            added.append(f"  - {thought}")
        else:
            hour = data.draw(st.integers(8, 20))
            first = f"- [ ] {side}{n} to-do" if title == "What to do next" else f"- {hour:02d}:{n:02d} {side}{n} entry"
            nested = (f"thought: {side}{n} why",) if data.draw(st.booleans()) else ()
            entries.append((first, nested))
            added += [first, *[f"  - {x}" for x in nested]]
    return page, added


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_what_both_machines_appended_is_all_kept_once(data: st.DataObject) -> None:
    base = render(BASE)
    ours, ours_added = grown("A", data)
    theirs, theirs_added = grown("B", data)
    merged = merge(base, render(ours), render(theirs))
    assert merged.conflicts == 0
    lines = merged.text.splitlines()
    counts = Counter(lines)
    for line in base.splitlines():
        if line.strip():
            assert counts[line] >= 1, line
    for line in ours_added + theirs_added:
        assert counts[line] == 1, line  # every added line, exactly once
    for added in (ours_added, theirs_added):  # each machine's lines in its own order within a section
        firsts = [line for line in added if line.startswith("- ")]
        for title in SECTIONS:
            in_section = [f for f in firsts if f in section_of(merged.text, title)]
            positions = [lines.index(f) for f in in_section]
            assert positions == sorted(positions)
    # each nested line stays under the entry it was written under
    for side in (ours, theirs):
        for entries in side.values():
            for first, nested in entries:
                for thought in nested:
                    assert parent_of(merged.text, f"  - {thought}") == first
    # and the result is a page reslog reads with every section in place
    page = markdown.parse(merged.text)
    assert [s.title for s in page.sections] == list(SECTIONS)


def section_of(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def parent_of(text: str, nested: str) -> str:
    lines = text.splitlines()
    at = lines.index(nested)
    return next(line for line in reversed(lines[:at]) if line.startswith("- "))


def test_same_changes_and_one_sided_changes() -> None:
    base = render(BASE)
    grown_page = base.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 11:00 fix: loader\n")
    assert merge(base, grown_page, grown_page).text == grown_page
    assert merge(base, grown_page, base).text == grown_page
    assert merge(base, base, grown_page).text == grown_page


def test_carry_over_mark_gives_way_to_done_and_keeps_a_timer_field() -> None:
    base = render(BASE)
    carried = base.replace("- [ ] Email", "- [>] Email").replace("- [ ] Rerun", "- [>] Rerun")
    done = base.replace("- [ ] Email Yitao [carried:: 2026-11-24]",
                        "- [x] Email Yitao [carried:: 2026-11-24] [took:: 10m]")
    started = done.replace("- [ ] Rerun the sweep [est:: 2h]",
                           "- [ ] Rerun the sweep [est:: 2h] [started:: 2026-11-26T09:00]")
    for ours, theirs in ((carried, started), (started, carried)):
        merged = merge(base, ours, theirs)
        assert merged.conflicts == 0
        assert "- [x] Email Yitao [carried:: 2026-11-24] [took:: 10m]\n" in merged.text
        assert "- [>] Rerun the sweep [est:: 2h] [started:: 2026-11-26T09:00]\n" in merged.text
        assert merged.text.count("Email Yitao") == 1


def test_pages_made_apart_share_their_carried_to_dos() -> None:
    """Both machines made today's page (no base): the carried to-dos they both copied are kept once,
    and one that was ticked on one machine is done."""
    a = render(BASE).replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 12:00 A lunch\n")
    b = render(BASE).replace("- [ ] Rerun the sweep [est:: 2h]", "- [x] Rerun the sweep [est:: 2h] [took:: 3h]")
    b = b.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 11:00 B talk\n")
    merged = merge("", a, b)
    assert merged.conflicts == 0
    assert merged.text.count("Rerun the sweep") == 1 and "- [x] Rerun the sweep [est:: 2h] [took:: 3h]" in merged.text
    assert merged.text.count("## What was done") == 1
    assert section_of(merged.text, "What was done").splitlines()[-2:] == ["- 11:00 B talk", "- 12:00 A lunch"]


def test_real_conflicts_keep_both_versions_between_markers() -> None:
    base = render(BASE)
    a = base.replace("09:00 exp: first run", "09:00 exp: first run on 4 GPUs")
    b = base.replace("09:00 exp: first run", "09:00 exp: first run on 8 GPUs")
    merged = merge(base, a, b)
    assert merged.conflicts == 1
    text = merged.text
    assert text.count("<<<<<<< this machine") == 1 and text.count(">>>>>>> the other machine") == 1
    assert "on 4 GPUs" in text and "on 8 GPUs" in text
    assert "- 10:00 bug: loader" in text and "  - thought: looks flat" in text
    # a field set to two values, and done against dropped, are conflicts too
    took_a = base.replace("- [ ] Rerun the sweep [est:: 2h]", "- [x] Rerun the sweep [est:: 2h] [took:: 1h]")
    took_b = base.replace("- [ ] Rerun the sweep [est:: 2h]", "- [x] Rerun the sweep [est:: 2h] [took:: 3h]")
    assert merge(base, took_a, took_b).conflicts == 1
    dropped = base.replace("- [ ] Rerun the sweep", "- [-] Rerun the sweep")
    both = merge(base, took_a, dropped)
    assert both.conflicts == 1 and "[-] Rerun" in both.text and "[x] Rerun" in both.text


def test_a_line_changed_on_one_side_and_an_entry_added_after_it_on_the_other_merge() -> None:
    """A line reworded in an editor, and an entry captured after it meanwhile, were a conflict:
    the change is kept with the addition after it, either way round."""
    base = "## What was done\n- 09:00 exp: first run\n"
    reworded = base.replace("first run", "first run on 4 GPUs")
    captured = base + "- 09:30 bug: loader\n"
    expected = "## What was done\n- 09:00 exp: first run on 4 GPUs\n- 09:30 bug: loader\n"
    assert merge(base, reworded, captured).text == expected and merge(base, reworded, captured).conflicts == 0
    assert merge(base, captured, reworded).text == expected
    # a thought added under the line the other side reworded would move under another line: both kept
    nested = merge(base, reworded, base + "  - thought: looks flat\n")
    assert nested.conflicts == 1 and "looks flat" in nested.text and "on 4 GPUs" in nested.text


def test_line_endings_are_kept() -> None:
    base = render(BASE).replace("\n", "\r\n")
    a = base.replace("- 10:00 bug: loader\r\n", "- 10:00 bug: loader\r\n- 11:00 A\r\n")
    b = base.replace("- 10:00 bug: loader\r\n", "- 10:00 bug: loader\r\n- 12:00 B\r\n")
    merged = merge(base, a, b).text
    assert "- 11:00 A\r\n- 12:00 B\r\n" in merged and "\n" not in merged.replace("\r\n", "")


def test_the_driver_writes_the_merge_over_ours(tmp_path: Path) -> None:
    base = render(BASE)
    files = {}
    for name, text in (("base", base), ("ours", base + "extra by A\n"), ("theirs", base + "extra by B\n")):
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reslog.sync.driver", str(files["base"]), str(files["ours"]),
                           str(files["theirs"]), "days/2026/2026-11-26.md"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert files["ours"].read_text(encoding="utf-8").endswith("extra by A\nextra by B\n")
    # not UTF-8: both versions kept whole, and git is told there is a conflict
    files["theirs"].write_bytes(base.encode() + b"caf\xe9\n")
    done = subprocess.run([sys.executable, "-m", "reslog.sync.driver", str(files["base"]), str(files["ours"]),
                           str(files["theirs"]), "days/2026/2026-11-26.md"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 1 and "not UTF-8" in done.stderr
    data = files["ours"].read_bytes()
    assert b"caf\xe9" in data and b"extra by B" in data and data.startswith(b"<<<<<<< ")


def test_the_same_thought_under_two_different_entries_stays_under_each() -> None:
    """Matched line by line, the thought both machines wrote (under different bugs) was kept once,
    under the second bug: one lost, one moved. Entries are matched whole."""
    base = render(BASE)
    ours = base.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 10:20 bug: loader crash on shard 3\n"
                        "  - thought: check the seed\n  - outcome: no gain\n")
    theirs = base.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 10:30 bug: NaN in eval\n"
                          "  - thought: check the seed\n  - outcome: no gain\n")
    for a, b in ((ours, theirs), (theirs, ours)):
        merged = merge(base, a, b)
        assert merged.conflicts == 0
        assert section_of(merged.text, "What was done").splitlines()[-6:] == [
            "- 10:20 bug: loader crash on shard 3",
            "  - thought: check the seed",
            "  - outcome: no gain",
            "- 10:30 bug: NaN in eval",
            "  - thought: check the seed",
            "  - outcome: no gain",
        ]
    # pages made apart (no base): the entries both have, nested lines and all, are kept once
    merged = merge("", ours, theirs)
    assert merged.conflicts == 0
    assert merged.text.count("- 09:00 exp: first run\n  - thought: looks flat\n") == 1
    assert merged.text.count("  - thought: check the seed\n") == 2


def test_the_last_check_keeps_both_versions_when_a_nested_line_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a merge ever put a nested line under another entry (as the line-by-line weave did),
    the check before returning it sees the line's entry changed and keeps both versions whole."""
    from difflib import SequenceMatcher

    from reslog.sync import merge as module

    def line_by_line(ours: list[str], theirs: list[str]) -> list[str]:
        out: list[str] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
            out += ours[i1:i2] if op in ("equal", "delete") else theirs[j1:j2] if op == "insert" else \
                module._interleave(ours[i1:i2], theirs[j1:j2])
        return out

    monkeypatch.setattr(module, "weave", line_by_line)
    base = render(BASE)
    ours = base.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 10:20 bug: shard 3\n  - thought: seed\n")
    theirs = base.replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 10:30 bug: NaN\n  - thought: seed\n")
    merged = merge(base, ours, theirs)
    assert merged.conflicts == 1
    assert ours in merged.text and theirs in merged.text
