"""Searching and indexing: search, reindex."""

from __future__ import annotations

import os
from typing import Any

import click

from reslog.cli import actions
from reslog.cli.capture_cmds import click_option
from reslog.cli.context import log_of
from reslog.cli.options import HELP, options_of
from reslog.index import Index
from reslog.words import noun_for, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reslog.semantic.vectors import EmbedReport


def _search_callback(query: tuple[str, ...], **params: Any) -> None:
    for word in query:
        if word.startswith("--") and len(word) > 2:
            raise click.UsageError(f"No such option: {word.split('=')[0]}")
    root = click.get_current_context().find_root().obj["dir"]
    actions.search(root, query, **params)


search_cmd = click.command(
    "search", help=HELP["search"], context_settings={"ignore_unknown_options": True}
)(_search_callback)
for _opt in reversed(options_of("search")):
    search_cmd = click_option(_opt)(search_cmd)
search_cmd = click.argument("query", nargs=-1)(search_cmd)


@click.command()
@click.option("--check", is_flag=True,
              help="Only report pages whose index rows are stale; change nothing. Exits 1 when the "
                   "index is not up to date (or there is none yet).")
@click.option("--no-embed", "no_embed", is_flag=True,
              help="Do not embed entries for semantic search (search.embeddings = false does it for good).")
def reindex(check: bool, no_embed: bool) -> None:
    """Rebuild the index from the files (it is a cache: nothing is lost).

    Entries new or changed since the last time are also embedded for semantic
    search (only those: vectors are kept by content), here and now with a
    progress bar, rather than in the background as reading commands do.
    Interrupted with Ctrl-C, it keeps what it embedded.
    """
    log = log_of(click.get_current_context())
    if check and not os.path.exists(Index(log).file):  # checking builds nothing
        click.echo("There is no index yet; reslog reindex (or any search) builds it.")
        raise click.exceptions.Exit(1)
    with Index(log) as index:
        if check:
            changed, removed, problems = index.check()
            for path in changed:
                click.echo(f"stale    {path}")
            for path in removed:
                click.echo(f"removed  {path}")
            for path, why in problems.items():
                click.echo(f"problem  {path}: {why}")
            unreadable = index.unreadable()
            for path, line, key, value in unreadable:
                click.echo(f"field    {path}:{line}: {key} {value!r} is not {index.unreadable_reason(key)}")
            if not (changed or removed or problems):
                click.echo("The index is up to date.")
            if unreadable:
                count = len(unreadable)
                click.echo(f"{plural(count, 'field value')} could not be read and "
                           f"count{'' if count > 1 else 's'} as no value.")
            if changed or removed or problems:
                raise click.exceptions.Exit(1)
            return
        with actions.progress_bar("Indexing the log") as update:
            report = index.refresh(update, force=True)
        actions.notices(index, report)
        count = index.count()
        embedded = None
        if not no_embed:
            embedded = _embed(index)
        index.verify()  # damage in pages no query read is healed too (the command runs again)
    click.echo(f"Indexed {plural(count, 'entry')} from {plural(report.read, 'page')} in "
               f"{report.seconds:.1f} s.")
    if embedded is not None:
        click.echo(f"Embedded {embedded.embedded} new passages with {embedded.model}"
                   + (f"; dropped {embedded.removed} unused vectors." if embedded.removed else "."))


def _embed(index: Index) -> EmbedReport | None:
    """Embed in the foreground; Ctrl-C says what is kept."""
    from reslog.semantic.setup import embed_now

    try:
        with actions.progress_bar("Embedding new entries") as update:
            found = embed_now(index, progress=update)
    except KeyboardInterrupt:
        from reslog.semantic import backends
        from reslog.semantic.vectors import coverage
        from reslog.settings import load

        done = coverage(index, backends.name_of(load(index.log).embed_model))
        share = f"{done.embedded:,} of {done.total:,} {noun_for(done.total, 'passage')}"
        click.echo(f"\nreslog: stopped; {share} are embedded and kept. "
                   "`reslog reindex` (or any search, in the background) goes on from there.", err=True)
        raise SystemExit(130) from None
    if found.hint:
        click.echo(f"reslog: {found.hint}", err=True)
    return found.report
