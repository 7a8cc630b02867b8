"""The film study's questions asked in words: ``reslog ask "which bugs keep recurring?"``.

The review questions a researcher asks of the log (which bugs recur, where ideas came from,
which experiments taught something, how long tasks take against their estimates, how the
focus drifted) are answered by a stats topic, not by the sentences closest to the question:
those were "Nothing in the log answers this", or passages about genetic drift.
:func:`topic_asked` knows these questions; :func:`answer` runs the topic over the question's
time scope (and over a ``#tag`` it names), for ``reslog ask``, the web app and the MCP server.
"""

from __future__ import annotations

import datetime as dt
import re

from reslog.analytics import TOPICS
from reslog.records import Record
from reslog.search import check_length, scoped, subject_words
from reslog.timescope import find_scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from reslog.analytics.data import Data
    from reslog.store import Log
    from reslog.timescope import Scope

_BUGS = r"(?:bugs?|errors?|problems?|failures?|crash(?:es)?)"
#: Each topic's questions. Every pattern asks for the pattern of the log, not for one thing in it:
#: "which bugs keep coming back?" is a stats question, "when did the NaN bug come back?" is not.
_ASKED: dict[str, re.Pattern[str]] = {topic: re.compile(pattern, re.IGNORECASE) for topic, pattern in {
    "bugs": rf"\b(?:recurr\w*|repeat(?:ed|ing)?|(?:most\s+)?(?:frequent|common))\s+{_BUGS}"
            rf"|\b(?:which|what)\s+(?:kinds?\s+of\s+)?{_BUGS}\s+(?:\w+\s+){{0,2}}"
            r"(?:recur\w*|keep\s+(?:coming|happening|recurring|returning)|c[oa]me\s+back|repeat\w*)",
    "time": r"\b(?:against|versus|vs\.?|compared\s+(?:to|with))\s+my\s+estimates\b"
            r"|\b(?:tasks|to-?dos)\b[^?]*\bestimat(?:es|ed)\b|\b(?:under|over)-?estimat\w*"
            r"|\bhow\s+(?:good|accurate|right)\s+are\s+my\s+estimates\b"
            r"|\bhow\s+long\s+(?:do|did|does)\s+(?:my\s+)?(?:tasks|to-?dos)\s+(?:really\s+)?take\b",
    "sources": r"\bwhere\s+(?:did|do|does)\s+(?:all\s+)?(?:my|the)\s+(?:\w+\s+){0,2}?"
               r"(?:ideas|information|insights)\s+(?:\w+\s+){0,2}?(?:come|came)\s+from\b"
               r"|\b(?:best|main|my)\s+sources?\s+of\s+(?:\w+\s+)?(?:ideas|information|insights)\b",
    "focus": r"\bfocus\s+(?:\w+\s+)?(?:drift\w*|shift\w*|chang\w*|evolv\w*|mov\w*)"
             r"|\b(?:drift\w*|shift\w*|chang\w*|evolv\w*)\s+(?:of\s+)?(?:my\s+|the\s+)?(?:focus|projects?)\b",
    "runs": r"\b(?:experiments?|runs)\s+(?:\w+\s+){0,3}(?:taught|teach|learn(?:ed|t)?)\b",
    "weeks": r"\bwhat\s+made\s+(?:\w+\s+){0,2}weeks?\s+(?:better|worse|good|bad)\b"
             r"|\b(?:best|worst)\s+weeks?\b|\bweeks?\s+was\s+(?:my\s+)?(?:best|worst)\b",
    "habits": r"\b(?:when|how)\s+(?:and\s+how\s+)?do\s+I\s+log\b|\blogging\s+habits?\b"
              r"|\bhow\s+(?:often|regularly)\s+(?:do|did)\s+I\s+log\b"
              r"|\bwhat\s+time\s+of\s+(?:the\s+)?day\s+do\s+I\s+(?:usually\s+)?(?:log|write)\b"
              r"|\bhow\s+many\s+days\s+(?:do|did)\s+I\s+(?:log|write)\b",
}.items()}
_TAG = re.compile(r"(?<![\w#])#([\w][\w/-]*)")
#: Words a review question may hold besides its pattern without naming a subject of its own.
_FILLER = frozenset({"really", "usually", "most", "best", "worst", "main", "important", "something",
    "things", "much", "often", "good", "better", "worse", "made", "make", "keep", "kept", "since",
    "over", "time", "times", "log", "logged", "week", "weeks", "month", "months", "year", "years",
    "day", "days", "way", "overall", "general", "lately", "recently", "ever", "always", "back", "come",
    "came", "last", "past", "this", "so", "far", "usual", "actually", "tasks", "task", "todos", "todo",
    "long", "take", "took", "taking", "estimate", "estimates", "against", "versus", "compared", "bugs",
    "bug", "errors", "runs", "run", "experiments"})


def topic_asked(question: str) -> str | None:
    """The stats topic that answers ``question`` (a key of :data:`reslog.analytics.TOPICS`), or None:
    a question that names a subject of its own beyond the pattern ("which errors recurred after the
    Shampoo switch?", "which experiments on learning rate warmup did I run?") is about that
    subject, for the log's sentences to answer."""
    for topic, pattern in _ASKED.items():
        found = pattern.search(question)
        if found is None:
            continue
        rest = question[:found.start()] + " " + question[found.end():]
        rest = find_scope(_TAG.sub(" ", rest), dt.date.today())[1]
        return None if any(word not in _FILLER for word in subject_words(rest)) else topic
    return None


class Answered(Record):
    """A question answered by a stats topic: the topic, the scope it ran over, its figures."""

    __slots__ = ("empty", "result", "scope", "since", "tag", "topic", "until")
    topic: Final[str]
    #: the time scope written in the question ("in 2013", "last week"), None for the whole log
    scope: Final[Scope | None]
    since: Final[dt.date | None]
    until: Final[dt.date | None]
    tag: Final[str | None]
    result: Final[dict[str, Any]]
    #: What to say instead of the figures when the scope holds no entry
    #: (:func:`reslog.analytics.data.empty_range`).
    empty: Final[str | None]

    def __init__(self, topic: str, scope: Scope | None, since: dt.date | None, until: dt.date | None,
                 tag: str | None, result: dict[str, Any], empty: str | None = None) -> None:
        self.topic = topic
        self.scope = scope
        self.since = since
        self.until = until
        self.tag = tag
        self.result = result
        self.empty = empty

    @property
    def question(self) -> str:
        return TOPICS[self.topic]

    @property
    def command(self) -> str:
        """The ``reslog stats`` command that gives the same answer (with --json, its figures)."""
        parts = ["reslog stats", self.topic]
        if self.since is not None:
            parts.append(f"--since {self.since}")
        if self.until is not None:
            parts.append(f"--until {self.until}")
        if self.tag:
            parts.append(f"--tag {self.tag}")
        return " ".join(parts)

    def lines(self) -> list[str]:
        """The answer as ``reslog stats`` prints it, under the question it answers."""
        import importlib

        module = importlib.import_module(f"reslog.analytics.{self.topic}")
        rendered: list[str] = [self.empty] if self.empty else module.render(self.result)
        return [f"{self.question} ({self.command})", "", *rendered]

    def as_json(self) -> dict[str, Any]:
        """What ``reslog ask --json`` prints for it: the shape of any answer, with the topic's
        figures (as ``reslog stats TOPIC --json`` prints them) under ``stats``."""
        from reslog.analytics.data import bounded

        scope = self.scope
        return {
            "answer": "\n".join(self.lines()),
            "abstained": False,
            "time_scope": None if scope is None else {
                "phrase": scope.phrase, "since": scope.since.isoformat(), "until": scope.until.isoformat(),
                "label": scope.label,
            },
            "stats": {"topic": self.topic, "command": self.command, **bounded(self.result)},
            "citations": self.citations(),
        }

    def citations(self) -> list[dict[str, Any]]:
        """Every entry the figures cite ({date, file, line, text}), each once, in the order given."""
        from reslog.analytics.data import bounded

        found: dict[tuple[str, int], dict[str, Any]] = {}
        _collect(bounded(self.result), found)
        return list(found.values())


def _collect(value: object, found: dict[tuple[str, int], dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if {"date", "file", "line", "text"} <= value.keys():
            found.setdefault((str(value["file"]), int(value["line"])),
                             {key: value[key] for key in ("date", "file", "line", "text")})
            return
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def answer(log: Log, question: str, today: dt.date,
           kept: Callable[[Data], Data] | None = None) -> Answered | None:
    """The stats topic's answer to ``question`` over its time scope, or None if no topic answers it.
    ``kept`` narrows the entries the figures are made of (the MCP server's redaction)."""
    check_length(question, "question")
    topic = topic_asked(question)
    if topic is None:
        return None
    import importlib

    from reslog.analytics.data import empty_range, load

    scope, _rest, filters = scoped(question, today)
    tag = next(iter(_TAG.findall(question)), None)
    module = importlib.import_module(f"reslog.analytics.{topic}")
    data = load(log, today, filters.since, filters.until, tag)
    if kept is not None:
        data = kept(data)
    result: dict[str, Any] = module.compute(data)
    return Answered(topic, scope, filters.since, filters.until, tag, result, empty_range(data))


__all__ = ["Answered", "answer", "topic_asked"]
