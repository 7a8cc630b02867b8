"""The write tools of ``reslog mcp --write``: capture, todo, done.

They go through the same library calls as ``reslog did``/``exp``/...,
``reslog todo`` and ``reslog done`` (the log's lock, atomic writes, carry-over),
so they only ever add a line or tick a to-do's box: nothing is overwritten or
deleted. Each returns where it wrote (date, file, line).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reslog.capture import Capture, add_entry, add_thought, timed
from reslog.dates import check_near, format_duration, parse_duration, parse_time
from reslog.errors import InputError
from reslog.mcp.reading import day_of
from reslog.model import SECTION_TITLES
from reslog.store import Log

#: What ``capture`` can add, as the CLI's commands: command -> (section, kind).
ENTRY_KINDS: dict[str, tuple[str, str | None]] = {
    "did": ("done", None), "exp": ("done", "exp"), "bug": ("done", "bug"), "fix": ("done", "fix"),
    "read": ("done", "read"), "decision": ("done", "decision"), "result": ("done", "result"),
    "idea": ("ideas", None), "reflect": ("reflection", None),
}
#: Nested level-1 lines under an entry of the day.
THOUGHT_KINDS = {"think": "thought", "feel": "feel"}
KINDS = (*ENTRY_KINDS, *THOUGHT_KINDS)


def _text(text: str) -> str:
    if not text.strip():
        raise InputError("the text is empty; say what happened")
    return text


def _when(now: dt.datetime, date: str | None, time: str | None, force: bool) -> tuple[dt.date, str | None]:
    day = check_near(day_of(date, now.date()), now.date(), force, how="pass force: true")
    return day, parse_time(time) if time is not None else None


def capture(
    log: Log, now: dt.datetime, text: str, kind: str = "did", tags: list[str] | None = None,
    source: str | None = None, star: bool = False, date: str | None = None, time: str | None = None,
    on: int | None = None, force: bool = False,
) -> dict[str, Any]:
    """Append one entry (or, for think/feel, one nested line) as ``reslog KIND TEXT`` does."""
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    day, at = _when(now, date, time, force)
    at, text = timed(_text(text), at)  # "09:30 exp: ..." is an experiment at 09:30, as on the CLI
    today = now.date()
    if kind in THOUGHT_KINDS:
        item = Capture(text, None, tuple(tags or ()), source, star, at)
        done = add_thought(log, day, today, THOUGHT_KINDS[kind], item, on)
        return {"date": day.isoformat(), "file": done.path, "line": done.line, "text": done.body}
    if on is not None:
        raise InputError("'on' nests a thought: use it with kind think or feel")
    section, entry_kind = ENTRY_KINDS[kind]
    if at is None and day == today:
        at = f"{now:%H:%M}"
    done = add_entry(log, day, today, section, Capture(text, entry_kind, tuple(tags or ()), source, star, at))
    return {"date": day.isoformat(), "file": done.path, "line": done.line, "section": SECTION_TITLES[section],
            "text": done.body}


def todo(
    log: Log, now: dt.datetime, text: str, est: str | None = None, tags: list[str] | None = None,
    source: str | None = None, date: str | None = None, force: bool = False,
) -> dict[str, Any]:
    """Add a to-do to What to do next, as ``reslog todo`` does."""
    text = _text(text)
    estimate = parse_duration(est) if est is not None else None
    day, _ = _when(now, date, None, force)
    item = Capture(text, None, tuple(tags or ()), source, False, None, estimate)
    done = add_entry(log, day, now.date(), "todo", item)
    return {"date": day.isoformat(), "file": done.path, "line": done.line, "text": done.body}


def done(log: Log, now: dt.datetime, number: int, took: str | None = None) -> dict[str, Any]:
    """Mark today's to-do ``number`` (as the todos tool numbers it) done, as ``reslog done`` does."""
    from reslog.tasks import finish

    minutes = parse_duration(took) if took is not None else None
    today = now.date()
    result = finish(log, today, today, number, minutes, now)
    page = log.read_day(today)
    line = page.tasks()[number - 1].line if page is not None else None
    out: dict[str, Any] = {"date": today.isoformat(), "file": log.day_name(today), "line": line,
                           "number": number, "text": result.text}
    if result.took:
        out["took"] = result.took
    elif result.minutes:
        out["took"] = format_duration(result.minutes)
    return out


__all__ = ["KINDS", "capture", "done", "todo"]
