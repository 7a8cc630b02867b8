"""reslog.markup: the shortcut for plain nested lists gives markdown-it's own bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reslog.demo import write_demo
from reslog.exporters.select import select
from reslog.markup import Markup, _simple_list
from reslog.store import Log

MARKUP = Markup(lambda tag: f"../tags/{tag}.html" if tag.startswith("w") else None)

_WORDS = st.sampled_from([
    "plain", "**bold**", "*em*", "`code #w2s`", "#w2s", "#other", "[[Page|alias]]", "[est:: 2h]", "★",
    "https://x.org/a_(b).", "[link](https://x.org)", "[x](javascript:alert(1))", "<b>raw</b>", "a & b",
    "thought:", "exp:", "09:12", "[ ]", "[x]", "[>]", "_under_", "~~gone~~", "'quote'", "\"dq\"", "é中",
    "1.", "-", "*", "\\", "  ", "#", ">", "|", "<!--",
])


@st.composite
def lists(draw: st.DrawFn) -> str:
    lines = []
    depth = -1
    for _ in range(draw(st.integers(1, 8))):
        level = draw(st.integers(0, depth + 1))
        words = draw(st.lists(_WORDS, min_size=1, max_size=6))
        lines.append("  " * level + "- " + " ".join(words))
        depth = level
    return "\n".join(lines)


@settings(max_examples=500, deadline=None)
@given(lists())
def test_the_list_shortcut_renders_what_markdown_it_renders(text: str) -> None:
    assert MARKUP.block(text) == str(MARKUP.md.render(text))


def test_the_shortcut_is_taken_on_a_real_log(tmp_path: Path) -> None:
    """Every entry of the demo log with nested lines: the same HTML either way, and the
    shortcut taken for most of them (what makes the export of a 10-year log fast)."""
    write_demo(tmp_path / "demo", dt.date(2026, 11, 26))
    bodies = [hit.text.partition("\n")[2] for hit in select(Log(tmp_path / "demo")) if "\n" in hit.text]
    assert len(bodies) > 50
    for body in bodies:
        assert MARKUP.block(body) == str(MARKUP.md.render(body)), body
    assert sum(_simple_list(body) is not None for body in bodies) > len(bodies) / 2
