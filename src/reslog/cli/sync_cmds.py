"""``reslog sync``: commit the log to git; with a remote, pull (merging day pages) and push."""

from __future__ import annotations

import click

from reslog.cli.context import log_of
from reslog.errors import InputError
from reslog.words import plural


@click.command()
@click.option("--remote", "remote_url", metavar="URL",
              help="Sync with this git remote from now on (added as origin; a bare repository, a "
              "server path or URL).")
@click.option("--local", is_flag=True, help="Only commit; do not pull or push.")
def sync(remote_url: str | None, local: bool) -> None:
    """Keep the log in git: commit what changed, then pull and push when a remote is set.

    On first use the log folder becomes a git repository, with a .gitignore
    for .reslog/ (derived data) and runs/ (unless sync.runs = true). Day pages
    that both machines appended to merge cleanly, entry by entry; a line
    changed differently on both stops the sync with both versions kept in
    the page between conflict markers. sync.auto = true in reslog.toml also
    commits in the background after each command that writes the log.
    """
    from reslog.settings import load
    from reslog.sync.repo import sync as run_sync

    if remote_url is not None and not remote_url.strip():  # it was set as origin, empty
        raise InputError("--remote is blank; give the URL or path of a git repository")
    log = log_of(click.get_current_context())
    report = run_sync(log, load(log), remote_url, local)
    if report.created:
        click.echo(f"Made {log.folder} a git repository (.reslog/ and runs/ are left out: see .gitignore).")
    if report.files:
        days = f" ({', '.join(report.days)})" if report.days and len(report.days) <= 6 else ""
        pages = plural(len(report.days), "day") if report.days else ""
        others = len(report.files) - len(report.days)
        other = plural(others, "other file") if others else ""
        parts = [p for p in (pages, other) if p]
        click.echo(f"Committed {' and '.join(parts)}{days}.")
    else:
        click.echo("Nothing new to commit.")
    if report.remote is None:
        if not local:
            click.echo("No remote: add one with reslog sync --remote URL.")
        return
    if local:
        return
    if report.pulled:
        click.echo(f"Pulled {plural(report.pulled, 'commit')} from {report.remote}.")
    click.echo(f"Pushed to {report.remote}." if report.pushed else f"{report.remote} is up to date.")
