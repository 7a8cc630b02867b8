"""reslog.markup: the shortcut for plain nested lists gives markdown-it's own bytes; long words
get break opportunities that change no character."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reslog.demo import write_demo
from reslog.exporters.select import select
from reslog.markup import WBR_EVERY, Markup, _simple_list, breakable
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


# --- long words ---

_LONG = ("a&b<c>'d\"" * 25_000)[:200_000]  # 200,000 characters, entities to escape all along


def _copied(rendered: str) -> str:
    """The text a reader selects and copies: tags (and <wbr>) left out, entities read."""
    return html.unescape(re.sub(r"<[^>]*>", "", rendered))


def test_breakable_cuts_long_runs_only_and_never_an_entity() -> None:
    assert breakable("short & sweet " + "x" * WBR_EVERY) == "short &amp; sweet " + "x" * WBR_EVERY
    out = breakable(f"before {_LONG} after")
    pieces = out.split("<wbr>")
    assert len(pieces) == -(-len(_LONG) // WBR_EVERY)
    assert all(len(html.unescape(p)) <= WBR_EVERY + len("before ") for p in pieces)
    assert re.search(r"&[#\w]*<wbr>", out) is None  # no entity split
    assert html.unescape(out.replace("<wbr>", "")) == f"before {_LONG} after"




@pytest.mark.parametrize("where", ["export inline", "export block", "export list", "web inline", "web block"])
def test_a_long_word_breaks_and_copies_whole(where: str) -> None:
    text = f"pasted {_LONG} here #w2s"
    if where == "export inline":
        rendered = MARKUP.inline(text)
    elif where == "export block":
        rendered = MARKUP.block(f"para\n\n{text}")
    elif where == "export list":
        rendered = MARKUP.block(f"- {text}")
    else:
        from reslog.web import markup as web

        rendered = web.inline(text) if where == "web inline" else web.block(text)
    assert rendered.count("<wbr>") >= len(_LONG) // WBR_EVERY - 1
    assert re.search(r"<[^>]*<wbr>|&[#\w]*<wbr>", rendered) is None  # never in a tag or an entity
    assert f"pasted {_LONG} here #w2s" in _copied(rendered)


@pytest.mark.parametrize("web", [False, True])
def test_a_long_url_keeps_its_href_and_breaks_its_text(web: bool) -> None:
    url = "https://example.org/" + "x&y" * 100
    if web:
        from reslog.web import markup as renderer

        rendered = renderer.inline(f"see {url} and `{'c' * 200}`")
    else:
        rendered = MARKUP.inline(f"see {url} and `{'c' * 200}`")
    href = re.search(r'href="([^"]*)"', rendered)
    assert href is not None and html.unescape(href.group(1)) == url
    assert "<wbr>" in rendered.split(">", 1)[1] and "<code><wbr>" not in rendered
    assert _copied(rendered) == f"see {url} and {'c' * 200}"
