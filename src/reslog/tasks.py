"""To-dos: numbers, done, dropped, and the timer that measures what they took.

A to-do's number is its position among the top-level to-dos of its page, in
file order, whatever their state: finishing number 2 leaves number 3 as it
was, so numbers stay stable through a day.

The timer lives in the page itself, as ``[started:: 2026-11-26T09:12:05]`` on
the running to-do's line: no hidden state to lose, and a timer survives a
crash, a reboot and midnight. When a new day's page is made, a running open
to-do is carried with its ``started`` field, so ``stop`` finds it on today's
page and adds the whole span, however many midnights it crossed. Only open
to-dos can run, so the deferred copy left on the old page does not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reslog import markdown
from reslog.dates import format_duration, parse_duration
from reslog.errors import InputError, TodoError
from reslog.model import DEFERRED, DONE, DROPPED, OPEN, TASK_STATES, Entry, Page
from reslog.store import Log

STARTED = "started"


@dataclass(frozen=True)
class Todo:
    """A to-do as the CLI shows it."""

    number: int
    entry: Entry

    @property
    def state(self) -> str:
        return TASK_STATES.get(self.entry.state or "", "other")

    @property
    def carried_since(self) -> dt.date | None:
        value = self.entry.field("carried")
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return None

    @property
    def started(self) -> dt.datetime | None:
        return _started(self.entry)


def _started(entry: Entry) -> dt.datetime | None:
    value = entry.field(STARTED)
    if not value or entry.state != OPEN:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def todos(page: Page) -> list[Todo]:
    return [Todo(n, e) for n, e in enumerate(page.tasks(), 1)]


def wording(entry: Entry) -> str:
    """A to-do's words without its fields: what a timer, a ``took`` or a carry does not change.

    A caller that shows to-dos by number (a web page loaded a while ago) passes it back as
    ``expect``, so that an action lands on the to-do the person saw or on none."""
    return markdown.strip_fields(entry.text)


def _pick(page: Page, day: dt.date, number: int, expect: str | None = None) -> Entry:
    tasks = page.tasks()
    if not 1 <= number <= len(tasks):
        count = f"to-dos 1 to {len(tasks)}" if tasks else "no to-dos"
        raise TodoError(
            f"there is no to-do {number} on {day.isoformat()} (it has {count}); "
            "see them with 'reslog todos'"
        )
    entry = tasks[number - 1]
    if expect is not None and wording(entry) != " ".join(expect.split()):
        raise TodoError(
            f"to-do {number} on {day.isoformat()} is no longer {expect!r}: the page changed since "
            "it was shown; nothing was changed, look at the page again"
        )
    return entry


def _took_with(body: str, entry: Entry, minutes: int) -> str:
    """The line with ``minutes`` added to its ``took`` field."""
    before = 0
    old = entry.field("took")
    if old:
        try:
            before = parse_duration(old)
        except InputError:  # a hand-written value we cannot add to: replace it
            before = 0
    return markdown.set_field(body, "took", format_duration(before + minutes))


def elapsed_minutes(start: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``now`` (true elapsed time when both carry an offset)."""
    if (start.tzinfo is None) != (now.tzinfo is None):  # a hand-written stamp without offset
        start, now = start.replace(tzinfo=None), now.replace(tzinfo=None)
    return max(0, round((now - start).total_seconds() / 60))


def _timed_minutes(start: dt.datetime, now: dt.datetime) -> int:
    """What a stopped timer adds: at least one minute."""
    return max(1, elapsed_minutes(start, now))


@dataclass(frozen=True)
class TimerResult:
    number: int
    text: str
    minutes: int
    took: str | None


def finish(
    log: Log, day: dt.date, today: dt.date, number: int, took: int | None, now: dt.datetime,
    expect: str | None = None,
) -> TimerResult:
    """Mark to-do ``number`` done; a running timer on it stops and its time is added.

    An explicit ``took`` replaces whatever was measured. With ``expect`` (see :func:`wording`),
    a to-do with other words is left alone and the call fails.
    """
    result: list[TimerResult] = []

    def edit(page: Page) -> Page:
        entry = _pick(page, day, number, expect)
        if entry.state != OPEN:
            raise TodoError(
                f"to-do {number} on {day.isoformat()} is {TASK_STATES.get(entry.state or '', 'not open')}"
                ", not open; see the open ones with 'reslog todos'"
            )
        body = markdown.set_state(markdown.line_body(page, entry.index), DONE)
        minutes = 0
        start = _started(entry)
        if start is not None:
            minutes = _timed_minutes(start, now)
            body = markdown.remove_field(body, STARTED)
        if took is not None:
            body = markdown.set_field(body, "took", format_duration(took))
        elif minutes:
            body = _took_with(body, entry, minutes)
        new = markdown.replace_line(page, entry.index, body)
        result.append(TimerResult(number, entry.text, minutes, new.tasks()[number - 1].field("took")))
        return new

    log.update_day(day, today, edit, create=day == today)
    return result[0]


def drop(log: Log, day: dt.date, today: dt.date, number: int, expect: str | None = None) -> Entry:
    """Mark to-do ``number`` abandoned (``[-]``); a running timer on it stops and is not counted."""
    dropped: list[Entry] = []

    def edit(page: Page) -> Page:
        entry = _pick(page, day, number, expect)
        if entry.state != OPEN:
            raise TodoError(
                f"to-do {number} on {day.isoformat()} is {TASK_STATES.get(entry.state or '', 'not open')}"
                ", not open; only open to-dos can be dropped"
            )
        body = markdown.set_state(markdown.line_body(page, entry.index), DROPPED)
        dropped.append(entry)
        return markdown.replace_line(page, entry.index, markdown.remove_field(body, STARTED))

    log.update_day(day, today, edit, create=day == today)
    return dropped[0]


def defer(
    log: Log, day: dt.date, today: dt.date, number: int, to: dt.date | None = None,
    expect: str | None = None,
) -> tuple[dt.date, int]:
    """Put off to-do ``number`` of ``day`` to the page of ``to`` (default: the day after today).

    The to-do is copied, with its nested lines and ``[carried:: FIRST-DAY]`` (kept if it has one),
    to the end of the target page's to-dos, then marked ``[>]`` where it was, as carry-over does;
    the copy is written first, so a crash between the two writes leaves it open in two places,
    never in none. Returns the target day and the copy's 1-based line.
    """
    target = to or today + dt.timedelta(days=1)
    if target <= day:
        raise InputError(f"defer to a day after {day.isoformat()}; {target.isoformat()} is not")
    page = log.read_day(day)
    if page is None:
        raise TodoError(f"there is no page for {day.isoformat()}; see the days with 'reslog show'")
    entry = _pick(page, day, number, expect)
    if entry.state != OPEN:
        state = TASK_STATES.get(entry.state or "", "not open")
        raise TodoError(f"to-do {number} on {day.isoformat()} is {state}, not open; only open to-dos can "
                        "be deferred")
    if _started(entry) is not None:
        raise TodoError(f"to-do {number} has a timer running; stop it first with 'reslog stop'")
    first = markdown.line_body(page, entry.index)
    if entry.field("carried") is None:
        first = markdown.set_field(first, "carried", day.isoformat())
    copied = [first] + [markdown.line_body(page, i) for i in range(entry.index + 1, entry.end)]
    at: list[int] = []

    def add(target_page: Page) -> Page:
        new, index = markdown.append_entry(target_page, "todo", copied)
        at.append(index)
        return new

    def mark(source: Page) -> Page:
        found = _pick(source, day, number, expect)
        body = markdown.line_body(source, found.index)
        return markdown.replace_line(source, found.index, markdown.set_state(body, DEFERRED))

    log.update_day(target, today, add)
    log.update_day(day, today, mark, create=False)
    return target, at[0] + 1


def running(page: Page) -> Todo | None:
    for todo in todos(page):
        if todo.started is not None:
            return todo
    return None


def start(log: Log, today: dt.date, number: int, now: dt.datetime, expect: str | None = None) -> Todo:
    """Start the timer on today's to-do ``number``; one timer runs at a time."""
    started: list[Todo] = []

    def edit(page: Page) -> Page:
        entry = _pick(page, today, number, expect)
        if entry.state != OPEN:
            raise TodoError(f"to-do {number} is not open; start an open one (see 'reslog todos')")
        current = running(page)
        if current is not None:
            raise TodoError(
                f"to-do {current.number} is already running since "
                f"{current.started:%H:%M}; stop it first with 'reslog stop'"
            )
        stamp = now.replace(microsecond=0).isoformat()
        body = markdown.set_field(markdown.line_body(page, entry.index), STARTED, stamp)
        new = markdown.replace_line(page, entry.index, body)
        started.append(Todo(number, new.tasks()[number - 1]))
        return new

    log.update_day(today, today, edit)
    return started[0]


def stop(log: Log, today: dt.date, now: dt.datetime) -> TimerResult:
    """Stop the running timer and add the time to the to-do's ``took``."""
    result: list[TimerResult] = []

    def edit(page: Page) -> Page:
        current = running(page)
        if current is None or current.started is None:
            raise TodoError("no timer is running; start one with 'reslog start N'")
        minutes = _timed_minutes(current.started, now)
        entry = current.entry
        body = markdown.remove_field(markdown.line_body(page, entry.index), STARTED)
        body = _took_with(body, entry, minutes)
        new = markdown.replace_line(page, entry.index, body)
        took = new.tasks()[current.number - 1].field("took")
        result.append(TimerResult(current.number, entry.text, minutes, took))
        return new

    log.update_day(today, today, edit)
    return result[0]


def status(log: Log, today: dt.date) -> tuple[dt.date, Todo] | None:
    """The running timer, looked up without writing: today's page, else the latest earlier one."""
    page = log.read_day(today)
    day = today
    if page is None:
        before, _ = log.neighbours(today)
        if before is None:
            return None
        page, day = log.read_day(before), before
    todo = running(page) if page is not None else None
    return (day, todo) if todo is not None else None
