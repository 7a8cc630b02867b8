"""Bringing logs in and sending them out: import, export."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import click

from reslog.capture import writable
from reslog.cli import actions, context
from reslog.cli.context import inside, log_of
from reslog.cli.style import data, echo
from reslog.dates import parse_range
from reslog.errors import InputError, ReslogError
from reslog.exporters.select import DEFAULT, REDACTIONS, ExportOptions, select, week_reviews
from reslog.exporters.select import redact as apply_redaction
from reslog.importers.base import ImportOptions, apply, check_source
from reslog.model import KINDS
from reslog.search import Filters, Hit
from reslog.store import Log
from reslog.words import plural

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
              help="obsidian, markdown, logseq, org: how file names spell dates "
              "(strftime, default %Y-%m-%d).")
@click.option("--follow-links", is_flag=True,
              help="Follow symbolic links in PATH that lead outside it (left out by default).")
def import_cmd(
    fmt: str, path: Path, dry_run: bool, config: Path | None, date_format: str | None, follow_links: bool,
) -> None:
    """Import another tool's log from PATH: jrnl, obsidian, logseq, notion, dayone, org, markdown.

    Entries are added to the day pages of their dates, marked [imported:: FORMAT], each note's
    body under its entry as written; no existing line is changed, and importing the same thing
    twice adds nothing the second time. PATH may not lie inside the log folder, nor hold it.
    Every page is checked before the first write: a page
    that cannot be read stops the import with nothing written. FIFOs and other special files,
    and links that lead outside PATH, are left out and listed.
    """
    check_source(path)
    log = log_of(click.get_current_context())
    source, root = path.resolve(), log.root.resolve()
    if inside(source, root):  # its own pages, imported again as notes, are every entry twice
        raise InputError(f"{path} lies inside the log folder {root}; import from a folder outside it")
    if inside(root, source):
        raise InputError(f"the log {root} lies inside {path}; import a folder that does not hold the log")
    reader = importlib.import_module(IMPORTERS[fmt])
    reading = reader.read(path, ImportOptions(config, date_format, follow_links))
    with actions.progress_bar("Importing") as update:
        report = apply(log, reading, fmt, context.now().date(), dry_run, update)
    verb = "Would import" if dry_run else "Imported"
    if dry_run:
        for day, count in report.added:
            echo(f"  {log.day_name(day)}: +{plural(count, 'entry')}")
    echo(f"{verb} {plural(report.entries, 'entry')} ({plural(report.todos, 'to-do')}) "
         f"into {plural(len(report.days), 'day')}.")
    if report.already:
        echo(f"Already in the log, not added again: {plural(report.already, 'entry')}.")
    if report.carried is not None:
        moved, since, into = report.carried
        echo(f"{'Would carry' if dry_run else 'Carried'} {plural(moved, 'open to-do')} over from {since} to "
             f"{into}, now the latest page, so that {'they carry' if moved > 1 else 'it carries'} on.")
    if report.skipped:
        echo(f"Skipped {len(report.skipped)}:")
        for skip in report.skipped:
            echo(f"  {skip.origin}: {skip.reason}")
    for note in reading.notes:
        echo(f"Note: {note}.")


#: FORMAT -> the module whose ``write(hits, out, options)`` writes it.
EXPORTERS = {
    "html": "reslog.exporters.html",
    "json": "reslog.exporters.json_export",
    "md": "reslog.exporters.md",
}


def _redactions(redact: tuple[str, ...], no_redact: bool) -> tuple[str, ...]:
    """What to leave out: --redact, plus the default (private entries, feelings) unless
    --no-redact; in REDACTIONS order. The same for every format: each is made to be shared."""
    if no_redact and redact:
        raise click.UsageError("--no-redact and --redact contradict each other; give one or the other")
    if no_redact:
        return ()
    wanted = {*redact, *DEFAULT}
    return tuple(name for name in REDACTIONS if name in wanted)


def _check_out(fmt: str, out: Path, log: Log) -> Path:
    """Refuse an OUT that cannot be written, or that would write into the log itself; the path to
    write (a link's target: the export replaces the file, so written at the link it replaced the
    link, and at /dev/stdout the device, with a file)."""
    if str(out) == "-":
        if fmt == "html":
            raise click.UsageError("html writes a folder of pages; give a folder for OUT, not '-'")
        return out
    target, root = out.resolve(), log.root.resolve()
    if target.exists() and not (target.is_file() or target.is_dir()):
        raise InputError(f"{out} is not a file or a folder (a device, a pipe or a socket); give a file name"
                         + (" for OUT" if fmt == "html" else ", or '-' for standard output"))
    if inside(target, root):  # its pages, reslog.toml, .reslog/, or any file a person keeps there
        raise InputError(f"{out} lies inside the log folder {root}; export to a file or folder outside it")
    if fmt == "html" and inside(root, target):
        raise InputError(f"the log {root} lies inside {out}; export the site to a folder of its own")
    if fmt == "html" and out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; html writes a folder of pages: give a folder for OUT")
    if fmt != "html" and out.is_dir():
        raise InputError(f"{out} is a folder; give a file name for OUT, such as {out / f'log.{fmt}'}")
    parent = target.parent
    if not parent.is_dir():
        raise ReslogError(f"the folder {parent} does not exist; create it first (mkdir -p {parent})")
    return target


def _range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    today = context.now().date()
    return (
        parse_range(since, today)[0] if since is not None else None,
        parse_range(until, today)[1] if until is not None else None,
    )


def _left_out(before: list[Hit], after: list[Hit]) -> tuple[int, int]:
    """Entries that redaction left out whole, and lines it left out of the entries it kept."""
    kept = {hit.citation: hit for hit in after}
    lines = sum(
        hit.text.count("\n") - kept[hit.citation].text.count("\n") for hit in before if hit.citation in kept
    )
    return len(before) - len(after), lines


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


_REDACT_HELP = (
    "Leave out also: thoughts (level 1: thoughts, feelings, decisions, ideas, nested lines) or "
    "reflection (level 2); private (#private entries and nested lines) and feelings (feel:) are "
    "left out anyway. Repeatable."
)


@click.command("export", short_help="Export entries to share as json, md or html.")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(EXPORTERS)))
@click.argument("out", metavar="OUT", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase on.")
@click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
@click.option("--tag", metavar="TAG", help="Only entries with #TAG or a nested #TAG/...")
@click.option("--kind", type=click.Choice([*KINDS, "note"]),
              help="Only entries of this kind (note: no kind).")
@click.option("--redact", "redact", multiple=True, type=click.Choice(REDACTIONS), help=_REDACT_HELP)
@click.option("--no-redact", is_flag=True,
              help="Keep private entries and feelings (left out by default): json --no-redact is a "
              "full backup of the entries, not a file to share.")
@click.option("--title", default="Research log", show_default=True, help="The title of the document or site.")
@click.option("--cite", is_flag=True, help="html: show each entry's citation (file:line), not just a link.")
def export_cmd(
    fmt: str, out: Path, since: str | None, until: str | None, tag: str | None, kind: str | None,
    redact: tuple[str, ...], no_redact: bool, title: str, cite: bool,
) -> None:
    """Export entries to share: json or md (a file, or '-' for standard output), html (a folder).

    Entries come in date order, each with its citation (file:line; in html with --cite).
    Every format leaves out private entries (#private) and feelings (feel:) unless
    --no-redact; --redact leaves out more. Parts are left out before anything is written.
    html includes the week review pages of the period (without --tag or --kind), redacted the
    same way. No export names the log's folder. OUT may not lie inside the log folder. An
    export is written completely before it replaces OUT (a link's target; a device or pipe is
    refused). An empty selection is not an error: it writes an empty export.
    """
    log = log_of(click.get_current_context())
    what = _redactions(redact, no_redact)
    if "\n" in title or "\r" in title:  # "# a\n## What was done" made a heading of the export's own
        raise InputError("--title must be one line; give it without line breaks")
    writable(title, "--title")
    target = _check_out(fmt, out, log)
    first, last = _range(since, until)
    filters = Filters(kind, tag, since=first, until=last)
    selected = select(log, filters)
    hits = apply_redaction(selected, what, tag, log.root)
    reviews = fmt == "html" and tag is None and kind is None
    weeks = week_reviews(log, first, last, what, hits) if reviews else {}
    options = ExportOptions(
        title,
        exported_at=context.now().isoformat(timespec="seconds"),
        filters={
            "since": first.isoformat() if first else None, "until": last.isoformat() if last else None,
            "tag": tag, "kind": kind,
        },
        redacted=what,
        cite=cite,
        weeks=weeks,
    )
    writer = importlib.import_module(EXPORTERS[fmt])
    to_stdout = str(out) == "-"
    if to_stdout:
        data(writer.render(hits, options))
    else:
        try:
            writer.write(hits, target, options)
        except OSError as exc:
            why = exc.strerror or exc
            raise ReslogError(f"cannot write {out}: {why}; check the folder and its permissions") from None
    _report(selected, hits, what, "standard output" if to_stdout else str(out), err=to_stdout)


def _report(selected: list[Hit], hits: list[Hit], what: tuple[str, ...], where: str, err: bool) -> None:
    """Say what was written and what was left out (on stderr when the export went to stdout)."""
    if hits:
        days = len({hit.date for hit in hits})
        entries = _count(len(hits), "entry", "entries")
        echo(f"Exported {entries} ({_count(days, 'day', 'days')}) to {where}.", err=err)
    else:
        echo(f"No entries match; wrote an empty export to {where}.", err=err)
    if not what:
        echo("Nothing redacted.", err=err)
        return
    dropped, lines = _left_out(selected, hits)
    echo(f"Redacted {', '.join(what)}: left out {_count(dropped, 'entry', 'entries')} and "
         f"{_count(lines, 'nested line', 'nested lines')}.", err=err)
