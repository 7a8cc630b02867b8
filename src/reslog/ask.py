"""Ask the log a question: evidence, an answer that cites it, or an honest "nothing here".

:func:`retrieve` reads the question's time scope (:mod:`reslog.timescope`)
and applies it as a filter, then ranks entries by hybrid search on the rest
of the question. It also decides whether the log holds an answer at all. It
abstains when the best passage in scope is further from the question than
:data:`ABSTAIN_BELOW` (cosine) and none of the best entries holds most of the
question's words (:data:`COVERED_ENOUGH`), or when the question names something, a
capitalised word or an acronym, that the best entry does not mention
(:func:`unknown_names`: "how did I set up Kubernetes?" on a log about
Docker). With keyword search only, the evidence is the share of the
question's words (weighted by rarity) that one of the top entries holds. The
thresholds were calibrated on the question set in ``benchmarks/eval``
(``bench_quality.py --calibrate``), not guessed.

:func:`answer` then writes the answer. Offline it is extractive: the few
sentences of the best entries that match the question best (by cosine with
the question, and shared words), each quoted as written with its date and
``file:line``, grouped by day, best day first. With a generative model
(:mod:`reslog.generate`), the model writes a short answer citing the
numbered entries as [n]; citations that point to nothing retrieved are
removed, sentences left with none are dropped, and an answer with no valid
citation falls back to the extractive one.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re

from reslog.chunks import FIELD, URL, link_text, prose_paragraphs, without_html
from reslog.dates import format_duration
from reslog.errors import ReslogError
from reslog.generate import check_citations
from reslog.index import Index, fts_term
from reslog.intents import asked_kind, of_kinds, open_question
from reslog.model import SECTION_TITLES
from reslog.records import Record
from reslog.search import (
    STOPWORDS,
    Filters,
    Hit,
    allowed_ids,
    check_length,
    close_words,
    compile_query,
    dated_ids,
    hits_for,
    matching_ids,
    one_slip,
    scoped,
    stem,
    subject_words,
    tasks,
    total,
)
from reslog.semantic import hybrid
from reslog.timescope import Scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Final

    import numpy as np
    from numpy.typing import NDArray

    from reslog.generate import Generator
    from reslog.semantic.backends import Backend
    from reslog.semantic.vectors import Vectors

#: The log is taken to hold no answer when the best passage in scope has a cosine below
#: ABSTAIN_BELOW and no top entry holds COVERED_ENOUGH of the question's words (rarity-weighted);
#: with keyword search only, when no top entry holds ABSTAIN_BELOW_KEYWORD of them. Calibrated on
#: benchmarks/eval (bench_quality.py --calibrate): hybrid retrieval abstains on 76% of the
#: unanswerable questions and wrongly on 5% of the answerable ones (0.44: 71%/5%; 0.50: 82%/12%). The
#: coverage clause keeps short entries answerable: MiniLM gives a question and a one-line entry
#: that answers it lower cosines (0.4 is common) than a question and a long post.
ABSTAIN_BELOW = 0.46
COVERED_ENOUGH = 0.7
ABSTAIN_BELOW_KEYWORD = 0.3
#: Entries retrieved as evidence.
EVIDENCE = 8


class Retrieved(Record):
    """What a question found: the scope, the query left once it is cut out, the ranked hits."""

    __slots__ = ("abstained", "cosine", "count", "covered", "evidence", "hits", "query", "question",
                 "scope", "unknown")
    question: Final[str]
    query: Final[str]
    scope: Final[Scope | None]
    hits: Final[list[Hit]]
    cosine: Final[float]
    covered: Final[float]
    evidence: Final[float]
    abstained: Final[bool]
    unknown: Final[list[str]]
    count: Final[Count | None]

    def __init__(
        self, question: str, query: str, scope: Scope | None, hits: list[Hit], cosine: float,
        covered: float, evidence: float, abstained: bool, unknown: list[str] | None = None,
        count: Count | None = None,
    ) -> None:
        self.question = question
        self.query = query
        self.scope = scope
        self.hits = hits
        #: The best cosine of a passage of the top entries with the question (0 without vectors).
        self.cosine = cosine
        #: The most of the question's vocabulary (rarity-weighted) one of the top entries holds.
        self.covered = covered
        self.evidence = evidence
        self.abstained = abstained
        #: Names in the question that the best entry does not mention (see :func:`unknown_names`).
        self.unknown = [] if unknown is None else unknown
        #: For "how many papers did I read in 2013?": the entries of the kind counted (:func:`counted`).
        self.count = count


class Count(Record):
    """How many entries of the kinds a "how many ...?" question asks for are in its scope, and,
    when it names more than the kind ("how many NaN bugs ...?"), hold its other ``words``; or, for
    "what did I do last week?", the entries of What was done (:func:`done_in`)."""

    __slots__ = ("kinds", "note", "projects", "quoted", "total", "words")
    kinds: Final[list[tuple[str, str]]]
    total: Final[int]
    words: Final[list[str]]
    #: how many of the latest the answer quotes (None: :data:`ANSWER_ENTRIES`)
    quoted: Final[int | None]
    #: the projects most of the counted entries carry, with how many carry each
    projects: Final[list[tuple[str, int]]]
    #: what a reader needs besides the number (a 0 from a log that never marks the kind)
    note: Final[str]

    def __init__(self, kinds: list[tuple[str, str]], total: int, words: list[str] | None = None,
                 quoted: int | None = None, projects: list[tuple[str, int]] | None = None,
                 note: str = "") -> None:
        self.kinds = kinds
        self.total = total
        self.words = words or []
        self.quoted = quoted
        self.projects = projects or []
        self.note = note

    @property
    def label(self) -> str:
        """What was counted, as the answer says it: ``papers read (read:)``, ``ideas``, ``bugs
        (bug:) that say "NaN"``."""
        label = " and ".join(
            f"entries tagged #{value}" if field == "tag" else _COUNTED.get(value, f"{value}:")
            for field, value in self.kinds)
        said = " and ".join(f'"{word}"' for word in self.words)
        return f"{label} that say {said}" if self.words else label


#: What a count of entries of a kind (or a section) is called in an answer.
_COUNTED = {"read": "papers read (read:)", "bug": "bugs (bug:)", "fix": "fixes (fix:)",
            "decision": "decisions (decision:)", "exp": "experiments (exp:)", "result": "results (result:)",
            "feel": "feelings (feel:)", "ideas": "ideas (Random ideas)", "reflection": "reflections",
            "done": "entries of What was done", "todo-done": "to-dos done", "todo-added": "to-dos added",
            "todo-dropped": "to-dos dropped", "todo-open": "to-dos open"}
#: "How many papers did I read in October?": a count, not sentences.
_HOW_MANY = re.compile(r"^\W*how\s+many\b", re.IGNORECASE)
#: Words of a how-many question that say nothing of what is counted ("how many experiments did I
#: run / log?"): kept out of its words only for the count, as "run" or "log" can name a subject.
_WORD = re.compile(r"[\w'’-]+")
_COUNT_WORDS = frozenset(("many", "log", "logged", "record", "recorded", "run", "ran", "total", "all"))


def counted(index: Index, query: str, filters: Filters | None) -> tuple[Count, list[int]] | None:
    """For a question that asks how many entries of a kind there are ("how many papers did I
    read in October?", "how many bugs last week?"): their number within ``filters`` and the
    latest of them, newest first. With more words than the kind ("how many NaN bugs did I
    hit?"), the entries of the kind that hold every other word, as ``reslog search`` matches
    them. None for any other question: one that names no kind ("how many epochs did I train
    for?") asks for a number written in an entry, not for a count of entries.

    Asked as a question, the count was answered with three papers' sentences, or refused: no
    entry says "how many"."""
    asked = _HOW_MANY.search(query)
    # what is counted is named right after "how many" ("how many [NaN] bugs ..."): "how many
    # citations had the paper collected?" asks for a number in an entry, not for papers
    if asked is None:
        return None
    if not any(asked_kind(w) for w in _WORD.findall(query[asked.end():])[:2]):
        return tag_counted(index, query[asked.end():], filters)
    words = [w for w in subject_words(query, lower=False) if w.lower() not in _COUNT_WORDS]
    kinds = open_question([w.lower() for w in words if asked_kind(w)])
    if not kinds:
        return None
    rest = [w for w in words if not asked_kind(w)]
    match = compile_query(" ".join(rest)).match if rest else None
    ids: set[int] = set()
    for wanted in kinds:
        narrowed = hybrid.narrowed(wanted, filters)
        ids.update(matching_ids(index, match, narrowed) if match else allowed_ids(index, narrowed))
    note = _never_marked(index, kinds) if not ids else ""
    if match is None:
        return (Count(sorted(kinds), len(ids), note=note),
                hybrid.of_kinds_in_order(index, kinds, filters, EVIDENCE))
    found = list(ids)
    pairs = zip(found, hits_for(index, found), strict=True)
    newest = sorted(pairs, key=lambda pair: (pair[1].date, pair[1].line), reverse=True)
    return Count(sorted(kinds), len(ids), rest, note=note), [entry_id for entry_id, _ in newest[:EVIDENCE]]


def _beyond(index: Index, scope: Scope) -> str:
    """What a count of 0 owes to a scope the log does not reach: "what did I do last week?" of a
    notebook that ends in 2015 answered "0" as if the week had been empty."""
    first, last = index.db.execute("SELECT min(day), max(day) FROM entries").fetchone()
    if last is not None and scope.since.isoformat() > last:
        return f"The log's entries end on {last}."
    if first is not None and scope.until.isoformat() < first:
        return f"The log's entries begin on {first}."
    return ""


def _never_marked(index: Index, kinds: set[tuple[str, str]]) -> str:
    """For a count of 0: that the log has no entry of the kinds at all, when so. An imported
    notebook marks no kind ("read: ..."), and "how many papers did I read in 2013? 0" read as a
    fact about 2013."""
    if any(total(index, "", hybrid.narrowed(kind, None)) for kind in kinds):
        return ""
    marks = " or ".join(f"'{value}:'" if field == "kind" else f"under {SECTION_TITLES.get(value, value)}"
                        for field, value in sorted(kinds))
    return f"The log has no entry marked {marks} at all, so this counts none; search for the words instead."


_ABOUT_TAG = re.compile(r"\b(?:about|tagged|on)\s+#?([\w/-]+)", re.IGNORECASE)


def tag_counted(index: Index, asked: str, filters: Filters | None) -> tuple[Count, list[int]] | None:
    """"How many conferences did I go to in 2011?", "how many entries about docker?": the entries
    tagged with the word counted (or its singular: ``#conference``), or the word after "about",
    "tagged" or "on", when the log has that tag; None otherwise (a number written in an entry:
    "how many epochs did I train for?")."""
    words = _WORD.findall(asked)[:1] + _ABOUT_TAG.findall(asked)
    for word in words:
        for name in dict.fromkeys((word.lower(), _singular(word.lower()))):
            if not name or not total(index, "", Filters(tag=name)):
                continue
            narrowed = (filters or Filters()).but(tag=name)
            latest = [entry_id for _, _, entry_id in dated_ids(index, narrowed, EVIDENCE)]
            return Count([("tag", name)], total(index, "", narrowed)), latest
    return None


def _singular(word: str) -> str:
    """A plural's singular, crudely (conferences, seminars, analyses, papers): enough for a tag."""
    for end, by in (("ies", "y"), ("sses", "ss"), ("ses", "sis"), ("s", "")):
        if word.endswith(end) and len(word) > len(end) + 2:
            return word[: -len(end)] + by
    return word


#: Words of a question that ask what was done, not about what ("what was I working on in March?",
#: "what did I accomplish last month?"); "do", "did", "work" are not subject words at all.
_DOING = frozenset((
    "working", "worked", "works", "accomplish", "accomplished", "achieve", "achieved", "happen",
    "happened", "happening", "spend", "spent", "time", "busy", "going", "done", "doing",
))
#: The projects (top-level tags) an answer about what was done names, most used first.
PROJECTS = 3
_ASKED_OF_ME = re.compile(r"\b(I|me|my|we|us|happen|happened|happening)\b", re.IGNORECASE)


def done_in(index: Index, query: str, filters: Filters | None) -> tuple[Count, list[int]] | None:
    """For a question that asks what was done in its scope and names nothing else ("what did I
    do this week?", "what was I working on in early 2013?", "what happened yesterday?"): how many
    entries of What was done the scope holds, and the latest of them, newest first. None for any
    other question.

    Asked before, such a question had no word left to search for, and was refused ("Nothing in
    the log answers this: no entry from this week comes near it") with the week's page full."""
    words = subject_words(query)
    if any(word.lower() not in _DOING for word in words) or not _ASKED_OF_ME.search(query):
        return None
    from reslog.tags import projects

    done = ("section", "done")
    narrowed = hybrid.narrowed(done, filters)
    tagged = [(use.name, use.entries) for use in projects(index, narrowed)[:PROJECTS]]
    latest = hybrid.of_kinds_in_order(index, {done}, filters, EVIDENCE)
    return Count([done], total(index, "", narrowed), quoted=EVIDENCE, projects=tagged), latest


#: "How long did the sweep take against my estimate?": its subject is the sweep. The to-do says
#: "Rerun the sweep [est:: 2h] [took:: 4h]", none of the words that ask about time, which made
#: the question refused with the to-do as its nearest entry; its quote shows the fields.
_HOW_LONG = re.compile(r"^\W*how\s+(long|much\s+time)\b", re.IGNORECASE)
_HOW_LONG_WORDS = re.compile(
    r"\b(long|much\s+time|time|take|takes|took|taken|taking|spend|spent|against|compared\s+(to|with)|"
    r"versus|vs|(my|the)\s+(estimates?|guess)|estimated?|expected|really|actually)\b", re.IGNORECASE)


#: A question about to-dos: the word, or what is done to one ("what did I finish this week?").
_TODO = re.compile(r"\b(to-?dos?|tasks?)\b", re.IGNORECASE)
_TODO_STATES = {
    word: state
    for state, words in (
        ("done", "finish finished finishing complete completed completing tick ticked"),
        ("dropped", "drop dropped dropping abandon abandoned cancel cancelled canceled"),
        ("added", "add added adding plan planned"),
        ("open", "open pending waiting outstanding unfinished"),
    )
    for word in words.split()
}
#: Other words of such a question ("how many to-dos are still open?": "dos", from "to-dos").
_TODO_FILLER = frozenset(("many", "dos", "todo", "todos", "task", "tasks", "still", "off"))
_I_DID = re.compile(r"\b(did\s+I\s+do|I\s+did)\b", re.IGNORECASE)


def todos_asked(index: Index, query: str, filters: Filters | None) -> tuple[Count, list[int]] | None:
    """For a question about the to-dos of its scope and nothing else ("how many to-dos did I
    finish this week?", "what did I finish?", "which tasks did I drop last month?", "how many
    to-dos are still open?"): how many there are, counted as the week page counts them
    (:func:`reslog.counts.count`: a carried to-do once, added where it was written), and the latest
    of them, newest first. None for any other question.

    Asked before, "how many to-dos did I finish this week?" was refused ("no entry from this
    week comes near it") with two done on the week's page."""
    words = [w.lower() for w in subject_words(query)]
    if any(w not in _TODO_STATES and w not in _TODO_FILLER for w in words):
        return None
    states = {_TODO_STATES[w] for w in words if w in _TODO_STATES}
    if len(states) > 1 or not (_TODO.search(query) or (states == {"done"} and _ASKED_OF_ME.search(query))):
        return None
    state = states.pop() if states else "done" if _I_DID.search(query) else "added"
    from reslog.counts import count

    found = tasks(index, filters)
    figures = count(found)
    number = {"done": figures.todos_done, "dropped": figures.todos_dropped, "added": figures.todos_added,
              "open": sum(hit.state == " " for hit in found)}[state]
    latest = sorted((hit for hit in found if _in_state(hit, state)), key=lambda hit: (hit.date, hit.line),
                    reverse=True)
    return Count([("todo", f"todo-{state}")], number, quoted=EVIDENCE), _ids_of(index, latest[:EVIDENCE])


def _in_state(todo: Hit, state: str) -> bool:
    """Whether a to-do (or a ``[>]`` copy) is one of those :func:`todos_asked` counts in ``state``."""
    if state == "added":  # where it was written (a [>] there, if it moved on): not its later copies
        return todo.carried is None
    return todo.state in {"done": ("x", "X"), "dropped": ("-",), "open": (" ",)}[state]


def _ids_of(index: Index, hits: list[Hit]) -> list[int]:
    """The entry ids of ``hits`` (found by their page and line, in one statement), in their order."""
    if not hits:
        return []
    where = " OR ".join("(f.path = ? AND e.line = ?)" for _ in hits)
    rows = index.db.execute(f"SELECT f.path, e.line, e.id FROM entries e JOIN files f ON f.id = e.file_id "
                            f"WHERE {where}", [value for hit in hits for value in (hit.file, hit.line)])
    found = {(path, line): int(entry_id) for path, line, entry_id in rows}
    return [found[key] for hit in hits if (key := (hit.file, hit.line)) in found]


#: "When did I first ...?": among the best entries, those as much about the subject as the best one,
#: in date order (see in_time_order).
_FIRST = re.compile(r"\b(first|earliest|originally|initially)\b(?!\s+(half|quarter)\b)", re.IGNORECASE)
_LAST = re.compile(r"\b(last time|most recent(ly)?|latest|lately|I last)\b", re.IGNORECASE)
_TIME_ORDER_MARGIN = 0.05
_TIME_ORDER_DEPTH = 10

#: The words of :data:`_FIRST` and :data:`_LAST`, as typed fast and wrong: "when did i frist use
#: knitr?" was answered as any question about knitr (see :func:`spelled`).
_CUES = ("first", "earliest", "originally", "initially", "latest", "lately", "recent", "recently")
_CUE_WORD = re.compile(r"[A-Za-z]{4,}")
#: A word typed in lower case, long enough that one slip off a word of the log is a typo.
_TYPED_WORD = re.compile(r"(?<![\w-])[a-z]{6,}(?![\w-])")


def spelled(index: Index, question: str) -> str:
    """``question`` with its slips put right: a misspelt word of time order ("frist", "latset",
    "earlist"): a word one slip off one of :data:`_CUES` (:func:`reslog.search.one_slip`) that
    the log itself never writes; and a word of six letters or more, typed in lower case, that no
    entry holds but one slip off a word the log writes ("gausian", "jeckyll"), and is no English
    word (:func:`_english_words`): the refusal or the later day it got was about a word nobody
    wrote. A capitalised word is left as typed: a name the log lacks ("Julia") is what the names
    rule refuses on, not a slip for "Julian"."""
    for word in dict.fromkeys(_CUE_WORD.findall(question)):
        lower = word.lower()
        cue = next((c for c in _CUES if lower != c and one_slip(lower, c)), None)
        if cue is not None and lower not in _CUES and not index.document_frequency(lower):
            question = re.sub(rf"\b{word}\b", cue, question)
    for word in dict.fromkeys(_TYPED_WORD.findall(question)):
        if word not in STOPWORDS and not index.document_frequency(word) and word not in _english_words():
            close = close_words(index, word)
            if close:
                question = re.sub(rf"(?<![\w-]){word}(?![\w-])", close[0][0], question)
    return question


@functools.cache
def _english_words() -> frozenset[str]:
    """The whole words of the bundled model's vocabulary (about 20,000 common English words, read in
    a few milliseconds): a word the log lacks that is one of them is what was meant, not a slip
    for a word the log writes. On the question sets "neural" became "neutral", "casual" "causal",
    and "spends" "sends"."""
    from reslog.semantic.bundled import VOCAB

    with open(VOCAB, encoding="utf-8") as lines:
        return frozenset(word for line in lines if (word := line.strip()).isalpha())


def in_time_order(
    question: str, ranked: list[tuple[int, Hit]], covered: dict[int, float] | None = None
) -> list[tuple[int, Hit]]:
    """``ranked`` (best first), with the entries as much about the subject as the best one put
    first in date order when the question asks for the first (or the latest) time something
    happened.

    Ranking by relevance alone answers "when did I first use knitr?" with the entry that says
    most about knitr, often a later one. Among the best :data:`_TIME_ORDER_DEPTH`, an entry is
    as much about the subject as the best one when it holds as much of the question's words
    (``covered``: :func:`reslog.semantic.hybrid.coverage`) or scores within
    :data:`_TIME_ORDER_MARGIN` of it; those go first, earliest (or latest) first. The margin
    alone (chosen on benchmarks/eval) fixed one such question; with the words, "when did I
    first hit a NaN loss?" finds the first of the several entries that say so ("first"
    questions: MRR 0.42 -> 0.79 on the demo log, 0.59 -> 0.81 on the third set, written after;
    no question of any set moved down). An earlier (later) entry about the subject beyond these
    ten is put first afterwards by :func:`subject_end`.
    """
    latest = bool(_LAST.search(question))
    if not ranked or not (latest or _FIRST.search(question)):
        return ranked
    covered = covered or {}
    best_id, best_hit = ranked[0]
    floor = (best_hit.score or 0.0) - _TIME_ORDER_MARGIN
    enough = covered.get(best_id, 0.0)
    close = [
        (entry_id, hit) for entry_id, hit in ranked[:_TIME_ORDER_DEPTH]
        if (hit.score or 0.0) >= floor or (enough > 0 and covered.get(entry_id, 0.0) >= enough)
    ]
    close.sort(key=lambda pair: (pair[1].date, pair[1].line), reverse=latest)
    return close + [pair for pair in ranked if pair not in close]


#: "When did I first use Docker?": the subject's earliest entry in scope goes first when it is about
#: the subject: it writes the question's names in its own prose (or, naming none, every subject
#: word), not only in a link, code, or a note added later, and scores at least this share of the
#: best entry (cosine + coverage as hybrid fuses them; coverage alone by keywords). See
#: :func:`subject_end`.
_SUBJECT_BAR = 0.55
#: Entries read for their prose, earliest (latest) first, before giving up.
_SUBJECT_READS = 20
#: A paragraph written after its day: it opens with "Update" (or "Edit"), or dates itself later.
_LATER_NOTE = re.compile(r"^\W*(updated?|edit(ed)?|addendum)\b", re.IGNORECASE)
_ISO_DAY = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")


def subject_end(
    index: Index, query: str, filters: Filters | None, best: list[int], latest: bool,
    vectors: Vectors | None = None, query_vector: NDArray[np.float32] | None = None,
) -> int | None:
    """The earliest (or, with ``latest``, the latest) entry within ``filters`` about the subject
    of a time-order question, or None.

    Its subject is the question's names ("Docker", "rOpenSci"), or every subject word when it
    names none ("pmc"). Every entry that holds them is a candidate, across the whole scope: the
    first mention of a subject is often one paragraph of a long day, which ranks far below the
    posts about it, and ordering only the best ten by date answered "when did I first use
    Docker?" with the third day of it. A candidate must score at least :data:`_SUBJECT_BAR` of
    the best of ``best`` (by meaning too, given ``vectors``) and write the subject in its own
    prose as written that day (:func:`_says`)."""
    subject = names(query) or subject_words(query)
    if not subject or not best:
        return None
    match = " AND ".join(fts_term(word) for word in subject)
    candidates = sorted(matching_ids(index, match, filters, compile_query(query).exclude))
    if not candidates:
        return None
    everyone = candidates + [i for i in best if i not in candidates]
    covered = hybrid.coverage(index, query, everyone)
    cosines = None
    if vectors is not None and query_vector is not None:
        cosines = vectors.cosines(vectors.scores(query_vector), everyone)

    def relevance(entry_id: int) -> float | None:
        if cosines is None:
            return covered[entry_id]
        cosine = cosines.get(entry_id)
        return None if cosine is None else cosine + hybrid.COVERAGE_WEIGHT * covered[entry_id]

    bar = _SUBJECT_BAR * max((r for i in best if (r := relevance(i)) is not None), default=0.0)
    enough = covered[best[0]]
    passing = _in_date_order(index, [i for i in candidates if covered[i] >= enough
                                     and (r := relevance(i)) is not None and r >= bar and r > 0])
    read = (passing[::-1] if latest else passing)[:_SUBJECT_READS]
    patterns = [re.compile(rf"(?<!\w){re.escape(word if len(word) <= 5 else stem(word))}", re.IGNORECASE)
                for word in subject]
    return next((entry_id for entry_id, hit in zip(read, hits_for(index, read), strict=True)
                 if _says(hit, patterns)), None)


def _in_date_order(index: Index, ids: list[int]) -> list[int]:
    """``ids`` in the order of their entries' days and lines, read without their text: a common
    subject word is held by thousands of entries, and reading them all as hits took seconds."""
    placed: list[tuple[str, int, int]] = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        sql = f"SELECT day, line, id FROM entries WHERE id IN ({', '.join('?' * len(part))})"
        placed += index.db.execute(sql, part).fetchall()
    return [entry_id for _, _, entry_id in sorted(placed)]


def _put_first(
    index: Index, end: int | None, pairs: list[tuple[int, Hit]], latest: bool
) -> list[tuple[int, Hit]]:
    """``pairs`` with the entry ``end`` first, when it is earlier (or later) than the one leading."""
    if end is None or (pairs and pairs[0][0] == end):
        return pairs
    hit = next((h for i, h in pairs if i == end), None) or hits_for(index, [end])[0]
    if pairs and ((hit.date, hit.line) > (pairs[0][1].date, pairs[0][1].line)) != latest:
        return pairs
    return [(end, hit)] + [pair for pair in pairs if pair[0] != end]


def _says(hit: Hit, patterns: list[re.Pattern[str]]) -> bool:
    """Whether one paragraph of the entry's prose holds every pattern, as it was written that day:
    not in a link's target or a line of code ("pmc/DESCRIPTION"), nor in a paragraph added later
    ("**Update**: ... displays in Jekyll", "Touched up for the Jekyll notebook 2013-07-09")."""
    for run in _runs(hit.text):
        text = link_text(" ".join(line for _, line in run))
        if _LATER_NOTE.match(text):
            continue
        then = " ".join(sentence for sentence in _SENTENCE.split(text)
                        if not any(day > hit.date for day in _ISO_DAY.findall(sentence)))
        if all(pattern.search(then) for pattern in patterns):
            return True
    return False


def unknown_names(index: Index, query: str, entry_ids: list[int]) -> list[str]:
    """Names the question asks about that none of ``entry_ids`` mentions.

    A name is a word written with a capital or a digit past the question's
    first word (``Kubernetes``, ``PCR``, ``eLife``, ``Python3``), but not an
    acronym that is an everyday word (:data:`COMMON_ACRONYMS`: ``RAM``). When the
    best entries never mention the thing asked about, the log does not
    answer the question, however close their topic: "how did I configure
    Kubernetes?" on a log about Docker. :func:`retrieve` passes the best
    entry alone: evidence led by an entry that does not name the subject
    answers another question (on both question sets, checking the best
    entry rather than the best three caught one more unanswerable question
    each and wrongly refused none more). A name counts in the entry's words,
    not in a link's target or a URL: "how did I configure Kubernetes?" was
    answered from a page that linked to a repository named kubernetes.
    """
    wanted = names(query)
    if not wanted or not entry_ids:
        return wanted
    # in the words of the entry, as search splits them (src_postgres holds postgres), but not in a
    # link's target ("github.com/.../kubernetes"), which says nothing of it
    prose = [URL.sub(" ", link_text(hit.text)) for hit in hits_for(index, entry_ids)]

    def said(name: str) -> bool:
        return bool(index.holding(name, entry_ids)) and any(re.search(
            rf"(?<![^\W_]){re.escape(name if len(name) <= 5 else stem(name))}", text, re.IGNORECASE)
            for text in prose)

    # a name of two words may be written as one: "White House" as whitehouse, "Git Hub" as GitHub
    joined: dict[str, list[str]] = {}
    for first, second in itertools.pairwise(wanted):
        if re.search(rf"(?<!\w){re.escape(first)}\s+{re.escape(second)}(?!\w)", query):
            for name in (first, second):
                joined.setdefault(name, []).append(first + second)
    return [name for name in wanted if not (said(name) or any(said(one) for one in joined.get(name, [])))]


#: An entry that names what the best one lacks leads instead when it scores this share of the best.
_NAMED_TIE = 0.97


def _named_first(index: Index, query: str, pairs: list[tuple[int, Hit]],
                 scores: dict[int, float]) -> list[tuple[int, Hit]]:
    """``pairs`` led by the first of the next two entries that names everything the question
    names, where the best does not and it scores nearly as well (:data:`_NAMED_TIE`). Two entries
    so close are a tie the ranking cannot break, and the names break it: "what did Marta say about
    the learning rate warmup?" was refused for "what did they say about the learning rate
    warmup?" (cosine 0.845), with "Marta thinks our warmup is too short ..." at 0.835. On the
    question sets it moves meaning search alone (four answerable questions no longer refused)."""
    if not pairs or pairs[0][0] not in scores:
        return pairs
    best = scores[pairs[0][0]]
    for n, (entry_id, _hit) in enumerate(pairs[1:3], 1):
        if scores.get(entry_id, 0.0) >= _NAMED_TIE * best and not unknown_names(index, query, [entry_id]):
            return [pairs[n], *pairs[:n], *pairs[n + 1:]]
    return pairs


def wordless(question: str) -> str | None:
    """Why ``question`` asks nothing ("is empty", "has no words": "?" or "..."), or None. Such a
    question would be answered with arbitrary "nearest entries"; every edge refuses it instead."""
    if any(c.isalnum() for c in question):
        return None
    return "has no words" if question.strip() else "is empty"


def names(query: str) -> list[str]:
    """The names in a question: its words written with a capital or a digit past its first word,
    but not the everyday acronyms (:data:`COMMON_ACRONYMS`)."""
    words = subject_words(query.split(" ", 1)[1] if " " in query else "", lower=False)
    return [w for w in words if any(c.isupper() or c.isdigit() for c in w) and w not in COMMON_ACRONYMS]


#: Words that ask where something came from: what someone suggested, recommended, told ...
_CAME_FROM = re.compile(
    r"\b(suggest|recommend|propos|advi[cs]e|advised|tip|told|tell|said|says?\b|mention|point|sent|send"
    r"|shar|gave|give|from|idea|pass)", re.IGNORECASE)


def from_sources(index: Index, query: str, filters: Filters | None, ranked: list[int]) -> list[int]:
    """For a question about what came from someone ("what did Hana suggest?", "which paper did
    Fatima recommend?", "ideas from Ravi"): the entries in scope whose source (``[from:: chat
    with Hana]``) names someone the question names, those in ``ranked`` first in its order, then
    the newest. None for a question about what someone did ("which papers did Lorcan present?"):
    the entries that say so are found by their words, and an idea from Lorcan's notes is no
    answer to it.

    Where ideas and information came from is what the source field is for, but it adds one word
    or two to an entry, which its meaning hardly shows: such a question ranked the idea from
    Hana below entries about suggestions from others."""
    if not _CAME_FROM.search(query):
        return []
    found: dict[int, None] = {}  # newest first
    where, args = (filters or Filters()).sql()
    for name in names(query):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        sql = (f"SELECT e.id, e.source FROM entries e WHERE {where} AND lower(e.source) LIKE ? "
               "ORDER BY e.day DESC, e.line DESC LIMIT 200")
        for entry_id, source in index.db.execute(sql, [*args, f"%{name.lower()}%"]):
            if pattern.search(source):
                found[entry_id] = None
    place = {entry_id: n for n, entry_id in enumerate(ranked)}
    ranked_first = sorted((i for i in found if i in place), key=place.__getitem__)
    return ranked_first + [i for i in found if i not in place]


#: Acronyms that are everyday words, not names: an entry says "memory" or "OOM" as often as
#: "RAM", "8xV100" for "GPU", "editor" for "IDE". The names rule refused answers whose best entry
#: wrote them otherwise, on all three question sets of benchmarks/eval (RAM twice, GPU, TV), and
#: no unanswerable question there hangs on one: a missing one leaves the judgement to the
#: meaning and the words (ABSTAIN_BELOW, COVERED_ENOUGH).
COMMON_ACRONYMS = frozenset({"CPU", "CPUs", "GPU", "GPUs", "RAM", "ROM", "SSD", "HDD", "USB", "PC", "PCs",
                             "OS", "TV", "IDE", "ID", "IDs", "PDF", "PDFs"})


def retrieve(
    index: Index, question: str, today: dt.date, mode: str = "hybrid", backend: Backend | None = None,
    vectors: Vectors | None = None, filters: Filters | None = None, limit: int = EVIDENCE,
) -> Retrieved:
    """The evidence for ``question``, best first, and whether to abstain."""
    check_length(question, "question")
    scope, query, narrowed = scoped(spelled(index, question), today, filters)
    query = _HOW_LONG_WORDS.sub(" ", query) if _HOW_LONG.search(query) else query
    tally = counted(index, query, narrowed) or todos_asked(index, query, narrowed) \
        or done_in(index, query, narrowed)
    if tally is not None:  # a count is exact: no ranking, no evidence to judge
        count, ids = tally
        if not count.total and scope is not None and not count.note:
            count = Count(count.kinds, 0, count.words, count.quoted, count.projects, _beyond(index, scope))
        return Retrieved(question, query, scope, hits_for(index, ids), 0.0, 1.0, 1.0, False, count=count)
    semantic = hybrid.meaning_usable(mode, backend, vectors)
    query_vector = None
    if semantic:
        assert backend is not None
        query_vector = backend.embed([query])[0]
    found = hybrid.rank(
        index, query, narrowed, mode if semantic else "keyword", backend, vectors, query_vector=query_vector
    )
    ranked = found.ranking
    top = [i for i, _ in ranked[: max(limit, _TIME_ORDER_DEPTH)]]
    ends: list[int] = []
    latest = bool(_LAST.search(query))
    if latest or _FIRST.search(query):
        # "what did I most recently read?": the latest entry of the kind, however it ranks
        ends = hybrid.asked_for(index, query, narrowed, _TIME_ORDER_DEPTH, earliest=not latest)
        top = ends + [i for i in top if i not in ends]
    sourced = from_sources(index, query, narrowed, [i for i, _ in ranked])[:limit]
    if sourced:  # "what did Hana suggest?": what came from Hana, however it ranks
        top = sourced + [i for i in top if i not in sourced]
    # read once: the time order compares the best ten, the abstention takes the best three (which
    # are among those ten, reordered or not)
    covered_top = hybrid.coverage(index, query, top[:_TIME_ORDER_DEPTH])
    pairs = in_time_order(query, list(zip(top, hits_for(index, top, dict(ranked)), strict=True)), covered_top)
    if (latest or _FIRST.search(query)) and not ends and not sourced and mode != "semantic":
        # by words: "--mode semantic" ranks by meaning alone
        end = subject_end(index, query, narrowed, top[:_TIME_ORDER_DEPTH], latest,
                          vectors if query_vector is not None else None, query_vector)
        if end is not None and end not in covered_top:
            covered_top.update(hybrid.coverage(index, query, [end]))
        pairs = _put_first(index, end, pairs, latest)
    pairs = pairs[:limit]
    ids = [i for i, _ in pairs]
    hits = [hit for _, hit in pairs]
    cosine = found.best_cosine if ids else 0.0
    covered = max((covered_top[i] for i in ids[:3]), default=0.0)
    strength = cosine if semantic else covered
    if ends or sourced:
        weak = False  # it asks for the first or latest entry of a kind, or what came from someone: found
    elif semantic:
        weak = cosine < ABSTAIN_BELOW and covered < COVERED_ENOUGH
    else:
        weak = covered < ABSTAIN_BELOW_KEYWORD
    unknown = unknown_names(index, query, ids[:1])
    if unknown and not (ends or sourced):
        pairs = _named_first(index, query, pairs, dict(ranked))
        if pairs and pairs[0][0] != ids[0]:  # an entry that names them all leads now
            ids, hits, unknown = [i for i, _ in pairs], [hit for _, hit in pairs], []
    return Retrieved(question, query, scope, hits, round(cosine, 4), round(covered, 4), round(strength, 4),
                     not hits or weak or bool(unknown), unknown)



def as_json(found: Retrieved, text: str, citations: list[dict[str, Any]]) -> dict[str, Any]:
    scope = found.scope
    count = {} if found.count is None else {"count": found.count.total}
    return {
        **count,
        "answer": text,
        "abstained": found.abstained,
        "time_scope": None if scope is None else {
            "phrase": scope.phrase, "since": scope.since.isoformat(), "until": scope.until.isoformat(),
            "label": scope.label,
        },
        "citations": citations,
    }


# --- the answer ---


class Quote(Record):
    """One sentence of the log that answers the question, where it is written."""

    __slots__ = ("date", "file", "line", "score", "text")
    date: Final[str]
    file: Final[str]
    line: Final[int]
    text: Final[str]
    score: Final[float]

    def __init__(self, date: str, file: str, line: int, text: str, score: float) -> None:
        self.date = date
        self.file = file
        self.line = line
        self.text = text
        self.score = score

    def as_json(self) -> dict[str, Any]:
        return {"date": self.date, "file": self.file, "line": self.line, "text": self.text}


class Answer(Record):
    """An answer: its text, the quotes or entries it cites, and how it was made."""

    __slots__ = ("citations", "found", "generated", "notice", "text")
    found: Final[Retrieved]
    text: Final[str]
    citations: Final[list[Quote]]
    generated: Final[bool]
    notice: Final[str | None]

    def __init__(
        self, found: Retrieved, text: str, citations: list[Quote], generated: bool = False,
        notice: str | None = None,
    ) -> None:
        self.found = found
        self.text = text
        self.citations = citations
        self.generated = generated
        #: Why a generative model's answer was not used, if it was asked for one.
        self.notice = notice

    def as_json(self) -> dict[str, Any]:
        return as_json(self.found, self.text, [quote.as_json() for quote in self.citations])


NO_ANSWER = "Nothing in the log answers this."
#: Entries quoted in an extractive answer, and sentences quoted from each.
ANSWER_ENTRIES = 3
SENTENCES_PER_ENTRY = 2
#: Sentences of one entry weighed by meaning (the ones sharing most words with the question, and
#: its first): each is embedded while the person waits, so they are few (8 x 3 entries of up to
#: 60 words: ~0.1 s), where embedding every sentence of three long posts took seconds.
_CANDIDATES = 8
#: A further sentence of an entry is quoted when it scores at least this share of its best one.
_SECOND_SENTENCE = 0.33
_SENTENCE_WORDS = 60
#: Words of a candidate sentence embedded to weigh it: a wrapped sentence read whole can run to
#: 60 words, and the cost of embedding grows faster than its length (on the notebook, 30 words
#: keep an answer at 0.32 s, the cost of the line-by-line sentences; whole ones took 0.59 s).
_EMBED_WORDS = 30

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
#: Markdown's escape of a punctuation mark (``LR\\_boot``), shown as the mark alone.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
#: Markdown's emphasis (``*snowfall*``, ``**bold**``, ``_word_``), shown as its words: a pair of
#: marks around words, not a lone ``*`` (``p * q``) or marks inside a word (``LR_boot_all``).
#: The words hold no mark of their kind, so an opening mark never closes far away (``%*%`` in R,
#: C's ``*p``) and a long line is read once, not from each of its marks to its end.
_EMPHASIS = re.compile(r"(?<![\w\\*])(?:(\*{1,3})(?=[^\s*_])([^*]+?)|(_{1,3})(?=[^\s*_])([^_]+?))"
                       r"(?<=[^\s\\*_])(?:\1|\3)(?![\w*])")


def _emphasised(match: re.Match[str]) -> str:
    return match.group(2) or match.group(4)


#: The marks of a heading (``## Cloud-config ##``), quoted as its words.
_HEADING_MARKS = re.compile(r"^#{1,6}\s+|(?<!\s)\s+#+$")
_CODE = re.compile(r"^(#\s|//|[\w.$]+\s*(<-|=|\+=)\s*\S|[\w.]+\(.*\)\s*;?$|[{}()\[\]]+$)")


def sentences(hit: Hit, naming: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(line number, sentence) of an entry, without list markers, fields, link targets, Markdown's
    emphasis marks and backslash escapes, HTML tags (``&amp;`` read as ``&``), and code (fenced
    blocks, and lines that read as code: comments, assignments). A sentence wrapped over several
    lines is read whole and cited at the line it starts on: a quote cut at the end of a line
    ("Two guidelines for bootstrap hypothesis") says half of what was written.

    Lines of one or two words are left out as :func:`_said_enough` says."""
    found = []
    for run in _runs(hit.text):
        text, starts = "", []
        for offset, line in run:
            starts.append((len(text) + (1 if text else 0), offset))
            text = f"{text} {line}" if text else line
        at = 0
        for sentence in _SENTENCE.split(text):
            begin = text.index(sentence, at)
            at = begin + len(sentence)
            offset = max((o for start, o in starts if start <= begin), default=run[0][0])
            # a link wrapped over lines ("[first post on" / "docker](http://...)") is read whole here
            sentence = _ESCAPE.sub(r"\1", _EMPHASIS.sub(_emphasised, link_text(sentence.strip())))
            words = sentence.split()
            if len(words) > _SENTENCE_WORDS:
                sentence = " ".join(words[:_SENTENCE_WORDS]) + " …"
            if sentence:
                found.append((hit.line + offset, sentence))
    found = _said_enough(found, hit.line, naming)
    if len(found) > 1 and found[0][0] == hit.line and _is_slug(_without_tags(found[0][1]), hit):
        found = found[1:]
    if found and found[0][0] == hit.line:  # a to-do's own line: what it cost
        found[0] = (hit.line, _with_time(found[0][1], hit))
    return found


#: A tag as reslog reads one (``#ropensci``, not ``#42``), and the time a to-do took at the end of
#: its line (:func:`_with_time`).
_TAG_WORD = re.compile(r"#(?=[\w/-]*[^\W\d])\w[\w/-]*")
_TIMED = re.compile(r"\((?:est|took) [^()]*\)$")


def _trailing_tags(text: str) -> tuple[int, int] | None:
    """Where the ``#tags`` a line ends with are (``Catching up #ropensci #ecology``), with the
    space before them, before a ``★`` and the time a to-do took; None if it ends with none. Read
    word by word from the end: a pattern for it took time quadratic in a run of spaces."""
    body = text.rstrip()
    timed = _TIMED.search(body)
    if timed is not None:
        body = body[: timed.start()].rstrip()
    if body.endswith("★"):
        body = body[:-1].rstrip()
    start = end = at = len(body)
    while True:
        word = at
        while word > 0 and not body[word - 1].isspace():
            word -= 1
        if word == 0 or word == at or not _TAG_WORD.fullmatch(body, word, at):
            break
        while word > 0 and body[word - 1].isspace():
            word -= 1
        start = at = word
    return (start, end) if start < end else None


def _without_tags(text: str, span: tuple[int, int] | None = None) -> str:
    """``text`` without the tags it ends with (where :func:`_trailing_tags` found them)."""
    span = span or _trailing_tags(text)
    return text if span is None else text[: span[0]] + text[span[1]:]


#: The date a Jekyll post's file name starts with (``2012-09-19-prosecutors-fallacy.md``).
_DATED_NAME = re.compile(r"^\d{4}-\d\d-\d\d[-_ ]?")


def _is_slug(title: str, hit: Hit) -> bool:
    """Whether an entry's first line is only the name of the file it was imported from
    (``prosecutors-fallacy``, from ``2012-09-19-prosecutors-fallacy.md``), as the importer names a
    post without a title: a file's name, not a sentence, which was quoted as the answer to "what
    did the reviewers say about the prosecutor's fallacy paper?" for the words it shares."""
    name = hit.fields.get("file", "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return " " not in title and title.lower() == _DATED_NAME.sub("", name).lower() != ""


def _shown(text: str, question_words: set[str]) -> str:
    """A sentence as a quote shows it: without the tags its line ends with, which file the entry
    and read as its words (an imported post's title carries up to six), unless one of them holds a
    word of the question, which is then why it was quoted ("Catching up #wrightscape")."""
    span = _trailing_tags(text)
    if span is None or _stems(text[span[0]:span[1]].replace("#", " ")) & question_words:
        return text
    return _without_tags(text, span) or text


def _said_enough(found: list[tuple[int, str]], first: int, naming: set[str] | frozenset[str]
                 ) -> list[tuple[int, str]]:
    """``found`` without its sentences of one or two words ("misc emails", a heading: "Coding"),
    which say little, but for the entry's first line and one that holds a word of ``naming``
    (the question's words, stemmed) that no longer sentence of the entry holds: the to-do list of
    a day in the notebook says "wrightscape paper?", the one line of the day about wrightscape,
    and "when did I last work on wrightscape?" quoted the day's title instead. Where a longer
    sentence says the word too, it says more ("Gaussian processes", a heading, took the place of
    "Rasmussen & Williams (2006) ... read Ch 1 & 2.")."""
    def short(line: int, text: str) -> bool:
        return line != first and len(text.split()) < 3

    longer = {word for line, text in found if not short(line, text) for word in _stems(text)}
    return [(line, text) for line, text in found
            if not short(line, text) or (_stems(text) & naming) - longer]


def _timed(hit: Hit) -> str:
    """A to-do's estimate and time spent as an answer quotes them (``est 2h, took 4h``): fields
    that the quote leaves out, where "how long did the sweep take?" finds its answer."""
    if hit.state is None:
        return ""
    parts = ([f"est {format_duration(hit.est_minutes)}"] if hit.est_minutes else []) + (
        [f"took {format_duration(hit.took_minutes)}"] if hit.took_minutes is not None else [])
    return ", ".join(parts)


def _runs(text: str) -> Iterator[list[tuple[int, str]]]:
    """The prose of an entry as runs of lines that read on into each other: its paragraphs
    (:func:`reslog.chunks.prose_paragraphs`) without lines of code, and cut where a line holds
    nothing but HTML tags (``<br/><br/>`` between pasted tweets, which end no sentence)."""
    for paragraph in prose_paragraphs(text):
        run: list[tuple[int, str]] = []
        for offset, line in paragraph:
            if _CODE.match(line):
                continue
            line = _HEADING_MARKS.sub("", without_html(line))  # HTML: a post's, or a pasted tweet
            if not line:  # it held tags alone
                if run:
                    yield run
                run = []
                continue
            run.append((offset, line))
        if run:
            yield run


def first_line(hit: Hit) -> str:
    """An entry's first line without its ``[key:: value]`` fields."""
    return FIELD.sub("", hit.text.split("\n", 1)[0]).strip()


def _stems(text: str) -> set[str]:
    return {stem(w) for w in subject_words(text)}


def _overlap(words: set[str], sentence: str) -> float:
    mine = _stems(sentence)
    return len(words & mine) / len(words) if words else 0.0


def answering(found: Retrieved) -> list[Hit]:
    """The entries an answer quotes: the best :data:`ANSWER_ENTRIES`, or, when the question asks
    only for a kind of entry ("which bugs did I hit in October?") and the evidence holds some, the
    best of that kind: a paper read that day is no answer to it, however close."""
    wanted = open_question(subject_words(found.query))  # empty when its words name more: they choose
    of_kind = [hit for hit in found.hits if of_kinds(wanted, hit.kind, hit.section)]
    return (of_kind or found.hits)[:ANSWER_ENTRIES]


def extract(found: Retrieved, backend: Backend | None = None) -> list[Quote]:
    """The sentences of the best entries that answer the question best, grouped by day."""
    question_words = {stem(w) for w in subject_words(found.query)}
    wanted = open_question(subject_words(found.query))
    sources = [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
               for name in names(found.query)] if _CAME_FROM.search(found.query) else []
    named = {value for word in subject_words(found.query) if (kind := asked_kind(word)) and kind[0] == "kind"
             for value in (kind[1],)}
    why = bool(_WHY.search(found.query))
    candidates: list[tuple[int, Hit, int, str, float]] = []
    for rank, hit in enumerate(answering(found)):
        scored = [(line, text, _overlap(question_words, text) + _cued(hit, line, text, named, why))
                  for line, text in sentences(hit, question_words)]
        if of_kinds(wanted, hit.kind, hit.section) or any(p.search(hit.source or "") for p in sources):
            # "what did I most recently read?": the entry's own line (the paper) is the answer,
            # not a thought under it that happens to share a word; and "what did Aiko suggest?":
            # the entry from Aiko (a paper), not the thought nested under it
            scored = [(line, text, lexical + (line == hit.line)) for line, text, lexical in scored]
        scored.sort(key=lambda item: -item[2])
        candidates += [(rank, hit, line, text, lexical) for line, text, lexical in scored[:_CANDIDATES]]
    if not candidates:
        return []
    cosines = [0.0] * len(candidates)
    if backend is not None:
        matrix = backend.embed([found.query] + [" ".join(c[3].split()[:_EMBED_WORDS]) for c in candidates])
        cosines = [float(x) for x in matrix[1:] @ matrix[0]]
    best: dict[int, list[tuple[float, Hit, int, str]]] = {}
    for (rank, hit, line, text, lexical), cosine in zip(candidates, cosines, strict=True):
        best.setdefault(rank, []).append((cosine + 0.5 * lexical, hit, line, text))
    quotes: list[Quote] = []
    days: dict[str, list[Quote]] = {}
    for rank in sorted(best):
        ranked = sorted(best[rank], key=lambda item: -item[0])
        # the best sentence always (its score may be below 0: an entry found by its kind, not its
        # words), a second only if it answers nearly as well as the first (not just any line)
        chosen = ranked[:1] + [item for item in ranked[1:SENTENCES_PER_ENTRY]
                               if item[0] > 0 and item[0] >= _SECOND_SENTENCE * ranked[0][0]]
        for score, hit, line, text in sorted(chosen, key=lambda item: item[2]):
            quote = Quote(hit.date, hit.file, line, _shown(text, question_words), round(score, 4))
            days.setdefault(hit.date, []).append(quote)
    for day_quotes in days.values():  # days in order of their best entry, lines in page order
        quotes += day_quotes
    return quotes


#: A question that asks for a reason ("why did I leave OpenWetWare?"), and the words a sentence
#: gives one with: the day was right and the quote was the topic ("I began to leave ..."), where
#: the next sentence said why.
_WHY = re.compile(r"^\W*(why|what\s+made\s+me|for\s+what\s+reason)\b|\breasons?\b", re.IGNORECASE)
_BECAUSE = re.compile(r"\b(because|so that|in order to|reasons?|due to|thanks to|as a result|"
                      r"therefore|thus|hence|spurred|motivat\w*|instead|rather than)\b", re.IGNORECASE)
#: How much a sentence that is what the question asks for counts beside the question's words (a
#: sentence holding every word scores 1): the decision line of "what did I decide about seeds?",
#: a sentence giving a reason for a why-question.
_KIND_CUE = 0.5
_REASON_CUE = 0.25


def _cued(hit: Hit, line: int, text: str, named: set[str], why: bool) -> float:
    """What a sentence adds as an answer to what the question asks for: it is (or opens) an entry
    or a nested item of a kind the question names ("decide": a ``decision:``), as the parser read
    its line, or it gives a reason to a why."""
    kinds = {hit.line: hit.kind, **{child["line"]: child["kind"] for child in hit.children}}
    kind = kinds.get(line)
    return (_KIND_CUE if kind in named else 0.0) + (_REASON_CUE if why and _BECAUSE.search(text) else 0.0)


def count_text(found: Retrieved) -> str:
    """The answer to "how many ...?": ``Papers read (read:), October (2026-10-01 to
    2026-10-31): 14.``, then the latest few, which the answer cites."""
    assert found.count is not None
    label = found.count.label
    where = found.scope.label if found.scope is not None else "the whole log"
    text = f"{label[:1].upper()}{label[1:]}, {where}: {found.count.total:,}."
    if found.count.projects:
        text += " Most tagged: " + ", ".join(f"#{name} ({n})" for name, n in found.count.projects) + "."
    if found.count.note:
        text += " " + found.count.note
    return text + " The latest:" if found.hits else text


def render_quotes(quotes: list[Quote]) -> str:
    """The extractive answer as text: a day's heading, then its quoted sentences with citations."""
    lines: list[str] = []
    for day in dict.fromkeys(q.date for q in quotes):
        lines.append(day)
        lines += [f"  {q.text} ({q.file}:{q.line})" for q in quotes if q.date == day]
    return "\n".join(lines)


def nearest(found: Retrieved, n: int = 3) -> list[Quote]:
    """The first lines of the nearest entries (for an abstention, or the latest entries counted),
    with their tags, as a list of entries shows them; but for an imported post whose first line
    is only its file's name and tags (``nimble-explore #ecology``), the first sentence of its body,
    which says what the post is about."""
    quotes = []
    for hit in found.hits[:n]:
        line, text = hit.line, first_line(hit)
        if _is_slug(_without_tags(text), hit):
            line, text = next(iter(sentences(hit)), (line, text))  # they leave the name out
        quotes.append(Quote(hit.date, hit.file, line, _with_time(text, hit), hit.score or 0.0))
    return quotes


def _with_time(text: str, hit: Hit) -> str:
    timed = _timed(hit)
    return f"{text} ({timed})" if timed else text


def abstention(found: Retrieved) -> str:
    """:data:`NO_ANSWER`, and why when the question names what the nearest entry never mentions
    (the names rule of :func:`retrieve`): "... the nearest entry does not mention Kubernetes"."""
    unknown = found.unknown
    names = ", ".join(unknown[:-1]) + " or " + unknown[-1] if len(unknown) > 1 else "".join(unknown)
    if not found.hits:  # nothing near at all, in the scope or in the log: no nearest entry to blame
        where = f" from {found.scope.label}" if found.scope is not None else ""
        return f"{NO_ANSWER[:-1]}: no entry{where} " + (f"mentions {names}." if names else "comes near it.")
    if not names:
        return NO_ANSWER
    return f"{NO_ANSWER[:-1]}: the nearest entry does not mention {names}."


def answer(found: Retrieved, backend: Backend | None = None, generator: Generator | None = None) -> Answer:
    """The answer to a retrieved question: abstention, generated with citations, or extractive."""
    if found.abstained:
        return Answer(found, abstention(found), nearest(found))
    if found.count is not None:
        quotes = nearest(found, found.count.quoted or ANSWER_ENTRIES)
        return Answer(found, "\n".join(filter(None, (count_text(found), render_quotes(quotes)))), quotes)
    notice = None
    if generator is not None:
        try:
            written = _written(found, generator)
        except ReslogError as exc:
            written, notice = None, f"{exc}; this answer is extractive"
        if written is not None:
            return written
        notice = notice or (
            "the model's answer cited none of the entries it was given; this answer is extractive"
        )
    quotes = extract(found, backend)
    return Answer(found, render_quotes(quotes), quotes, notice=notice)


# --- a written answer from a generative model, its citations checked ---

def prompt(found: Retrieved) -> str:
    """The numbered evidence and the question, for a generative model."""
    lines = [
        "Answer the question from these entries of my research log only. Cite every claim with the "
        "entry numbers in square brackets, like [1] or [2, 3]. Be short and specific. If the entries "
        "do not answer the question, say so.",
        "",
    ]
    for n, hit in enumerate(found.hits, 1):
        text = " ".join(FIELD.sub("", hit.text).split())
        lines.append(f"[{n}] {hit.date}: {' '.join(text.split()[:250])}")
    lines += ["", f"Question: {found.question}"]
    return "\n".join(lines)


def _written(found: Retrieved, generator: Generator) -> Answer | None:
    """A written answer whose claims all cite retrieved entries; None if none survives the check."""
    text, cited = check_citations(generator(prompt(found)), len(found.hits))
    if not cited:
        return None
    quotes = []
    for n in cited:
        hit = found.hits[n - 1]
        quotes.append(Quote(hit.date, hit.file, hit.line, first_line(hit), hit.score or 0.0))
    return Answer(found, text, quotes, generated=True)
