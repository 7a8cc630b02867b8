"""The counts every view shows, defined once (docs/format.md, section 15).

The week page, ``reslog week``, ``reslog stats weeks``, ``reslog stats habits``
and the html export's index all count with :func:`count`, so a week has one
number of entries wherever it is shown:

- **entries**: the top-level entries of the day pages, notes and to-dos alike;
  a carried to-do counts once, on the page of its latest copy (the ``[>]``
  copies it leaves behind are not entries). Nested lines belong to their
  entry and are not counted apart;
- **notes** and **to-dos**: the entries that are not to-dos, and those that are;
- by kind: **experiments** (``exp:``), **papers read** (``read:``), **bugs**
  (``bug:``), ...; **ideas**: the notes of *Random ideas*; **reflections**:
  the notes of *Reflection*;
- **to-dos added** (without a ``carried`` field: on the page where they were
  written), **done** (``[x]``) and **dropped** (``[-]``);
- **days logged**: the days whose page holds an entry written that day: a
  note, or a to-do added, done or dropped there. A page holding only to-dos
  carried into it (as ``reslog today`` makes it) is not a logged day.

Give :func:`count` the entries with the ``[>]`` copies too
(:func:`reslog.search.listing` plus the deferred ones of
:func:`reslog.search.tasks`): the copies are not entries, but the first of
them is where its to-do was added, which makes the to-dos added and the days
logged exact. :func:`deferred` counts the to-dos put off from the pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from reslog.model import DEFERRED, DONE, DROPPED, FIELD_PATTERN
from reslog.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from typing import Final

    from reslog.search import Hit

#: The kinds counted by name, and the labels every view gives them.
KIND_LABELS = {"exp": "experiments", "read": "papers read", "bug": "bugs"}
_FINISHED = (DONE, "X", DROPPED)


class Counts(Record):
    """The counts of a list of entries (see the module's docstring)."""

    __slots__ = ("by_kind", "days", "entries", "ideas", "notes", "reflections", "starred", "todos",
                 "todos_added", "todos_done", "todos_dropped")
    entries: Final[int]
    notes: Final[int]
    todos: Final[int]
    #: Notes by kind, ``note`` for notes without one.
    by_kind: Final[dict[str, int]]
    ideas: Final[int]
    reflections: Final[int]
    starred: Final[int]
    todos_added: Final[int]
    todos_done: Final[int]
    todos_dropped: Final[int]
    #: The days logged, as ISO dates, in order.
    days: Final[list[str]]

    def __init__(self, entries: int, notes: int, todos: int, by_kind: dict[str, int], ideas: int,
                 reflections: int, starred: int, todos_added: int, todos_done: int, todos_dropped: int,
                 days: list[str]) -> None:
        self.entries = entries
        self.notes = notes
        self.todos = todos
        self.by_kind = by_kind
        self.ideas = ideas
        self.reflections = reflections
        self.starred = starred
        self.todos_added = todos_added
        self.todos_done = todos_done
        self.todos_dropped = todos_dropped
        self.days = days

    @property
    def days_logged(self) -> int:
        return len(self.days)

    @property
    def experiments(self) -> int:
        return self.by_kind.get("exp", 0)

    @property
    def papers(self) -> int:
        return self.by_kind.get("read", 0)

    @property
    def bugs(self) -> int:
        return self.by_kind.get("bug", 0)


def written_that_day(hit: Hit) -> bool:
    """Whether an entry (or ``[>]`` copy) was written on its own page: a note, or a to-do added,
    done or dropped there."""
    return hit.state is None or hit.carried is None or hit.state in _FINISHED


def count(hits: Iterable[Hit], today: dt.date | None = None) -> Counts:
    """The counts of these entries; ``[>]`` copies among them count only where their to-do was added.
    A day after ``today`` is not a day logged: a to-do planned on tomorrow's page was written today
    (a week in progress said "Days logged: 7 of 7" on its Saturday)."""
    entries = notes = ideas = reflections = starred = added = done = dropped = 0
    kinds: dict[str, int] = {}
    days: set[str] = set()
    last = "9999-12-31" if today is None else today.isoformat()
    for hit in hits:
        if written_that_day(hit) and hit.date <= last:
            days.add(hit.date)
        if hit.state is not None and hit.carried is None:
            added += 1
        if hit.state == DEFERRED:
            continue
        entries += 1
        starred += hit.starred
        if hit.state is None:
            notes += 1
            kind = hit.kind or "note"
            kinds[kind] = kinds.get(kind, 0) + 1
            ideas += hit.section == "ideas"
            reflections += hit.section == "reflection"
            continue
        done += hit.state in (DONE, "X")
        dropped += hit.state == DROPPED
    return Counts(entries, notes, entries - notes, dict(sorted(kinds.items())), ideas, reflections, starred,
                  added, done, dropped, sorted(days))


def deferred(todos: Iterable[Hit]) -> int:
    """How many to-dos were put off from these pages: their ``[>]`` copies, one per to-do."""
    return len({chain(hit) for hit in todos if hit.state == DEFERRED})


def chain(todo: Hit) -> tuple[str, str]:
    """What every copy of a to-do along its carry chain shares: the day it was first written and
    its first line's words without fields."""
    words = " ".join(FIELD_PATTERN.sub(" ", todo.text.split("\n", 1)[0]).split()).lower()
    return todo.carried or todo.date, words


__all__ = ["KIND_LABELS", "Counts", "chain", "count", "deferred", "written_that_day"]
