"""Bringing logs in and sending them out: import, export."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from reslog.cli import actions, context
from reslog.cli.context import log_of
from reslog.cli.style import echo
from reslog.importers.base import ImportOptions, apply

#: FORMAT -> the module whose ``read(path, options)`` reads it.
IMPORTERS = {
    "jrnl": "reslog.importers.jrnl",
    "obsidian": "reslog.importers.obsidian",
    "logseq": "reslog.importers.logseq",
    "notion": "reslog.importers.notion",
    "dayone": "reslog.importers.dayone",
    "org": "reslog.importers.org",
    "markdown": "reslog.importers.markdown_notes",
}


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(IMPORTERS)))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Write nothing; say what would be imported.")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="jrnl: the jrnl config file (its timeformat and tag symbols).")
@click.option("--date-format", metavar="FMT",
              help="obsidian, markdown: how note names spell dates (strftime, default %Y-%m-%d).")
def import_cmd(fmt: str, path: Path, dry_run: bool, config: Path | None, date_format: str | None) -> None:
    """Import another tool's log from PATH: jrnl, obsidian, logseq, notion, dayone, org, markdown.

    Entries are added to the day pages of their dates, marked [imported:: FORMAT]; no
    existing line is changed, and importing the same thing twice adds nothing the second time.
    """
    reader = importlib.import_module(IMPORTERS[fmt])
    reading = reader.read(path, ImportOptions(config, date_format))
    log = log_of(click.get_current_context())
    with actions.progress_bar("Importing") as update:
        report = apply(log, reading, fmt, context.now().date(), dry_run, update)
    verb = "Would import" if dry_run else "Imported"
    echo(f"{verb} {report.entries} entries ({report.todos} to-dos) into {len(report.days)} days.")
    if report.already:
        echo(f"Already in the log, not added again: {report.already} entries.")
    if report.skipped:
        echo(f"Skipped {len(report.skipped)}:")
        for skip in report.skipped:
            echo(f"  {skip.origin}: {skip.reason}")


#: FORMAT -> the module whose ``write(hits, out, options)`` writes it.
EXPORTERS = {
    "html": "reslog.exporters.html",
    "json": "reslog.exporters.json_export",
    "md": "reslog.exporters.md",
}
