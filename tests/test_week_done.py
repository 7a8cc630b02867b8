"""The week page's "What was done" block: the week's work by theme, each entry cited.

An imported notebook files every post under *What was done*, and its week pages
cited no entry at all ("No ideas this week", zeros and dashes): the block names
what the researcher did, grouped as the ideas of the week are (the digest), and
short enough to read on a busy week.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from reslog import review
from reslog.mcp import reading
from reslog.store import Log
from reslog.web.views import week_view

from .conftest import CORPORA, Clock, Result, corpora, write_day, write_days
from .test_errors import _unwritable, read_only_log

Run = Callable[..., Result]
W48 = Path("weeks/2026/2026-W48.md")
NOTEBOOK = CORPORA / "cboettig-labnotebook"

WEEK = {
    "2026-11-23": """\
## What was done
- 09:00 exp: tokenizer sweep on the quokka corpus #w2s
- 10:00 bug: the quokka corpus loader drops accents
- 11:00 met Yitao about the grant budget

## Random ideas
- a probe for reward hacking [from:: chat]
""",
    "2026-11-24": """\
## What was done
- exp: tokenizer sweep again on the quokka corpus, accents kept
- therapy session about the zanzibar worry #private
- read: Weak-to-strong generalization [from:: twitter]
""",
}


def block(text: str, name: str) -> str:
    begin, end = f"<!-- reslog:begin {name} -->\n", f"<!-- reslog:end {name} -->"
    return text[text.index(begin) + len(begin):text.index(end)]


def test_the_week_s_work_by_theme_each_entry_cited(log_dir: Path, clock: Clock, run: Run) -> None:
    write_days(log_dir, WEEK)
    assert run("week", "2026-W48").code == 0
    text = (log_dir / W48).read_text(encoding="utf-8")
    # after the ideas, before the comparison with last week
    assert text.index("<!-- reslog:end ideas -->") < text.index("<!-- reslog:begin done -->")
    assert text.index("<!-- reslog:end done -->") < text.index("<!-- reslog:begin compare -->")
    done = block(text, "done")
    lines = done.splitlines()
    assert lines[:2] == ["## What was done", ""]
    # the theme of several entries first, named and counted, then those alike no other; an entry
    # is quoted by its first line as the ideas block quotes an idea (no kind, no fields)
    assert re.fullmatch(r"- \*\*[^*]*(quokka|corpus|tokenizer)[^*]*\*\* \(3 entries\)", lines[2]), lines[2]
    assert lines[3:6] == [
        "  - tokenizer sweep on the quokka corpus #w2s ([[2026-11-23]])",
        "  - the quokka corpus loader drops accents ([[2026-11-23]])",
        "  - tokenizer sweep again on the quokka corpus, accents kept ([[2026-11-24]])",
    ]
    assert lines[6:] == [
        "- **No shared theme** (3 entries)",
        "  - met Yitao about the grant budget ([[2026-11-23]])",
        "  - therapy session about the zanzibar worry #private ([[2026-11-24]])",
        "  - Weak-to-strong generalization ([[2026-11-24]], from twitter)",
    ]
    assert "reward hacking" not in done  # an idea is the ideas block's
    assert "reward hacking" in block(text, "ideas")


def test_a_week_with_nothing_done_says_so(log_dir: Path, clock: Clock, run: Run) -> None:
    write_day(log_dir, "2026-11-24", "## What to do next\n- [ ] write the draft\n\n## Random ideas\n- an idea\n")
    assert run("week", "2026-W48").code == 0
    done = block((log_dir / W48).read_text(encoding="utf-8"), "done")
    assert done == "## What was done\n\nNothing under What was done this week.\n"


def test_a_busy_week_is_capped_and_says_how_to_list_the_rest(log_dir: Path, clock: Clock, run: Run) -> None:
    topics = ["quasar lichen", "walrus census", "obsidian kiln", "pelican radar", "tundra moss", "zephyr valve",
              "basalt drill", "comet ledger", "falcon relay", "glacier pump", "harbor crane", "ivory loom"]
    days: dict[str, str] = {}
    for n, topic in enumerate(topics):  # each topic three times, on three days: one theme each
        for day in (23 + n % 5, 24 + n % 5, 25 + n % 5):
            days[f"2026-11-{day}"] = days.get(f"2026-11-{day}", "## What was done\n") + f"- {topic}\n"
    write_days(log_dir, days)
    assert run("week", "2026-W48").code == 0
    done = block((log_dir / W48).read_text(encoding="utf-8"), "done").splitlines()
    themes = [line for line in done if line.startswith("- **")]
    entries = [line for line in done if line.startswith("  - ")]
    assert len(themes) == review.DONE_THEMES and "No shared theme" not in done
    counts = [int(re.findall(r"\((\d+) entries\)$", theme)[0]) for theme in themes]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 3  # the largest themes first
    assert len(entries) == sum(counts) <= review.DONE_ENTRIES
    assert done[-1] == (f"{36 - len(entries)} more entries: `reslog digest --week 2026-W48 --section done` "
                        "lists them all.")
    # and the command named lists every one of the 36
    listed = run("digest", "--week", "2026-W48", "--section", "done")
    assert listed.out.startswith("36 entries of What was done from 2026-11-23 to 2026-11-29 in ")


def test_the_entry_cap_counts_the_rest(log_dir: Path, clock: Clock, run: Run) -> None:
    items = "".join(f"- sweep {n} of the walrus census model\n" for n in range(40))
    write_day(log_dir, "2026-11-24", "## What was done\n" + items)
    assert run("week", "2026-W48").code == 0
    done = block((log_dir / W48).read_text(encoding="utf-8"), "done").splitlines()
    assert sum(line.startswith("  - ") for line in done) == review.DONE_ENTRIES
    assert re.fullmatch(r"- \*\*.*\*\* \(40 entries\)", done[2])
    assert done[-1] == "10 more entries: `reslog digest --week 2026-W48 --section done` lists them all."


def _without_done(text: str) -> str:
    """The page as the version before the block wrote it: the same blocks, no "done"."""
    start = text.index("<!-- reslog:begin done -->")
    end = text.index("<!-- reslog:end done -->\n") + len("<!-- reslog:end done -->\n")
    return text[:start].removesuffix("\n") + text[end:]


def test_a_page_written_without_the_block_gains_it_and_keeps_every_word(
    log_dir: Path, clock: Clock, run: Run,
) -> None:
    write_days(log_dir, WEEK)
    assert run("week", "2026-W48", "--rate", "4").code == 0
    path = log_dir / W48
    old = _without_done(path.read_text(encoding="utf-8"))
    assert "reslog:begin done" not in old and "\n\n\n" not in old
    old = (old.replace("<!-- reslog:begin compare -->", "A note of mine between the blocks.\n\n"
                       "<!-- reslog:begin compare -->")
           .replace("## Reflection\n", "## Reflection\n\nThe quokka loader cost a day.\n")
           .replace("## Next week's focus\n", "## Next week's focus\n\n- finish the sweep\n"))
    path.write_text(old, encoding="utf-8")
    result = run("week", "2026-W48")
    assert result.code == 0 and result.err == ""  # an upgrade, not a broken page: nothing to warn of
    new = path.read_text(encoding="utf-8")
    assert new.count("<!-- reslog:begin done -->") == 1
    assert _without_done(new) == old  # the block is all that changed
    assert new.index("<!-- reslog:end ideas -->\n\n<!-- reslog:begin done -->") > 0
    assert "<!-- reslog:end done -->\n\nA note of mine between the blocks." in new
    assert "rating: 4" in new.split("---")[1]
    assert run("week", "2026-W48").out.endswith("(unchanged)\n2026-W48: 2 days logged, 7 entries, "
                                                 "2 experiments, 1 paper read, 1 bug, 1 idea; "
                                                 "to-dos 0 added, 0 done\nrating: 4\n")


def test_private_entries_are_left_out_where_the_ideas_block_leaves_them_out(
    log_dir: Path, clock: Clock, run: Run, tmp_path: Path,
) -> None:
    write_days(log_dir, WEEK)
    assert run("week", "2026-W48").code == 0
    # the page is the researcher's own: it lists the private entry, as the ideas block would
    assert "zanzibar" in (log_dir / W48).read_text(encoding="utf-8")
    assert run("export", "html", str(tmp_path / "site")).code == 0
    site = (tmp_path / "site" / "weeks" / "2026-W48.html").read_text(encoding="utf-8")
    assert "<h4>What was done</h4>" in site and "met Yitao about the grant budget" in site
    assert "zanzibar" not in site and "therapy" not in site
    assert "<strong>No shared theme</strong> (2 entries)" in site  # counted without it
    shown = reading.week(Log(log_dir), dt.date(2026, 11, 26), "2026-W48")["review"]
    assert "## What was done" in shown and "met Yitao" in shown
    assert "zanzibar" not in shown and "- **No shared theme** (2 entries)" in shown
    # a theme whose every entry is left out goes with them
    write_day(log_dir, "2026-11-25", "## What was done\n- zanzibar grief counselling #private\n")
    assert run("week", "2026-W48").code == 0
    shown = reading.week(Log(log_dir), dt.date(2026, 11, 26), "2026-W48")["review"]
    assert "zanzibar" not in shown and "counselling" not in shown


def test_every_reader_of_the_week_shows_the_block(log_dir: Path, clock: Clock, run: Run) -> None:
    write_days(log_dir, WEEK)
    assert run("week", "2026-W48").code == 0
    shown = run("show", "2026-W48")
    assert shown.code == 0
    assert "What was done" in shown.out and "met Yitao about the grant budget ([[2026-11-23]])" in shown.out
    page = Log(log_dir).read_page(str(log_dir / W48))
    assert page is not None
    titles = [b["title"] for b in week_view(page)]
    assert titles.index("Ideas of the week") + 1 == titles.index("What was done") == titles.index(
        "Against last week") - 1
    html = next(b["html"] for b in week_view(page) if b["title"] == "What was done")
    assert "met Yitao about the grant budget" in html and 'href="/day/2026-11-23"' in html


def test_a_read_only_log_shows_the_block_and_writes_nothing(log_dir: Path, clock: Clock, run: Run) -> None:
    write_days(log_dir, WEEK)
    assert run("week", "2026-W48").code == 0
    path = log_dir / W48
    old = _without_done(path.read_text(encoding="utf-8"))
    path.write_text(old, encoding="utf-8")
    with read_only_log(log_dir), _unwritable(log_dir / "weeks" / "2026"):
        shown = run("week", "2026-W48")
    assert shown.code == 0, shown.err
    assert "What was done" in shown.out and "met Yitao about the grant budget" in shown.out
    assert path.read_text(encoding="utf-8") == old


@corpora
def test_a_notebook_week_names_its_posts(log_dir: Path, clock: Clock, run: Run) -> None:
    """2011-W11 of the real notebook: ten posts, all under What was done; its page cited none."""
    assert run("import", "markdown", str(NOTEBOOK)).code == 0
    assert run("week", "2011-W11").code == 0
    text = (log_dir / "weeks" / "2011" / "2011-W11.md").read_text(encoding="utf-8")
    done = block(text, "done")
    cited = re.findall(r"^  - .* \(\[\[(2011-03-1\d|2011-03-20)\]\]\)$", done, re.MULTILINE)
    assert len(cited) == 10, done
    assert "Warning Signals" in done and "more entr" not in done
    assert done.index("(3 entries)") < done.index("No shared theme")
