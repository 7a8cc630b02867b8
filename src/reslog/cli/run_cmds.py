"""The experiment ledger's commands: run, runs, rerun, outcome (the work is in :mod:`reslog.runs`).

``reslog run`` usually goes through :mod:`reslog.cli.fast` without click; the
click command here gives it ``--help``, completion and usage errors, from the
same option table.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from reslog.cli import actions, context
from reslog.cli.capture_cmds import click_option
from reslog.cli.context import log_of
from reslog.cli.options import HELP, RUN
from reslog.cli.style import echo, style
from reslog.dates import comparable, format_elapsed, since_until
from reslog.runs import ledger
from reslog.store import Log

_STATUS_COLOURS = {"ok": "green", "failed": "red", "killed": "red", "lost": "red", "running": "yellow"}


def _with_run_options(command: click.Command) -> click.Command:
    for opt in RUN:  # added to a command made already: in the table's order
        command = click_option(opt)(command)
    return command


@_with_run_options
@click.command(help=HELP["run"], context_settings={"allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, metavar="[--] CMD [ARGS]...")
def run(command: tuple[str, ...], **params: Any) -> int:
    root = click.get_current_context().find_root().obj["dir"]
    return actions.run(root, command, **params)


def _since_until(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    return since_until(since, until, context.now().date())


def _elapsed(log: Log, run: ledger.Run) -> str:
    """The run's duration; for a running one, the time so far (``3m12s+``)."""
    if run.status != "running":
        return run.fields.get("duration", "")
    start = ledger.started(log, run)
    if start is None:
        return ""
    start, now = comparable(start, context.now())
    return format_elapsed((now - start).total_seconds()) + "+"


def _lines(log: Log, run: ledger.Run) -> list[str]:
    state = run.status
    if run.status in ("failed", "killed") and run.exit:
        state += f" (exit {run.exit})" if run.exit.isdigit() else f" ({run.exit})"
    metrics = " ".join(f"{k}={v}" for k, v in run.metrics.items())
    code = run.fields.get("commit")
    git = ""
    if code:
        git = f"{run.fields['branch']}@{code}" if run.fields.get("branch") else code
        git += " dirty" if run.dirty else ""
    head = (style(f"{run.number:>4}", bold=True) + f"  {run.date} {run.time or '     '}  "
            + style(f"{state:<16}", fg=_STATUS_COLOURS.get(run.status))
            + f" {_elapsed(log, run):>9}  {run.command}")
    if metrics:
        head += "  " + style(metrics, fg="cyan")
    if git:
        head += "  " + style(git, dim=True)
    lines = [head]
    if run.reason:
        lines.append(f"        reason: {run.reason}")
    lines += [f"        {text}" for text in run.outcomes]
    unkept = ledger.changes_not_kept(log, run)
    if unkept:
        lines.append("        " + style(unkept, fg="yellow"))
    return lines


@click.command()
@click.option("--failed", is_flag=True, help="Only runs that failed, were killed or were lost.")
@click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase on.")
@click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
@click.option("--tag", metavar="TAG", help="Only runs with #TAG or a nested #TAG/...")
@click.option("--limit", type=click.IntRange(0), default=30, metavar="N",
              help="Show the latest N runs (default 30; 0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as a JSON list.")
def runs(failed: bool, since: str | None, until: str | None, tag: str | None, limit: int,
         as_json: bool) -> None:
    """List recorded runs, numbered as rerun and outcome take them, oldest first.

    Each shows its day and time, status (ok, failed with its exit status,
    killed with the signal, running, or lost when reslog itself died), duration,
    command, metrics, and branch@commit ('dirty' when the tree was), then its
    reason and outcomes.
    """
    start, end = _since_until(since, until)
    log = log_of(click.get_current_context())
    every = ledger.all_runs(log, context.now().date())
    chosen = ledger.select(every, failed, start, end, tag)
    shown = chosen[-limit:] if limit else chosen
    if as_json:
        echo(json.dumps([r.as_json() for r in shown], ensure_ascii=False, indent=1))
        return
    if not every:
        echo("No runs yet. Record one with 'reslog run -- COMMAND'.")
        return
    if not shown:
        echo("No runs match.")
        return
    echo("\n".join(line for r in shown for line in _lines(log, r)))
    if len(shown) < len(chosen):
        echo(f"(the latest {len(shown)} of {len(chosen)}; --limit 0 shows all)", err=True)


@_with_run_options
@click.command()
@click.argument("number", metavar="N")
def rerun(number: str, reason: str | None, tags: tuple[str, ...], source: str | None, star: bool) -> int:
    """Run run N's command again, in the folder it ran in, and record it as a new run.

    N is the number 'reslog runs' shows, or 'last'. Before it starts, a
    warning says when the commit, the uncommitted changes or the untracked
    files differ from the run's. The new entry has [rerun:: FOLDER] and the
    run's tags.
    """
    from reslog.runs.recorder import record

    log = log_of(click.get_current_context())
    original = ledger.find(log, number, context.now().date())
    argv, cwd, warnings = ledger.rerun_plan(log, original)
    for warning in warnings:
        echo(f"reslog: warning: {warning}", err=True)
    echo(f"reslog: rerunning run {original.number} in {cwd}: {original.command}", err=True)
    all_tags = tuple(dict.fromkeys([*original.hit.tags, *tags]))
    done = record(log, argv, cwd=cwd, reason=reason, tags=all_tags, source=source, star=star,
                  rerun=original.folder, clock=context.now)
    actions.report_run(done)
    return done.code


@click.command()
@click.argument("number", metavar="N")
@click.argument("text", nargs=-1, required=True)
@click.option("-t", "--tag", "tags", multiple=True, metavar="TAG", help="Add #TAG (repeatable).")
@click.option("--from", "source", metavar="SOURCE", help="Where it came from: [from:: SOURCE].")
@click.option("--star", is_flag=True, help="Mark it as what mattered most (★).")
def outcome(number: str, text: tuple[str, ...], tags: tuple[str, ...], source: str | None,
            star: bool) -> None:
    """Add the outcome of run N (a nested level-1 line 'outcome: TEXT' under its entry).

    N is the number 'reslog runs' shows, or 'last'. TEXT '-' reads standard
    input; further lines nest under the first.
    """
    log = log_of(click.get_current_context())
    today = context.now().date()
    bodies = ledger.outcome_lines(context.read_text(text), tags, source, star)  # before the run
    found = ledger.find(log, number, today)
    line = ledger.add_outcome(log, found, bodies, today)
    echo(f"Outcome of run {found.number}: {found.file}:{line}")
