"""The parser and renderer: byte-exact round trips and the structure they read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reslog import markdown
from reslog.model import Page

from .conftest import CORPORA, corpora

DESIGN_PAGE = """---
date: 2026-11-26
---
# Thursday 26 November 2026

## What to do next
- [ ] Rerun the W2S sweep with lr=3e-4 #w2s [est:: 2h]
- [ ] Email Yitao about the grid-world task [carried:: 2026-11-24]
- [x] Read the W2S paper #w2s [est:: 30m] [took:: 45m]

## What was done
- 09:12 exp: W2S on GPT-2 sizes, only a slight gain with scale #w2s
  - thought: the strong model may imitate the weak model's errors
- 10:30 bug: off-by-one in the loader dropped the last batch #w2s
- 11:00 read: Weak-to-strong generalization https://arxiv.org/abs/2312.09390 [from:: twitter] ★

## Random ideas
- 08:05 Use external tools in reward modeling [from:: chat with Yitao]

## Reflection
- 18:00 The morning block without chat worked well.
"""

# Lines that look like Markdown structure, so generated texts exercise the parser, not only bytes.
_PIECES = st.sampled_from([
    "---", "date: 2026-01-02", "# Title", "## What was done", "## What to do next", "## Notes",
    "- [ ] task [est:: 2h]", "- [x] done [took:: 1h]", "- [>] later", "- 09:12 exp: run #tag",
    "  - thought: why", "\t- nested tab", "* star item", "+ plus", "```", "~~~", "<!--", "-->",
    "plain text", "", " ", "- ", "-", "#notatag", "- [ ]", "[a:: b]", "★", "\ufeff", "é 中文",
    "  ```r", "    ~~~", "  <!--", "  -->", "  > quote", "  ## sub heading",
])
_ENDINGS = st.sampled_from(["\n", "\r\n", "\r", ""])


@st.composite
def page_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(_PIECES, _ENDINGS), max_size=30))
    return "".join(a + b for a, b in lines)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_round_trip_any_text(text: str) -> None:
    assert markdown.render(markdown.parse(text)) == text


@settings(max_examples=400, deadline=None)
@given(page_texts())
def test_round_trip_structured_text(text: str) -> None:
    page = markdown.parse(text)
    assert markdown.render(page) == text
    assert markdown.parse(markdown.render(page)) == page


def _corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPORA.rglob("*") if p.is_file() and p.suffix.lower() in (".md", ".org", ".txt")
    )


@corpora
def test_corpora_are_present() -> None:
    assert len(_corpus_files()) > 1000


@corpora
def test_round_trip_every_corpus_file() -> None:
    failures = []
    for path in _corpus_files():
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        if markdown.render(markdown.parse(text)) != text:
            failures.append(path)
    assert failures == []


def test_design_page_structure() -> None:
    page = markdown.parse(DESIGN_PAGE)
    assert dict(page.front_matter) == {"date": "2026-11-26"}
    assert page.title == "Thursday 26 November 2026"
    assert [s.key for s in page.sections] == ["todo", "done", "ideas", "reflection"]
    tasks = page.tasks()
    assert [t.state for t in tasks] == [" ", " ", "x"]
    assert tasks[0].tags == ("w2s",) and tasks[0].field("est") == "2h"
    assert tasks[1].field("carried") == "2026-11-24"
    assert tasks[2].field("took") == "45m"
    exp, bug, read = page.section("done").entries  # type: ignore[union-attr]
    assert (exp.time, exp.kind, exp.level) == ("09:12", "exp", 0)
    assert exp.text == "W2S on GPT-2 sizes, only a slight gain with scale #w2s"
    (thought,) = exp.children
    assert (thought.kind, thought.level, thought.line) == ("thought", 1, 13)
    assert bug.kind == "bug" and bug.line == 14
    assert read.starred and read.field("from") == "twitter" and read.kind == "read"
    idea = page.section("ideas").entries[0]  # type: ignore[union-attr]
    assert idea.field("from") == "chat with Yitao" and idea.level == 1
    reflection = page.section("reflection").entries[0]  # type: ignore[union-attr]
    assert reflection.level == 2


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("see https://example.com/a#frag and #real", ("real",)),
        ("issue #123 is not a tag but #v2 is", ("v2",)),
        ("nested #proj/sub and #proj/sub again", ("proj/sub",)),
        ("中文标签 #实验", ("实验",)),
        ("a heading-like ## thing", ()),
        ("[[Page#Heading]] link", ()),
    ],
)
def test_tags(text: str, tags: tuple[str, ...]) -> None:
    (entry,) = markdown.parse(f"## What was done\n- {text}\n").entries()
    assert entry.tags == tags


def test_code_blocks_and_comments_are_opaque() -> None:
    text = (
        "## What was done\n- real entry\n```\n- not an entry\n```\n"
        "<!-- \n- hidden\n-->\n- second\n"
    )
    page = markdown.parse(text)
    assert [e.text for e in page.entries()] == ["real entry", "second"]


def test_multiline_entry_owns_its_indented_lines() -> None:
    text = "## What was done\n- first\n  continued\n  - thought: nested\n    deeper\n\n  after blank\n- next\n"
    first, nxt = markdown.parse(text).entries()
    assert (first.index, first.end) == (1, 5)
    assert [c.text for c in first.children] == ["nested"]
    assert nxt.text == "next"


def test_unknown_checkbox_and_uppercase_x() -> None:
    page = markdown.parse("- [X] big x\n- [?] odd\n")
    assert [t.state for t in page.tasks()] == ["x", "?"]


def test_append_creates_missing_section_in_order() -> None:
    page = markdown.parse("# Day\n\n## What was done\n- a\n")
    page, at = markdown.append_entry(page, "todo", ["- [ ] new"])
    assert markdown.render(page) == "# Day\n\n## What to do next\n- [ ] new\n\n## What was done\n- a\n"
    assert at == 3
    page, at = markdown.append_entry(page, "reflection", ["- calm"])
    assert markdown.render(page).endswith("- a\n\n## Reflection\n- calm\n")


def test_append_to_file_without_final_newline_keeps_crlf() -> None:
    page = markdown.parse("## What was done\r\n- a")
    page, _ = markdown.append_entry(page, "done", ["- b"])
    assert markdown.render(page) == "## What was done\r\n- a\r\n- b\r\n"


def test_field_edits() -> None:
    body = "- [ ] x [took:: 5m] [est:: 1h]"
    assert markdown.set_field(body, "took", "10m") == "- [ ] x [took:: 10m] [est:: 1h]"
    assert markdown.set_field(body, "from", "a") == body + " [from:: a]"
    assert markdown.remove_field(body, "took") == "- [ ] x [est:: 1h]"
    assert markdown.set_state(body, "x") == "- [x] x [took:: 5m] [est:: 1h]"


def test_page_equality_is_structural() -> None:
    assert markdown.parse(DESIGN_PAGE) == markdown.parse(DESIGN_PAGE)
    assert isinstance(markdown.parse(""), Page)


@settings(max_examples=500, deadline=None)
@given(page_texts(), st.sampled_from(["todo", "done", "ideas", "reflection"]))
def test_append_always_lands_as_an_entry_and_keeps_every_line(text: str, key: str) -> None:
    page = markdown.parse(text)
    body = "- [ ] probe entry" if key == "todo" else "- 09:00 probe entry"
    new, at = markdown.append_entry(page, key, [body])
    entries = [e for e in new.entries() if e.index == at]
    assert entries and entries[0].section == key and entries[0].text == "probe entry"
    # every old line is still there, in order; only a final newline may have been added
    old = [line.rstrip("\r\n") for line in page.lines]
    kept = iter(line.rstrip("\r\n") for line in new.lines)
    assert all(any(line == k for k in kept) for line in old)
    assert new.bom == page.bom


def test_append_after_an_unclosed_fence_closes_it() -> None:
    page = markdown.parse("## What to do next\n```\nunclosed\n## What was done\n")
    new, at = markdown.append_entry(page, "done", ["- 09:00 x"])
    assert markdown.render(new) == (
        "## What to do next\n```\nunclosed\n## What was done\n```\n\n## What was done\n- 09:00 x\n"
    )
    assert new.entries()[0].index == at


NESTED = """\
## What was done
- 09:00 A note [imported:: markdown]
  Some text with #notatag
  ```r
  x <- 1

  - [ ] not a task
  ```
  ## A heading in the note
  > a quote
  <!-- a comment

  - not an entry either
  -->
  - a real nested item
- next
"""


def test_code_and_comments_nested_in_an_entry_belong_to_it() -> None:
    page = markdown.parse(NESTED)
    note, nxt = page.entries()
    assert (note.index, note.end) == (1, 15)  # the blank lines inside the code and comment too
    assert [c.text for c in note.children] == ["a real nested item"]
    assert nxt.text == "next" and page.unclosed is None
    assert markdown.opaque_lines(page)[3:14] == [True] * 5 + [False, False] + [True] * 4


def test_a_nested_fence_left_open_ends_with_its_entry() -> None:
    page = markdown.parse("## Log\n- a\n  ```\n  - [ ] code\n\n- b\n  ```\n  open at the end\n")
    a, b = page.entries()
    assert (a.index, a.end, a.children) == (1, 4, ())  # the blank line before "- b" is not the code's
    assert (b.index, b.end) == (5, 8) and page.unclosed is None
    # a nested item added after the open code is not hidden in it: the code is closed first
    new = markdown.add_children(page, b, ["thought: why"])
    assert markdown.render(new).endswith("- b\n  ```\n  open at the end\n  ```\n  - thought: why\n")
    assert [c.text for c in new.entries()[1].children] == ["why"]
    # a new entry after it ends the entry, and the code with it: nothing to close
    added, _ = markdown.append_entry(page, "done", ["- c"])
    assert markdown.render(added).endswith("  open at the end\n- c\n")
    assert [e.text for e in added.entries()] == ["a", "b", "c"]


def test_a_fence_after_free_text_is_still_page_level() -> None:
    page = markdown.parse("## Log\ntext\n  ```\n- hidden\n")
    assert page.entries() == [] and page.unclosed == (2, "```")


def test_comment_marker_inside_an_entry_is_text() -> None:
    page = markdown.parse("## What was done\n- see <!-- this\n- next entry\n<!--\n- hidden\n-->\n- last\n")
    assert [e.text for e in page.entries()] == ["see <!-- this", "next entry", "last"]
