"""The demo log: four weeks of a researcher's pages ending today, to try reslog on.

The pages come from :mod:`reslog.sample`, so they are exactly what the tool
would have written, and they are written the way the tool writes: under the
log's lock, each page atomically. A folder that already holds pages is
refused, so the demo never overwrites a real log.

The generator is seeded; the demo takes the first seed whose four weeks show
every kind of item and a page for yesterday (so ``reslog show yesterday``
works; the calendar shifts the outcome, so a fixed seed could miss one for
some ``today``). Today's page holds only what has happened by the time the
demo is made: entries timed later are left out. The result depends only on
``today`` and that time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reslog import markdown
from reslog.dates import field_minutes, parse_duration
from reslog.errors import LogError
from reslog.model import DONE, DROPPED, OPEN, Page
from reslog.sample import generate_days
from reslog.store import Log

DEMO_DAYS = 28
_DEFAULT_NAME = "reslog-demo"
_KINDS = ("exp", "result", "bug", "fix", "read", "decision", "thought")


def default_folder(cwd: Path) -> Path:
    """``reslog-demo`` in ``cwd``, or ``reslog-demo-2``, ``-3``, ... whichever does not exist."""
    candidate = cwd / _DEFAULT_NAME
    n = 2
    while candidate.exists():
        candidate = cwd / f"{_DEFAULT_NAME}-{n}"
        n += 1
    return candidate


def demo_pages(today: dt.date, now: str = "23:59") -> list[tuple[dt.date, str]]:
    """The demo's pages, oldest first: ``DEMO_DAYS`` days ending ``today``, minus gaps; on
    today's page, nothing timed after ``now`` (``HH:MM``)."""
    start = today - dt.timedelta(days=DEMO_DAYS - 1)
    for seed in range(1, 200):
        pages = list(generate_days(start, today, seed))
        pages[-1] = (today, _until(pages[-1][1], now))
        if not _missing(pages, today):
            return pages
    raise AssertionError(f"no seed gives a complete demo for {today}")  # pragma: no cover


def _until(text: str, now: str) -> str:
    """The page without its entries timed after ``now`` (with their nested lines), and with the
    to-dos done that took longer than the day has lasted open again (a demo made at 00:38 had
    to-dos done today that took 6h15m)."""
    page = markdown.parse(text)
    elapsed = parse_duration(now)  # "00:38" read as 38 minutes: the day so far
    for task in page.tasks():
        took = field_minutes(task.field("took"))
        if task.state == DONE and took is not None and took > elapsed:
            reopened = markdown.set_state(markdown.line_body(page, task.index), OPEN)
            body = markdown.remove_field(reopened, "took")
            page = markdown.replace_line(page, task.index, body)
    later = [(e.index, e.end) for e in page.entries() if not e.is_task and e.time and e.time > now]
    return "".join(line for i, line in enumerate(page.lines) if not any(a <= i < b for a, b in later))


def _missing(pages: Sequence[tuple[dt.date, str]], today: dt.date) -> list[str]:
    """What the demo should show but these pages lack (empty when they have it all)."""
    parsed: list[tuple[dt.date, Page]] = [(day, markdown.parse(text)) for day, text in pages]
    entries = [e for _, page in parsed for e in page.entries()]
    children = [c for e in entries for c in e.children]
    tasks = [e for e in entries if e.is_task]
    checks = {
        "a gap": len(pages) < DEMO_DAYS,
        "today's page": pages[-1][0] == today,
        "yesterday's page": len(pages) > 1 and pages[-2][0] == today - dt.timedelta(days=1),
        "nested thoughts": any(c.kind == "thought" for c in children),
        "nested feelings": any(c.kind == "feel" for c in children),
        "ideas with a source": any(e.section == "ideas" and e.field("from") for e in entries),
        "papers with a source": any(e.kind == "read" and e.field("from") for e in entries),
        "a reflection": any(e.section == "reflection" for e in entries),
        "a star": any(e.starred for e in entries),
        "a nested tag": any("/" in t for e in entries for t in e.tags),
        "a NaN-loss bug (the README's search by meaning)": any(
            e.kind == "bug" and "NaN" in e.text for e in entries),
        "estimates and actual times": any(e.field("est") and e.field("took") for e in tasks),
        "a dropped to-do": any(e.state == DROPPED for e in tasks),
        "a done to-do": any(e.state == DONE for e in tasks),
        "open to-dos today": any(e.is_open for e in parsed[-1][1].tasks()),
        "a to-do waiting 3+ days today": any(
            e.is_open and (e.field("carried") or "9999") <= str(today - dt.timedelta(days=3))
            for e in parsed[-1][1].tasks()
        ),
    }
    checks.update({f"{kind} entries": any(e.kind == kind for e in entries) for kind in _KINDS})
    return [name for name, present in checks.items() if not present]


def write_demo(folder: Path | None, today: dt.date, now: str = "23:59") -> Path:
    """Write the demo log into ``folder`` (default: a new ``./reslog-demo...``), today's page as
    it stands at ``now`` (``HH:MM``); return the folder.

    Raises :class:`LogError` if the folder already holds pages.
    """
    root = folder if folder is not None else default_folder(Path.cwd())
    log = Log(root)
    _refuse_existing(log)
    pages = demo_pages(today, now)
    with log.locked():
        _refuse_existing(log)  # again, now that no other writer can add pages
        for day, text in pages:
            log.write_page(log.day_path(day), markdown.parse(text))
    return root


def _refuse_existing(log: Log) -> None:
    if log.root.exists() and not log.root.is_dir():
        raise LogError(f"{log.root} is a file, not a folder; give the demo a new folder name")
    if log.days():
        raise LogError(
            f"{log.root} already holds a log (pages in {log.root / 'days'}) and the demo never "
            "writes over one; name a new folder, or run 'reslog demo' to make one here"
        )


__all__ = ["DEMO_DAYS", "default_folder", "demo_pages", "write_demo"]
