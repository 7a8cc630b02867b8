"""The log's vocabulary: ``reslog tags`` and ``reslog projects``; shell completion of tags and
to-do numbers (read only: completing never writes a page or the index)."""

from __future__ import annotations

import datetime as dt
import json

import click
from click.shell_completion import CompletionItem

from reslog.cells import cells, pad
from reslog.cli import context
from reslog.cli.context import log_of
from reslog.dates import parse_range
from reslog.store import Log, default_root
from reslog.words import plural

_SINCE = click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase on.")
_UNTIL = click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")


def _listing(which: str, since: str | None, until: str | None, as_json: bool) -> None:
    from reslog import tags as vocabulary
    from reslog.cli.actions import fresh_index
    from reslog.search import Filters

    today = context.now().date()
    filters = Filters(since=parse_range(since, today)[0] if since is not None else None,
                      until=parse_range(until, today)[1] if until is not None else None)
    with fresh_index(log_of(click.get_current_context())) as index:
        uses = (vocabulary.tags if which == "tags" else vocabulary.projects)(index, filters)
    if as_json:
        rows = [{"name": u.name, "entries": u.entries, "first": u.first, "last": u.last} for u in uses]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not uses and (since, until) != (None, None):  # the log may have tags, just none in the period
        click.echo(f"No {which} in that period.")
        return
    if not uses:
        click.echo(f"No {which} yet. Tag an entry with #project or -t project.")
        return
    width = max(cells(use.name) for use in uses) + 1
    click.echo(f"{pad('tag' if which == 'tags' else 'project', width)}  entries  last used   first used")
    for use in uses:
        click.echo(f"{pad('#' + use.name, width)}  {use.entries:>7}  {use.last}  {use.first}")


@click.command("tags")
@_SINCE
@_UNTIL
@_JSON
def tags_cmd(since: str | None, until: str | None, as_json: bool) -> None:
    """List the tags of the log with how many entries carry each and when each was last used."""
    _listing("tags", since, until, as_json)


@click.command()
@_SINCE
@_UNTIL
@_JSON
def projects(since: str | None, until: str | None, as_json: bool) -> None:
    """List the projects (the top level of the tags: #w2s/sweep is w2s), with counts and last use."""
    _listing("projects", since, until, as_json)


# --- completion ---


def _log(ctx: click.Context) -> Log:
    root = ctx.find_root().params.get("log_dir")
    return Log(root.expanduser() if root else default_root())


def complete_tags(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The log's tags that start with what is typed, the most used first (from the index as it is)."""
    from reslog import tags as vocabulary
    from reslog.index import INDEX_FILE, Index
    from reslog.store import DATA_DIR, exists, path_text

    log = _log(ctx)
    typed = incomplete.lstrip("#").lower()
    # The path itself: Index(log).file would pick the index's folder, which makes .reslog/ (or
    # a temporary copy) and raises when there is no log.
    if not exists(path_text(log.folder, DATA_DIR, INDEX_FILE)):
        return []
    try:
        with Index(log) as index:
            uses = vocabulary.tags(index)
    except Exception:  # completion must never fail loudly
        return []
    return [CompletionItem(use.name, help=f"{plural(use.entries, 'entry')}, last {use.last}")
            for use in uses if use.name.lower().startswith(typed)]


def complete_todos(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """The numbers of today's to-dos (open ones; for reopen, done and dropped ones), their text as help."""
    from reslog import tasks

    try:
        page = _log(ctx).read_day(dt.date.today())
    except Exception:
        return []
    if page is None:
        return []
    wanted = ("done", "dropped") if ctx.command.name == "reopen" else ("open",)
    return [CompletionItem(str(todo.number), help=todo.label)
            for todo in tasks.todos(page) if todo.state in wanted and str(todo.number).startswith(incomplete)]
