"""The digest: a period's ideas (or work) grouped into themes, every line concrete and cited.

A summary of a week of ideas is only useful if it is specific: "you explored
several directions in model evaluation" is what this module exists to never
say. So a digest is built from the entries themselves:

1. **Themes.** The selected entries are clustered by their vectors (the mean
   of each entry's passage vectors, from :mod:`reslog.semantic.vectors`) with
   average-linkage agglomerative clustering, merging while the two closest
   groups have a mean cosine of at least :data:`MERGE_AT`. Without embeddings
   the vectors are TF-IDF word counts and the threshold is
   :data:`MERGE_AT_WORDS`. An idea unlike any other is a theme of one.
2. **Labels.** Each theme is named by its distinctive words: class-based
   TF-IDF (the theme's entries as one document, each word's frequency there
   times its rarity across the whole log, as BERTopic's c-TF-IDF), so the
   label says what sets the theme apart from the rest of the log.
3. **New or recurring.** A theme recurs when an entry written before the
   period is as close to one of its entries as :data:`RECUR_AT` and holds the
   rarest of its label words, or else any of them (without vectors: holds its
   two top label words); the first such entry is cited as "first seen".
   Otherwise the theme is new.
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
from reslog.chunks import clean
from reslog.dates import WEEKDAYS
from reslog.errors import InputError
from reslog.generate import check_citations
from reslog.index import Index, fts_term
from reslog.markdown import strip_tags
from reslog.records import Record
from reslog.search import Filters, Hit, allowed_ids, hits_for, matching_ids, stem, subject_words
from reslog.words import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from reslog.generate import Generator
    from reslog.semantic.vectors import Vectors

SECTIONS = {"ideas": "ideas", "done": "done", "all": None}
#: Mean cosine (MiniLM) at which two groups of entries are one theme.
MERGE_AT = 0.42
#: The same with TF-IDF word vectors, when there are no embeddings.
MERGE_AT_WORDS = 0.12
#: Cosine of an earlier entry with an entry of the theme that makes the theme a recurring one.
RECUR_AT = 0.5
LABEL_WORDS = 3
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


# --- vectors of the selected entries ---

Vector = dict[str, float]


def _word_vectors(words: dict[int, list[str]], df: dict[str, int], total: int) -> dict[int, dict[str, float]]:
    """TF-IDF vectors of the texts' subject ``words``, over crude stems (:func:`reslog.search.stem`)."""
    out = {}
    for entry_id, said in words.items():
        vec: dict[str, float] = {}
        for word, count in Counter(said).items():
            root = stem(word)
            vec[root] = vec.get(root, 0.0) + count * math.log((total + 1) / (df.get(word, 0) + 1))
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out[entry_id] = {w: v / norm for w, v in vec.items()}
    return out


def _cos(a: Vector, b: Vector) -> float:
    if len(a) > len(b):  # look the shorter one's words up in the longer
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


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
    while True:
        a, b = divmod(int(np.argmax(s)), n)
        if s[a, b] < merge_at:
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


# --- labels: class-based TF-IDF against the whole log ---

def _label_text(hit: Hit) -> str:
    """What a theme is named from: the entry's first line, without fields and #tags (a tag is
    the writer's filing, often of the project, not of the idea)."""
    return strip_tags(first_line(hit))


def _document_frequency(index: Index, words: list[str]) -> dict[str, int]:
    return {word: index.document_frequency(word) for word in words}


#: Words that never name a theme: function words beyond a question's stopwords, numbering, the
#: calendar (a notebook's posts are often titled "Thursday: writing; latexdiff notes"), and the
#: verbs an idea is phrased with ("try X", "combine X with Y", "ask Marco whether X"), which say
#: what kind of idea it is, not what it is about.
_NOT_LABELS = """
try trying use using combine combining compare comparing ask asking maybe idea ideas instead worth
whether however also though although yet via per etc vs among within without upon toward towards
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
#: A date or a number written with dashes or dots ("2012-04-20", "3.5"): never a theme's name.
_DATE_LIKE = re.compile(r"^[\d.:/-]+$")


def _label_words(text: str) -> list[str]:
    return [w for w in subject_words(text)
            if len(w) > 2 and w not in _LABEL_STOP and not _DATE_LIKE.match(w)]


def _names(texts: list[str]) -> set[str]:
    """Words the texts only ever write with a capital and then small letters, past a text's first
    word: people and places ("Daniel", "Costello"). A theme named by names alone says who, not
    what. An acronym or a word with a digit names a thing (``DHIS2``, ``TSIR``): what it is about."""
    capital: set[str] = set()
    lower: set[str] = set()
    for text in texts:
        for n, token in enumerate(_TOKEN.findall(text)):
            word = token.lower()
            if token[0].isupper() and token[1:].islower():
                if n:
                    capital.add(word)
            else:
                lower.add(word)
    return capital - lower


def labels(index: Index, groups: list[list[str]], n: int = LABEL_WORDS) -> list[list[str]]:
    """The ``n`` most distinctive content words of each group of texts: c-TF-IDF against the log
    (how many of the group's texts hold the word, times its rarity in the log, shared across
    fewer groups first), with names only after every other word."""
    cleaned = [[clean(text) for text in texts] for texts in groups]
    counts = [Counter(w for text in texts for w in _label_words(text)) for texts in cleaned]
    vocabulary = sorted({w for c in counts for w in c})
    df = _document_frequency(index, vocabulary)
    total = max(1, index.count())
    in_groups = Counter(w for c in counts for w in c)  # how many themes use the word
    out = []
    for c, texts in zip(counts, cleaned, strict=True):
        size = sum(c.values()) or 1
        names = _names(texts)
        scored = sorted(c, key=lambda w: (
            w in names, -(c[w] / size) * math.log(1 + total / (df.get(w, 0) + 1)) / in_groups[w], w,
        ))
        out.append(scored[:n])
    return out


# --- the digest ---


def _embedded(ids: list[int], vectors: Vectors | None) -> tuple[list[int], Any]:
    """The entries of ``ids`` that have vectors, in order, and their unit mean vectors (rows)."""
    if vectors is None or not len(vectors) or not ids:
        return [], None
    found, means = vectors.entry_means(ids)
    rows = {int(entry_id): n for n, entry_id in enumerate(found)}
    have = [i for i in ids if i in rows]
    return have, means[[rows[i] for i in have]] if have else None


def _word_similarities(index: Index, ids: list[int], by_id: dict[int, Hit]) -> list[list[float]]:
    """The entries' TF-IDF cosine similarities (rows in ``ids`` order)."""
    said = {i: subject_words(clean(by_id[i].text)) for i in ids}
    vocabulary = sorted({w for words in said.values() for w in words})
    df = _document_frequency(index, vocabulary)
    vectors = list(_word_vectors(said, df, max(1, index.count())).values())  # in ``ids`` order
    sim = [[0.0] * len(ids) for _ in ids]
    for a, first in enumerate(vectors):  # symmetric: each pair once
        sim[a][a] = _cos(first, first)
        for b in range(a + 1, len(vectors)):
            sim[a][b] = sim[b][a] = _cos(first, vectors[b])
    return sim


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
    groups = [[embedded[n] for n in g] for g in cluster(matrix @ matrix.T, MERGE_AT)] if embedded else []
    meant = len(groups)
    if by_words:
        sim = _word_similarities(index, by_words, by_id)
        groups += [[by_words[n] for n in g] for g in cluster(sim, MERGE_AT_WORDS)]
    order = sorted(range(len(groups)), key=lambda k: (-len(groups[k]), by_id[groups[k][0]].date,
                                                      by_id[groups[k][0]].line))
    names = labels(index, [[_label_text(by_id[i]) for i in groups[k]] for k in order])
    before = Filters(section=SECTIONS[section], until=since - dt.timedelta(days=1))
    earlier = _Earlier(index, before, vectors) if embedded and vectors is not None else None
    position = {entry_id: n for n, entry_id in enumerate(embedded)}
    themes = []
    for k, label in zip(order, names, strict=True):
        group = groups[k]
        entries = [by_id[i] for i in group]
        if k < meant and earlier is not None:
            first = earlier.first_close_to(matrix[[position[i] for i in group]], label)
        else:
            first = _first_seen_by_words(index, before, label)
        paragraph = _paragraph(generator, label, entries) if generator is not None else None
        themes.append(Theme(label, entries, first, paragraph))
    return Digest(since, until, section, themes, bool(embedded), len(by_words) if embedded else 0)


class _Earlier:
    """The entries written before the period, as vectors, in date order."""

    def __init__(self, index: Index, before: Filters, vectors: Vectors) -> None:
        self.index = index
        in_order = allowed_ids(index, before)
        self.ids, self.means = vectors.entry_means(in_order)
        self.position = {entry_id: n for n, entry_id in enumerate(in_order)}

    def first_close_to(self, theme: Any, label: list[str]) -> Hit | None:
        """The earliest entry as close to an entry of the theme (rows) as :data:`RECUR_AT` that
        holds the rarest of the theme's label words, or else any of them. Closeness alone cited
        an empty template post of 2010 as where a 2014 Docker theme was "first seen": a long or
        generic entry is close to much; the word keeps the citation about the theme."""
        import numpy as np

        if not len(self.ids) or not label:
            return None
        close = [int(i) for i in self.ids[np.flatnonzero((self.means @ theme.T).max(1) >= RECUR_AT)]]
        if not close:
            return None
        # the rarest word says most what the theme is about ("docker" over "fun"); any word else
        rarest = min(label, key=self.index.document_frequency)
        found = self.index.holding(rarest, close) or set().union(
            *(self.index.holding(word, close) for word in label if word != rarest))
        if not found:
            return None
        first = min(found, key=self.position.__getitem__)
        return hits_for(self.index, [first])[0]


def _first_seen_by_words(index: Index, before: Filters, label: list[str]) -> Hit | None:
    """Without vectors: the earliest entry before the period that holds the theme's two top words."""
    top = set(label[:2])
    if len(top) < 2:
        return None
    # the index narrows the log to the entries holding both (stemmed: a few more), earliest first;
    # reading and cleaning every earlier entry took 1 s a theme on a notebook of long posts
    ids = list(matching_ids(index, " AND ".join(fts_term(word) for word in sorted(top)), before))
    for hit in sorted(hits_for(index, ids), key=lambda hit: (hit.date, hit.line)):
        if top <= set(subject_words(clean(hit.text))):
            return hit
    return None


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
