"""The quick-capture box: one line typed as the CLI takes it, written through :mod:`reslog.capture`.

What the box reads (the first word picks the command, as on the shell):

* ``todo Rerun the sweep [est:: 2h]`` (or ``todo: ...``): a to-do;
* ``idea Use tools in reward models [from:: chat]``: an idea;
* ``reflect The morning block worked``: a reflection;
* ``think ...`` / ``feel ...``: a level-1 line nested under the chosen entry
  (or, with none chosen, under the latest one, as ``reslog think`` does);
* ``did ...`` or anything else (``exp: ...``, ``bug: ...``, plain text): What
  was done. A kind word, ``#tags``, ``[key:: value]`` fields and ``★`` are
  kept as typed; a leading ``HH:MM`` is the entry's time.

With an entry chosen, any line goes under it as a thought (``feel ...`` as a
feeling). Entries of today's page get the current time, as the CLI gives them.
``est`` and ``took`` fields must read as durations, and a date as a date:
anything else is an error before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.capture import Capture, Captured, add_entry, add_thought, leading_time
from reslog.dates import check_near, parse_date, parse_duration
from reslog.errors import InputError
from reslog.markdown import read_fields
from reslog.model import SECTION_ORDER
from reslog.store import Log

__all__ = ["capture", "control_character", "parse"]

_COMMANDS = {"todo": "todo", "idea": "ideas", "reflect": "reflection", "did": "done",
             "think": "thought", "feel": "feel"}
_FIRST = re.compile(r"^(todo|idea|reflect|did|think|feel)(?::\s*|\s+)(?=\S)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse(text: str) -> tuple[str, str]:
    """(what, text): ``todo``/``ideas``/``reflection``/``done`` or ``thought``/``feel``, and the text
    without its command word."""
    match = _FIRST.match(text.strip())
    if match is None:
        return "done", text.strip()
    return _COMMANDS[match.group(1).lower()], text.strip()[match.end():]


def control_character(text: str) -> str | None:
    """Why ``text`` cannot be written, if it holds a control character (a tab, a newline and a
    carriage return are text); None if it holds none. The capture box and the editor both ask."""
    control = _CONTROL.search(text)
    if control is None:
        return None
    line = text.count("\n", 0, control.start()) + 1
    where = f" on line {line}" if "\n" in text else ""
    return (f"the text holds a control character (U+{ord(control.group(0)):04X}){where}; remove it "
            "and try again")


def _check_fields(text: str) -> None:
    for key, value in read_fields(text):
        if key in ("est", "took"):
            try:
                parse_duration(value)
            except InputError as exc:
                raise InputError(f"[{key}:: {value}]: {exc.message}") from None


def capture(log: Log, text: str, now: dt.datetime, date: str | None = None, section: str | None = None,
            on: int | None = None, force: bool = False, expect: str | None = None) -> Captured:
    """Write what the box (or ``POST /api/entries``) was given; where it landed. ``expect``: the
    words of entry ``on`` as the page showed it (see :func:`reslog.capture.add_thought`)."""
    today = now.date()
    # a year typo ("2062-12-05") is refused as the CLI refuses it without --force
    day = today if not date or not date.strip() else check_near(
        parse_date(date.strip(), today), today, force, "give the date in reslog's CLI with --force")
    if section is not None and section not in SECTION_ORDER:
        raise InputError(f"unknown section {section!r}; use one of: {', '.join(SECTION_ORDER)}")
    if not text.strip():
        raise InputError("nothing to write: the text is empty; type the entry first")
    problem = control_character(text)
    if problem is not None:
        raise InputError(problem)
    word = text.strip().rstrip(":").lower()
    if section is None and word in _COMMANDS:
        raise InputError(f"nothing to write after {word!r}; type the entry's text after it")
    what, body = (section, text.strip()) if section is not None else parse(text)
    if not body.strip():
        raise InputError("nothing to write after the command word; type the entry's text")
    _check_fields(body)
    time, body = leading_time(body)
    if on is not None and what in ("todo", "ideas", "reflection"):  # it became a thought, silently
        word = {"todo": "todo", "ideas": "idea", "reflection": "reflect"}[what]
        raise InputError(f"'{word}' starts an entry of its own section, which cannot go under entry {on}; "
                         f"choose a new entry in the menu, or leave out '{word}'")
    if on is not None or what in ("thought", "feel"):  # a nested line: a time only if typed
        kind = "feel" if what == "feel" else "thought"
        return add_thought(log, day, today, kind, Capture(body, None, (), None, False, time), on,
                           expect if on is not None else None)
    if time is None and day == today and what != "todo":
        time = f"{now:%H:%M}"  # no time on another day's page, where now would be false
    return add_entry(log, day, today, what, Capture(body, None, (), None, False, time))
