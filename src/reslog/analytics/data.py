"""What every analysis reads: the entries in scope, the to-dos, the week ratings, citations.

Analyses never print and never write: they take a :class:`Data` and return
plain data. Entries come from the index (always fresh); a carried to-do's
deferred copies (``[>]``) are left out of :attr:`Data.entries`, because the
last copy holds the whole story (its ``took`` adds up along the chain), but
they are in :attr:`Data.todos` for analyses of waiting and deferral.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from reslog import markdown
from reslog.index import Index
from reslog.records import Record
from reslog.search import Filters, Hit, listing, tasks
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

_WEEK_FILE = re.compile(r"^(\d{4})-W(\d{2})\.md$")


class Data(Record):
    """The entries an analysis looks at, and the day it is run."""

    __slots__ = ("entries", "log", "ratings", "since", "tag", "today", "todos", "until")
    log: Final[Log]
    entries: Final[list[Hit]]
    todos: Final[list[Hit]]
    ratings: Final[dict[str, int]]
    today: Final[dt.date]
    since: Final[dt.date | None]
    until: Final[dt.date | None]
    tag: Final[str | None]

    def __init__(self, log: Log, entries: list[Hit], todos: list[Hit], ratings: dict[str, int],
                 today: dt.date, since: dt.date | None = None, until: dt.date | None = None,
                 tag: str | None = None) -> None:
        self.log = log
        self.entries = entries
        self.todos = todos
        self.ratings = ratings
        self.today = today
        self.since = since
        self.until = until
        self.tag = tag


def load(log: Log, today: dt.date, since: dt.date | None = None, until: dt.date | None = None,
         tag: str | None = None) -> Data:
    """Everything in scope, read through a fresh index."""
    filters = Filters(tag=tag, since=since, until=until)
    with Index(log) as index:
        index.refresh()
        entries = listing(index, filters)
        todos = tasks(index, filters)
    ratings = {
        week: rating for week, rating in week_ratings(log).items() if _week_in(week, since, until)
    }
    return Data(log, entries, todos, ratings, today, since, until, tag)


def _week_in(week: str, since: dt.date | None, until: dt.date | None) -> bool:
    """Whether an ISO week (``2026-W48``) overlaps the scope."""
    monday = dt.date.fromisocalendar(int(week[:4]), int(week[6:8]), 1)
    return (since is None or monday + dt.timedelta(days=6) >= since) and (until is None or monday <= until)


def week_ratings(log: Log) -> dict[str, int]:
    """``{"2026-W48": 4, ...}`` from the ``rating:`` in the front matter of the week pages."""
    found: dict[str, int] = {}
    root = log.root / "weeks"
    if not root.is_dir():
        return found
    for path in sorted(root.glob("*/*.md")):
        match = _WEEK_FILE.match(path.name)
        if match is None or match.group(1) != path.parent.name:
            continue
        try:
            page = markdown.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        value = dict(page.front_matter).get("rating", "").strip()
        if value.isdigit() and 1 <= int(value) <= 5:
            found[path.stem] = int(value)
    return found


def cite(hit: Hit) -> dict[str, Any]:
    """How a figure cites an entry: its day, file, line and first line of text."""
    return {"date": hit.date, "file": hit.file, "line": hit.line, "text": hit.text.split("\n", 1)[0]}


def iso_week(day: dt.date | str) -> str:
    """``2026-W48`` for a day."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
