"""To-do commands: todos, done, drop, reopen, defer, start, stop, status.

Thin: each parses its arguments, calls :mod:`reslog.tasks` and prints the
outcome. A timer that ran past a working day is counted only when confirmed:
on a terminal the command asks; elsewhere it stops with the hint to confirm
(``--yes``) or to correct it (``stop --at HH:MM``).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from reslog import tasks
from reslog.cli import context
from reslog.cli.context import day_of, log_of
from reslog.cli.style import style
from reslog.cli.tags_cmds import complete_todos
from reslog.dates import format_duration, long_date, parse_duration
from reslog.errors import LongTimerError, PageError, TodoError, notify
from reslog.store import Log
from reslog.words import noun_for, plural

_DATE = click.option("--date", "on_date", metavar="DATE",
                     help="Act on another day's page (default: today).")
_YES = click.option("--yes", "confirm", is_flag=True,
                    help="Count a timer that has run for more than 8 hours without asking.")
_T = TypeVar("_T")


def _confirmed(act: Callable[[bool], _T], confirm: bool) -> _T:
    """Run ``act``; if a timer ran too long, ask on a terminal, else let the error say what to do."""
    try:
        return act(confirm)
    except LongTimerError as long:
        if confirm or not sys.stdin.isatty():
            raise
        click.echo(f"To-do {long.number} has been running for {format_duration(long.minutes)}.")
        if not click.confirm("Count all of it?", default=False):
            raise TodoError("not counted: the timer still runs; stop it at the time you stopped "
                            "with 'reslog stop --at HH:MM'") from None
        return act(True)


def _describe(todo: tasks.Todo, day: dt.date, now: dt.datetime) -> str:
    entry = todo.entry
    parts = [style(f"{todo.number:>3}", bold=True), f"[{entry.state}]", todo.label]
    notes = []
    since = todo.carried_since
    if since is not None and todo.state == "open":
        waited = (day - since).days
        notes.append(f"waiting {plural(waited, 'day')} since {since.isoformat()}")
    if todo.started is not None:
        notes.append(f"timer running since {tasks.started_label(todo.started, now)}")
    if todo.waits_until_after(day):
        assert todo.scheduled is not None
        notes.append(f"deferred to {long_date(todo.scheduled)}")
    line = " ".join(parts)
    return line + ("  " + style("(" + "; ".join(notes) + ")", fg="yellow") if notes else "")


@click.command("todos")
@click.option("--all", "show_all", is_flag=True,
              help="Also list done, deferred, dropped and put-off ones.")
@_DATE
def todos_cmd(show_all: bool, on_date: str | None) -> None:
    """List the day's open to-dos with their numbers (carried ones included)."""
    log = log_of(click.get_current_context())
    day = day_of(on_date)
    now = context.now()
    today = now.date()
    writable = day != today or log.writable(log.day_file(day))  # judged before anything is written
    page = log.update_day(day, today, write=writable) if day == today else log.read_day(day)
    if page is None:
        raise PageError(f"there is no page for {day.isoformat()} ({log.relative(log.day_path(day))}), so no "
                        "to-dos that day; 'reslog todos' lists today's")
    every = tasks.todos(page)
    later = [t for t in every if t.state == "open" and t.waits_until_after(day)]
    listed = [t for t in every if show_all or (t.state == "open" and t not in later)]
    if not listed:
        click.echo(f"No open to-dos on {day.isoformat()}. Add one with 'reslog todo TEXT'.")
    for todo in listed:
        click.echo(_describe(todo, day, now))
    if later and not show_all:
        click.echo(style(f"{plural(len(later), 'to-do')} deferred to a later day (see --all)", dim=True))
    if not writable:  # listed as today's page would be written, as `reslog today` shows it
        notify("this log is read-only: today's to-dos are listed as they would be, and nothing was saved")


@click.command()
@click.argument("number", type=int, shell_complete=complete_todos)
@click.option("--took", metavar="DURATION", help="How long it took: 45m, 2h, 1h30m.")
@_DATE
@_YES
def done(number: int, took: str | None, on_date: str | None, confirm: bool) -> None:
    """Mark to-do NUMBER done (a running timer on it stops and counts)."""
    minutes = parse_duration(took) if took is not None else None
    day = day_of(on_date)
    log = log_of(click.get_current_context())
    now = context.now()
    result = _confirmed(lambda yes: tasks.finish(log, day, now.date(), number, minutes, now, yes), confirm)
    took_note = f" (took {result.took})" if result.took else ""
    click.echo(f"Done: {number} {result.text}{took_note}")


@click.command()
@click.argument("number", type=int, shell_complete=complete_todos)
@_DATE
def drop(number: int, on_date: str | None) -> None:
    """Mark to-do NUMBER abandoned ([-])."""
    day = day_of(on_date)
    entry = tasks.drop(log_of(click.get_current_context()), day, context.now().date(), number)
    click.echo(f"Dropped: {number} {entry.text}")


@click.command()
@click.argument("number", type=int, shell_complete=complete_todos)
@_DATE
def reopen(number: int, on_date: str | None) -> None:
    """Put done or dropped to-do NUMBER back to open ([ ])."""
    day = day_of(on_date)
    entry = tasks.reopen(log_of(click.get_current_context()), day, context.now().date(), number)
    click.echo(f"Reopened: {number} {entry.text}")


@click.command()
@click.argument("number", type=int, shell_complete=complete_todos)
@click.option("--to", "to", metavar="DATE", default="tomorrow", show_default=True,
              help="The day to do it: YYYY-MM-DD, tomorrow, a weekday (the next one).")
@_DATE
def defer(number: int, to: str, on_date: str | None) -> None:
    """Put off open to-do NUMBER to a later day ([scheduled:: DATE]).

    It is still carried from day to day, so it cannot be lost, but 'reslog
    todos' lists it only from that day on.
    """
    today = context.now().date()
    day = day_of(on_date)
    target = tasks.defer_day(to, today)
    entry = tasks.defer(log_of(click.get_current_context()), day, today, number, target)
    click.echo(f"Deferred: {number} {tasks.Todo(number, entry).label}, to {long_date(target)}")


@click.command()
@click.argument("number", type=int, shell_complete=complete_todos)
@_YES
def start(number: int, confirm: bool) -> None:
    """Start timing today's to-do NUMBER; a timer running on another one stops first."""
    moment = context.now()
    log = log_of(click.get_current_context())
    found = _confirmed(lambda yes: tasks.start(log, moment.date(), number, moment, yes), confirm)
    if found.stopped is not None:
        _stopped(found.stopped, None)
    click.echo(f"Started {moment:%H:%M}: {number} {found.todo.label}")


def _stopped(result: tasks.TimerResult, at: dt.datetime | None) -> None:
    when = f" at {at:%H:%M}," if at is not None else ""
    click.echo(f"Stopped: {result.number}{when} after {format_duration(result.minutes)}"
               f" (took {result.took} in all)")


@click.command()
@click.option("--at", "at", metavar="HH:MM",
              help="When you really stopped (the latest such time, last night's if need be).")
@_YES
def stop(at: str | None, confirm: bool) -> None:
    """Stop the running timer and add the time to the to-do's [took:: ...]."""
    moment = context.now()
    log = log_of(click.get_current_context())
    end = tasks.stop_time(at, moment) if at is not None else None
    result = _confirmed(lambda yes: tasks.stop(log, moment.date(), moment, end, yes), confirm)
    _stopped(result, end)


@click.command()
def status() -> None:
    """Show the running timer, if any, and how far background embedding has got."""
    moment = context.now()
    log = log_of(click.get_current_context())
    _embedding_status(log)
    found = tasks.status(log, moment.date())
    if found is None:
        click.echo("No timer is running. Start one with 'reslog start N'.")
        return
    _day, todo = found
    assert todo.started is not None
    minutes = tasks.elapsed_minutes(todo.started, moment)
    click.echo(f"Running: {todo.number} {todo.label} — {format_duration(minutes)}, "
               f"since {tasks.started_label(todo.started, moment)}")


def _embedding_status(log: Log) -> None:
    """One line on the background embedding of the log, when one is under way or was cut short."""
    from reslog.semantic import worker

    found = worker.progress(log)
    if found is None:
        return
    passages = noun_for(found.total, "passage")
    share = f"{found.done:,} of {found.total:,} {passages} ({found.done / max(found.total, 1):.0%})"
    if found.alive and not found.total:
        click.echo("Embedding for meaning search: starting.")
    elif found.error:
        click.echo(f"Embedding failed at {share}: {found.error}. `reslog reindex` shows the error.")
    elif not found.alive:
        click.echo(f"Embedding stopped at {share}; the next search or `reslog reindex` goes on.")
    else:
        eta = "" if found.seconds_left is None else f", about {_time_left(found.seconds_left)} left"
        click.echo(f"Embedding for meaning search: {share}, {found.rate:.0f} passages/s{eta}.")


def _time_left(seconds: float) -> str:
    """``40s`` under a minute, else whole minutes and hours (``3m``, ``1h05m``)."""
    if seconds < 59.5:
        return f"{max(1, round(seconds))}s"
    return format_duration(round(seconds / 60))
