"""Capture commands: one shell line, one line in today's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from reslog.capture import Capture, Captured, add_entry, add_thought
from reslog.cli import context
from reslog.cli.context import day_of, log_of, read_text
from reslog.dates import parse_duration, parse_time
from reslog.model import SECTION_TITLES

F = Callable[..., Any]


def capture_options(func: F) -> F:
    """TEXT and the options every capture command takes."""
    for decorator in reversed(
        [
            click.argument("text", nargs=-1),
            click.option(
                "-t", "--tag", "tags", multiple=True, metavar="TAG",
                help="Add #TAG (repeatable; nested tags as proj/sub).",
            ),
            click.option("--from", "source", metavar="SOURCE",
                         help="Where it came from: [from:: SOURCE] (paper, chat with X, ...)."),
            click.option("--star", is_flag=True, help="Mark it as what mattered most (★)."),
            click.option("--date", "on_date", metavar="DATE",
                         help="Write on another day: YYYY-MM-DD, yesterday, 'last friday'."),
            click.option("--time", "at", metavar="HH:MM",
                         help="The time to record (default: now, on today's page)."),
        ]
    ):
        func = decorator(func)
    return func


def _default_time(on_date: str | None) -> str | None:
    """Now, as HH:MM; no time on another day's page, where now would be false."""
    if on_date is not None and day_of(on_date) != context.now().date():
        return None
    return f"{context.now():%H:%M}"


def _report(section: str, captured: Captured) -> None:
    click.echo(f"{SECTION_TITLES[section]}: {captured.path}:{captured.line}")


def _capture(
    section: str, kind: str | None, text: tuple[str, ...], tags: tuple[str, ...],
    source: str | None, star: bool, on_date: str | None, at: str | None,
    estimate: int | None = None, stamp: bool = True,
) -> None:
    ctx = click.get_current_context()
    day = day_of(on_date)
    time = parse_time(at) if at is not None else (_default_time(on_date) if stamp else None)
    item = Capture(read_text(text), kind, tags, source, star, time, estimate)
    _report(section, add_entry(log_of(ctx), day, context.now().date(), section, item))


def _entry_command(name: str, kind: str | None, doc: str) -> click.Command:
    @click.command(name=name, help=doc)
    @capture_options
    def command(text: tuple[str, ...], tags: tuple[str, ...], source: str | None,
                star: bool, on_date: str | None, at: str | None) -> None:
        _capture("done", kind, text, tags, source, star, on_date, at)

    return command


did = _entry_command(
    "did", None,
    "Log what was done (What was done). TEXT may open with a kind: exp:, bug:, fix:, "
    "read:, decision:, result:. TEXT '-' reads standard input; further lines nest under the first.",
)
exp = _entry_command("exp", "exp", "Log an experiment (exp: TEXT).")
bug = _entry_command("bug", "bug", "Log a bug (bug: TEXT).")
fix = _entry_command("fix", "fix", "Log a fix (fix: TEXT).")
read = _entry_command("read", "read", "Log something read (read: TEXT); add --from and a link.")
decision = _entry_command("decision", "decision", "Log a decision and its reason (decision: TEXT).")
result = _entry_command("result", "result", "Log a result (result: TEXT).")


def _thought_command(name: str, kind: str, doc: str) -> click.Command:
    @click.command(name=name, help=doc)
    @capture_options
    @click.option("--on", "on", type=int, metavar="N",
                  help="Nest under entry N of the day (numbers as 'reslog show' prints them).")
    def command(text: tuple[str, ...], tags: tuple[str, ...], source: str | None, star: bool,
                on_date: str | None, at: str | None, on: int | None) -> None:
        ctx = click.get_current_context()
        day = day_of(on_date)
        item = Capture(read_text(text), None, tags, source, star,
                       parse_time(at) if at is not None else None)
        captured = add_thought(log_of(ctx), day, context.now().date(), kind, item, on)
        click.echo(f"{kind}: {captured.path}:{captured.line}")

    return command


think = _thought_command(
    "think", "thought",
    "Add a thought (level 1) under the latest entry of the day, or under entry --on N.",
)
feel = _thought_command(
    "feel", "feel",
    "Add a feeling (level 1) under the latest entry of the day, or under entry --on N.",
)


@click.command()
@capture_options
@click.option("--est", metavar="DURATION", help="Your estimate: 45m, 2h, 1h30m.")
def todo(text: tuple[str, ...], tags: tuple[str, ...], source: str | None, star: bool,
         on_date: str | None, at: str | None, est: str | None) -> None:
    """Add a to-do (What to do next); open to-dos carry over to the next day."""
    estimate = parse_duration(est) if est is not None else None
    _capture("todo", None, text, tags, source, star, on_date, at, estimate, stamp=False)


@click.command()
@capture_options
def idea(text: tuple[str, ...], tags: tuple[str, ...], source: str | None, star: bool,
         on_date: str | None, at: str | None) -> None:
    """Add a random idea (Random ideas); say where it came from with --from."""
    _capture("ideas", None, text, tags, source, star, on_date, at)


@click.command()
@capture_options
def reflect(text: tuple[str, ...], tags: tuple[str, ...], source: str | None, star: bool,
            on_date: str | None, at: str | None) -> None:
    """Add a reflection (level 2) to the day's Reflection section."""
    _capture("reflection", None, text, tags, source, star, on_date, at)

