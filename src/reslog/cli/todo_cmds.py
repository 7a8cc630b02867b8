"""To-do commands: todos, done, drop, start, stop, status."""

from __future__ import annotations

import datetime as dt

import click

from reslog import tasks
from reslog.cli import context
from reslog.cli.context import day_of, log_of
from reslog.cli.style import style
from reslog.dates import format_duration, parse_duration
from reslog.errors import PageError
from reslog.store import Log

_DATE = click.option("--date", "on_date", metavar="DATE",
                     help="Act on another day's page (default: today).")


def _describe(todo: tasks.Todo, day: dt.date) -> str:
    entry = todo.entry
    parts = [style(f"{todo.number:>3}", bold=True), f"[{entry.state}]", entry.text]
    notes = []
    since = todo.carried_since
    if since is not None:
        waited = (day - since).days
        notes.append(f"waiting {waited} day{'s' if waited != 1 else ''} since {since.isoformat()}")
    if todo.started is not None:
        notes.append(f"timer running since {todo.started:%Y-%m-%d %H:%M}")
    line = " ".join(parts)
    return line + ("  " + style("(" + "; ".join(notes) + ")", fg="yellow") if notes else "")


@click.command("todos")
@click.option("--all", "show_all", is_flag=True, help="Also list done, deferred and dropped ones.")
@_DATE
def todos_cmd(show_all: bool, on_date: str | None) -> None:
    """List the day's open to-dos with their numbers (carried ones included)."""
    log = log_of(click.get_current_context())
    day = day_of(on_date)
    today = context.now().date()
    page = log.update_day(day, today) if day == today else log.read_day(day)
    if page is None:
        raise PageError(f"there is no page for {day.isoformat()}; see another day with --date")
    listed = [t for t in tasks.todos(page) if show_all or t.state == "open"]
    if not listed:
        click.echo(f"No open to-dos on {day.isoformat()}. Add one with 'reslog todo TEXT'.")
        return
    for todo in listed:
        click.echo(_describe(todo, day))


@click.command()
@click.argument("number", type=int)
@click.option("--took", metavar="DURATION", help="How long it took: 45m, 2h, 1h30m.")
@_DATE
def done(number: int, took: str | None, on_date: str | None) -> None:
    """Mark to-do NUMBER done (a running timer on it stops and counts)."""
    minutes = parse_duration(took) if took is not None else None
    day = day_of(on_date)
    result = tasks.finish(log_of(click.get_current_context()), day, context.now().date(), number,
                          minutes, context.now())
    took_note = f" (took {result.took})" if result.took else ""
    click.echo(f"Done: {number} {result.text}{took_note}")


@click.command()
@click.argument("number", type=int)
@_DATE
def drop(number: int, on_date: str | None) -> None:
    """Mark to-do NUMBER abandoned ([-])."""
    day = day_of(on_date)
    entry = tasks.drop(log_of(click.get_current_context()), day, context.now().date(), number)
    click.echo(f"Dropped: {number} {entry.text}")


@click.command()
@click.argument("number", type=int)
def start(number: int) -> None:
    """Start timing today's to-do NUMBER (one timer at a time)."""
    moment = context.now()
    todo = tasks.start(log_of(click.get_current_context()), moment.date(), number, moment)
    click.echo(f"Started {moment:%H:%M}: {number} {todo.entry.text.split(' [started::')[0]}")


@click.command()
def stop() -> None:
    """Stop the running timer and add the time to the to-do's [took:: ...]."""
    moment = context.now()
    result = tasks.stop(log_of(click.get_current_context()), moment.date(), moment)
    click.echo(
        f"Stopped: {result.number} after {format_duration(result.minutes)}"
        f" (took {result.took} in all)"
    )


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
    click.echo(f"Running: {todo.number} {todo.entry.text} — {format_duration(minutes)} "
               f"since {todo.started:%Y-%m-%d %H:%M}")


def _embedding_status(log: Log) -> None:
    """One line on the background embedding of the log, when one is under way or was cut short."""
    from reslog.semantic import worker

    found = worker.progress(log)
    if found is None:
        return
    share = f"{found.done:,} of {found.total:,} passages ({found.done / max(found.total, 1):.0%})"
    if found.alive and not found.total:
        click.echo("Embedding for meaning search: starting.")
    elif found.error:
        click.echo(f"Embedding failed at {share}: {found.error}. `reslog reindex` shows the error.")
    elif not found.alive:
        click.echo(f"Embedding stopped at {share}; the next search or `reslog reindex` goes on.")
    else:
        left = found.seconds_left
        eta = "" if left is None else f", about {format_duration(max(1, round(left / 60)))} left"
        click.echo(f"Embedding for meaning search: {share}, {found.rate:.0f} passages/s{eta}.")
