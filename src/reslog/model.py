"""The vocabulary of a research log: sections, kinds, levels, entries, pages.

Pure data, no I/O. A :class:`Page` is the parsed form of one Markdown file and
keeps every original line (with its own line ending) so that rendering it gives
back the exact bytes it came from; the structure (front matter, sections,
entries) is a read-only view over those lines. Edits are made by the functions
in :mod:`reslog.markdown`, which change only the lines they mean to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Section keys in the order a day page lists them, with the headings the tool writes.
SECTION_TITLES: dict[str, str] = {
    "todo": "What to do next",
    "done": "What was done",
    "ideas": "Random ideas",
    "reflection": "Reflection",
}
SECTION_ORDER: tuple[str, ...] = tuple(SECTION_TITLES)

#: Other headings a person may write by hand for the same sections (lower case).
SECTION_ALIASES: dict[str, str] = {
    "what to do next": "todo",
    "to do": "todo",
    "todo": "todo",
    "to-do": "todo",
    "next": "todo",
    "what was done": "done",
    "done": "done",
    "log": "done",
    "random ideas": "ideas",
    "ideas": "ideas",
    "reflection": "reflection",
    "reflections": "reflection",
}

#: Kind words that may open an entry's text (``exp: ...``).
KINDS: tuple[str, ...] = ("exp", "bug", "fix", "read", "thought", "feel", "decision", "result")
#: Kinds that record thinking rather than facts: level 1.
THINKING_KINDS: frozenset[str] = frozenset({"thought", "feel", "decision"})

#: Task states, as the character between the brackets of ``- [ ]``.
OPEN, DONE, DEFERRED, DROPPED = " ", "x", ">", "-"
TASK_STATES: dict[str, str] = {OPEN: "open", DONE: "done", DEFERRED: "deferred", DROPPED: "dropped"}

STAR = "★"


@dataclass(frozen=True)
class Entry:
    """One list item of a page and the nested items that belong to it.

    ``index``/``end`` delimit the item's lines in :attr:`Page.lines` (0-based,
    end exclusive); ``line`` is the 1-based line number people and citations use.
    ``text`` is the first line's text after the checkbox, time and kind.
    """

    section: str | None
    heading: str | None
    index: int
    end: int
    depth: int
    state: str | None
    time: str | None
    kind: str | None
    text: str
    tags: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    starred: bool
    level: int
    children: tuple[Entry, ...] = ()

    @property
    def line(self) -> int:
        return self.index + 1

    @property
    def is_task(self) -> bool:
        return self.state is not None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    def field(self, key: str) -> str | None:
        """The value of the last ``[key:: value]`` on the entry's first line."""
        for k, v in reversed(self.fields):
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class Section:
    """A ``## heading`` and what follows it up to the next one (``index`` is the heading line)."""

    key: str | None
    title: str
    index: int
    end: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Page:
    """A parsed page. ``lines`` hold the text exactly, each with its own line ending."""

    bom: bool
    lines: tuple[str, ...]
    front_matter: tuple[tuple[str, str], ...] = ()
    title: str | None = None
    preamble: tuple[Entry, ...] = ()
    sections: tuple[Section, ...] = field(default=())
    #: (index of its first line, the line that would close it) when the text ends
    #: inside an unclosed code fence or HTML comment; None otherwise.
    unclosed: tuple[int, str] | None = None
    #: Index of the first line after the front matter (0 when there is none).
    body_start: int = 0

    @property
    def newline(self) -> str:
        """The line ending this page uses (that of its first line), ``\\n`` if none."""
        for line in self.lines:
            stripped = line.rstrip("\r\n")
            if stripped != line:
                return line[len(stripped):]
        return "\n"

    def section(self, key: str) -> Section | None:
        for section in self.sections:
            if section.key == key:
                return section
        return None

    def entries(self) -> list[Entry]:
        """Top-level entries of the whole page in file order."""
        found = list(self.preamble)
        for section in self.sections:
            found.extend(section.entries)
        return found

    def tasks(self) -> list[Entry]:
        """Top-level to-dos in file order; their position in this list (1-based) is their number."""
        return [e for e in self.entries() if e.is_task]

    def notes(self) -> list[Entry]:
        """Top-level entries that are not to-dos; numbered like tasks, for ``think --on N``."""
        return [e for e in self.entries() if not e.is_task]
