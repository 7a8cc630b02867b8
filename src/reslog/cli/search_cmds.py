"""Searching and indexing: search, reindex."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from reslog.cli import context
from reslog.cli.context import log_of
from reslog.dates import parse_range
from reslog.index import Index, Progress, RefreshReport
from reslog.model import KINDS
from reslog.search import SECTIONS, Filters, Hit, compile_query, listing, search
from reslog.store import Log

_BAR_FROM = 20  # pages to read before a progress bar is worth drawing


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A progress callback that draws a bar on stderr once there is enough to do."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < _BAR_FROM:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=click.get_text_stream("stderr"))
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


def fresh_index(log: Log) -> Index:
    """The log's index, up to date; says so on stderr when it had to be rebuilt."""
    index = Index(log)
    with progress_bar("Indexing the log") as update:
        report = index.refresh(update)
    _notices(report)
    return index


def _notices(report: RefreshReport) -> None:
    if report.rebuilt_because:
        click.echo(f"reslog: rebuilt the index: {report.rebuilt_because}.", err=True)
    for path, problem in report.problems.items():
        click.echo(f"reslog: skipped {path}: {problem}", err=True)


def _range_start(value: str | None) -> Any:
    return None if value is None else parse_range(value, context.now().date())[0]


def _range_end(value: str | None) -> Any:
    return None if value is None else parse_range(value, context.now().date())[1]


def _highlight(text: str, words: tuple[str, ...]) -> str:
    if not words:
        return text
    stems = sorted({w[: max(3, len(w) - 3)] if len(w) > 5 else w for w in words}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)
    return pattern.sub(lambda m: click.style(m.group(0), fg="yellow", bold=True), text)


def _print_hit(hit: Hit, words: tuple[str, ...]) -> None:
    head = click.style(hit.date, bold=True)
    if hit.time:
        head += " " + click.style(hit.time, dim=True)
    label = hit.kind or (
        {"todo": "to-do", "ideas": "idea", "reflection": "reflection"}.get(hit.section or "", "note")
    )
    if hit.state is not None:
        label = f"[{hit.state}] " + label
    head += " " + click.style(label, fg="cyan")
    lines = hit.text.split("\n")
    click.echo(f"{head}  {_highlight(lines[0], words)}  " + click.style(hit.citation, dim=True))
    for more in lines[1:]:
        click.echo("    " + _highlight(more, words))


@click.command("search")
@click.argument("query", nargs=-1)
@click.option(
    "--kind", type=click.Choice([*KINDS, "note"]), help="Only entries of this kind (note: no kind)."
)
@click.option("--tag", "-t", metavar="TAG", help="Only entries with #TAG or a nested #TAG/...")
@click.option("--section", type=click.Choice(SECTIONS), help="Only one section of the day.")
@click.option("--level", type=click.IntRange(0, 2), help="0 facts, 1 thoughts and feelings, 2 reflection.")
@click.option("--from", "source", metavar="SOURCE", help="Only entries whose [from:: ...] contains SOURCE.")
@click.option("--starred", is_flag=True, help="Only entries marked ★.")
@click.option("--open", "open_", is_flag=True, help="Only open to-dos.")
@click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase on.")
@click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
@click.option(
    "--limit", "-n", type=click.IntRange(min=1), help="At most this many (default 20; listing: 50)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of entries with their citations.")
def search_cmd(
    query: tuple[str, ...],
    kind: str | None,
    tag: str | None,
    section: str | None,
    level: int | None,
    source: str | None,
    starred: bool,
    open_: bool,
    since: str | None,
    until: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Search the whole log (words, "phrases", -exclude, prefix*, OR), best first.

    With no QUERY, lists the matching entries by date, like a journal.
    """
    filters = Filters(
        kind, tag, section, level, source, starred, open_, _range_start(since), _range_end(until)
    )
    text = " ".join(query)
    with fresh_index(log_of(click.get_current_context())) as index:
        if compile_query(text).match is None:
            hits = listing(index, filters, limit or 50, exclude=compile_query(text).exclude)
        else:
            hits = search(index, text, filters, limit or 20)
    if as_json:
        click.echo(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=1))
        return
    if not hits:
        click.echo("No entries match." + (" Try fewer words, or a prefix*." if text.strip() else ""))
        return
    words = compile_query(text).words
    for hit in hits:
        _print_hit(hit, words)


@click.command()
@click.option("--check", is_flag=True, help="Only report pages whose index rows are stale; change nothing.")
def reindex(check: bool) -> None:
    """Rebuild the index from the files (it is a cache: nothing is lost)."""
    log = log_of(click.get_current_context())
    with Index(log) as index:
        if check:
            changed, removed, problems = index.check()
            for path in changed:
                click.echo(f"stale    {path}")
            for path in removed:
                click.echo(f"removed  {path}")
            for path, why in problems.items():
                click.echo(f"problem  {path}: {why}")
            if not (changed or removed or problems):
                click.echo("The index is up to date.")
            return
        with progress_bar("Indexing the log") as update:
            report = index.refresh(update, force=True)
        _notices(report)
        count = index.count()
    click.echo(f"Indexed {count} entries from {report.read} pages in {report.seconds:.1f} s.")
