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

Mistakes are fixable: :func:`reopen` puts a done or dropped to-do back,
:func:`defer` schedules one for a later day (``[scheduled:: DATE]``: it keeps
being carried, so it is never lost, but is not listed before its day),
``stop(at=...)`` stops a forgotten timer at the time work really stopped,
and a timer that has run longer than :data:`LONG_TIMER` minutes is counted
only when confirmed (:class:`~reslog.errors.LongTimerError`). These are the
functions the CLI (and any other front end) calls; they validate before the
first write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reslog import markdown
from reslog.dates import (
    MAX_MINUTES,
    WEEKDAYS,
    comparable,
    field_date,
    field_minutes,
    format_duration,
    long_date,
    parse_date,
    parse_time,
)
from reslog.errors import InputError, LongTimerError, TodoError
from reslog.model import DEFERRED, DONE, DROPPED, OPEN, TASK_STATES, Entry, Page
from reslog.store import Log

STARTED = "started"
#: ``[scheduled:: DATE]``: a to-do put off to DATE (the Dataview name for the day to work on it).
SCHEDULED = "scheduled"
#: A timer that has run longer than this (minutes) is counted only when confirmed.
LONG_TIMER = 8 * 60


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
        return field_date(self.entry.field("carried"))

    @property
    def started(self) -> dt.datetime | None:
        return started_at(self.entry)

    @property
    def scheduled(self) -> dt.date | None:
        """The day an open to-do was put off to (``reslog defer``), if any."""
        return field_date(self.entry.field(SCHEDULED)) if self.entry.state == OPEN else None

    def waits_until_after(self, day: dt.date) -> bool:
        """Whether the to-do is put off to a day after ``day`` (not listed as due on ``day``)."""
        return self.scheduled is not None and self.scheduled > day

    @property
    def label(self) -> str:
        """The to-do's text without the fields the CLI says in words (``carried``, ``started``,
        ``scheduled``)."""
        text = self.entry.text
        for key in ("carried", STARTED, SCHEDULED):
            text = markdown.remove_field(text, key)
        return text


def started_at(entry: Entry) -> dt.datetime | None:
    """When the to-do's timer started: a ``started`` field among those that end its line (where
    ``start`` writes it and ``stop`` removes it; one earlier in the text is the person's text)."""
    if entry.state != OPEN or entry.field(STARTED) is None:
        return None
    value = markdown.tail_field(entry.text, STARTED)
    if not value:
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
        ).without_command(f"there is no to-do {number} on {day.isoformat()} (it has {count}); "
                          "the page changed since it was shown: look at it again")
    entry = tasks[number - 1]
    if expect is not None and wording(entry) != " ".join(expect.split()):
        raise TodoError(
            f"to-do {number} on {day.isoformat()} is no longer {expect!r}: the page changed since "
            "it was shown; nothing was changed, look at the page again"
        )
    return entry


#: What each action that needs an open to-do does to it, as its refusals say it.
_DONE_TO = {"done": "marked done", "drop": "dropped", "defer": "deferred", "start": "timed"}


def _pick_open(page: Page, day: dt.date, today: dt.date, number: int, expect: str | None,
               action: str) -> Entry:
    """To-do ``number``, refused unless it is open (``action`` is a key of :data:`_DONE_TO`)."""
    entry = _pick(page, day, number, expect)
    if entry.state != OPEN:
        message = _not_open(number, day, today, entry.state or "", action)
        raise TodoError(message).without_command(message.replace(" (see 'reslog todos')", ""))
    return entry


def _not_open(number: int, day: dt.date, today: dt.date, state: str, action: str) -> str:
    """The refusal of ``action`` on a to-do that is not open: its state, said once, and what to do."""
    todo = f"to-do {number} on {day.isoformat()}"
    if state == DEFERRED:
        return f"{todo} was carried to a later page ([>]); act on it there (see 'reslog todos')"
    name = TASK_STATES.get(DONE if state == "X" else state)
    if name is None:
        return f"{todo} is marked [{state}], which reslog does not change; edit the page with 'reslog edit'"
    reopen = f"'reslog reopen {number}{'' if day == today else ' --date ' + day.isoformat()}'"
    if _DONE_TO[action].endswith(name):
        return f"{todo} is {name} already; nothing changed ({reopen} opens it again)"
    return (f"{todo} is {name}, and only open to-dos can be {_DONE_TO[action]}; "
            f"open it again with {reopen} first")


def _took_with(body: str, entry: Entry, minutes: int) -> str:
    """The line with ``minutes`` added to its ``took`` field (a value that cannot be read is
    replaced; the total stops at the longest duration reslog reads)."""
    before = field_minutes(entry.field("took")) or 0
    return markdown.set_field(body, "took", format_duration(min(before + minutes, MAX_MINUTES)))


def elapsed_minutes(start: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``now`` (true elapsed time when both carry an offset)."""
    start, now = comparable(start, now)
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


def started_label(start: dt.datetime, now: dt.datetime) -> str:
    """When a timer started, as a person says it: ``03:11``, ``yesterday 23:40``,
    ``Wednesday 25 November 2026 09:00``."""
    days = (now.date() - start.date()).days
    clock = f"{start:%H:%M}"
    if days == 0:
        return clock
    if days == 1:
        return f"yesterday {clock}"
    return f"{long_date(start.date())} {clock}"


def _check_long(todo: Todo, minutes: int, now: dt.datetime, action: str, confirm: bool) -> None:
    if minutes > LONG_TIMER and not confirm:
        assert todo.started is not None
        raise LongTimerError(todo.number, minutes, started_label(todo.started, now), action,
                             format_duration(minutes))


def finish(
    log: Log, day: dt.date, today: dt.date, number: int, took: int | None, now: dt.datetime,
    confirm: bool = False, expect: str | None = None,
) -> TimerResult:
    """Mark to-do ``number`` done; a running timer on it stops and its time is added.

    An explicit ``took`` replaces whatever was measured. A timer that ran longer
    than :data:`LONG_TIMER` raises :class:`LongTimerError` unless ``confirm``. With ``expect``
    (see :func:`wording`), a to-do with other words is left alone and the call fails.
    """
    result: list[TimerResult] = []

    def edit(page: Page) -> Page:
        entry = _pick_open(page, day, today, number, expect, "done")
        body = markdown.set_state(markdown.line_body(page, entry.index), DONE)
        minutes = 0
        start = started_at(entry)
        if start is not None:
            minutes = _timed_minutes(start, now)
            if took is None:
                _check_long(Todo(number, entry), minutes, now, f"done {number}", confirm)
            body = markdown.remove_field(body, STARTED)
        if took is not None:
            body = markdown.set_field(body, "took", format_duration(took))
        elif minutes:
            body = _took_with(body, entry, minutes)
        new = markdown.replace_line(page, entry.index, body)
        finished = new.tasks()[number - 1]  # its time is told apart, once: "(took 50m)"
        result.append(TimerResult(number, markdown.remove_field(finished.text, "took"), minutes,
                                  finished.field("took")))
        return new

    log.update_day(day, today, edit, create=day == today)
    return result[0]


def drop(log: Log, day: dt.date, today: dt.date, number: int, expect: str | None = None) -> Entry:
    """Mark to-do ``number`` abandoned (``[-]``); a running timer on it stops and is not counted."""
    dropped: list[Entry] = []

    def edit(page: Page) -> Page:
        entry = _pick_open(page, day, today, number, expect, "drop")
        body = markdown.set_state(markdown.line_body(page, entry.index), DROPPED)
        dropped.append(entry)
        return markdown.replace_line(page, entry.index, markdown.remove_field(body, STARTED))

    log.update_day(day, today, edit, create=day == today)
    return dropped[0]


def reopen(log: Log, day: dt.date, today: dt.date, number: int, expect: str | None = None) -> Entry:
    """Put a done or dropped to-do back to open (``[ ]``); its ``took`` and other fields stay.
    With ``expect``, only if the to-do still has those words (see :func:`wording`)."""
    reopened: list[Entry] = []

    def edit(page: Page) -> Page:
        entry = _pick(page, day, number, expect)
        if entry.state == OPEN:
            raise TodoError(f"to-do {number} on {day.isoformat()} is open already")
        if entry.state == DEFERRED:
            raise TodoError(
                f"to-do {number} on {day.isoformat()} is deferred: it was carried to a later page, "
                "where it lives on; see 'reslog todos --all'"
            ).without_command(f"to-do {number} on {day.isoformat()} is deferred: it was carried to a "
                              "later page, where it lives on")
        if entry.state not in (DONE, "X", DROPPED):
            raise TodoError(f"to-do {number} on {day.isoformat()} is in a state reslog does not "
                            f"change ([{entry.state}]); edit the page with 'reslog edit'")
        body = markdown.set_state(markdown.line_body(page, entry.index), OPEN)
        new = markdown.replace_line(page, entry.index, body)
        reopened.append(new.tasks()[number - 1])
        return new

    log.update_day(day, today, edit, create=day == today)
    return reopened[0]


def defer_day(value: str, today: dt.date) -> dt.date:
    """The day a ``defer --to`` names: a date phrase, where a weekday name (``monday``, ``next
    monday``) is the next such day, never a past one."""
    words = value.strip().lower().split()
    if words[:1] == ["next"]:
        words = words[1:]
    if len(words) == 1 and len(words[0]) >= 3:
        for i, weekday in enumerate(WEEKDAYS):
            if weekday.startswith(words[0]):
                return today + dt.timedelta(days=(i - today.weekday() - 1) % 7 + 1)
    return parse_date(value, today)


def defer(
    log: Log, day: dt.date, today: dt.date, number: int, to: dt.date, expect: str | None = None,
) -> Entry:
    """Put off an open to-do to the day ``to``: ``[scheduled:: DATE]`` on its line.

    The to-do stays open and is carried from day to day as before (so it cannot
    be lost), but ``todos`` does not list it as due before that day.
    """
    if to <= today:
        # the hint is relative to today, never a fixed date that would one day be in the past itself
        raise InputError(f"cannot defer to {to.isoformat()}: give a day after today ({today.isoformat()}), "
                         "such as tomorrow, 'next monday' or a later YYYY-MM-DD")
    deferred: list[Entry] = []

    def edit(page: Page) -> Page:
        entry = _pick_open(page, day, today, number, expect, "defer")
        body = markdown.set_field(markdown.line_body(page, entry.index), SCHEDULED, to.isoformat())
        new = markdown.replace_line(page, entry.index, body)
        deferred.append(new.tasks()[number - 1])
        return new

    log.update_day(day, today, edit, create=day == today)
    return deferred[0]


def running(page: Page) -> Todo | None:
    for todo in todos(page):
        if todo.started is not None:
            return todo
    return None


@dataclass(frozen=True)
class Started:
    """What :func:`start` did: the timer it stopped first (a switch), if any, and the to-do it started."""

    stopped: TimerResult | None
    todo: Todo


def _stop_timer(page: Page, current: Todo, minutes: int) -> tuple[Page, TimerResult]:
    """The page with ``current``'s timer stopped and ``minutes`` added to its ``took``."""
    entry = current.entry
    body = markdown.remove_field(markdown.line_body(page, entry.index), STARTED)
    body = _took_with(body, entry, minutes)
    new = markdown.replace_line(page, entry.index, body)
    took = new.tasks()[current.number - 1].field("took")
    return new, TimerResult(current.number, entry.text, minutes, took)


def start(
    log: Log, today: dt.date, number: int, now: dt.datetime, confirm: bool = False, expect: str | None = None,
) -> Started:
    """Start the timer on today's to-do ``number``. One timer runs at a time: a timer running on
    another to-do is stopped first (its time counted), so ``start`` switches between tasks."""
    started: list[Started] = []

    def edit(page: Page) -> Page:
        entry = _pick_open(page, today, today, number, expect, "start")
        current = running(page)
        stopped = None
        if current is not None and current.started is not None:
            if current.number == number:
                raise TodoError(f"to-do {number} is already running since "
                                f"{started_label(current.started, now)}")
            minutes = _timed_minutes(current.started, now)
            _check_long(current, minutes, now, f"start {number}", confirm)
            page, stopped = _stop_timer(page, current, minutes)
        stamp = now.replace(microsecond=0).isoformat()
        body = markdown.set_field(markdown.line_body(page, entry.index), STARTED, stamp)
        new = markdown.replace_line(page, entry.index, body)
        started.append(Started(stopped, Todo(number, new.tasks()[number - 1])))
        return new

    log.update_day(today, today, edit)
    return started[0]


def stop_time(clock: str, now: dt.datetime) -> dt.datetime:
    """The moment ``HH:MM`` names for ``stop --at``: the latest time of day ``clock`` not after ``now``
    (so a 23:30 typed at 08:00 is last night's)."""
    hour, minute = (int(part) for part in parse_time(clock).split(":"))
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment <= now else moment - dt.timedelta(days=1)


def stop(
    log: Log, today: dt.date, now: dt.datetime, at: dt.datetime | None = None, confirm: bool = False
) -> TimerResult:
    """Stop the running timer and add the time to the to-do's ``took``.

    ``at``: when the work really stopped (see :func:`stop_time`), for a timer
    left running. Without it, a timer that ran longer than :data:`LONG_TIMER`
    raises :class:`LongTimerError` unless ``confirm``.
    """
    result: list[TimerResult] = []

    def edit(page: Page) -> Page:
        current = running(page)
        if current is None or current.started is None:
            raise TodoError("no timer is running; start one with 'reslog start N'")
        if at is not None and _later(current.started, at):
            raise InputError(
                f"the timer of to-do {current.number} started at {started_label(current.started, now)}; "
                # 'reslog drop N' was suggested here: it abandons the to-do, not the timer
                f"give a time after it ('reslog stop --at {current.started:%H:%M}' counts no time at all)"
            )
        minutes = _timed_minutes(current.started, now if at is None else at)
        if at is None:
            _check_long(current, minutes, now, "stop", confirm)
        new, done = _stop_timer(page, current, minutes)
        result.append(done)
        return new

    log.update_day(today, today, edit)
    return result[0]


def _later(start: dt.datetime, moment: dt.datetime) -> bool:
    """Whether ``start`` is after ``moment`` (see :func:`reslog.dates.comparable`)."""
    start, moment = comparable(start, moment)
    return start > moment


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


__all__ = [
    "LONG_TIMER", "SCHEDULED", "STARTED", "Started", "TimerResult", "Todo", "defer", "defer_day",
    "drop", "elapsed_minutes", "finish", "reopen", "running", "start", "started_label", "status", "stop",
    "stop_time", "todos",
]
