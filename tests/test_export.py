"""``reslog export``: the json and md documents, the filters, standard output and the errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reslog.search import Hit

from .conftest import Clock, Result, day_file

Run = Callable[..., Result]

FRIDAY = """\
---
date: 2026-11-20
---
# Friday 20 November 2026

## What to do next
- [x] Read the W2S paper #w2s [est:: 30m] [took:: 45m]
- [-] Old idea to drop

## What was done
- 09:00 exp: public run #w2s ★
  - thought: why it works
- 11:00 read: Scaling laws https://arxiv.org/abs/2001.08361 [from:: twitter]

## Reflection
- Good focus today.
"""

TUESDAY = """\
- 07:30 loose note before any section
## What was done
- bug: loader drops the last batch #loader
"""

THURSDAY = """\
## What to do next
- [ ] Rerun the sweep #w2s [est:: 2h] [carried:: 2026-11-24]

## What was done
- 10:30 bug: off-by-one in the loader #loader #w2s
  - fix: clamp the index
    - result: all batches seen
"""

# What `reslog export md` gives for FRIDAY and TUESDAY, byte for byte.
GOLDEN_MD = """\
# Week 47

_7 entries from 2 days, 2026-11-20 to 2026-11-24._

## Friday 20 November 2026

### What to do next

- [x] Read the W2S paper #w2s [est:: 30m] [took:: 45m] <!-- days/2026/2026-11-20.md:7 -->
- [-] Old idea to drop <!-- days/2026/2026-11-20.md:8 -->

### What was done

- 09:00 exp: public run #w2s ★ <!-- days/2026/2026-11-20.md:11 -->
  - thought: why it works
- 11:00 read: Scaling laws https://arxiv.org/abs/2001.08361 [from:: twitter] <!-- days/2026/2026-11-20.md:13 -->

### Reflection

- Good focus today. <!-- days/2026/2026-11-20.md:16 -->

## Tuesday 24 November 2026

- 07:30 loose note before any section <!-- days/2026/2026-11-24.md:1 -->

### What was done

- bug: loader drops the last batch #loader <!-- days/2026/2026-11-24.md:3 -->
"""


def _page(log_dir: Path, day: str, text: str) -> None:
    path = day_file(log_dir, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def week(log_dir: Path, clock: Clock) -> Path:
    _page(log_dir, "2026-11-20", FRIDAY)
    _page(log_dir, "2026-11-24", TUESDAY)
    _page(log_dir, "2026-11-26", THURSDAY)
    return log_dir


def _json(run: Run, out: Path, *args: str) -> dict[str, Any]:
    result = run("export", "json", str(out), *args)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _texts(data: dict[str, Any]) -> list[str]:
    return [entry["text"].split("\n")[0] for entry in data["entries"]]


# --- json ---


def test_json_holds_every_entry_with_all_its_fields_and_its_citation(run: Run, week: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    data = _json(run, out)
    # no path of the log: it names the user's home, in a file made to be shared
    assert list(data) == ["exported_at", "title", "filters", "redacted", "entries"]
    assert str(week).encode() not in out.read_bytes()
    assert data["exported_at"] == "2026-11-26T09:12:00"
    assert data["title"] == "Research log"
    assert data["filters"] == {"since": None, "until": None, "tag": None, "kind": None}
    assert data["redacted"] == ["private", "feelings"]
    assert [(e["date"], e["line"]) for e in data["entries"]] == [
        ("2026-11-20", 7), ("2026-11-20", 8), ("2026-11-20", 11), ("2026-11-20", 13), ("2026-11-20", 16),
        ("2026-11-24", 1), ("2026-11-24", 3), ("2026-11-26", 2), ("2026-11-26", 5),
    ]
    for entry in data["entries"]:
        assert set(entry) == {*Hit._fields, "citation"}
        assert entry["citation"] == f"{entry['file']}:{entry['line']}"
        # The citation points at the line the entry's text comes from.
        cited = (week / entry["file"]).read_text(encoding="utf-8").splitlines()[entry["line"] - 1]
        assert cited.endswith(entry["text"].split("\n")[0])
    assert data["entries"][2] == {
        "date": "2026-11-20", "time": "09:00", "section": "done", "heading": "What was done", "kind": "exp",
        "level": 0, "state": None, "text": "public run #w2s ★\n- thought: why it works", "tags": ["w2s"],
        "fields": {}, "source": None, "starred": True, "file": "days/2026/2026-11-20.md", "line": 11,
        "end_line": 12, "score": None,
        "children": [{"line": 12, "kind": "thought", "level": 1, "text": "why it works"}],
        "est_minutes": None, "took_minutes": None, "carried": None, "citation": "days/2026/2026-11-20.md:11",
    }
    todo = data["entries"][0]
    assert (todo["state"], todo["est_minutes"], todo["took_minutes"]) == ("x", 30, 45)
    assert data["entries"][3]["source"] == "twitter" and data["entries"][3]["fields"] == {"from": "twitter"}
    assert data["entries"][7]["carried"] == "2026-11-24"
    assert data["entries"][8]["text"] == (
        "off-by-one in the loader #loader #w2s\n- fix: clamp the index\n  - result: all batches seen"
    )


def test_json_report_and_title(run: Run, week: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    result = run("export", "json", str(out), "--title", "W2S notes")
    assert result.out == (f"Exported 9 entries (3 days) to {out}.\n"
                          "Redacted private, feelings: left out 0 entries and 0 nested lines.\n")
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "W2S notes"


@pytest.mark.parametrize(("args", "dates", "filters"), [
    (("--since", "2026-11-24"), ["2026-11-24", "2026-11-24", "2026-11-26", "2026-11-26"],
     {"since": "2026-11-24"}),
    (("--until", "2026-11-20"), ["2026-11-20"] * 5, {"until": "2026-11-20"}),
    (("--since", "last week", "--until", "yesterday"), ["2026-11-20"] * 5 + ["2026-11-24"] * 2,
     {"since": "2026-11-16", "until": "2026-11-25"}),
    (("--since", "November 2026", "--until", "2026-W48"), ["2026-11-20"] * 5 + ["2026-11-24"] * 2 + [
        "2026-11-26"] * 2, {"since": "2026-11-01", "until": "2026-11-29"}),
])
def test_json_date_filters(
    run: Run, week: Path, tmp_path: Path, args: tuple[str, ...], dates: list[str], filters: dict[str, str]
) -> None:
    data = _json(run, tmp_path / "log.json", *args)
    assert [e["date"] for e in data["entries"]] == dates
    assert data["filters"] == {"since": None, "until": None, "tag": None, "kind": None, **filters}


def test_json_tag_and_kind_filters(run: Run, week: Path, tmp_path: Path) -> None:
    out = tmp_path / "log.json"
    tagged = _json(run, out, "--tag", "loader")
    assert _texts(tagged) == ["loader drops the last batch #loader", "off-by-one in the loader #loader #w2s"]
    assert tagged["filters"]["tag"] == "loader"
    bugs = _json(run, out, "--kind", "bug", "--since", "2026-11-25")
    assert _texts(bugs) == ["off-by-one in the loader #loader #w2s"]
    assert bugs["filters"] == {"since": "2026-11-25", "until": None, "tag": None, "kind": "bug"}
    w2s_reads = _json(run, out, "--tag", "w2s", "--kind", "exp")
    assert _texts(w2s_reads) == ["public run #w2s ★"]


def test_deferred_copies_are_left_out(run: Run, log_dir: Path, clock: Clock, tmp_path: Path) -> None:
    _page(log_dir, "2026-11-24", "## What to do next\n- [>] Email Yitao\n")
    _page(log_dir, "2026-11-25", "## What to do next\n- [ ] Email Yitao [carried:: 2026-11-24]\n")
    data = _json(run, tmp_path / "log.json")
    assert [(e["date"], e["state"]) for e in data["entries"]] == [("2026-11-25", " ")]


def test_json_to_standard_output(run: Run, week: Path) -> None:
    result = run("export", "json", "-", "--kind", "read")
    assert result.code == 0
    data = json.loads(result.out)
    assert _texts(data) == ["Scaling laws https://arxiv.org/abs/2001.08361 [from:: twitter]"]
    assert "Exported 1 entry (1 day) to standard output." in result.err


# --- md ---


def test_md_golden(run: Run, log_dir: Path, clock: Clock, tmp_path: Path) -> None:
    _page(log_dir, "2026-11-20", FRIDAY)
    _page(log_dir, "2026-11-24", TUESDAY)
    out = tmp_path / "week.md"
    result = run("export", "md", str(out), "--title", "Week 47")
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8") == GOLDEN_MD
    assert result.out == (f"Exported 7 entries (2 days) to {out}.\n"
                          "Redacted private, feelings: left out 0 entries and 0 nested lines.\n")


def test_md_to_standard_output_is_the_same_document(run: Run, log_dir: Path, clock: Clock) -> None:
    _page(log_dir, "2026-11-20", FRIDAY)
    _page(log_dir, "2026-11-24", TUESDAY)
    result = run("export", "md", "-", "--title", "Week 47")
    assert result.code == 0
    assert result.out == GOLDEN_MD
    assert result.err == ("Exported 7 entries (2 days) to standard output.\n"
                          "Redacted private, feelings: left out 0 entries and 0 nested lines.\n")


def test_md_nested_lines_keep_their_depth_and_filters_apply(run: Run, week: Path) -> None:
    result = run("export", "md", "-", "--since", "2026-11-26", "--kind", "bug")
    assert result.out == (
        "# Research log\n\n_1 entry from 1 day, 2026-11-26._\n\n## Thursday 26 November 2026\n\n"
        "### What was done\n\n"
        "- 10:30 bug: off-by-one in the loader #loader #w2s <!-- days/2026/2026-11-26.md:5 -->\n"
        "  - fix: clamp the index\n"
        "    - result: all batches seen\n"
    )


def test_md_redaction_is_reported(run: Run, week: Path) -> None:
    result = run("export", "md", "-", "--redact", "thoughts", "--redact", "reflection", "--until", "2026-11-20")
    assert "why it works" not in result.out and "Good focus" not in result.out
    assert "- 09:00 exp: public run #w2s ★ <!-- days/2026/2026-11-20.md:11 -->\n" in result.out
    assert result.err.splitlines() == [
        "Exported 4 entries (1 day) to standard output.",
        "Redacted private, feelings, thoughts, reflection: left out 1 entry and 1 nested line.",
    ]


# --- empty selections and errors ---


def test_empty_selection_writes_an_empty_export(run: Run, week: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.json"
    result = run("export", "json", str(out), "--tag", "nothing-has-this")
    assert result.code == 0
    assert result.out.startswith(f"No entries match; wrote an empty export to {out}.")
    assert json.loads(out.read_text(encoding="utf-8"))["entries"] == []
    md = run("export", "md", "-", "--since", "2027")
    assert (md.code, md.out) == (0, "# Research log\n\nNo entries match.\n")


def test_missing_folder_is_an_error_that_says_to_create_it(run: Run, week: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    result = run("export", "md", str(missing / "week.md"))
    assert result.code == 1
    assert result.err == f"reslog: the folder {missing} does not exist; create it first (mkdir -p {missing})\n"
    assert not missing.exists()


def test_out_that_is_a_link_is_written_through_and_a_device_or_pipe_is_refused(
    run: Run, week: Path, tmp_path: Path
) -> None:
    """The export replaces OUT with the file it wrote: OUT a link (to a file kept elsewhere) lost
    the link and left its file as it was; OUT /dev/stdout replaced the device with a file (as
    root), a pipe with a file. A link's target is written; a device or pipe is refused."""
    import os

    kept = tmp_path / "shared" / "log.md"
    kept.parent.mkdir()
    kept.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(kept)
    result = run("export", "md", str(link))
    assert result.code == 0, result
    assert link.is_symlink() and link.resolve() == kept
    assert kept.read_text(encoding="utf-8").startswith("# Research log\n")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for out in (pipe, Path("/dev/null")):
        refused = run("export", "json", str(out))
        assert refused.code == 2 and refused.err == (
            f"reslog: {out} is not a file or a folder (a device, a pipe or a socket); give a file name, "
            "or '-' for standard output\n")
    assert pipe.exists() and not pipe.is_file() and Path("/dev/null").is_char_device()


@pytest.mark.parametrize(("title", "message"), [
    ("# a\n## What was done", "--title must be one line; give it without line breaks"),
    ("t\x1b[2J", "--title holds the control character U+001B"),
])
def test_a_title_that_would_break_the_export_is_refused(run: Run, week: Path, tmp_path: Path, title: str,
                                                        message: str) -> None:
    """A title with a line break made headings of the export's own; an escape byte reached it."""
    out = tmp_path / "log.md"
    result = run("export", "md", str(out), "--title", title)
    assert result.code == 2 and result.err.startswith(f"reslog: {message}")
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-11-25", "--until", "2026-11-20"), "the range is empty"),
    (("--since", "someday"), "cannot read"),
    (("--redact", "secrets"), "'secrets' is not one of 'private', 'feelings', 'thoughts', 'reflection'"),
    (("--redact", "private", "--no-redact"), "--no-redact and --redact contradict each other"),
    (("--kind", "meeting"), "Invalid value for '--kind'"),
])
def test_usage_errors(run: Run, week: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = tmp_path / "log.json"
    result = run("export", "json", str(out), *args)
    assert result.code == 2
    assert message in result.err and len(result.err.splitlines()) == 1
    assert not out.exists()


def test_out_must_be_a_file_outside_the_log(run: Run, week: Path, tmp_path: Path) -> None:
    folder = run("export", "json", str(tmp_path))
    assert folder.code == 2 and f"give a file name for OUT, such as {tmp_path / 'log.json'}" in folder.err
    page = day_file(week, "2026-11-20")
    before = page.read_bytes()
    inside = run("export", "md", str(page))
    assert inside.code == 2 and f"lies inside the log folder {week}; export to a file or folder outside it" \
        in inside.err
    assert page.read_bytes() == before
    html = run("export", "html", "-")
    assert html.code == 2 and "html writes a folder of pages" in html.err


@pytest.mark.parametrize("target", ["reslog.toml", "notes.md", "attachments/x.json", "site", "."])
def test_no_export_writes_inside_the_log_folder(run: Run, week: Path, target: str) -> None:
    """Not only days/, weeks/ and .reslog/: the settings and anything a person keeps in the log."""
    settings = week / "reslog.toml"
    settings.write_text("[search]\nembeddings = false\n", encoding="utf-8")
    (week / "attachments").mkdir()
    before = {p: p.read_bytes() for p in week.rglob("*") if p.is_file() and ".reslog" not in p.parts}
    for fmt in ("json", "md", "html"):
        result = run("export", fmt, str(week / target))
        assert result.code == 2, (fmt, result.out)
        assert f"lies inside the log folder {week}" in result.err
    assert {p: p.read_bytes() for p in week.rglob("*") if p.is_file() and ".reslog" not in p.parts} == before


def test_a_site_folder_that_holds_the_log_is_refused(run: Run, week: Path) -> None:
    result = run("export", "html", str(week.parent))
    assert result.code == 2 and f"the log {week} lies inside {week.parent}" in result.err


def test_export_of_a_missing_log(run: Run, clock: Clock, tmp_path: Path) -> None:
    result = run("export", "json", str(tmp_path / "log.json"))
    assert result.code == 1 and "there is no log at" in result.err
    assert not (tmp_path / "log.json").exists()


def test_a_tag_only_a_left_out_line_carries_selects_nothing(run: Run, log_dir: Path, clock: Clock) -> None:
    """``--tag private`` exported exactly the entries that hold a private note (without the note):
    a list of who has secrets. A tag carried by a line redaction leaves out selects no entry."""
    assert run("did", "public parent").code == 0
    assert run("think", "SECRET5 #private").code == 0
    assert run("did", "public run #w2s").code == 0
    assert run("did", "another parent").code == 0
    assert run("think", "a private aside #private #w2s").code == 0
    assert run("think", "a public aside #w2s").code == 0
    for fmt in ("json", "md"):
        tagged = run("export", fmt, "-", "--tag", "private")
        assert tagged.code == 0 and "public parent" not in tagged.out and "SECRET5" not in tagged.out
    entries = json.loads(run("export", "json", "-", "--tag", "w2s").out)["entries"]
    assert [e["text"].split("\n")[0] for e in entries] == ["public run #w2s", "another parent"]
    assert "private aside" not in json.dumps(entries)
    kept = json.loads(run("export", "json", "-", "--tag", "private", "--no-redact").out)["entries"]
    assert [e["text"].split("\n")[0] for e in kept] == ["public parent", "another parent"]


def test_entries_under_a_private_heading_of_a_day_page_are_left_out(run: Run, log_dir: Path, clock: Clock,
                                                                    tmp_path: Path) -> None:
    """A list item under ``### Health #private`` in a day page was exported (md, json, the html
    site and its search index): the index knows an entry's section, not the heading above it."""
    page = day_file(log_dir, "2026-11-24")
    page.parent.mkdir(parents=True)
    page.write_text("## What was done\n- 09:00 public thing\n\n### Health #private\n- SECRET_ITEM\n"
                    "  - nested secret\n\n#### Sub part\n- SECRET_SUB\n\n### Work\n- public again\n\n"
                    "## Reflection\n### Mood #Private\n- SECRET_REFLECT\n", encoding="utf-8")
    for fmt in ("json", "md"):
        out = run("export", fmt, "-").out
        assert "public thing" in out and "public again" in out and "SECRET" not in out, out
    assert run("export", "html", str(tmp_path / "site")).code == 0
    site = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert "public again" in site and "SECRET" not in site
    kept = run("export", "json", "-", "--no-redact").out
    assert "SECRET_SUB" in kept and "SECRET_REFLECT" in kept


def test_a_page_tagged_private_in_its_front_matter_is_left_out_whole(run: Run, log_dir: Path, clock: Clock,
                                                                    tmp_path: Path) -> None:
    """The log is an Obsidian vault, where ``tags: [private]`` in a note's front matter tags the
    whole note; on a day page it was ignored and every entry of the page was exported."""
    private = day_file(log_dir, "2026-11-24")
    private.parent.mkdir(parents=True)
    private.write_text("---\ndate: 2026-11-24\ntags:\n  - health\n  - Private\n---\n"
                       "## What was done\n- 09:00 SECRET_PAGE therapy\n  - SECRET_NESTED\n", encoding="utf-8")
    day_file(log_dir, "2026-11-25").write_text("---\ndate: 2026-11-25\ntags: [work]\n---\n"
                                               "## What was done\n- 10:00 public work\n", encoding="utf-8")
    for fmt in ("json", "md"):
        out = run("export", fmt, "-").out
        assert "public work" in out and "SECRET" not in out, out
    assert run("export", "html", str(tmp_path / "site")).code == 0
    site = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert "public work" in site and "SECRET" not in site
    assert "SECRET_PAGE" in run("export", "json", "-", "--no-redact").out

    from reslog.redaction import page_left_out

    blank = page_left_out(private.read_text(encoding="utf-8"), ("private",))  # the MCP day tool's view
    assert "SECRET" not in blank and blank.count("\n") == private.read_text(encoding="utf-8").count("\n")
