"""Reading and editing a day: today, show, edit."""

from __future__ import annotations

import os

import click

from reslog.cli import context
from reslog.cli.context import day_of, log_of
from reslog.cli.display import page_lines
from reslog.errors import PageError


@click.command()
def today() -> None:
    """Show today's page (made now if missing, with yesterday's open to-dos carried over)."""
    log = log_of(click.get_current_context())
    day = context.now().date()
    page = log.update_day(day, day)
    click.echo("\n".join(page_lines(page, day, log.relative(log.day_path(day)))))


@click.command()
@click.argument("date", default="today")
def show(date: str) -> None:
    """Show the page of DATE (YYYY-MM-DD, yesterday, 'last friday', ...)."""
    log = log_of(click.get_current_context())
    day = day_of(date)
    page = log.read_day(day)
    if page is None:
        raise PageError(
            f"there is no page for {day.isoformat()} ({log.relative(log.day_path(day))}); "
            "write one with 'reslog did --date ...' or 'reslog edit DATE'"
        )
    click.echo("\n".join(page_lines(page, day, log.relative(log.day_path(day)))))


@click.command()
@click.argument("date", default="today")
def edit(date: str) -> None:
    """Open the page of DATE (default: today) in $VISUAL or $EDITOR, making it if needed."""
    log = log_of(click.get_current_context())
    day = day_of(date)
    log.update_day(day, context.now().date())
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    click.edit(filename=str(log.day_path(day)), editor=editor)
