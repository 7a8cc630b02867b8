"""What the fast-path commands do, free of click: capture, search and run.

Both the click commands (:mod:`capture_cmds`, :mod:`search_cmds`) and the
fast path (:mod:`fast`) call these functions with already-parsed options, so
there is one implementation of each command. Output goes through
:mod:`reslog.cli.style`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from reslog.capture import Capture, add_entry, add_thought, timed
from reslog.cli import context
from reslog.cli.options import ENTRY_COMMANDS, THOUGHT_COMMANDS
from reslog.cli.style import colour_on, echo, raw
from reslog.dates import check_near, format_elapsed, parse_date, parse_duration, parse_time
from reslog.errors import InputError, LogError
from reslog.model import SECTION_TITLES
from reslog.store import Log

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from reslog.index import Index, Progress, RefreshReport
    from reslog.runs.recorder import Recorded
    from reslog.search import Filters
    from reslog.semantic.setup import Semantic


def _day(on_date: str | None, today: dt.date, force: bool) -> dt.date:
    if on_date is None:
        return today
    return check_near(parse_date(on_date, today), today, force)


def capture(
    root: Path | str, command: str, words: Sequence[str], tags: Sequence[str] = (), source: str | None = None,
    star: bool = False, on_date: str | None = None, at: str | None = None, est: str | None = None,
    on: int | None = None, force: bool = False,
) -> None:
    """Run a capture command (did, exp, ..., todo, idea, reflect, think, feel)."""
    now = context.now()
    today = now.date()
    day = _day(on_date, today, force)
    time = parse_time(at) if at is not None else None
    text = context.read_text(tuple(words))
    time, text = timed(text, time)  # "09:30 exp: ..." is an experiment at 09:30
    log = Log(root)
    if command in THOUGHT_COMMANDS:
        kind = THOUGHT_COMMANDS[command]
        captured = add_thought(log, day, today, kind, Capture(text, None, tags, source, star, time), on)
        echo(f"{kind}: {captured.path}:{captured.line}")
        return
    section, entry_kind = ENTRY_COMMANDS[command]
    if time is None and section != "todo" and day == today:
        time = f"{now:%H:%M}"  # no time on another day's page, where now would be false
    estimate = parse_duration(est) if est is not None else None
    item = Capture(text, entry_kind, tags, source, star, time, estimate)
    captured = add_entry(log, day, today, section, item)
    echo(f"{SECTION_TITLES[section]}: {captured.path}:{captured.line}")
    if section == "todo" and day < today:
        _stays(log, day, today)


def _stays(log: Log, day: dt.date, today: dt.date) -> None:
    """Say so when a to-do written on a past day will never move to today's list: to-dos move
    only from the latest page before a new one (docs/format.md, section 8), and a page lies
    between that day and today. It stayed there without a word; the week page listed it waiting."""
    between = log.neighbours(day, until=today - dt.timedelta(days=1))[1]
    if between:
        echo(f"reslog: {day.isoformat()} is not your latest page, so this to-do stays on that day and "
             "does not move to today's list; 'reslog todo TEXT' puts it on today's", err=True)


# --- run ---


def run(
    root: Path | str, words: Sequence[str], reason: str | None = None, tags: Sequence[str] = (),
    source: str | None = None, star: bool = False,
) -> int:
    """Run ``reslog run``: record the command; return the status reslog exits with."""
    from reslog.runs.recorder import record

    done = record(Log(root), list(words), reason=reason, tags=tuple(tags), source=source, star=star,
                  clock=context.now)
    report_run(done)
    return done.code


def report_run(done: Recorded) -> None:
    """One line on stderr: how the run ended and where it is recorded."""
    how = f"exit {done.exit}" if done.status != "killed" else done.exit
    echo(f"reslog: run {done.status} ({how}, {format_elapsed(done.duration)}): {done.page}:{done.line}, "
         f"output in {done.folder}/", err=True)
    if done.problem:
        echo(f"reslog: {done.problem}", err=True)


def settle_lost_runs(root: Path | str) -> None:
    """Mark ``lost`` the runs whose reslog died (:mod:`reslog.runs.lost`): before every command
    that reads the log. A problem here is a notice; the command still runs."""
    from reslog.errors import ReslogError
    from reslog.runs.lost import reconcile

    try:
        settled = reconcile(Log(root), context.now().date())
    except (ReslogError, OSError) as exc:
        echo(f"reslog: could not check for lost runs: {exc}", err=True)
        return
    for folder in settled:
        echo(f"reslog: the run in {folder} ended without its reslog (killed?): marked lost", err=True)


# --- search ---

_BAR_FROM = 20  # pages to read before a progress bar is worth drawing


@contextmanager
def progress_bar(label: str) -> Iterator[Progress]:
    """A progress callback that draws a bar on stderr once there is enough to do."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < _BAR_FROM or not colour_on(err=True):  # a bar only on a terminal, never in a pipe
            return
        if "bar" not in state:
            import sys

            import click  # only when there is a bar to draw

            state["bar"] = click.progressbar(length=total, label=label, file=raw(sys.stderr))
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
    from reslog.index import Index

    index = Index(log)
    with progress_bar("Indexing the log") as update:
        report = index.refresh(update)
    notices(index, report)
    return index


def notices(index: Index, report: RefreshReport) -> None:
    """Say that a first index was built. (A recovery, a skipped page, an unreadable field, a
    read-only log: the index says those itself, as notices, whatever the command.)"""
    from reslog.index import NO_INDEX_YET

    if report.rebuilt_because == NO_INDEX_YET and not index.temporary:
        echo(f"reslog: rebuilt the index: {report.rebuilt_because}.", err=True)


def _never_there(index: Index, filters: Filters) -> str:
    """Why a search with a --kind or --tag found nothing, when the whole log has none of them."""
    from reslog.search import never_there

    found = never_there(index, filters)
    if found is None:
        return ""
    what, which = found
    return (f"{what}; leave out --kind to search every entry." if which == "kind" else
            f"{what}; see 'reslog tags' for the tags it has.")


def semantic(index: Index, mode: str | None = None) -> Semantic:
    """Semantic search for a command, with the vectors the log has (it never waits for more);
    its hint or how much of the log it covers, if not all, on stderr."""
    from reslog.semantic.setup import prepare

    found = prepare(index, mode=mode)
    for line in (found.hint, found.notice):
        if line:
            echo(f"reslog: {line}", err=True)
    return found


def search(
    root: Path | str, words: Sequence[str], kind: str | None = None, tag: str | None = None,
    section: str | None = None, level: int | None = None, source: str | None = None,
    starred: bool = False, open_: bool = False, since: str | None = None, until: str | None = None,
    limit: int | None = None, mode: str | None = None, as_json: bool = False, full: bool = False,
) -> None:
    """Run ``reslog search``."""
    from reslog.dates import parse_range
    from reslog.search import Filters, did_you_mean, listing, scoped, total, typed_query
    from reslog.search import search as run_search

    today = context.now().date()
    filters = Filters(
        kind, tag, section, level, source, starred, open_,
        parse_range(since, today)[0] if since is not None else None,
        parse_range(until, today)[1] if until is not None else None,
    )
    scope, text, filters = scoped(" ".join(words), today, filters)
    settle_lost_runs(root)
    if scope is not None:
        echo(f"reslog: time scope: {scope.label}", err=True)
    query = typed_query(text)
    is_listing = query.match is None
    limit = limit or (50 if is_listing else 20)
    with fresh_index(Log(root)) as index:
        if is_listing:
            hits = listing(index, filters, limit, exclude=query.exclude)
            matched = total(index, text, filters) if not as_json else len(hits)
        else:
            found = semantic(index, mode)
            chosen = mode or found.settings.search_mode
            if chosen == "semantic" and not found.on:
                if mode is None:  # the setting asked for it, not the command line
                    raise LogError("search.mode = 'semantic' in reslog.toml needs embeddings, which this "
                                   "log does not have; set search.mode to 'hybrid' or 'keyword', or see "
                                   "the line above")
                raise InputError("--mode semantic needs embeddings, which this log does not have yet; "
                                 "use --mode keyword, or see the line above")
            if chosen != "keyword" and found.backend is not None:
                # with part of the log embedded, or none of it yet: keyword ranking (any of the
                # words, best first) and meaning where there are vectors
                from reslog.semantic import hybrid

                hits, matched = hybrid.results(index, text, filters, limit, chosen, found.backend,
                                               found.vectors)
            else:
                hits = run_search(index, text, filters, limit)
                matched = total(index, text, filters) if not as_json else len(hits)
        empty = "" if hits else (_never_there(index, filters) or did_you_mean(index, query.words))
    if as_json:
        import json

        echo(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=1))
        return
    if not hits:
        hint = empty or ("Try fewer words, or a prefix*." if text.strip() else "")
        echo("No entries match." + (f" {hint}" if hint else ""))
        return
    from reslog.cli.results import render

    echo("\n".join(render(hits, query.words, matched, limit, full, is_listing, kind=filters.kind)))
