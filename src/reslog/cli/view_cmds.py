"""Reading and editing a day: today, show, edit."""

from __future__ import annotations

import datetime as dt
import os
import re

import click

from reslog.cli import context
from reslog.cli.context import day_of, log_of, phrase_of
from reslog.cli.display import page_lines, week_lines
from reslog.dates import check_near, long_date, parse_range
from reslog.errors import InputError, LogError, PageError, notify

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from reslog.store import Log


@click.command()
def today() -> None:
    """Show today's page (made now if missing, with yesterday's open to-dos carried over)."""
    log = log_of(click.get_current_context())
    day = context.now().date()
    writable = log.writable(log.day_file(day))  # judged before anything is written
    page = log.update_day(day, day, write=writable)
    click.echo("\n".join(page_lines(page, day, log.relative(log.day_path(day)))))
    if not writable:
        notify("this log is read-only: today's page is shown as it would be written, and nothing was saved")


@click.command()
@click.argument("phrase", nargs=-1, metavar="[DATE|WEEK]")
def show(phrase: tuple[str, ...]) -> None:
    """Show the page of a day (YYYY-MM-DD, yesterday, last friday, ...) or of a week's review
    (2026-W48, last week, this week): the same phrases as --since, quoted or not."""
    when = phrase_of(phrase, "DATE|WEEK", "a day (2026-11-24, yesterday) or a week (2026-W48), "
                     "or leave it out for today") or "today"
    log = log_of(click.get_current_context())
    today = context.now().date()
    start, end = _period(when, today)
    if start == end:
        day = start
        page = log.read_day(day)
        if page is None:
            raise PageError(
                f"there is no page for {day.isoformat()} ({log.relative(log.day_path(day))}); "
                "write one with 'reslog did --date ...' or 'reslog edit DATE'"
            )
        click.echo("\n".join(page_lines(page, day, log.relative(log.day_path(day)))))
        return
    year, week, weekday = start.isocalendar()
    if weekday != 1 or end != start + dt.timedelta(days=6):
        raise InputError(
            f"{when!r} is {(end - start).days + 1} days; show takes a day or an ISO week (2026-W48, "
            f"'last week'); to read a longer period, use 'reslog search --since {start} --until {end}'"
        )
    from reslog.review import refuse_before_the_log, week_file, week_name

    path = week_file(log, year, week)
    page = log.read_page(path)
    if page is None:
        refuse_before_the_log(log, year, week, today)  # 'reslog week' would refuse it too
        if start > today:  # and so would it a week to come: no command to offer
            raise PageError(f"there is no page for {week_name(year, week)}: the week has not begun "
                            f"(it starts on {long_date(start)}); show this week or an earlier one")
        raise PageError(f"there is no page for {week_name(year, week)} yet; make it with "
                        f"'reslog week {week_name(year, week)}'")
    click.echo("\n".join(week_lines(page, f"weeks/{year:04d}/{week_name(year, week)}.md")))


def _period(when: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The day or the days a phrase names: a date phrase first (so 'friday' is a day), else
    a period as --since reads it."""
    try:
        day = day_of(when)
    except InputError as not_a_day:
        try:
            return parse_range(when, today, clamp=False)  # a period reaching outside is refused too
        except InputError as not_a_period:
            # "2026-W54" was called no date: a week that does not exist is told as a week
            week_like = re.fullmatch(r"\d{4}-?w\d+", when.strip().lower())
            raise (not_a_period if week_like else not_a_day) from None
    return day, day


@click.command()
@click.argument("phrase", nargs=-1, metavar="[DATE]")
@click.option("--force", is_flag=True,
              help="Make the page of a DATE more than a year from today (not a year typo).")
def edit(phrase: tuple[str, ...], force: bool) -> None:
    """Open the page of DATE (default: today) in $VISUAL or $EDITOR, making it if needed; a
    phrase such as last friday may be typed unquoted.

    The editor gets a copy of the page; what was written to the page while
    it was open (a capture, the web app, a sync) is merged with the edit
    when the editor exits, never overwritten."""
    date = phrase_of(phrase, "DATE", "a day (2026-11-24, yesterday), or leave it out for today") or "today"
    log = log_of(click.get_current_context())
    today = context.now().date()
    day = day_of(date)
    editor = _editor()  # found before the page is made: a failed edit wrote it, carried to-dos and all
    if not os.path.exists(log.day_file(day)):
        check_near(day, today, force)
    log.update_day(day, today)
    _edit_copy(log, log.day_path(day), editor)


def _edit_copy(log: Log, path: Path, editor: str) -> None:
    """Edit a copy of the page, saved over the page as it is when the editor exits
    (:meth:`reslog.store.Log.edit_copy`), merged as sync merges two machines' pages."""
    from reslog.sync.merge import merge

    def merged(loaded: str, edited: str, current: str) -> tuple[str, int]:
        found = merge(loaded, edited, current, ("your edit", "written while you edited"))
        return found.text, found.conflicts

    outcome = log.edit_copy(path, lambda copy: click.edit(filename=copy, editor=editor), merged)
    if outcome is None or not outcome[0]:
        return
    name, conflicts = log.relative(path), outcome[1]
    if conflicts:
        notify(f"{name} changed while you edited it; both versions of {conflicts} "
               f"place{'s' if conflicts != 1 else ''} are kept between <<<<<<< and >>>>>>> "
               f"lines: run reslog edit {path.stem} to choose")
    else:
        notify(f"{name} changed while you edited it; what was written meanwhile is kept with your edit")


#: The editors tried, in order, when neither $VISUAL nor $EDITOR is set (as click tries them).
_EDITORS = ("sensible-editor", "vim", "nano", "vi")


def _editor() -> str:
    """The editor command to run: $VISUAL, else $EDITOR, else the first of :data:`_EDITORS` found;
    an error that says what to set when its program cannot be found."""
    import shlex
    import shutil

    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not chosen:
        found = next((name for name in _EDITORS if shutil.which(name)), None)
        if found is None:
            raise LogError("found no editor to open the page with; set $VISUAL or $EDITOR to one "
                           "(export EDITOR=nano)")
        return found
    try:
        program = shlex.split(chosen)[0]
    except (ValueError, IndexError):
        program = chosen
    if shutil.which(program) is None:
        name = "$VISUAL" if os.environ.get("VISUAL") else "$EDITOR"
        raise LogError(f"cannot find the editor {program!r} ({name}); set {name} to an editor on your PATH, "
                       "such as nano or vim")
    return chosen
