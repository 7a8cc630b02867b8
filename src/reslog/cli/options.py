"""The options of the commands that have a fast path, declared once.

``reslog did ...`` and ``reslog search ...`` are typed many times a day, so
they skip click: :mod:`reslog.cli.fast` parses them from these tables, and
the click commands that give them ``--help``, completion and usage errors are
built from the same tables, so the two can never disagree.
"""

from __future__ import annotations

from reslog.model import KINDS, SECTION_ORDER
from reslog.settings import MODES


class Opt:
    """One option: its names, where its value goes, and how it is read."""

    __slots__ = ("choices", "dest", "flag", "help", "maximum", "metavar", "minimum", "multiple", "names",
                 "number")

    def __init__(
        self, names: tuple[str, ...], dest: str, help: str, metavar: str | None = None,
        flag: bool = False, multiple: bool = False, number: bool = False,
        choices: tuple[str, ...] | None = None, minimum: int | None = None, maximum: int | None = None,
    ) -> None:
        self.names, self.dest, self.help, self.metavar = names, dest, help, metavar
        self.flag, self.multiple, self.number, self.choices = flag, multiple, number, choices
        self.minimum, self.maximum = minimum, maximum


CAPTURE = (
    Opt(("--force",), "force", "Write on a --date more than a year from today (not a year typo).",
        flag=True),
    Opt(("-t", "--tag"), "tags", "Add #TAG (repeatable; nested tags as proj/sub).", "TAG", multiple=True),
    Opt(("--from",), "source", "Where it came from: [from:: SOURCE] (paper, chat with X, ...).", "SOURCE"),
    Opt(("--star",), "star", "Mark it as what mattered most (★).", flag=True),
    Opt(("--date",), "on_date", "Write on another day: YYYY-MM-DD, yesterday, 'last friday'.", "DATE"),
    Opt(("--time",), "at", "The time to record (default: now, on today's page).", "HH:MM"),
)
THOUGHT = (
    *CAPTURE,
    Opt(("--on",), "on", "Nest under entry N of the day (numbers as 'reslog show' prints them).", "N",
        number=True, minimum=1),
)
TODO = (*CAPTURE, Opt(("--est",), "est", "Your estimate: 45m, 2h, 1h30m.", "DURATION"))
RUN = (
    Opt(("--reason",), "reason", "Why this run: a nested line (level 1) under its entry.", "TEXT"),
    Opt(("-t", "--tag"), "tags", "Add #TAG (repeatable; nested tags as proj/sub).", "TAG", multiple=True),
    Opt(("--from",), "source", "Where the idea came from: [from:: SOURCE].", "SOURCE"),
    Opt(("--star",), "star", "Mark it as what mattered most (★).", flag=True),
)
SEARCH = (
    Opt(("--kind",), "kind", "Only entries of this kind (note: no kind; idea: the Random ideas).",
        choices=(*KINDS, "note", "idea")),
    Opt(("--tag",), "tag", "Only entries with #TAG or a nested #TAG/...", "TAG"),
    Opt(("--section",), "section", "Only one section of the day.", choices=SECTION_ORDER),
    Opt(("--level",), "level", "0 facts, 1 thoughts and feelings, 2 reflection.", number=True,
        minimum=0, maximum=2),
    Opt(("--from",), "source", "Only entries whose [from:: ...] contains SOURCE.", "SOURCE"),
    Opt(("--starred",), "starred", "Only entries marked ★.", flag=True),
    Opt(("--open",), "open_", "Only open to-dos.", flag=True),
    Opt(("--since",), "since", "From this day, month, year, ISO week or phrase on.", "WHEN"),
    Opt(("--until",), "until", "Up to this day, month, year, ISO week or phrase.", "WHEN"),
    Opt(("--limit",), "limit", "At most this many (default 20; listing: 50).", number=True, minimum=1),
    Opt(("--mode",), "mode", "keyword (BM25), semantic (meaning) or hybrid (both fused; the default "
        "when the log has embeddings).", choices=MODES),
    Opt(("--full",), "full", "Print whole entries (default: the first line and the lines that match).",
        flag=True),
    Opt(("--json",), "as_json", "Print a JSON list of entries with their citations.", flag=True),
)

#: command -> (section, kind) for the commands that add a top-level entry.
ENTRY_COMMANDS: dict[str, tuple[str, str | None]] = {
    "did": ("done", None),
    "exp": ("done", "exp"),
    "bug": ("done", "bug"),
    "fix": ("done", "fix"),
    "read": ("done", "read"),
    "decision": ("done", "decision"),
    "result": ("done", "result"),
    "todo": ("todo", None),
    "idea": ("ideas", None),
    "reflect": ("reflection", None),
}
#: command -> the kind word of the nested line it adds.
THOUGHT_COMMANDS = {"think": "thought", "feel": "feel"}

HELP = {
    "did": "Log what was done (What was done). TEXT may open with a time (09:30, else now) and a kind: "
    "exp:, bug:, fix:, read:, decision:, result:. TEXT '-' reads standard input; further lines nest "
    "under the first.",
    "exp": "Log an experiment (exp: TEXT).",
    "bug": "Log a bug (bug: TEXT).",
    "fix": "Log a fix (fix: TEXT).",
    "read": "Log something read (read: TEXT); add --from and a link.",
    "decision": "Log a decision and its reason (decision: TEXT).",
    "result": "Log a result (result: TEXT).",
    "todo": "Add a to-do (What to do next); open to-dos carry over to the next day.",
    "idea": "Add a random idea (Random ideas); say where it came from with --from.",
    "reflect": "Add a reflection (level 2) to the day's Reflection section.",
    "think": "Add a thought (level 1) under the latest entry of the day, or under entry --on N.",
    "feel": "Add a feeling (level 1) under the latest entry of the day, or under entry --on N.",
    "run": "Run CMD and record it: an exp: entry on today's page with its exit status, duration, "
    "git commit, branch and dirty flag, and the metrics it prints last (key=value); its output, "
    "diff and meta.json go to runs/YYYY/YYYY-MM-DD/HHMMSS-NAME/.\n\n"
    "The terminal passes through: input, colours, progress bars, Ctrl-C. reslog exits with the "
    "command's status, or 128+N when signal N killed it (127 when CMD is not found, 126 when it "
    "cannot be executed; then nothing is written). Options go before CMD; -- before CMD is optional "
    "unless CMD starts with a dash.",
    "search": 'Search the whole log (words, "phrases", -exclude, prefix*, OR), best first.\n\n'
    "With embeddings (the semantic extra), results that say the same in other words are found "
    "too (--mode). A time scope in QUERY ('in early 2013', 'last week', 'the week of "
    "2012-08-06') filters by date and is shown on stderr. "
    "With no QUERY, lists the matching entries by date, like a journal. The [>] copies a "
    "carried to-do leaves behind are left out. Search options have long names only, so that "
    "-word always excludes a word.",
}


def options_of(command: str) -> tuple[Opt, ...]:
    if command in THOUGHT_COMMANDS:
        return THOUGHT
    if command == "todo":
        return TODO
    if command == "search":
        return SEARCH
    if command == "run":
        return RUN
    return CAPTURE
