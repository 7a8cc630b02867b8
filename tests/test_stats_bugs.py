"""``reslog stats bugs``: recurring bug categories and time to fix, on logs whose answers are known."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reslog.analytics import bugs, data
from reslog.store import Log

from .stats_helpers import check_plot, write_day

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    write_day(log_dir, "2026-09-01", (
        "- 10:30 bug: NaN loss at step 1200 of the small model #w2s\n"
        "  - where: src/w2s/train.py line 88\n"
        "- 11:00 bug: off-by-one in the loader dropped the last batch #w2s/data\n"
        "- 12:00 exp: sweep the loss weight on the small model #w2s\n"
        "- 15:00 fix: an eps inside the log; NaNs gone (fixes the 10:30 bug) #w2s\n"
    ))
    write_day(log_dir, "2026-09-10", (
        "- 09:00 bug: NaN loss again with Adam at lr=1e-3 #rm\n"
        "- 09:30 bug: CUDA out of memory at batch 64 #rm\n"
    ))
    write_day(log_dir, "2026-10-02", (
        "- 14:00 bug: loss went NaN in run rm-17 around step 900 (fp16) #rm\n"
        "- 16:00 fix: drop_last=False for eval (fixes the off-by-one from 2026-09-01) #w2s/data\n"
    ))
    write_day(log_dir, "2026-10-05", "- 10:00 bug: OOM in the eval step: activations kept for backward #rm\n")
    write_day(log_dir, "2026-10-08", "- 11:00 fix: torch.no_grad() around eval; peak memory down #rm\n")
    write_day(log_dir, "2026-11-03", (
        "- 10:00 bug: Off-by-one in the eval loader skipped the last 8 examples #w2s\n"
        "- 11:00 bug: seed set after model init, reruns differ #misc\n"
        "- 12:00 fix: bf16 instead of fp16 [[2026-10-02]] #rm\n"
    ))
    return data.load(Log(log_dir), TODAY)


def _by_label(result: dict[str, object]) -> dict[str, dict[str, object]]:
    categories = result["categories"]
    assert isinstance(categories, list)
    return {c["label"]: c for c in categories}


def test_categories_by_text_ranked_with_examples(known: data.Data) -> None:
    result = bugs.compute(known)
    assert result["bugs"] == 8 and result["fixes"] == 4
    assert [(c["label"], c["count"]) for c in result["categories"]] == [
        ("nan loss", 3), ("off-by-one loader", 2), ("oom", 2), ("other", 1)]
    cats = _by_label(result)
    nan = cats["nan loss"]
    assert [c["date"] for c in nan["citations"]] == ["2026-09-01", "2026-09-10", "2026-10-02"]
    assert nan["citations"][0] == {"date": "2026-09-01", "file": "days/2026/2026-09-01.md", "line": 7,
                                   "text": "NaN loss at step 1200 of the small model #w2s"}
    assert (nan["first"], nan["last"]) == ("2026-09-01", "2026-10-02")
    assert nan["tags"] == ["rm", "w2s"]
    # grouped by text across tags: the off-by-ones carry #w2s/data and #w2s
    assert {c["date"] for c in cats["off-by-one loader"]["citations"]} == {"2026-09-01", "2026-11-03"}
    # "CUDA out of memory" and "OOM" are one spelling
    assert [c["text"][:18] for c in cats["oom"]["examples"]] == ["CUDA out of memory", "OOM in the eval st"]
    assert cats["other"]["citations"][0]["text"].startswith("seed set after model init")


def test_trend_by_month(known: data.Data) -> None:
    result = bugs.compute(known)
    assert result["period"] == "month"
    assert result["periods"] == ["2026-09", "2026-10", "2026-11"]
    cats = _by_label(result)
    assert cats["nan loss"]["by_period"] == [2, 1, 0]
    assert cats["off-by-one loader"]["by_period"] == [1, 0, 1]
    assert cats["oom"]["by_period"] == [1, 1, 0]


def test_bug_to_fix_by_time_date_wikilink_and_tags(known: data.Data) -> None:
    result = bugs.compute(known)
    pairs = {(f["bug"]["date"], f["bug"]["text"][:12]): (f["fix"]["date"], f["days"])
             for c in result["categories"] for f in c["fixes"]}
    assert pairs == {
        ("2026-09-01", "NaN loss at "): ("2026-09-01", 0),    # "fixes the 10:30 bug", same day
        ("2026-09-01", "off-by-one i"): ("2026-10-02", 31),   # "(fixes the off-by-one from 2026-09-01)"
        ("2026-10-05", "OOM in the e"): ("2026-10-08", 3),    # no citation: same tags #rm, shares "eval"
        ("2026-10-02", "loss went Na"): ("2026-11-03", 32),   # [[2026-10-02]]
    }
    assert result["fixed"] == 4
    assert result["median_days_to_fix"] == 17.0  # days 0, 3, 31, 32
    cats = _by_label(result)
    assert cats["nan loss"]["median_days_to_fix"] == 16.0 and cats["nan loss"]["fixed"] == 2
    assert cats["oom"]["median_days_to_fix"] == 3
    assert cats["other"]["median_days_to_fix"] is None


def test_fix_by_tags_only_within_the_window(log_dir: Path) -> None:
    write_day(log_dir, "2026-10-01", "- 10:00 bug: stale cache of tokenized data #a\n")
    write_day(log_dir, "2026-10-20", "- 10:00 fix: the cache key now includes the tokenizer hash #a\n")
    result = bugs.compute(data.load(Log(log_dir), TODAY))
    assert result["fixed"] == 0 and result["median_days_to_fix"] is None


def test_render_and_json(known: data.Data) -> None:
    result = bugs.compute(known)
    json.dumps(result)
    lines = bugs.render(result)
    assert lines[0] == "8 bugs in 4 categories; 4 linked to a fix, median 17 d to fix"
    assert lines[1].split()[:3] == ["nan", "loss", "3"]
    assert lines[2] == "    e.g. loss went NaN in run rm-17 around step…  (days/2026/2026-10-02.md:7)"
    assert len(lines) == 9


def test_an_example_is_cut_at_a_word_to_fit_80_columns(log_dir: Path) -> None:
    """The "e.g." lines ran to 145 columns, the text cut at 70 characters without a mark, in the
    middle of a word: "#cal" for "#calib" read as another tag."""
    write_day(log_dir, "2026-11-02", "- 10:00 bug: NaN loss again with Shampoo at lr=3e-5, only on the "
                                     "largest model of the sweep #calib\n")
    lines = bugs.render(bugs.compute(data.load(Log(log_dir), TODAY)))
    assert lines[2] == "    e.g. NaN loss again with Shampoo at lr=3e-5,…  (days/2026/2026-11-02.md:7)"
    assert max(map(len, lines)) <= 80


def test_empty_log(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = bugs.compute(data.load(Log(log_dir), TODAY))
    assert result["bugs"] == 0 and result["categories"] == [] and result["median_days_to_fix"] is None
    assert bugs.render(result) == ["no bug entries in scope yet (log one with `bug: ...`)"]
    for name in ("empty.png", "empty.svg"):
        bugs.plot(result, tmp_path / name)
        check_plot(tmp_path / name)


def test_single_bug(log_dir: Path) -> None:
    write_day(log_dir, "2026-11-02", "- 10:00 bug: the plot is upside down\n")
    result = bugs.compute(data.load(Log(log_dir), TODAY))
    assert [(c["label"], c["count"], c["trend"]) for c in result["categories"]] == [("other", 1, "steady")]
    assert bugs.render(result)[0] == "1 bug in 1 category; 0 linked to a fix, median - to fix"


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot(known: data.Data, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bugs{suffix}"
    bugs.plot(bugs.compute(known), path)
    check_plot(path)
    if suffix == ".svg":
        text = path.read_text(encoding="utf-8")
        assert "nan loss" in text and "Bug categories over time" in text


def test_words_normalise() -> None:
    assert bugs.words("CUDA Out of Memory at batch 64 in src/x.py #w2s [from:: chat] 0xdeadbeef") == [
        "cuda", "oom", "batch"]
    assert bugs.words("NaNs again; off by one in the loaders, seeded runs") == [
        "nan", "off-by-one", "loader", "seed", "run"]
