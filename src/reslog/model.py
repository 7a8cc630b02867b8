"""The vocabulary of a research log: sections, kinds, levels, entries, pages.

Pure data, no I/O. A :class:`Page` is the parsed form of one Markdown file and
keeps every original line (with its own line ending) so that rendering it gives
back the exact bytes it came from; the structure (front matter, sections,
entries) is a read-only view over those lines. Edits are made by the functions
in :mod:`reslog.markdown`, which change only the lines they mean to.
"""

from __future__ import annotations

import re

from reslog.records import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Final

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

#: The sections of a week review page that are the researcher's own (``reslog week`` never
#: rewrites them; ``--redact reflection`` leaves them out): key -> (the heading reslog writes,
#: the headings a person may write, lower case, without a closing colon).
WEEK_OWN_SECTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "reflection": ("Reflection", frozenset({"reflection", "reflections"})),
    "focus": ("Next week's focus", frozenset({"next week's focus", "next week\u2019s focus", "next week"})),
}


def week_own_section(title: str) -> str | None:
    """The key of the researcher's own week-page section a ``##`` heading ``title`` opens, if any."""
    wanted = title.strip().rstrip(":").strip().lower()
    return next((key for key, (_, titles) in WEEK_OWN_SECTIONS.items() if wanted in titles), None)


#: The prompts of a week page's "prompts" block that quote the log's own words (written by
#: reslog.review: a phrase the week's bugs share, the to-do that waited longest), and where the
#: quote is: an export leaves such a prompt out when the entries it shows do not write them.
_QUOTING = re.compile(r"^- (?:\d+ bugs mention '(?P<phrase>.*)' this week: same cause\?"
                      r"|.* waited \d+\+ days \(longest: '(?P<task>.*)', \d+ days\): .*)$")
_QUOTED_WORD = re.compile(r"[a-z][a-z0-9'-]+")


#: The theme of a week page's "done" block that gathers the entries alike no other (a label no
#: entry writes: an export keeps it as it is).
NO_SHARED_THEME = "No shared theme"

#: Lines of a week page's generated blocks that quote an entry (written by
#: reslog.review.render_blocks): a timed to-do, a to-do that waits, an idea or an entry of What
#: was done under its theme.
_THEMED = re.compile(r"^  - (?P<quote>.+) \(\[\[[\d-]+\]\](?:, from .*)?\)$")
_QUOTING_ENTRY = {
    "time": re.compile(r"^  - (?P<quote>.+): est .+, took .+ \(\[\[[\d-]+\]\]\)$"),
    "waiting": re.compile(r"^- (?P<quote>.+): (?:waiting \d+ days, since \[\[[\d-]+\]\]"
                          r"|waited \d+ days, since \[\[[\d-]+\]\]; (?:done|dropped) \[\[[\d-]+\]\])$"),
    "ideas": _THEMED,
    "done": _THEMED,
}


def quoted_entry(block: str | None, line: str) -> str | None:
    """The entry a line of the generated ``block`` of a week page quotes (its first line, without
    kind and fields, as the block writes it), None for a line that quotes none."""
    pattern = _QUOTING_ENTRY.get(block or "")
    match = pattern.match(line) if pattern is not None else None
    return None if match is None else match["quote"]


def week_rating(value: str) -> int | None:
    """A week page's ``rating:`` (front matter) as a number, if it is a whole number from 1 to 5."""
    value = value.strip()
    return int(value) if value.isdigit() and 1 <= int(value) <= 5 else None


def rating_problem(value: str) -> str:
    """Why a ``rating:`` that :func:`week_rating` cannot read counts as none, and what to do."""
    return (f"rating {value.strip()!r} is not a whole number from 1 to 5 and counts as no rating; "
            "fix it, or rate the week with 'reslog week WEEK --rate N'")


def quoted_words(prompt: str) -> set[str] | None:
    """The words of the log a line of a week page's prompts block quotes (lower case), None for a
    prompt that quotes nothing."""
    match = _QUOTING.match(prompt)
    if match is None:
        return None
    return set(_QUOTED_WORD.findall((match.group("phrase") or match.group("task") or "").lower()))


#: Kind words that may open an entry's text (``exp: ...``).
KINDS: tuple[str, ...] = ("exp", "bug", "fix", "read", "thought", "feel", "decision", "result")
#: Kinds that record thinking rather than facts: level 1.
THINKING_KINDS: frozenset[str] = frozenset({"thought", "feel", "decision"})
#: Labels of a nested line that still open reasoning (``reason:``, ``outcome:`` of a run), where
#: other labels (``cmd:``, ``config:``, ``seeds:``) record a detail of the fact: level 0, not 1.
REASONING_LABELS: frozenset[str] = frozenset({
    "reason", "outcome", "why", "idea", "hypothesis", "question", "critique", "lesson", "takeaway", "insight",
})

#: Task states, as the character between the brackets of ``- [ ]``.
OPEN, DONE, DEFERRED, DROPPED = " ", "x", ">", "-"
TASK_STATES: dict[str, str] = {OPEN: "open", DONE: "done", DEFERRED: "deferred", DROPPED: "dropped"}

STAR = "★"

#: The value of a ``[key:: value]`` field (docs/format.md §4.6): up to the first ``]``, and never
#: across the start of another field (``[est:: 2h [took:: 5m]`` holds a ``took``), so that a line
#: is read in time proportional to its length however many unclosed fields it holds; a ``[`` that
#: starts no field is part of the value (``[from:: Smith [2020]``).
FIELD_VALUE = r"(?:[^\[\]]|\[(?![\w][\w .-]*?::))*"
#: A ``[key:: value]`` field: its key and its value, trimmed of spaces and tabs.
FIELD_PATTERN = re.compile(r"\[([\w][\w .-]*?)::[ \t]*(" + FIELD_VALUE + r"?)[ \t]*\]")


class Entry(Record):
    """One list item of a page and the nested items that belong to it.

    ``index``/``end`` delimit the item's lines in :attr:`Page.lines` (0-based,
    end exclusive); ``line`` is the 1-based line number people and citations use.
    ``text`` is the first line's text after the checkbox, time and kind.
    """

    __slots__ = ("children", "depth", "end", "fields", "heading", "index", "kind", "level", "section",
                 "starred", "state", "tags", "text", "time")
    section: Final[str | None]
    heading: Final[str | None]
    index: Final[int]
    end: Final[int]
    depth: Final[int]
    state: Final[str | None]
    time: Final[str | None]
    kind: Final[str | None]
    text: Final[str]
    tags: Final[tuple[str, ...]]
    fields: Final[tuple[tuple[str, str], ...]]
    starred: Final[bool]
    level: Final[int]
    children: Final[tuple[Entry, ...]]

    def __init__(
        self, section: str | None, heading: str | None, index: int, end: int, depth: int,
        state: str | None, time: str | None, kind: str | None, text: str, tags: tuple[str, ...],
        fields: tuple[tuple[str, str], ...], starred: bool, level: int, children: tuple[Entry, ...] = (),
    ) -> None:
        self.section = section
        self.heading = heading
        self.index = index
        self.end = end
        self.depth = depth
        self.state = state
        self.time = time
        self.kind = kind
        self.text = text
        self.tags = tags
        self.fields = fields
        self.starred = starred
        self.level = level
        self.children = children

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


class Section(Record):
    """A ``## heading`` and what follows it up to the next one (``index`` is the heading line)."""

    __slots__ = ("end", "entries", "index", "key", "title")
    key: Final[str | None]
    title: Final[str]
    index: Final[int]
    end: Final[int]
    entries: Final[tuple[Entry, ...]]

    def __init__(self, key: str | None, title: str, index: int, end: int, entries: tuple[Entry, ...]) -> None:
        self.key = key
        self.title = title
        self.index = index
        self.end = end
        self.entries = entries


class Page(Record):
    """A parsed page. ``lines`` hold the text exactly, each with its own line ending."""

    __slots__ = ("body_start", "bom", "front_matter", "lines", "preamble", "sections", "title", "unclosed")
    bom: Final[bool]
    lines: Final[tuple[str, ...]]
    front_matter: Final[tuple[tuple[str, str], ...]]
    title: Final[str | None]
    preamble: Final[tuple[Entry, ...]]
    sections: Final[tuple[Section, ...]]
    #: (index of its first line, the line that would close it) when the text ends
    #: inside an unclosed code fence or HTML comment; None otherwise.
    unclosed: Final[tuple[int, str] | None]
    #: Index of the first line after the front matter (0 when there is none).
    body_start: Final[int]

    def __init__(
        self, bom: bool, lines: tuple[str, ...], front_matter: tuple[tuple[str, str], ...] = (),
        title: str | None = None, preamble: tuple[Entry, ...] = (), sections: tuple[Section, ...] = (),
        unclosed: tuple[int, str] | None = None, body_start: int = 0,
    ) -> None:
        self.bom = bom
        self.lines = lines
        self.front_matter = front_matter
        self.title = title
        self.preamble = preamble
        self.sections = sections
        self.unclosed = unclosed
        self.body_start = body_start

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
