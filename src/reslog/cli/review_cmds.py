"""The weekly review: ``reslog week`` (the figures by topic are ``reslog stats``, in stats_cmds).

Thin adapters: parse the arguments, call :mod:`reslog.review`, print the
outcome. The page is built and written by the library.
"""

from __future__ import annotations

import os

import click

from reslog.cli import context
from reslog.cli.context import log_of, phrase_of
from reslog.cli.display import week_lines
from reslog.errors import InputError, LogError, notify
from reslog.words import plural

#: Editors that take ``+LINE`` before the file name to open it at that line.
_LINE_EDITORS = frozenset({"vi", "vim", "nvim", "gvim", "nano", "emacs", "emacsclient", "micro", "kak"})


@click.command()
@click.argument("phrase", nargs=-1, metavar="[WEEK]")
@click.option("--rate", "rate", metavar="N", help="Rate the week from 1 (bad) to 5 (great).")
@click.option("--edit", "open_editor", is_flag=True, help="Open the page in $VISUAL or $EDITOR afterwards.")
def week(phrase: tuple[str, ...], rate: str | None, open_editor: bool) -> None:
    """Create or refresh the review page of WEEK (default: this week).

    WEEK is an ISO week (2026-W48), 'last', or a date inside the week
    (2026-11-24, yesterday, last friday, quoted or not). The generated
    sections (figures, time, waiting to-dos, ideas, what was done,
    comparison with last week, prompts) are rewritten on every run; the
    Reflection and Next week's focus sections are never touched.
    """
    from reslog import review

    rating: int | None = None
    if rate is not None:
        if not rate.strip().isdigit() or not 1 <= int(rate) <= 5:
            raise InputError(f"cannot read {rate!r} as a rating; use a whole number from 1 to 5")
        rating = int(rate)
    week = phrase_of(phrase, "WEEK", "a week (2026-W48, 'last', a date in it), or leave it out for this week")
    today = context.now().date()
    year, number = review.parse_week(week, today)
    log = log_of(click.get_current_context())
    review.refuse_before_the_log(log, year, number, today)
    from reslog.cli import actions

    writable = log.writable(review.week_file(log, year, number))  # judged before anything is written
    if not writable and (rating is not None or open_editor):
        raise LogError(f"this log is read-only: cannot {'save the rating' if rating is not None else 'edit'} "
                       f"of {review.week_name(year, number)}; make {log.folder} writable and run again")
    with actions.fresh_index(log) as index:
        found = actions.semantic(index)
    vectors = found.vectors if found.on else None
    done = review.refresh(log, year, number, today, rating, vectors, write=writable)
    if not writable:
        click.echo("\n".join(week_lines(done.page, done.relative)))
        notify("this log is read-only: the week's page is shown as it would be written, "
               "and nothing was saved")
        return
    figures = done.figures["week"]
    outcome = "created" if done.created else "refreshed" if done.changed else "unchanged"
    click.echo(f"{done.relative} ({outcome})")
    if figures["entries"] or figures["added"] or figures["done"]:
        click.echo(
            f"{done.name}: {plural(figures['days_logged'], 'day')} logged, "
            f"{plural(figures['entries'], 'entry')}, {plural(figures['experiments'], 'experiment')}, "
            f"{plural(figures['papers'], 'paper')} read, {plural(figures['bugs'], 'bug')}, "
            f"{plural(figures['ideas'], 'idea')}; to-dos {figures['added']} added, {figures['done']} done"
        )
    else:
        click.echo(f"{done.name}: nothing logged this week")
    if done.rating is not None:
        click.echo(f"rating: {done.rating}")
    for problem in done.problems:
        click.echo(f"reslog: {done.relative}: {problem}", err=True)
    if open_editor:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        target = str(log.root / done.relative)
        if editor and done.reflection_line is not None:
            words = editor.split()
            if words and os.path.basename(words[0]) in _LINE_EDITORS:
                editor = f"{editor} +{done.reflection_line}"
        click.edit(filename=target, editor=editor)
