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
from reslog.errors import notify
from reslog.index import Index
from reslog.model import rating_problem, week_rating
from reslog.search import Filters, Hit, listing, tasks
from reslog.store import Log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

_WEEK_FILE = re.compile(r"^(\d{4})-W(\d{2})\.md$")


class Data:
    """The entries an analysis looks at, and the day it is run.

    :attr:`todos` (every to-do with its deferred copies: tens of thousands on a
    log that carries a long backlog) and :attr:`added_copies` are read from the
    index when first asked for, so the analyses that do not need them do not pay.
    """

    def __init__(self, log: Log, entries: list[Hit], todos: list[Hit] | None, ratings: dict[str, int],
                 today: dt.date, since: dt.date | None = None, until: dt.date | None = None,
                 tag: str | None = None) -> None:
        self.log: Final = log
        self.entries: Final = entries
        self._todos = todos
        self._added: list[Hit] | None = None
        self.ratings: Final = ratings
        self.today: Final = today
        self.since: Final = since
        self.until: Final = until
        self.tag: Final = tag

    @property
    def filters(self) -> Filters:
        return Filters(tag=self.tag, since=self.since, until=self.until)

    @property
    def todos(self) -> list[Hit]:
        """Every to-do in scope, deferred ``[>]`` copies included, in date order."""
        if self._todos is None:
            with Index(self.log) as index:  # load() has refreshed it
                self._todos = tasks(index, self.filters)
        return self._todos

    @property
    def added_copies(self) -> list[Hit]:
        """The ``[>]`` copies on the pages where their to-dos were added (no ``carried`` field):
        what :func:`reslog.counts.count` needs besides the entries."""
        if self._added is None:
            if self._todos is not None:
                self._added = [t for t in self._todos if t.state == ">" and t.carried is None]
            else:
                with Index(self.log) as index:
                    self._added = tasks(index, self.filters, first_copies=True)
        return self._added


def load(log: Log, today: dt.date, since: dt.date | None = None, until: dt.date | None = None,
         tag: str | None = None) -> Data:
    """Everything in scope, read through a fresh index (the to-dos when first asked for)."""
    filters = Filters(tag=tag, since=since, until=until)
    with Index(log) as index:
        index.refresh()
        entries = listing(index, filters)
    ratings = {
        week: rating for week, rating in week_ratings(log).items() if _week_in(week, since, until)
    }
    return Data(log, entries, None, ratings, today, since, until, tag)


def empty_range(data: Data) -> str | None:
    """What to say instead of a topic's figures when the range asked for holds no entry and no
    week rating, though the log has pages: each topic's own "no tagged entries in scope yet"
    read as if the log had none. A range that begins after today is told as such. None when the
    range holds something, when no range was asked for, or when the log has no page at all."""
    if data.entries or data.ratings or (data.since is None and data.until is None):
        return None
    days = data.log.days()
    if not days:
        return None
    tagged = f" tagged #{data.tag}" if data.tag else ""
    if data.since is not None and data.since > data.today:
        return (f"No entries{tagged}: the range begins on {data.since}, after today ({data.today}); "
                f"the log runs from {days[0]} to {days[-1]}.")
    if data.since is None:
        scope = f"up to {data.until}"
    else:
        scope = f"from {data.since} {'on' if data.until is None else f'to {data.until}'}"
    return f"No entries{tagged} {scope}; the log runs from {days[0]} to {days[-1]}."


def rendered(module: Any, data: Data, result: dict[str, Any]) -> list[str]:
    """A topic's terminal lines for ``result`` (``module.render``), or the one line of
    :func:`empty_range` when the range asked for holds nothing: the CLI, ``ask``, the web app and
    the MCP server say the same."""
    nothing = empty_range(data)
    return [nothing] if nothing else list(module.render(result))


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
        value = dict(page.front_matter).get("rating")
        rating = week_rating(value or "")
        if rating is not None:
            found[path.stem] = rating
        elif value is not None and value.strip():  # a hand edit: say so, as for an unreadable took
            notify(f"weeks/{path.parent.name}/{path.name}: {rating_problem(value)}")
    return found


#: The width the terminal lines of every topic fit, whatever the terminal: they go to pipes and
#: files as often as to a screen.
WIDTH = 80
#: At most this many citations per figure in ``--json``; ``citations_more`` counts the rest.
CITED = 10


def bounded(result: Any, limit: int = CITED) -> Any:
    """``result`` with every ``citations`` list cut to its first ``limit`` entries and a
    ``citations_more`` beside it saying how many more there were (0 when none were cut).
    Citations kept by key (``{"2026-11": {"w2s": [...]}}``) get a ``citations_more`` of the
    same shape.

    A figure of a ten-year log can rest on tens of thousands of entries; the
    JSON cites the first ones and says how many more, so that it stays readable
    and quick to write (citing everything took 14 s and tens of MB)."""
    if isinstance(result, dict):
        out: dict[str, Any] = {}
        for key, value in result.items():
            if key == "citations":
                out[key], out["citations_more"] = _cut(value, limit)
            elif key != "citations_more":
                out[key] = bounded(value, limit)
        return out
    if isinstance(result, list):
        return [bounded(item, limit) for item in result]
    return result


def _cut(citations: Any, limit: int) -> tuple[Any, Any]:
    """(the citations bounded, how many were left out), for a list or a dict of them."""
    if isinstance(citations, list) and citations and all(isinstance(item, list) for item in citations):
        pairs = [_cut(item, limit) for item in citations]  # one list per figure (habits' levels)
        return [kept for kept, _ in pairs], [more for _, more in pairs]
    if isinstance(citations, list):
        return [bounded(item, limit) for item in citations[:limit]], max(0, len(citations) - limit)
    if isinstance(citations, dict):
        cut = {key: _cut(value, limit) for key, value in citations.items()}
        return {key: kept for key, (kept, _) in cut.items()}, {key: more for key, (_, more) in cut.items()}
    return citations, 0


def cite(hit: Hit) -> dict[str, Any]:
    """How a figure cites an entry: its day, file, line and first line of text."""
    return {"date": hit.date, "file": hit.file, "line": hit.line, "text": hit.text.split("\n", 1)[0]}


def example(lead: str, cited: dict[str, Any]) -> str:
    """A cited entry as one terminal line of :data:`WIDTH` columns at most: ``lead``, the entry's
    first line without its fields, cut at a word, and where it is (``file:line``)."""
    from reslog.cells import cells, shorten

    where = f"  ({cited['file']}:{cited['line']})"
    return lead + shorten(markdown.strip_fields(cited["text"]), WIDTH - cells(lead) - cells(where),
                          words=True) + where


def iso_week(day: dt.date | str) -> str:
    """``2026-W48`` for a day."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
