"""The question sets of benchmarks/eval are well formed, and their gold days exist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import corpora
from .notebook import NOTEBOOK

EVAL = Path(__file__).resolve().parent.parent / "benchmarks" / "eval"
TYPES = {"paraphrase", "keyword", "bug", "paper", "decision", "time", "first", "unanswerable"}
SETS = ["questions.json", "questions_notebook2.json", "questions_demo.json", "questions_field.json"]


def _load(name: str) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = json.loads((EVAL / name).read_text(encoding="utf-8"))
    return questions


@pytest.mark.parametrize("name", SETS)
def test_a_question_set_is_well_formed(name: str) -> None:
    questions = _load(name)
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)) >= 40
    for q in questions:
        assert set(q) == {"id", "type", "question", "gold", "note"}, q["id"]
        assert q["type"] in TYPES and str(q["question"]).strip(), q["id"]
        gold = q["gold"]
        assert isinstance(gold, list) and (not gold) == (q["type"] == "unanswerable"), q["id"]
        assert len(set(gold)) == len(gold), q["id"]


@pytest.mark.parametrize(("name", "log"), [("questions_demo.json", "demo-log"), ("questions_field.json", "field-log")])
def test_the_written_logs_gold_days_are_pages_of_the_log(name: str, log: str) -> None:
    pages = {path.stem for path in (EVAL / log / "days").glob("*/*.md")}
    missing = {day for q in _load(name) for day in q["gold"] if day not in pages}
    assert pages and not missing


@corpora
@pytest.mark.parametrize("name", ["questions.json", "questions_notebook2.json"])
def test_the_notebook_sets_gold_days_are_posts_of_the_notebook(name: str) -> None:
    posts = {path.name[:10] for path in NOTEBOOK.glob("*/_posts/*")}
    missing = {day for q in _load(name) for day in q["gold"] if day not in posts}
    assert not missing
