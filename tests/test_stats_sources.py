"""``reslog stats sources``: where ideas and starred entries came from, which ideas were followed up."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from reslog.analytics import data, sources
from reslog.store import Log

from .stats_helpers import check_plot
from .stats_helpers import write_page as write_day

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def known(log_dir: Path) -> data.Data:
    write_day(log_dir, "2026-09-30", (
        "## What was done\n"
        "- 10:00 exp: calibration drift check on the old runs #calib\n"
    ))
    write_day(log_dir, "2026-10-01", (
        "## What was done\n"
        "- 10:00 exp: baseline run finished #rm ★\n"
        "- 11:00 read: Weak-to-strong generalization https://arxiv.org/abs/2312.09390 [from:: twitter] ★\n"
        "\n## Random ideas\n"
        "- 08:05 Use external tools in reward modeling [from:: chat with Yitao] ★\n"
        "- 09:00 a curriculum over grid-world tasks ordered by difficulty [from:: paper]\n"
    ))
    write_day(log_dir, "2026-10-03", (
        "## Random ideas\n"
        "- 07:00 measure calibration drift during training [from:: Shower]\n"
        "- 07:30 just a vague thought [from:: chat with Mei]\n"
        "- 08:00 no source here #misc\n"
    ))
    write_day(log_dir, "2026-10-05", (
        "## What was done\n"
        "- 10:00 exp: reward modeling with external tools, first pilot #rm\n"
    ))
    write_day(log_dir, "2026-10-06", (
        "## What to do next\n"
        "- [ ] Build a curriculum over grid-world tasks [carried:: 2026-10-03]\n"
    ))
    write_day(log_dir, "2026-10-08", (
        "## What was done\n"
        "- 10:00 calibration drift during training is worse than I thought\n"
    ))
    write_day(log_dir, "2026-10-09", (
        "## What was done\n"
        "- 12:00 decision: track the drift every epoch (the idea of [[2026-10-03]])\n"
    ))
    return data.load(Log(log_dir), TODAY)


def test_counts_by_source(known: data.Data) -> None:
    result = sources.compute(known)
    assert result["ideas"] == 5 and result["starred"] == 3
    assert result["ideas_by_source"] == {"chat": 2, "(no source)": 1, "paper": 1, "shower": 1}
    assert list(result["ideas_by_source"]) == ["chat", "(no source)", "paper", "shower"]
    assert result["ideas_by_raw_source"] == {"(no source)": 1, "Shower": 1, "chat with Mei": 1,
                                             "chat with Yitao": 1, "paper": 1}
    assert result["starred_by_source"] == {"(no source)": 1, "chat": 1, "twitter": 1}
    assert result["starred_by_kind"] == {"exp": 1, "ideas": 1, "read": 1}
    chats = result["citations"]["ideas"]["chat"]
    assert [(c["date"], c["text"][:20]) for c in chats] == [
        ("2026-10-01", "Use external tools i"), ("2026-10-03", "just a vague thought")]
    assert chats[0]["file"] == "days/2026/2026-10-01.md" and chats[0]["line"] == 11
    assert [c["text"][:8] for c in result["citations"]["starred"]["(no source)"]] == ["baseline"]


def test_followed_up_ideas(known: data.Data) -> None:
    result = sources.compute(known)
    found = [(f["idea"]["date"], f["idea"]["text"][:12], f["follow_up"]["date"], f["kind"], f["by"],
              f["shared_words"]) for f in result["followed_up"]]
    assert found == [
        ("2026-10-01", "Use external", "2026-10-05", "exp", "words", ["external", "model", "reward", "tool"]),
        ("2026-10-01", "a curriculum", "2026-10-06", "todo", "words", ["curriculum", "grid-world", "task"]),
        # the earlier exp and the later plain note do not count; the decision cites the day
        ("2026-10-03", "measure cali", "2026-10-09", "decision", "link", ["drift"]),
    ]
    assert result["followed_up_count"] == 3
    assert result["followed_up"][0]["citations"] == [
        {"date": "2026-10-01", "file": "days/2026/2026-10-01.md", "line": 11,
         "text": "Use external tools in reward modeling [from:: chat with Yitao] ★"},
        {"date": "2026-10-05", "file": "days/2026/2026-10-05.md", "line": 7,
         "text": "reward modeling with external tools, first pilot #rm"}]
    assert result["follow_up_by_source"]["chat"] == {"ideas": 2, "followed_up": 1, "share": 0.5}
    assert result["follow_up_by_source"]["(no source)"] == {"ideas": 1, "followed_up": 0, "share": 0.0}


def test_source_group() -> None:
    assert sources.source_group("chat with Yitao") == "chat"
    assert sources.source_group("  Call  with the PI ") == "call"
    assert sources.source_group("Twitter ") == "twitter"
    assert sources.source_group("chatting") == "chatting"
    assert sources.source_group(None) == sources.source_group(" ") == "(no source)"


def test_render_and_json(known: data.Data) -> None:
    result = sources.compute(known)
    json.dumps(result)
    lines = sources.render(result)
    assert lines[0] == "5 ideas by source:"
    assert lines[1].split() == ["chat", "2", "40.0%"]
    assert "3 starred entries by source:" in lines
    assert "3 of 5 ideas followed up later:" in lines
    assert any("-> 2026-10-09 decision: track the drift every epoch" in line for line in lines)
    # an idea is shown without its fields: cut at 50 characters, its source field was left open
    assert "  2026-10-01 a curriculum over grid-world tasks ordered by difficulty  [paper]" not in lines
    assert "  2026-10-01 a curriculum over grid-world tasks ordered by dif…  [paper]" in lines
    assert not any("[from::" in line for line in lines)


def test_no_idea_followed_up_ends_the_line(log_dir: Path) -> None:
    write_day(log_dir, "2026-11-02", "## Random ideas\n- 10:00 a walrus census by sonar [from:: chat with Hana]\n")
    lines = sources.render(sources.compute(data.load(Log(log_dir), TODAY)))
    assert lines[-1] == "0 of 1 idea followed up later."


def test_empty_log(log_dir: Path, tmp_path: Path) -> None:
    log_dir.mkdir()
    result = sources.compute(data.load(Log(log_dir), TODAY))
    assert result["ideas_by_source"] == {} and result["starred_by_source"] == {}
    assert result["followed_up"] == []
    assert sources.render(result)[0].startswith("no ideas and no starred entries in scope yet")
    for name in ("empty.png", "empty.svg"):
        sources.plot(result, tmp_path / name)
        check_plot(tmp_path / name)


def test_only_starred(log_dir: Path) -> None:
    write_day(log_dir, "2026-11-02", "## What was done\n- 10:00 exp: it worked ★\n")
    result = sources.compute(data.load(Log(log_dir), TODAY))
    assert result["ideas"] == 0 and result["starred_by_source"] == {"(no source)": 1}
    lines = sources.render(result)
    assert lines[0] == "no ideas in scope" and lines[1] == "1 starred entry by source:"


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot(known: data.Data, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"sources{suffix}"
    sources.plot(sources.compute(known), path)
    check_plot(path)
    if suffix == ".svg":
        text = path.read_text(encoding="utf-8")
        assert "Ideas by source" in text and "followed up later" in text


def test_information_other_than_ideas_is_counted_by_source(known: data.Data) -> None:
    """"Where did my important information come from?" counted ideas and starred entries only: a
    paper read from twitter, a talk at the reading group, were nowhere."""
    result = sources.compute(known)
    assert result["information"] == 1 and result["information_by_source"] == {"twitter": 1}
    [cited] = result["citations"]["information"]["twitter"]
    assert cited["date"] == "2026-10-01" and cited["text"].startswith("Weak-to-strong generalization")
    lines = sources.render(result)
    at = lines.index("1 other entry names a source (what was read, heard, discussed):")
    assert lines[at + 1].split() == ["twitter", "1", "100.0%"]


def test_a_log_whose_only_sources_are_its_ideas_adds_no_line(log_dir: Path) -> None:
    write_day(log_dir, "2026-10-03", "## Random ideas\n- 07:00 measure drift [from:: Shower]\n")
    lines = sources.render(sources.compute(data.load(Log(log_dir), TODAY)))
    assert not any("name a source" in line or "names a source" in line for line in lines)
