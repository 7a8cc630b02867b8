"""Search and listing: the query language, filters, citations, and the real notebook."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reslog import markdown
from reslog.index import Index
from reslog.search import Filters, compile_query, listing, loose_query, ranked_ids, search, tasks
from reslog.store import Log

from .conftest import Clock, Result, corpora, day_file
from .notebook import write_notebook_log

Run = Callable[..., Result]

PAGES = {
    "2026-11-20": (
        "## What to do next\n- [ ] tune the learning rate schedule #w2s [est:: 2h]\n"
        "## What was done\n"
        "- 09:00 exp: learning rate sweep on ResNet-18 #w2s/sweep [from:: advisor]\n"
        "  - thought: warmup matters more than the peak rate\n"
        "- 10:00 bug: NaN loss in the loader #infra ★\n"
        "- 11:00 read: Adam paper, rate of convergence [from:: twitter]\n"
        "## Reflection\n- calm day, learned a lot\n"
    ),
    "2026-11-23": (
        "## What was done\n- 09:00 fix: clip gradients to stop the NaN loss #infra\n"
        "- 09:30 实验：学习率调整以后收敛更快\n"
        "- 10:00 exp: learning-rate warmup, 500 steps #w2s\n"
        "## Random ideas\n- 08:00 rate limiter for the cluster queue [from:: chat with Ana]\n"
    ),
}


@pytest.fixture
def index(log_dir: Path) -> Iterator[Index]:
    for day, text in PAGES.items():
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with Index(Log(log_dir)) as idx:
        idx.refresh()
        yield idx


def _lines(index: Index, query: str, **filters: object) -> list[str]:
    return [h.citation for h in search(index, query, Filters(**filters))]  # type: ignore[arg-type]


def test_words_all_must_match_with_stemming(index: Index) -> None:
    assert set(_lines(index, "learning rate")) == {
        "days/2026/2026-11-20.md:2", "days/2026/2026-11-20.md:4", "days/2026/2026-11-23.md:4",
    }
    # "learned" stems like "learning": the reflection matches "learn" alone
    assert "days/2026/2026-11-20.md:9" in _lines(index, "learn")


def test_phrase_exclude_prefix_or(index: Index) -> None:
    assert _lines(index, '"rate schedule"') == ["days/2026/2026-11-20.md:2"]
    assert set(_lines(index, "rate -learning")) == {"days/2026/2026-11-20.md:7", "days/2026/2026-11-23.md:6"}
    assert set(_lines(index, "conver*")) == {"days/2026/2026-11-20.md:7"}
    assert set(_lines(index, "NaN OR limiter")) == {
        "days/2026/2026-11-20.md:6", "days/2026/2026-11-23.md:2", "days/2026/2026-11-23.md:6",
    }
    assert set(_lines(index, "NaN OR limiter loader")) == {"days/2026/2026-11-20.md:6"}


def test_nested_lines_are_found_and_shown_whole(index: Index) -> None:
    (hit,) = search(index, "warmup peak")
    assert hit.citation == "days/2026/2026-11-20.md:4" and hit.end_line == 5
    assert hit.text == (
        "learning rate sweep on ResNet-18 #w2s/sweep [from:: advisor]\n"
        "- thought: warmup matters more than the peak rate"
    )
    assert hit.children == [{"line": 5, "kind": "thought", "level": 1,
                             "text": "warmup matters more than the peak rate"}]


def test_chinese_substring(index: Index) -> None:
    assert _lines(index, "学习") == ["days/2026/2026-11-23.md:3"]
    assert _lines(index, "收敛") == ["days/2026/2026-11-23.md:3"]
    assert _lines(index, "学率") == []


def test_filters(index: Index) -> None:
    assert set(_lines(index, "rate", kind="exp")) == {"days/2026/2026-11-20.md:4", "days/2026/2026-11-23.md:4"}
    assert set(_lines(index, "rate", tag="w2s")) == {
        "days/2026/2026-11-20.md:2", "days/2026/2026-11-20.md:4", "days/2026/2026-11-23.md:4",
    }
    assert _lines(index, "rate", tag="w2s/sweep") == ["days/2026/2026-11-20.md:4"]
    assert _lines(index, "rate", tag="w2") == []  # a tag prefix is a whole path segment
    assert _lines(index, "rate", section="ideas") == ["days/2026/2026-11-23.md:6"]
    assert set(_lines(index, "rate", level=1)) == {"days/2026/2026-11-23.md:6", "days/2026/2026-11-20.md:4"}
    assert _lines(index, "learn", level=2) == ["days/2026/2026-11-20.md:9"]
    assert _lines(index, "rate", source="ana") == ["days/2026/2026-11-23.md:6"]
    assert _lines(index, "NaN", starred=True) == ["days/2026/2026-11-20.md:6"]
    assert _lines(index, "rate", open=True) == ["days/2026/2026-11-20.md:2"]
    assert set(_lines(index, "rate", since=dt.date(2026, 11, 21))) == {
        "days/2026/2026-11-23.md:4", "days/2026/2026-11-23.md:6",
    }
    assert _lines(index, "NaN", until=dt.date(2026, 11, 20)) == ["days/2026/2026-11-20.md:6"]


def test_listing_is_chronological_and_limit_keeps_the_latest(index: Index) -> None:
    everything = [h.citation for h in listing(index)]
    assert everything[0] == "days/2026/2026-11-20.md:2" and len(everything) == 9
    assert everything == sorted(everything)
    assert [h.citation for h in listing(index, limit=2)] == everything[-2:]
    assert [h.kind for h in listing(index, Filters(kind="fix"))] == ["fix"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('ab "-*()OR:^.{}NEARAND\\\'+学 \x00')), max_size=20))
def test_any_typed_string_is_a_valid_query(index: Index, text: str) -> None:
    search(index, text)  # must not raise
    compiled = compile_query(text)
    assert compiled.match is None or compiled.match.count('"') % 2 == 0


def test_a_word_typed_many_times_is_asked_for_once(index: Index) -> None:
    """FTS5 reads a term's whole list each time the query names it: 4,000 copies of "a" (a blob
    pasted into the search box) took 6 s, growing with the square of the words
    (benchmarks/bench_hostile_lines.py). Each word, OR group and -word is asked for once."""
    assert compile_query("loss " * 3000).match == '"loss"'
    many = compile_query("NaN OR loss NaN OR loss fp16 -warmup -warmup NaN")
    assert many.match == '("NaN" OR "loss") AND "fp16" AND "NaN"'
    assert many.exclude == '"warmup"'
    assert loose_query("loss the loss and loss") == '"loss"'
    assert search(index, "NaN " * 2000) == search(index, "NaN")


def test_a_nul_character_is_a_blank(index: Index) -> None:
    """Found by fuzzing the web API: a NUL ended FTS5's string ("unterminated string")."""
    assert search(index, "NaN\x00") == search(index, "NaN")
    assert loose_query("0\x00 loss") is not None
    ranked_ids(index, loose_query("0\x00 loss") or "")  # must not raise


def test_cli_search_output_and_json(run: Run, clock: Clock, index: Index) -> None:
    result = run("search", "NaN", "loss")
    assert result.code == 0
    lines = result.out.splitlines()
    assert sorted(" ".join(line.split()) for line in lines[:2]) == sorted([
        "2026-11-23 09:00 fix clip gradients to stop the NaN loss #infra days/2026/2026-11-23.md:2",
        "2026-11-20 10:00 bug NaN loss in the loader #infra ★ days/2026/2026-11-20.md:6",
    ])
    assert lines[2:] == ["", "2 of 2 entries; --full for whole entries"]
    items = json.loads(run("search", "adam", "--json").out)
    assert len(items) == 1
    item = items[0]
    for key in ("date", "time", "section", "kind", "level", "text", "tags", "fields", "file", "line", "score"):
        assert key in item
    assert (item["date"], item["time"], item["section"], item["kind"], item["level"]) == (
        "2026-11-20", "11:00", "done", "read", 0)
    assert item["fields"] == {"from": "twitter"} and item["file"] == "days/2026/2026-11-20.md"
    assert item["line"] == 7 and isinstance(item["score"], float)
    listed = run("search", "--tag", "infra", "--since", "2026-11", "--until", "2026-W48").out.splitlines()
    assert [line.split()[0] for line in listed if line[:5] == "2026-"] == ["2026-11-20", "2026-11-23"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "x", "--kind", "nope"), "Invalid value for '--kind'"),
        (("search", "x", "--level", "3"), "Invalid value for '--level'"),
        (("search", "x", "--section", "misc"), "Invalid value for '--section'"),
        (("search", "x", "--since", "next blue moon"), "cannot read 'next blue moon' as a date or period"),
        (("search", "x", "--since", "2026-12-01", "--until", "2026-11-01"), "the range is empty"),
        (("search", "x", "--since", "2026-W60"), "is not an ISO week of that year"),
    ],
)
def test_bad_filters(run: Run, clock: Clock, index: Index, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1


# --- the real notebook (Carl Boettiger's 2010-2015 open lab notebook) ---


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    root = tmp_path_factory.mktemp("notebook")
    assert write_notebook_log(root) > 15000
    with Index(Log(root)) as idx:
        idx.refresh()
        yield idx


def _oracle(root: Path, word: str) -> set[str]:
    """Days with an entry (any of its lines) holding ``word`` as a whole word, by brute force."""
    pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
    days = set()
    for path in root.glob("days/*/*.md"):
        page = markdown.parse(path.read_text(encoding="utf-8"))
        for entry in page.entries():
            block = "".join(page.lines[entry.index:entry.end])
            if pattern.search(block):
                days.add(path.stem)
    return days


@corpora
@pytest.mark.parametrize("word", ["kcite", "NIMBioS", "pdg", "knitcitations"])
def test_notebook_rare_words_match_brute_force(notebook: Index, word: str) -> None:
    found = {h.date for h in search(notebook, word, limit=None)}
    assert found == _oracle(notebook.log.root, word) and found


@corpora
def test_notebook_phrase_and_dates(notebook: Index) -> None:
    hits = search(notebook, '"warning signals"', limit=None)
    assert len(hits) > 50
    assert all(re.search(r"warn[a-z]*[\W_]+signal", h.text, re.IGNORECASE) for h in hits)
    in_2011 = search(notebook, '"warning signals"', Filters(since=dt.date(2011, 1, 1),
                                                            until=dt.date(2011, 12, 31)), limit=None)
    assert in_2011 and all(h.date.startswith("2011") for h in in_2011)
    first = min(h.date for h in hits)
    assert first.startswith("2010")


def test_deferred_copies_are_left_out_of_search_but_not_of_tasks(log_dir: Path) -> None:
    for day, state in (("2026-11-20", ">"), ("2026-11-23", ">"), ("2026-11-24", " ")):
        path = day_file(log_dir, day)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"## What to do next\n- [{state}] write the related-work section\n", encoding="utf-8")
    with Index(Log(log_dir)) as idx:
        idx.refresh()
        assert [h.date for h in search(idx, "related work")] == ["2026-11-24"]
        assert [h.date for h in listing(idx)] == ["2026-11-24"]
        assert [h.state for h in tasks(idx)] == [">", ">", " "]


def test_search_on_a_missing_log_creates_nothing(run: Run, clock: Clock, tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    result = run("--dir", str(missing), "search", "x")
    assert result.code == 1 and result.err.startswith(f"reslog: there is no log at {missing}")
    assert not missing.exists()
    assert run("--dir", str(missing), "reindex").code == 1 and not missing.exists()


def test_misfiled_and_impossible_pages_are_not_indexed(log_dir: Path) -> None:
    for rel in ("days/2025/2026-01-02.md", "days/2026/2026-02-30.md", "days/2026/2026-01-03.md"):
        path = log_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("## What was done\n- marker entry\n", encoding="utf-8")
    with Index(Log(log_dir)) as idx:
        idx.refresh()
        assert [h.citation for h in search(idx, "marker")] == ["days/2026/2026-01-03.md:2"]
