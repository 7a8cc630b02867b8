"""The digest: a period's ideas (or work) grouped into themes, every line concrete and cited.

A summary of a week of ideas is only useful if it is specific: "you explored
several directions in model evaluation" is what this module exists to never
say. So a digest is built from the entries themselves:

1. **Themes.** The selected entries are clustered by their vectors (the mean
   of each entry's passage vectors, from :mod:`reslog.semantic.vectors`) with
   average-linkage agglomerative clustering, merging while the two closest
   groups have a mean cosine of at least :data:`MERGE_AT`, two entries at least
   as alike as the share of words their first lines have in common (one idea
   written twice is one theme, whatever its nested lines say).
   Without embeddings the vectors are TF-IDF word vectors in which the first
   line weighs :data:`TITLE_SHARE` and the nested lines the rest, and the
   threshold is :data:`MERGE_AT_WORDS`. An idea unlike any other is a theme of
   one; every entry is in exactly one theme.
2. **Labels.** Each theme is named by its distinctive words among those that
   several of its entries hold: class-based TF-IDF (how many of the theme's
   entries hold a word, first lines counting double, times its rarity across
   the whole log, as BERTopic's c-TF-IDF). A theme of one entry is named by
   its first line. A hyphenated word counts in its parts (a tag, a file name).
3. **New or recurring.** A theme recurs when an earlier entry *mentions* it:
   holds its two top label words (or its one; less one that only half the
   theme's entries or fewer hold) in one line or sentence, and,
   with vectors, is as close to one of its entries as :data:`RECUR_AT`; the
   first such entry is cited as "first seen". Otherwise the theme is new.
4. **Lines.** Each entry is listed with its date, its source (``[from:: ...]``)
   and ``file:line``. With a generative model, a short paragraph per theme is
   added, kept only where every sentence cites the theme's entries.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

from reslog.ask import first_line
from reslog.chunks import clean, prose_lines
from reslog.dates import WEEKDAYS
from reslog.errors import InputError
from reslog.generate import check_citations
from reslog.index import Index, fts_term
from reslog.markdown import strip_tags
from reslog.records import Record
from reslog.search import STOPWORDS, Filters, Hit, allowed_ids, hits_for, matching_ids, stem
from reslog.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, Final

    from reslog.generate import Generator
    from reslog.semantic.vectors import Vectors

SECTIONS = {"ideas": "ideas", "done": "done", "all": None}
#: Mean cosine (MiniLM) at which two groups of entries are one theme.
MERGE_AT = 0.42
#: The same with TF-IDF word vectors, when there are no embeddings.
MERGE_AT_WORDS = 0.12
#: The weight of an entry's first line in its word vector (the rest: the remainder).
TITLE_SHARE = 0.6
#: Cosine of an earlier entry with an entry of the theme that makes the theme a recurring one.
RECUR_AT = 0.5
LABEL_WORDS = 3
#: Words whose rarity in the log the word vectors ask the index for, at most (the rest: see
#: :func:`_word_similarities`).
ASK_RARITY = 1500
#: Entries one digest groups at most: a summary of more is no summary (and clustering is n^2).
MAX_ENTRIES = 2000

class Theme(Record):
    """A group of entries about one thing, named by its distinctive words."""

    __slots__ = ("entries", "first_seen", "label", "paragraph")
    label: Final[list[str]]
    entries: Final[list[Hit]]
    first_seen: Final[Hit | None]
    paragraph: Final[str | None]

    def __init__(
        self, label: list[str], entries: list[Hit], first_seen: Hit | None = None,
        paragraph: str | None = None,
    ) -> None:
        self.label = label
        self.entries = entries
        self.first_seen = first_seen
        self.paragraph = paragraph

    @property
    def new(self) -> bool:
        return self.first_seen is None

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "new": self.new,
            "first_seen": None if self.first_seen is None else _cite(self.first_seen),
            "paragraph": self.paragraph,
            "entries": [_cite(hit) for hit in self.entries],
        }


class Digest(Record):
    __slots__ = ("by_words", "section", "semantic", "since", "themes", "until")
    since: Final[dt.date]
    until: Final[dt.date]
    section: Final[str]
    themes: Final[list[Theme]]
    semantic: Final[bool]
    by_words: Final[int]

    def __init__(
        self, since: dt.date, until: dt.date, section: str, themes: list[Theme], semantic: bool,
        by_words: int = 0,
    ) -> None:
        self.since = since
        self.until = until
        self.section = section
        self.themes = themes
        #: Whether vectors grouped (some of) the entries.
        self.semantic = semantic
        #: Entries grouped by shared words because they have no vector (yet): all of them without
        #: semantic search, the newest while the log is still being embedded.
        self.by_words = by_words

    @property
    def grouped_by(self) -> str:
        if not self.semantic:
            return "shared words"
        return "embeddings and shared words" if self.by_words else "embeddings"

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(), "section": self.section,
            "grouped_by": self.grouped_by, "not_embedded": self.by_words,
            "themes": [theme.as_json() for theme in self.themes],
        }


def _cite(hit: Hit) -> dict[str, Any]:
    return {
        "date": hit.date, "file": hit.file, "line": hit.line, "text": first_line(hit), "source": hit.source,
    }


def cluster(sim: Any, merge_at: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering: groups of row numbers of the similarity matrix
    ``sim`` (a numpy array, or a list of lists without numpy), merging the two most similar
    groups while their mean similarity is at least ``merge_at``.

    Lance-Williams updates keep one row per group: merging ``b`` into ``a`` makes ``a``'s
    similarity to every other group the size-weighted mean of the two, so each merge costs
    one pass over the matrix.
    """
    n = len(sim)
    members = [[i] for i in range(n)]
    if n < 2:
        return members
    if isinstance(sim, list):
        return _cluster_lists([list(map(float, row)) for row in sim], members, merge_at)
    import numpy as np

    s = np.array(sim, dtype=np.float64)
    np.fill_diagonal(s, -np.inf)
    # each row's best pair (the first column of its largest similarity), so that a merge rescans
    # only the rows it touched: the argmax of the whole matrix at every merge took 0.5 s for the
    # notebook's 1,012 posts. The pair merged is that argmax's, ties included.
    best, column = s.max(1), s.argmax(1)
    while True:
        a = int(np.argmax(best))
        b = int(column[a])
        if best[a] < merge_at:
            break
        size_a, size_b = len(members[a]), len(members[b])
        row = (size_a * s[a] + size_b * s[b]) / (size_a + size_b)
        s[a, :] = row
        s[:, a] = row
        s[a, a] = -np.inf
        s[b, :] = -np.inf
        s[:, b] = -np.inf
        members[a] += members[b]
        members[b] = []
        stale = (column == a) | (column == b)
        stale[[a, b]] = True
        best[stale], column[stale] = s[stale].max(1), s[stale].argmax(1)
        new = s[:, a]
        better = ~stale & ((new > best) | ((new == best) & (a < column)))
        best[better], column[better] = new[better], a
    return [sorted(group) for group in members if group]


def _cluster_lists(s: list[list[float]], members: list[list[int]], merge_at: float) -> list[list[int]]:
    """:func:`cluster` in plain Python (word vectors, when numpy is not installed).

    Each row keeps its best pair to the right, ``(similarity, column)``, so a merge rescans only
    the merged row and the rows whose best pair it touched: finding the best pair over the whole
    matrix at every merge took 11 of 14 s for a quarter of the generated 10-year log (570
    entries). The pair merged is the same as that full scan's, ties included: the largest
    ``(similarity, row, column)``.
    """
    n = len(s)
    alive = set(range(n))

    def best_in(x: int) -> tuple[float, int] | None:
        return max(((s[x][y], y) for y in alive if y > x), default=None)

    right: list[tuple[float, int] | None] = [best_in(x) for x in range(n)]
    while len(alive) > 1:
        best, a, b = max((pair[0], x, pair[1]) for x in alive if (pair := right[x]) is not None)
        if best < merge_at:
            break
        size_a, size_b = len(members[a]), len(members[b])
        for k in alive:
            if k not in (a, b):
                s[a][k] = s[k][a] = (size_a * s[a][k] + size_b * s[b][k]) / (size_a + size_b)
        members[a] += members[b]
        members[b] = []
        alive.discard(b)
        right[b] = None
        # a row's other pairs keep their values, and its pair with ``a`` became a mean of two of
        # its pairs: never more than its best unless that best was ``a`` or ``b``, rescanned (or
        # by a rounding of the mean, compared)
        for k in alive:
            pair = right[k]
            if k == a or (pair is not None and pair[1] in (a, b)):
                right[k] = best_in(k)
            elif k < a and pair is not None and (s[k][a], a) > pair:
                right[k] = (s[k][a], a)
    return [sorted(group) for group in members if group]


# --- the words of the selected entries: what groups them and what names them ---

#: A question's stopword that still names what a notebook entry is about: "Writing" titles a
#: day of writing a paper, though "when did I write about X" asks nothing about writing.
_SUBJECTS = frozenset({"writing"})


class _Said:
    """An entry's words: those of its first line (without its #tags), the idea or the post's
    title, and those of the rest (nested lines, the body of an imported post, and the tags),
    each once, and how often the rest says each."""

    __slots__ = ("body", "counts", "stems", "title", "title_stems")
    title: Final[set[str]]
    body: Final[set[str]]
    counts: Final[Counter[str]]
    #: The stems (:func:`reslog.search.stem`) of the first line's words, and of all its words.
    title_stems: Final[set[str]]
    stems: Final[set[str]]

    def __init__(self, hit: Hit) -> None:
        first, _, rest = hit.text.partition("\n")
        title = clean(first)
        self.title = set(_words(strip_tags(title)))
        self.counts = Counter(_words(title + " " + clean(rest)))
        self.body = set(self.counts) - self.title
        self.title_stems = {stem(w) for w in self.title}
        self.stems = self.title_stems | {stem(w) for w in self.body}


#: A word: a hyphen or a digit starts the next (``prosecutor-fallacy-as-large-deviations``, a
#: file name, or a tag, is its words; ``esa11`` stays whole).
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W_]+)*")


def _words(text: str) -> list[str]:
    """The content words of cleaned text, lowercased, as :func:`stem` groups them: a hyphenated
    word in its parts, without a possessive 's, stopwords, the calendar, numbers or words of two
    letters."""
    return [word for token in _WORD.findall(text.lower())
            if len(word := _POSSESSIVE.sub("", token) if "'" in token or "’" in token else token) > 2
            and word not in _STOP]


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {w: v / norm for w, v in weights.items()}


def _word_similarities(index: Index, said: list[_Said]) -> Any:
    """The entries' cosine similarities (a numpy matrix, rows in ``said`` order) of their TF-IDF
    word vectors over crude stems (:func:`reslog.search.stem`).

    The first line and the rest of an entry weigh :data:`TITLE_SHARE` and the remainder of the
    vector: compared whole, two copies of one idea whose nested lines differed fell into two
    themes, each beside ideas whose nested lines were alike ("thought: the variance across seeds
    is as big as the effect"). Only the stems two entries share can make a pair close, so the
    matrix product is over those alone (a word of one entry counts in its norm); the pairs in
    Python took 35 of 37 s for the whole notebook (1,012 posts)."""
    import numpy as np

    stems = [(s.title_stems, s.stems - s.title_stems) for s in said]
    held = Counter(root for s in said for root in s.stems)
    shared = sorted(root for root, n in held.items() if n > 1)
    column = {root: n for n, root in enumerate(shared)}
    spelled = _spellings(said)
    total = max(1, index.count(), len(said))
    # the index is asked for the rarity of the stems most entries hold; one held by few of many
    # entries counts as rare in the log as here (asking for each of the notebook's 6,000 shared
    # stems took a fifth of its digest)
    asked = sorted(shared, key=lambda root: -held[root])[:ASK_RARITY]
    df = {root: index.document_frequency(spelled[root]) for root in asked}
    rarest = math.log((total + 1) / 2)
    idf = {root: math.log((total + 1) / (df.get(root, held[root] * total / len(said)) + 1))
           for root in shared}
    matrix = np.zeros((len(said), len(shared)), dtype=np.float32)
    for row, (title, body) in enumerate(stems):
        parts = [(share, _unit({r: idf.get(r, rarest) for r in words}))
                 for share, words in ((TITLE_SHARE, title), (1 - TITLE_SHARE, body)) if words]
        norm = math.sqrt(sum(share * share for share, _ in parts)) or 1.0
        for share, vector in parts:
            for root, value in vector.items():
                if root in column:
                    matrix[row, column[root]] = share * value / norm
    return (matrix @ matrix.T).astype(np.float64)


def _alike_first_lines(sim: Any, said: list[_Said]) -> Any:
    """``sim`` (cosines of the entries' mean vectors), each pair at least as alike as their first
    lines are: the share of the two lines' words (stems) that both hold. An entry's vector is the
    mean of its passages, nested lines included, and those put two copies of "a tool that diffs
    two configs and their runs", and two "a synthetic task where the answer is known, to test
    ..." ideas, in two themes each."""
    import numpy as np

    stems = sorted({root for s in said for root in s.title_stems})
    column = {root: n for n, root in enumerate(stems)}
    held = np.zeros((len(said), len(stems)), dtype=np.float32)
    for row, s in enumerate(said):
        held[row, [column[root] for root in s.title_stems]] = 1.0
    both = held @ held.T
    size = held.sum(1)
    either = size[:, None] + size[None, :] - both
    share = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    return np.maximum(sim, share)


def _spellings(said: list[_Said]) -> dict[str, str]:
    """Each stem's most used spelling among the entries (ties: the first in order)."""
    counts: Counter[str] = Counter()
    for s in said:
        counts.update(s.title | s.body)
    out: dict[str, str] = {}
    for word, _ in counts.most_common():
        out.setdefault(stem(word), word)
    return out


#: Words that never name a theme: function words beyond a question's stopwords, numbering, the
#: calendar (a notebook's posts are often titled "Thursday: writing; latexdiff notes"), and the
#: verbs an idea is phrased with ("try X", "combine X with Y", "ask Marco whether X"), which say
#: what kind of idea it is, not what it is about.
_NOT_LABELS = """
try trying use using combine combining compare comparing ask asking maybe idea ideas instead worth
whether however also though although yet via per etc vs among within without upon toward towards
across based
like just really might may must shall much many lot lots thing things way ways kind sort bit
one two three four five first second third next new old part parts note notes ii iii iv vi vii viii
ix xi xii today yesterday tomorrow morning afternoon evening weekend
actually nobody somebody anybody everybody someone anyone everyone something anything
everything nothing later earlier sooner near nearly along true false extra tiny small big large
little whole every each another other others same different several enough rather quite still
again already always never often sometimes since against unless despite
january february march april june july august september october november december
"""
_LABEL_STOP = frozenset(_NOT_LABELS.split()) | frozenset(WEEKDAYS)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
#: What never groups or names: a question's stopwords but the subjects among them, and the above.
_STOP = (STOPWORDS - _SUBJECTS) | _LABEL_STOP
_POSSESSIVE = re.compile(r"['’]s$")


def _names(text: str, words: Iterable[str]) -> set[str]:
    """Which of ``words`` the text only ever writes with a capital and then small letters, past
    a line's first word: people and places ("Daniel", "Costello"). A theme named by names alone
    says who, not what. An acronym or a word with a digit names a thing (``DHIS2``, ``TSIR``):
    what it is about. A line in title case ("Warning Signals on Real Data", as a notebook titles
    its posts) says nothing of names. Only the ``words`` are looked for: reading every word of a
    year of long posts took half a second."""
    capital: set[str] = set()
    lower: set[str] = set()
    folded = text.lower()
    if len(folded) != len(text):  # a letter whose small form is two: positions would not match
        return capital
    for word in words:
        at = folded.find(word)
        while at >= 0:
            end = at + len(word)
            token = text[at:end]
            if (at and folded[at - 1].isalnum()) or (end < len(text) and folded[end].isalnum()):
                pass  # inside a longer word
            elif not (token[0].isupper() and token[1:].islower()):
                lower.add(word)
            else:
                start = text.rfind("\n", 0, at) + 1
                stop = text.find("\n", end)
                if text[start:at].strip(" -*+#>_[]:0123456789") and not _title_case(
                        text[start:stop if stop >= 0 else len(text)]):
                    capital.add(word)
            at = folded.find(word, end)
    return capital - lower


def _title_case(line: str) -> bool:
    """Whether most of the line's words of four letters or more start with a capital."""
    long = [part for token in _TOKEN.findall(line) for part in token.split("-") if len(part) > 3]
    return len(long) > 1 and sum(part[0].isupper() for part in long) * 3 > len(long) * 2


# --- labels: class-based TF-IDF against the whole log, over words the theme's entries share ---

def _document_frequency(index: Index, words: list[str]) -> dict[str, int]:
    return {word: index.document_frequency(word) for word in words}


def labels(
    index: Index, groups: list[list[_Said]], texts: list[str], n: int = LABEL_WORDS
) -> list[list[str]]:
    """The ``n`` most distinctive words of each group of entries (``texts``: their text, for the
    names in it).

    A theme of several entries is named by words several of them hold (by stem, in their most
    used spelling): rarity alone named the notebook's warning-signals work of 2011 after a typo
    one title had ("thrusday") and a word of one ("mcmcmc"). A word scores how many of the
    entries hold it, twice for one in a first line (only the words that score a third of the
    best word's or more), squared, times its rarity in the log (c-TF-IDF, as BERTopic's), times
    the square root of the share of the period's entries holding it that the theme has. A theme
    of one entry is named by its first line's words, those no other entry of the log holds (a
    slip of the keyboard) last, or else by the words its body says most. Names of people come
    after every other word."""
    spelled = _spellings([s for group in groups for s in group])
    # per group, how many of its entries hold each stem: what may name it, and how much of it
    holding = [Counter(root for s in group for root in s.stems) for group in groups]
    candidates = [_candidates(group, spelled, held) for group, held in zip(groups, holding, strict=True)]
    vocabulary = sorted({w for found in candidates for w in found})
    df = _document_frequency(index, vocabulary)
    total = max(1, index.count())
    in_period = sum(holding, Counter[str]())
    out = []
    for found, group, text, here in zip(candidates, groups, texts, holding, strict=True):
        scored = sorted(found, key=lambda w: (
            len(group) == 1 and df[w] < 2,
            -found[w] ** 2 * math.log(1 + total / (df[w] + 1)) * (here[stem(w)] / in_period[stem(w)]) ** 0.5,
            w,
        ))
        # people after every other word; only the words that could name the theme are looked up
        names = _names(text, scored[:2 * n])
        out.append(_distinct(sorted(scored, key=lambda w: w in names))[:n])
    return out


def _distinct(words: list[str]) -> list[str]:
    """``words`` without those that begin another before them, or that one before them begins
    ("knitr, citations, knit": knit says knitr again)."""
    kept: list[str] = []
    for word in words:
        if not any(len(min(word, other, key=len)) >= 4 and (word.startswith(other) or other.startswith(word))
                   for other in kept):
            kept.append(word)
    return kept


def _candidates(group: list[_Said], spelled: dict[str, str], entries: Counter[str]) -> dict[str, float]:
    """The words that may name a group and how much of it they cover: per word (its most used
    spelling, ``spelled``), the entries holding it (``entries``, by stem), twice those holding it
    in their first line, over the group's size."""
    held = entries + Counter(root for s in group for root in s.title_stems)
    if len(group) > 1:
        shared = {root: held[root] for root in held if entries[root] > 1}
        if shared:
            # a word few of the entries hold does not name them, however rare
            most = max(shared.values())
            return {spelled[root]: v / len(group) for root, v in shared.items() if v * 3 >= most}
        # grouped by meaning without a word in common: the first lines' words
        return {spelled[root]: v / len(group) for root, v in held.items() if v > 1}
    (s,) = group
    if s.title:
        return {spelled[stem(w)]: 1.0 for w in s.title}
    said = {w: c for w, c in s.counts.items() if c > 1}
    return {w: c / max(said.values()) for w, c in said.items()} if said else {}


# --- the digest ---


def _embedded(ids: list[int], vectors: Vectors | None) -> tuple[list[int], Any]:
    """The entries of ``ids`` that have vectors, in order, and their unit mean vectors (rows)."""
    if vectors is None or not len(vectors) or not ids:
        return [], None
    found, means = vectors.entry_means(ids)
    rows = {int(entry_id): n for n, entry_id in enumerate(found)}
    have = [i for i in ids if i in rows]
    return have, means[[rows[i] for i in have]] if have else None


def digest(
    index: Index, since: dt.date, until: dt.date, section: str = "ideas", vectors: Vectors | None = None,
    generator: Generator | None = None,
) -> Digest:
    """The themes of the entries of ``section`` written from ``since`` to ``until``."""
    ids = allowed_ids(index, Filters(section=SECTIONS[section], since=since, until=until))
    by_id = dict(zip(ids, hits_for(index, ids), strict=True))
    if len(ids) > MAX_ENTRIES:
        raise InputError(
            f"{len(ids)} entries is too many for one digest (at most {MAX_ENTRIES}); "
            "choose a shorter period with --since/--until or --week, or one --section"
        )
    # entries with vectors are grouped by meaning; the rest (all of them without semantic search,
    # the newest while the log is being embedded) by shared words, apart
    embedded, matrix = _embedded(ids, vectors)
    has_vector = set(embedded)
    by_words = [i for i in ids if i not in has_vector]
    said = {i: _Said(by_id[i]) for i in ids}
    groups = []
    if embedded:
        sim = _alike_first_lines(matrix @ matrix.T, [said[i] for i in embedded])
        groups = [[embedded[n] for n in g] for g in cluster(sim, MERGE_AT)]
    meant = len(groups)
    if by_words:
        sim = _word_similarities(index, [said[i] for i in by_words])
        groups += [[by_words[n] for n in g] for g in cluster(sim, MERGE_AT_WORDS)]
    order = sorted(range(len(groups)), key=lambda k: (-len(groups[k]), by_id[groups[k][0]].date,
                                                      by_id[groups[k][0]].line))
    names = labels(index, [[said[i] for i in groups[k]] for k in order],
                   ["\n".join(by_id[i].text for i in groups[k]) for k in order])
    before = Filters(section=SECTIONS[section], until=since - dt.timedelta(days=1))
    earlier = _Earlier(index, before, vectors) if embedded and vectors is not None else None
    position = {entry_id: n for n, entry_id in enumerate(embedded)}
    themes = []
    for k, label in zip(order, names, strict=True):
        group = groups[k]
        entries = [by_id[i] for i in group]
        core = _core(label, [said[i] for i in group])
        if k < meant and earlier is not None:
            first = earlier.first_close_to(matrix[[position[i] for i in group]], core)
        else:
            first = _first_seen_by_words(index, before, core)
        paragraph = _paragraph(generator, label, entries) if generator is not None else None
        themes.append(Theme(label, entries, first, paragraph))
    return Digest(since, until, section, themes, bool(embedded), len(by_words) if embedded else 0)


def _core(label: list[str], group: list[_Said]) -> list[str]:
    """The words an earlier entry must say (together) to mention the theme: its two top label
    words, less one that only half its entries or fewer hold. A theme of four posts about knitr
    named "knitr, citations" was "new" in a notebook that wrote of knitr for months before, none of
    it about citations."""
    top = label[:2]
    most = [word for word in top if sum(stem(word) in s.stems for s in group) * 2 > len(group)]
    return most or top


class _Earlier:
    """The entries written before the period, as vectors, in date order."""

    def __init__(self, index: Index, before: Filters, vectors: Vectors) -> None:
        self.index = index
        in_order = allowed_ids(index, before)
        self.ids, self.means = vectors.entry_means(in_order)
        self.position = {entry_id: n for n, entry_id in enumerate(in_order)}

    def first_close_to(self, theme: Any, words: list[str]) -> Hit | None:
        """The earliest entry as close to an entry of the theme (rows) as :data:`RECUR_AT` that
        mentions the theme (:func:`_mentions` its ``words``, from :func:`_core`). Closeness alone
        cited an empty template post of 2010 as where a 2014 Docker theme was "first seen": a
        long or generic entry is close to much; the words keep the citation about the theme."""
        import numpy as np

        if not len(self.ids) or not words:
            return None
        close = [int(i) for i in self.ids[np.flatnonzero((self.means @ theme.T).max(1) >= RECUR_AT)]]
        if not close:
            return None
        found = set(close)
        for word in words:
            found = self.index.holding(word, sorted(found))
        in_order = sorted(found, key=self.position.__getitem__)
        return next((hit for hit in hits_for(self.index, in_order) if _mentions(hit, words)), None)


def _first_seen_by_words(index: Index, before: Filters, words: list[str]) -> Hit | None:
    """Without vectors: the earliest entry before the period that mentions the theme
    (:func:`_mentions` its ``words``, from :func:`_core`)."""
    if not words:
        return None
    # the index narrows the log to the entries holding them (stemmed: a few more), earliest first;
    # reading and cleaning every earlier entry took 1 s a theme on a notebook of long posts
    ids = list(matching_ids(index, " AND ".join(fts_term(word) for word in sorted(words)), before))
    for hit in sorted(hits_for(index, ids), key=lambda hit: (hit.date, hit.line)):
        if _mentions(hit, words):
            return hit
    return None


_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def _mentions(hit: Hit, words: list[str]) -> bool:
    """Whether one line (or sentence) of the entry holds all the ``words`` (by :func:`stem`).
    Anywhere in the entry was too loose: a long post holding "multiple" on one line and
    "uncertainty" on the next was cited as where a multiple-uncertainty theme was first seen."""
    wanted = {stem(word) for word in words}
    for _, line in prose_lines(hit.text):
        for sentence in _SENTENCE.split(line):
            if wanted <= {stem(w) for w in _words(sentence)}:
                return True
    return False


def _paragraph(generator: Generator, label: list[str], entries: list[Hit]) -> str | None:
    numbered = "\n".join(f"[{n}] {hit.date}: {first_line(hit)}" for n, hit in enumerate(entries, 1))
    prompt = (
        f"These entries of my research log share a theme ({', '.join(label)}). In two or three "
        "sentences, say specifically what the ideas are and how they relate. Name the concrete ideas; "
        "no generic statements. Cite every sentence with entry numbers like [1].\n\n" + numbered
    )
    text, cited = check_citations(generator(prompt), len(entries))
    if not cited:
        return None
    # check_citations renumbers to the order cited; put the theme's own numbers back
    order = {new: old for new, old in enumerate(cited, 1)}
    return re.sub(r"\[(\d+(?:\s*,\s*\d+)*)\]",
                  lambda m: "[" + ", ".join(str(order[int(n)]) for n in m.group(1).split(",")) + "]", text)


def render(result: Digest, heading: Callable[[str], str] = str) -> list[str]:
    """The digest as lines of text: a line per theme (passed through ``heading``, which the
    terminal makes bold), whether it is new, then its cited entries."""
    period = f"{result.since.isoformat()} to {result.until.isoformat()}"
    one, many = {"ideas": ("idea", "ideas"), "done": ("entry of What was done", "entries of What was done"),
                 "all": ("entry", "entries")}[result.section]
    if not result.themes:
        return [f"No {many} from {period}."]
    count = sum(len(t.entries) for t in result.themes)
    how = ""
    if not result.semantic:
        how = " (grouped by shared words: no embeddings)"
    elif result.by_words:
        how = f" ({result.by_words} not embedded yet, grouped by shared words)"
    lines = [f"{plural(count, one, many)} from {period} in {plural(len(result.themes), 'theme')}{how}."]
    for theme in result.themes:
        lines += ["", heading(", ".join(theme.label) or first_line(theme.entries[0]))]
        if theme.first_seen is None:
            lines.append("New this period.")
        else:
            seen = theme.first_seen
            lines.append(
                f"Recurring: first seen {seen.date} in \"{first_line(seen)}\" ({seen.file}:{seen.line})."
            )
        if theme.paragraph:
            lines.append(theme.paragraph)
        for n, hit in enumerate(theme.entries, 1):
            source = f" (from {hit.source})" if hit.source else ""
            number = f"[{n}] " if theme.paragraph else ""
            lines.append(f"- {number}{hit.date} {first_line(hit)}{source} ({hit.file}:{hit.line})")
    return lines
