"""Review questions asked in words ("which bugs keep recurring?") answered by their stats topic,
in ``reslog ask``, the web app and the MCP server; every other question still goes to retrieval."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reslog.analytics.asked import topic_asked

from .conftest import ROOT, Clock, Result, write_days

Run = Callable[..., Result]

PAGES = {
    "2026-09-01": "## What was done\n- 10:30 bug: NaN loss at step 1200 of the small model #w2s\n"
                  "- 15:00 fix: an eps inside the log; NaNs gone (fixes the 10:30 bug) #w2s\n",
    "2026-10-02": "## What was done\n- 14:00 bug: loss went NaN in run rm-17 around step 900 (fp16) #rm\n",
    "2026-11-03": "## What was done\n- 10:00 bug: NaN loss again with Adam at lr=1e-3 #rm\n"
                  "## Random ideas\n- a config differ for runs [from:: chat with Amara]\n",
}


@pytest.mark.parametrize(("question", "topic"), [
    ("which bugs keep recurring?", "bugs"),
    ("Which bugs keep coming back in #rm?", "bugs"),
    ("what recurring errors did I have last month?", "bugs"),
    ("where did my best ideas come from?", "sources"),
    ("What are my main sources of information?", "sources"),
    ("which experiments taught me something?", "runs"),
    ("how long did tasks take against my estimates?", "time"),
    ("how good are my estimates?", "time"),
    ("how did my focus drift in 2013?", "focus"),
    ("how did my focus change over 2012?", "focus"),
    ("what made this week better than the last?", "weeks"),
    ("how many days did I log in 2014?", "habits"),
    ("what were my most frequent bugs?", "bugs"),
    ("which bugs came back?", "bugs"),
    ("am I underestimating tasks?", "time"),
    ("which week was my best?", "weeks"),
    ("what time of day do I usually log?", "habits"),
    ("how did my focus change?", "focus"),
    # one thing in the log, not its pattern: retrieval answers these (a probe's cases: the subject
    # was dropped and the whole log's figures given)
    ("what were my estimates of the extinction probability?", None),
    ("how did the measured KL compare versus the estimates from the paper?", None),
    ("which errors recurred after the Shampoo switch?", None),
    ("what bugs keep coming back in the C4 loader?", None),
    ("which experiments on learning rate warmup did I run?", None),
    ("what changed the project deadline?", None),
    ("how did my focus on MoE change?", None),
    ("when did the NaN bug come back?", None),
    ("how long did the sweep take?", None),
    ("what did I estimate for the rewrite?", None),
    ("how long did the sweep take against my estimate?", None),
    ("What R0 estimates did I get in early October?", None),
    ("where did the idea of MinHash come from?", None),
    ("Where did Hana's idea come from?", None),
    ("what did I decide about the learning rate?", None),
])
def test_the_review_questions_are_known_and_nothing_else(question: str, topic: str | None) -> None:
    assert topic_asked(question) == topic


def test_no_question_of_the_evaluation_sets_is_taken_for_a_stats_question() -> None:
    sets = sorted((ROOT / "benchmarks" / "eval").glob("questions*.json"))
    questions = [q["question"] for path in sets for q in json.loads(path.read_text(encoding="utf-8"))]
    assert len(sets) == 4 and len(questions) > 300
    assert [q for q in questions if topic_asked(q)] == []


def test_ask_answers_a_review_question_as_stats_does(run: Run, clock: Clock, log_dir: Path) -> None:
    write_days(log_dir, PAGES)
    result = run("ask", "which bugs keep recurring?")
    assert result.code == 0, result
    stats = run("stats", "bugs").out.splitlines()
    lines = result.out.splitlines()
    assert lines[0] == "Which bugs keep recurring? (reslog stats bugs)"
    assert lines[2:] == stats[2:] and "nan loss" in result.out and "3" in result.out
    assert "Nothing in the log answers this" not in result.out
    # a scope that holds no entry says so, as `reslog stats` does, not "no bugs yet"
    later = run("ask", "which bugs keep recurring in 2027?")
    said = run("stats", "bugs", "--since", "2027").out.splitlines()[-1]
    assert later.code == 0 and later.out.splitlines()[-1] == said
    assert said.startswith("No entries: the range begins on 2027-01-01, after today")


def test_the_time_scope_and_a_tag_of_the_question_narrow_the_figures(run: Run, clock: Clock,
                                                                      log_dir: Path) -> None:
    write_days(log_dir, PAGES)
    result = run("ask", "--json", "which bugs keep coming back in #rm since October?")
    assert result.code == 0, result
    answer = json.loads(result.out)
    assert answer["abstained"] is False and answer["stats"]["topic"] == "bugs"
    assert answer["stats"]["bugs"] == 2  # the two #rm bugs from October on, not the September one
    assert answer["stats"]["command"] == "reslog stats bugs --since 2026-10-01 --until 2026-11-26 --tag rm"
    assert answer["time_scope"]["since"] == "2026-10-01"
    cited = {(c["file"], c["line"]) for c in answer["citations"]}
    assert cited == {("days/2026/2026-10-02.md", 2), ("days/2026/2026-11-03.md", 2)}
    lines = {c["file"]: (log_dir / c["file"]).read_text().splitlines()[c["line"] - 1] for c in answer["citations"]}
    assert all("bug:" in line for line in lines.values())


def test_other_questions_still_quote_the_log(run: Run, clock: Clock, log_dir: Path) -> None:
    write_days(log_dir, PAGES)
    (log_dir / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
    result = run("ask", "when did the loss go NaN in rm-17?")
    assert result.code == 0 and "2026-10-02" in result.out and "reslog stats" not in result.out
