"""Hybrid search: BM25 and vector results fused into one ranking.

Keyword search finds the entry that uses your words; vector search finds the
one that says the same thing in other words. The candidates of both legs are
scored as ``cosine + 0.4 x coverage + 0.5 x coverage / (10 + BM25 rank)``:
the cosine of the entry's best passage with the query, the share of the
query's words the entry holds (weighted by rarity; every candidate's, those
the vector leg found too), and a bonus for a high keyword rank, worth as
much as the words behind it. On the two question sets (benchmarks/README.md)
this beat reciprocal rank fusion (Cormack et al., 2009; k = 10 to 60) by
0.05-0.10 MRR: RRF only sees ranks, and rank 1 and rank 2 of the vector list
are worth almost the same to it however far apart their cosines are. The
coverage weight was 0.2 until the second question set (a log of short
entries, where a rare word held is strong evidence) showed hybrid ranking
below keyword ranking there; 0.4 raised both sets (MRR 0.641 -> 0.719 on the
short entries, 0.812 -> 0.829 on the notebook), while more weight trades one
set against the other.

The keyword leg asks for every word first (what ``reslog search`` has always
done), then for any of the subject words of the query (a question's words
rarely all occur in one entry), ranked after. Coverage is what keeps an entry
that shares one common word with a long question ("training" in "booked the
train") from outranking the entry that means what was asked. The vector leg
scores every entry the filters let through by its best passage.
"""

from __future__ import annotations

import math

from reslog.index import Index, fts_term
from reslog.intents import asked_kind, open_question
from reslog.records import Record
from reslog.search import (
    Filters,
    Hit,
    allowed_ids,
    compile_query,
    dated_ids,
    disallowed_ids,
    hits_for,
    loose_query,
    matching_ids,
    ranked_ids,
    subject_words,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    import numpy as np
    from numpy.typing import NDArray

    from reslog.semantic.backends import Backend
    from reslog.semantic.vectors import Vectors

#: How deep each leg looks before fusing.
DEPTH = 100
#: Weight of keyword coverage (0..1) against the cosine (about 0.1 unrelated, 0.6 on topic), and of
#: the BM25 rank, as RANK_WEIGHT x coverage / (RANK_K + rank): chosen on both question sets of
#: benchmarks/eval (see the module's docstring).
COVERAGE_WEIGHT = 0.4
RANK_WEIGHT = 0.5
RANK_K = 10
#: A search lists entries found only by meaning from this cosine up (MiniLM: unrelated texts
#: score below 0.2; 95% of the evaluation's answers score 0.36 or more).
SEARCH_FLOOR = 0.3
#: Keyword hits whose cosines stand in for those of hits not embedded yet (see with_unembedded).
UNEMBEDDED_FROM = 20


def keyword_ranking(
    index: Index, query: str, filters: Filters | None, depth: int = DEPTH
) -> list[tuple[int, float]]:
    """(entry id, BM25) for ``query``: entries with every word, then entries with any subject word,
    then, for an open question about a kind of entry ("what did I decide last week?"), the
    entries of that kind (:func:`asked_for`)."""
    compiled = compile_query(query)
    ranking: list[tuple[int, float]] = []
    if compiled.match is not None:
        ranking = ranked_ids(index, compiled.match, filters, depth, compiled.exclude)
    loose = loose_query(query)
    if loose is not None and len(ranking) < depth:
        seen = {entry_id for entry_id, _ in ranking}
        more = ranked_ids(index, loose, filters, depth, compiled.exclude)
        ranking += [(i, score) for i, score in more if i not in seen][: depth - len(ranking)]
    if len(ranking) < depth:
        seen = {entry_id for entry_id, _ in ranking}
        ranking += [(i, 0.0) for i in asked_for(index, query, filters, depth) if i not in seen][
            : depth - len(ranking)]
    return ranking


def coverage(index: Index, query: str, entry_ids: list[int]) -> dict[int, float]:
    """For each entry, the share of the query's subject words it holds, each word weighted by its
    rarity (IDF): 1.0 for an entry with every word, little for one that shares a common word.

    A word that asks for a kind of entry ("decide", "bugs", "ideas": :mod:`reslog.intents`) is
    also held by every entry of that kind."""
    words = subject_words(query)
    if not words or not entry_ids:
        return {i: 0.0 for i in entry_ids}
    total = max(1, index.count())
    held = dict.fromkeys(entry_ids, 0.0)
    weight_all = 0.0
    for word in words:
        df = index.document_frequency(word)
        holders = index.holding(word, entry_ids, df) if df else set()
        kind = _kind_filters(word)
        if kind is not None:
            of_kind = set(allowed_ids(index, kind))
            # Counted once: "bugs" is also a word of every "bug:" entry. Counted twice, a word
            # held by most of a small log weighed less than nothing, and nothing covered it.
            df += len(of_kind) - (len(matching_ids(index, fts_term(word), kind)) if df else 0)
            holders |= of_kind.intersection(entry_ids)
        weight = math.log((total + 1) / (df + 0.5))
        weight_all += weight
        for entry_id in holders:
            held[entry_id] += weight
    return {i: held[i] / weight_all if weight_all > 0 else 0.0 for i in entry_ids}


def _kind_filters(word: str, filters: Filters | None = None) -> Filters | None:
    """``filters`` narrowed to the kind of entry ``word`` asks for; None if it asks for none."""
    wanted = asked_kind(word)
    return None if wanted is None else narrowed(wanted, filters)


def narrowed(wanted: tuple[str, str], filters: Filters | None) -> Filters:
    """``filters`` narrowed to a kind (``("kind", "bug")``) or a section (``("section", "ideas")``)."""
    field, value = wanted
    return (filters or Filters()).but(**{field: value})


def asked_for(
    index: Index, query: str, filters: Filters | None, depth: int = DEPTH, earliest: bool = False
) -> list[int]:
    """The entries an open question asks for ("what did I decide last week?": every decision in
    the scope), newest first (or, with ``earliest``, oldest first: "what was my first idea?");
    none when the question names a subject beyond the kind."""
    return of_kinds_in_order(index, open_question(subject_words(query)), filters, depth, earliest)


def of_kinds_in_order(
    index: Index, kinds: set[tuple[str, str]], filters: Filters | None, depth: int = DEPTH,
    earliest: bool = False,
) -> list[int]:
    """The entries of ``kinds`` (:func:`reslog.intents.open_question`) within ``filters``, newest
    first (or, with ``earliest``, oldest first), at most ``depth``."""
    found: list[tuple[str, int, int]] = []
    for wanted in kinds:
        found += dated_ids(index, narrowed(wanted, filters), depth, earliest)
    found.sort(reverse=not earliest)
    return list(dict.fromkeys(entry_id for _, _, entry_id in found))[:depth]


def fuse(
    keyword: list[tuple[int, float]], cosines: dict[int, float], coverage: dict[int, float],
    floor: float | None = None,
) -> list[tuple[int, float]]:
    """Hybrid scores, best first: cosine + :data:`COVERAGE_WEIGHT` x coverage, plus a BM25 rank
    bonus that is worth as much as the coverage behind it.

    ``cosines`` holds every candidate (the vector leg's and the keyword leg's);
    with a ``floor``, candidates only the vector leg found must reach that cosine.
    """
    rank = {entry_id: n for n, (entry_id, _) in enumerate(keyword, 1)}
    scored = []
    for entry_id, cosine in cosines.items():
        if entry_id not in rank and floor is not None and cosine < floor:
            continue
        covered = coverage.get(entry_id, 0.0)
        bonus = RANK_WEIGHT * covered / (RANK_K + rank[entry_id]) if entry_id in rank else 0.0
        scored.append((entry_id, cosine + COVERAGE_WEIGHT * covered + bonus))
    return sorted(scored, key=lambda item: -item[1])


class Ranked(Record):
    """A ranking, best first, and the best cosine of any entry in scope (0 without vectors):
    how close the log comes to the query at all, which :mod:`reslog.ask` judges evidence by.
    ``total``, when asked for, is how many entries the ranking would hold at any depth."""

    __slots__ = ("best_cosine", "ranking", "total")
    ranking: Final[list[tuple[int, float]]]
    best_cosine: Final[float]
    total: Final[int | None]

    def __init__(self, ranking: list[tuple[int, float]], best_cosine: float = 0.0,
                 total: int | None = None) -> None:
        self.ranking = ranking
        self.best_cosine = best_cosine
        self.total = total


def _keyword_ids(index: Index, query: str, filters: Filters | None) -> set[int]:
    """Every entry that holds all the query's words (the "of 143" counts these, and the entries
    close in meaning: those that hold just one of the words are ranked, but not counted, or a
    long question would count most of the log)."""
    compiled = compile_query(query)
    if compiled.match is None:
        return set()
    return matching_ids(index, compiled.match, filters, compiled.exclude)


def meaning_usable(mode: str, backend: Backend | None, vectors: Vectors | None) -> bool:
    """Whether a ranking in ``mode`` can use meaning: not asked for keywords only, a model loaded,
    and some of the log embedded. Where it cannot, :func:`rank` ranks by keywords and
    :mod:`reslog.ask` judges its evidence by words alone (one decision, made here)."""
    return mode != "keyword" and backend is not None and vectors is not None and len(vectors) > 0


def rank(
    index: Index, query: str, filters: Filters | None = None, mode: str = "hybrid",
    backend: Backend | None = None, vectors: Vectors | None = None, depth: int = DEPTH,
    query_vector: NDArray[np.float32] | None = None, floor: float | None = None, count: bool = False,
) -> Ranked:
    """(entry id, score) best first, by ``mode``; semantic legs need ``backend`` and ``vectors``.

    ``floor``: leave out entries found only by meaning whose cosine is below it
    (what a search list wants; a question's evidence is judged afterwards).
    ``count``: also count the entries the ranking would hold at any depth.
    """
    if not meaning_usable(mode, backend, vectors) or not query.strip():
        ranking = keyword_ranking(index, query, filters, depth)
        return Ranked(ranking, total=len(_keyword_ids(index, query, filters)) if count else None)
    assert backend is not None and vectors is not None
    if query_vector is None:
        query_vector = backend.embed([query])[0]
    exclude = compile_query(query).exclude
    excluded = disallowed_ids(index, filters, exclude)
    allowed = None if excluded is not None else set(allowed_ids(index, filters, exclude))
    scores = vectors.scores(query_vector)
    semantic = vectors.top(query_vector, depth, allowed, scores, excluded)
    best = semantic[0][1] if semantic else 0.0
    close: set[int] | None = None
    if count:  # every entry in scope that meaning alone would list
        above = {int(i) for i in vectors.entries[scores >= (floor if floor is not None else -2.0)]}
        close = above & allowed if allowed is not None else above - (excluded or set())
    if mode == "semantic":
        return Ranked([(i, s) for i, s in semantic if floor is None or s >= floor], best,
                      None if close is None else len(close))
    keyword = keyword_ranking(index, query, filters, depth)
    candidates = list(dict.fromkeys([i for i, _ in semantic] + [i for i, _ in keyword]))
    cosines = with_unembedded(vectors.cosines(scores, candidates), keyword)
    total = None if close is None else len(close | _keyword_ids(index, query, filters))
    return Ranked(fuse(keyword, cosines, coverage(index, query, candidates), floor), best, total)


def with_unembedded(cosines: dict[int, float], keyword: list[tuple[int, float]]) -> dict[int, float]:
    """``cosines``, plus a stand-in for each keyword hit that has no vector yet (the log is still
    being embedded): the median cosine of the best keyword hits that have one. Counting its
    meaning as 0 would rank a keyword hit below every embedded entry; the median ranks it as
    the typical entry that holds the same words."""
    unembedded = [i for i, _ in keyword if i not in cosines]
    if not unembedded:
        return cosines
    import statistics

    known = [cosines[i] for i, _ in keyword[:UNEMBEDDED_FROM] if i in cosines]
    guess = statistics.median(known) if known else 0.0
    return {**cosines, **dict.fromkeys(unembedded, guess)}


def search(
    index: Index, query: str, filters: Filters | None = None, limit: int = 20, mode: str = "hybrid",
    backend: Backend | None = None, vectors: Vectors | None = None,
) -> list[Hit]:
    """The best ``limit`` entries for ``query`` as hits, with their fused (or leg) score; entries
    found only by meaning must reach :data:`SEARCH_FLOOR`."""
    return results(index, query, filters, limit, mode, backend, vectors)[0]


def results(
    index: Index, query: str, filters: Filters | None = None, limit: int = 20, mode: str = "hybrid",
    backend: Backend | None = None, vectors: Vectors | None = None,
) -> tuple[list[Hit], int]:
    """:func:`search`, and how many entries it would list with no limit (the "of 143")."""
    found = rank(index, query, filters, mode, backend, vectors, max(DEPTH, limit), floor=SEARCH_FLOOR,
                 count=True)
    ranked = found.ranking[:limit]
    assert found.total is not None
    return hits_for(index, [i for i, _ in ranked], dict(ranked)), max(found.total, len(ranked))
