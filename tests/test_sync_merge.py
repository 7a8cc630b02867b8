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
    # a thought added under the line the other side reworded stays under it, in its new words
    for a, b in ((reworded, base + "  - thought: looks flat\n"), (base + "  - thought: looks flat\n", reworded)):
        nested = merge(base, a, b)
        assert nested.conflicts == 0
        assert nested.text == "## What was done\n- 09:00 exp: first run on 4 GPUs\n  - thought: looks flat\n"


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
    # both versions whole between the markers, the lines they share around them once: the page
    # keeps one front matter and one title, and keeping either side gives that side's page back
    assert merged.text.count("date: 2026-11-26") == 1 and merged.text.count("## What to do next") == 1
    assert side_of(merged.text, 0) == ours and side_of(merged.text, 1) == theirs
    assert "<<<<<<< this machine\n- 10:20 bug: shard 3\n" in merged.text


def side_of(text: str, side: int) -> str:
    """The page as it is when each conflict is resolved by keeping one side (0: this machine)."""
    out: list[str] = []
    keep = [True, True]
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< "):
            keep = [True, False]
        elif line.startswith("=======") and keep != [True, True]:
            keep = [False, True]
        elif line.startswith(">>>>>>> "):
            keep = [True, True]
        elif keep[side]:
            out.append(line)
    return "".join(out)


# --- random pairs of ordinary edits: never the whole page, never a line lost ---

EDITED = """---
date: 2026-11-26
---
# Thursday 26 November 2026

## What to do next
- [ ] t1 Email Yitao [carried:: 2026-11-24]
- [ ] t2 Rerun the sweep [est:: 2h]
- [x] t3 Read the paper [took:: 30m]

## What was done
- 09:00 exp: e1 first run
  - thought: e1 looks flat
- 09:12 exp: e2 `python train.py --lr 3e-4` #w2s [run:: runs/2026/2026-11-26/091205-python-train] [status:: running]
  - reason: e2 does warmup help?
- 10:00 bug: e3 loader

## Random ideas
- 08:05 e4 tools in reward modeling

## Reflection
"""
Line = tuple[str, int | None]  # text, and the base line it is (None: added by this side)


def edited(side: str, data: st.DataObject) -> tuple[list[Line], set[int]]:
    """EDITED as one machine left it after a few ordinary edits: a capture appended to a section, a
    thought nested under an entry (after its nested lines, as ``think --on`` and ``outcome`` put
    it), a run's entry completed, a to-do ticked, a line reworded in an editor. Returns its lines
    and the base lines it changed."""
    lines: list[Line] = [(line, n) for n, line in enumerate(EDITED.splitlines())]
    changed: set[int] = set()
    for n in range(data.draw(st.integers(0, 5), label=f"{side} edits")):
        what = data.draw(st.sampled_from(["capture", "nest", "fields", "tick", "reword"]), label=f"{side}{n}")
        entries = [k for k, (line, _) in enumerate(lines) if line.startswith("- ") and not line.startswith("- [")]
        if what == "capture":
            title = data.draw(st.sampled_from(SECTIONS))
            at = next(k for k, (line, _) in enumerate(lines) if line == f"## {title}") + 1
            while at < len(lines) and lines[at][0].strip():
                at += 1
            hour = data.draw(st.integers(8, 20))
            new = f"- [ ] {side}{n} to-do" if title == "What to do next" else f"- {hour:02d}:{n:02d} {side}{n} entry"
            lines.insert(at, (new, None))
            continue
        if what == "nest":
            at = data.draw(st.sampled_from(entries)) + 1
            while at < len(lines) and lines[at][0].startswith("  "):
                at += 1
            lines.insert(at, (f"  - outcome: {side}{n} nested", None))
            continue
        if what == "fields":
            k = data.draw(st.sampled_from(entries))
            body = markdown.set_field(markdown.set_field(lines[k][0], "status", "ok"), "exit", "0")
            body = markdown.set_field(body, f"{side.lower()}{n}", "0.9")
        elif what == "tick":
            open_todos = [k for k, (line, _) in enumerate(lines) if line.startswith("- [ ]")]
            if not open_todos:
                continue
            k = data.draw(st.sampled_from(open_todos))
            body = markdown.set_field(markdown.set_state(lines[k][0], "x"), "took", f"{n + 1}m")
        else:
            k = data.draw(st.sampled_from([k for k, (line, _) in enumerate(lines) if line.startswith(("- ", "  - "))]))
            words = lines[k][0].split(" ")
            words.insert(data.draw(st.integers(2, len(words))), f"{side}{n}-words")
            body = " ".join(words)
        lines[k] = (body, lines[k][1])
        if lines[k][1] is not None:
            changed.add(lines[k][1])
    return lines, changed


def parents(lines: list[str]) -> dict[int, int]:
    """Where each nested line is: its index to the index of the entry above it."""
    found: dict[int, int] = {}
    for k, line in enumerate(lines):
        if line.startswith("  "):
            found[k] = max(n for n in range(k) if lines[n].startswith("- "))
    return found


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_ordinary_edits_on_two_machines_never_make_the_whole_page_a_conflict(data: st.DataObject) -> None:
    from unittest import mock

    from reslog.sync import merge as module

    ours, ours_changed = edited("A", data)
    theirs, theirs_changed = edited("B", data)
    text = {side: "".join(f"{line}\n" for line, _ in lines) for side, lines in (("A", ours), ("B", theirs))}
    with mock.patch.object(module, "_fallback", wraps=module._fallback) as fallback:
        merged = module.merge(EDITED, text["A"], text["B"])
    assert not fallback.called
    base = EDITED.splitlines()
    result = merged.text.splitlines()
    if merged.conflicts:  # only where both machines changed the same line, and never all of the page
        assert ours_changed & theirs_changed
        assert result[:5] == base[:5]  # each conflict within a section
        assert [line for line in result if line.startswith("## ")] == [f"## {title}" for title in SECTIONS]
        for line, at in ours + theirs:
            assert at is not None or line in result, line
        return
    # every line either machine added, once (the same text added on both sides may be one line)
    for lines in (ours, theirs):
        for line, at in lines:
            if at is None:
                assert result.count(line) >= 1, line
    # a changed line in its new words, never both; a line neither changed as it was
    for k, line in enumerate(base):
        new = {text for lines in (ours, theirs) for text, at in lines if at == k} - {line}
        if not new:
            assert line in result, line
        elif k not in ours_changed & theirs_changed:  # (a to-do both changed merges field by field)
            [wording] = new
            assert wording in result and line not in result, (line, wording)
    # and each nested line under the entry it was written under, in that entry's merged words
    identity = {text: at for lines in (ours, theirs) for text, at in lines if at is not None}
    identity.update({line: k for k, line in enumerate(base)})
    merged_parents = parents(result)
    for lines in (ours, theirs):
        plain = [line for line, _ in lines]
        for k, up in parents(plain).items():
            if lines[k][1] is None:
                at = result.index(plain[k])
                want = identity.get(plain[up], plain[up])
                assert identity.get(result[merged_parents[at]], result[merged_parents[at]]) == want, plain[k]


RUN = ("- 09:12 exp: `python train.py --lr 3e-4` #w2s [run:: runs/2026/2026-11-26/091205-python-train] "
       "[status:: running] [commit:: 3f2a9c1d0e] [branch:: main] [dirty:: yes]\n  - reason: r\n")


def test_a_line_changed_on_one_side_keeps_the_nested_line_added_under_it_on_the_other() -> None:
    """The run's entry completed on one machine, ``reslog outcome`` on the other; an entry reworded
    by hand on one, ``think --on`` under it on the other: the whole page was one conflict, both
    versions in full, because the last check read the new line as under a line that was gone."""
    base = render(BASE).replace("- 10:00 bug: loader\n", "- 10:00 bug: loader\n" + RUN)
    ended = base.replace("[status:: running]", "[status:: ok] [exit:: 0]").replace(
        "[dirty:: yes]", "[dirty:: yes] [duration:: 3m12s] [acc:: 0.874]")
    outcome = base.replace("  - reason: r\n", "  - reason: r\n  - outcome: good\n")
    expected = ended.replace("  - reason: r\n", "  - reason: r\n  - outcome: good\n")
    for a, b in ((ended, outcome), (outcome, ended)):
        merged = merge(base, a, b)
        assert (merged.text, merged.conflicts) == (expected, 0)
    reworded = base.replace("- 09:00 exp: first run\n", "- 09:00 exp: first run (on 4 GPUs)\n")
    thought = base.replace("  - thought: looks flat\n", "  - thought: looks flat\n  - thought: B late\n")
    expected = reworded.replace("  - thought: looks flat\n", "  - thought: looks flat\n  - thought: B late\n")
    for a, b in ((reworded, thought), (thought, reworded)):
        merged = merge(base, a, b)
        assert (merged.text, merged.conflicts) == (expected, 0)
    # the changed line with lines added after it on its own side: the other side's nested line
    # still goes under the changed line, not under the entry captured after it
    captured = ended.replace("  - reason: r\n", "  - reason: r\n- 08:00 B entry\n")
    merged = merge(base, captured, outcome)
    assert merged.conflicts == 0
    assert "  - reason: r\n  - outcome: good\n- 08:00 B entry\n" in merged.text and "[status:: ok]" in merged.text
    # both sides reworded it apart: a conflict of that entry alone, the rest of the page merged
    other = thought.replace("- 09:00 exp: first run\n", "- 09:00 exp: first run (on 8 GPUs)\n")
    merged = merge(base, reworded, other)
    assert merged.conflicts == 1 and merged.text.count("## What was done") == 1
    assert "<<<<<<< this machine\n- 09:00 exp: first run (on 4 GPUs)\n" in merged.text
    assert "  - thought: B late\n" in merged.text and merged.text.startswith("---\ndate: 2026-11-26\n")


def test_a_timer_started_on_one_side_and_the_to_do_done_on_the_other_is_a_conflict_of_that_line() -> None:
    """``done --took 5m`` on one machine, ``start`` on the other made ``- [x] ... [started:: ...]
    [took:: 5m]``: a timer on a finished to-do, which ``reopen`` would restart from long ago."""
    base = render(BASE)
    started = base.replace("- [ ] Rerun the sweep [est:: 2h]",
                           "- [ ] Rerun the sweep [est:: 2h] [started:: 2026-11-26T09:00:00+01:00]")
    for closed in ("- [x] Rerun the sweep [est:: 2h] [took:: 5m]", "- [-] Rerun the sweep [est:: 2h]"):
        done = base.replace("- [ ] Rerun the sweep [est:: 2h]", closed).replace(
            "- 10:00 bug: loader\n", "- 10:00 bug: loader\n- 11:00 B entry\n")
        for a, b in ((started, done), (done, started)):
            merged = merge(base, a, b)
            assert merged.conflicts == 1
            assert f"=======\n{closed}\n>>>>>>>" in merged.text or f"<<<<<<< this machine\n{closed}\n" in merged.text
            assert "- 11:00 B entry\n" in merged.text and "Email Yitao" in merged.text.split("<<<<<<<")[0]
    # the timer stopped on the side that ticked it (done removes started): done, with its time
    ticked = started.replace("- [ ] Rerun the sweep [est:: 2h] [started:: 2026-11-26T09:00:00+01:00]",
                             "- [x] Rerun the sweep [est:: 2h] [took:: 40m]")
    moved = started.replace("- [ ] Rerun the sweep [est:: 2h]", "- [ ] Rerun the sweep [est:: 3h]")
    merged = merge(started, ticked, moved)
    assert merged.conflicts == 0 and "- [x] Rerun the sweep [est:: 3h] [took:: 40m]\n" in merged.text
