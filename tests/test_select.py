"""Redaction before any export: what each kind of redaction leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from reslog.exporters.select import redact, select
from reslog.store import Log

from .conftest import day_file

PAGE = (
    "## What was done\n"
    "- 09:00 exp: public run #w2s\n"
    "  - thought: why it works\n"
    "  - a private aside #private\n"
    "    - deeper private detail\n"
    "  - feel: tired\n"
    "  - public detail\n"
    "- 10:00 meeting notes #private/hr\n"
    "- 11:00 feel: annoyed\n"
    "- 12:00 decision: use AdamW\n"
    "## Random ideas\n- 08:00 an idea\n"
    "## Reflection\n- good day\n"
)


@pytest.fixture
def hits(log_dir: Path) -> list:  # type: ignore[type-arg]
    path = day_file(log_dir, "2026-11-20")
    path.parent.mkdir(parents=True)
    path.write_text(PAGE, encoding="utf-8")
    return select(Log(log_dir))


def _texts(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.text for h in hits]


def test_no_redaction_keeps_everything(hits: list) -> None:  # type: ignore[type-arg]
    assert len(redact(hits, ())) == 6


def test_private(hits: list) -> None:  # type: ignore[type-arg]
    kept = redact(hits, ("private",))
    assert _texts(kept)[0] == "public run #w2s\n- thought: why it works\n- feel: tired\n- public detail"
    assert not any("meeting" in t or "private" in t for t in _texts(kept))
    assert kept[0].tags == ["w2s"] and [c["line"] for c in kept[0].children] == [3, 6, 7]


def test_feelings_thoughts_reflection(hits: list) -> None:  # type: ignore[type-arg]
    assert not any("tired" in t or "annoyed" in t for t in _texts(redact(hits, ("feelings",))))
    thoughtless = _texts(redact(hits, ("thoughts",)))
    assert thoughtless == ["public run #w2s", "meeting notes #private/hr", "good day"]
    assert "good day" not in _texts(redact(hits, ("reflection",)))
    with pytest.raises(ValueError):
        redact(hits, ("secrets",))
