"""The tags and projects of the log: how many entries carry each, and when each was last used.

A *project* is the top level of a tag (``#w2s/sweep`` belongs to ``w2s``), as
``reslog stats focus`` reads it. Entries are counted as every view counts them
(docs/format.md, section 15): top-level entries, a carried to-do once (its
``[>]`` copies left out), an entry's nested lines with it; an entry counts once
for a tag however often it carries it. Tags keep their case, but ``#W2S`` and
``#w2s`` are one tag (search finds them both); it is shown as most entries
write it.
"""

from __future__ import annotations

from reslog.index import Index
from reslog.records import Record
from reslog.search import Filters

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final


class TagUse(Record):
    """A tag (or project), the entries that carry it, and the first and last day it was used."""

    __slots__ = ("entries", "first", "last", "name")
    name: Final[str]
    entries: Final[int]
    first: Final[str]
    last: Final[str]

    def __init__(self, name: str, entries: int, first: str, last: str) -> None:
        self.name = name
        self.entries = entries
        self.first = first
        self.last = last


def _uses(index: Index, filters: Filters | None, name_of: Callable[[str], str]) -> list[TagUse]:
    where, args = (filters or Filters()).sql()
    found: dict[str, tuple[dict[str, int], int, str, str]] = {}
    for tags, day in index.db.execute(f"SELECT e.tags, e.day FROM entries e WHERE {where}", args):
        names = {name.lower(): name for name in map(name_of, tags.split())}  # once per entry
        for folded, name in names.items():
            spellings, count, first, last = found.get(folded, ({}, 0, day, day))
            spellings[name] = spellings.get(name, 0) + 1
            found[folded] = (spellings, count + 1, min(first, day), max(last, day))
    uses = [TagUse(max(spellings, key=lambda s: (spellings[s], s)), count, first, last)
            for spellings, count, first, last in found.values()]
    return sorted(uses, key=lambda use: (-use.entries, use.name.lower()))


def tags(index: Index, filters: Filters | None = None) -> list[TagUse]:
    """Every tag, the most used first."""
    return _uses(index, filters, lambda tag: tag)


def projects(index: Index, filters: Filters | None = None) -> list[TagUse]:
    """Every project (the top level of the tags), the most used first."""
    return _uses(index, filters, lambda tag: tag.split("/", 1)[0])


__all__ = ["TagUse", "projects", "tags"]
