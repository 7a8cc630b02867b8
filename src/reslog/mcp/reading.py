"""The read tools of ``reslog mcp``: search, ask, day, week, recent, todos, stats.

Each function takes the log and the day it is, validates its arguments with
the CLI's own parsers (dates, ranges, filters) and returns a compact dict in
which every entry carries its citation: ``date``, ``file`` (relative to the
log) and ``line``. Nothing here writes: ``todos`` and ``week`` compute what
``reslog todos`` and ``reslog week`` would show without making today's page
or the week page.

Arguments that name a place in the log are dates, never paths: a day is
anything ``reslog show`` takes (``2026-11-26``, ``yesterday``) or a citation
(``days/2026/2026-11-26.md:12``), and the file is built from the date, so no
argument can reach outside the log.

Search and ask go through :func:`_semantic` and :func:`retrieve_hits`, the one
place that chooses between hybrid and keyword search (as ``reslog search``
does in :mod:`reslog.cli.actions`), so a change to the semantic layer is made
here once.

What a tool returns goes to the client, usually an agent in the cloud, so every
tool leaves out what the exports leave out, by the same code
(:mod:`reslog.redaction`): ``redacted`` (:data:`~reslog.redaction.DEFAULT`,
private entries and feelings, unless ``reslog mcp --no-redact``). Entries are
left out or trimmed before a result is made of them (the sentences ``ask``
quotes, the figures ``stats`` cites); a day page keeps its line numbers, its
left-out lines blank; the week's generated sections and reflection are redacted
as the html export redacts a week page.

Search, ask and recent read an index of the log as the ``day`` tool shows it
(:func:`_fresh`: :class:`~reslog.index.Index` with ``hidden``, kept in a folder of
its own under ``.reslog/``), not the log's index: redacting the results of a search
of every line afterwards let a hidden line decide what matched ("reviewer", written
only in a nested ``feel:`` line, found its public entry), how it scored, whether
``ask`` abstained, and what it quoted. In that index an entry is only its lines left
in: keyword, meaning and hybrid search, counts, coverage, the words a question is
respelled to, all see no more than the agent may, and the vectors of an entry it
shortened are those of its shortened text (the log's own vectors are taken for every
passage the view left as it was: :func:`reslog.semantic.vectors.borrow`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reslog.analytics import TOPICS
from reslog.dates import parse_date, since_until, week_range
from reslog.errors import InputError
from reslog.index import INDEX_FILE, Hidden, Index
from reslog.redaction import (
    DEFAULT,
    left_out,
    page_hidden,
    page_left_out,
    redact,
    redact_week,
    shown_quotes,
    shown_words,
)
from reslog.search import Filters, Hit, listing, scoped, typed_query
from reslog.settings import MODES
from reslog.store import Log

if TYPE_CHECKING:
    from reslog.analytics.data import Data

#: The longest text of one entry in a result; longer ones end with "…".
TEXT_CHARS = 400
#: The most results any tool returns.
MAX_LIMIT = 100
#: Passages of the index of a view of the log (:func:`_fresh`) embedded at each call, at most
#: (about 0.1 s): those of the entries it shortened, which the log's own vectors lack.
VIEW_EMBEDS = 16
#: ``reslog stats`` topics (the module is reslog.analytics.TOPIC).
STATS_TOPICS = tuple(TOPICS)

_CITED_DAY = re.compile(r"^days/(\d{4})/(\d{4}-\d{2}-\d{2})\.md(?::\d+)?$")


# --- arguments ---


def day_of(value: str | None, today: dt.date) -> dt.date:
    """The day an argument names: a date or phrase ``reslog show`` takes, or a day page's citation."""
    if value is None or not value.strip():
        return today
    text = value.strip()
    cited = _CITED_DAY.match(text)
    if cited:
        if not cited.group(2).startswith(cited.group(1)):
            raise InputError(f"{value!r} is not a day page of the log; give a date such as 2026-11-26")
        text = cited.group(2)
    return parse_date(text, today)


def _range(since: str | None, until: str | None, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return since_until(since or None, until or None, today, options="")


def _limit(value: int) -> int:
    if not 1 <= value <= MAX_LIMIT:
        raise InputError(f"limit must be from 1 to {MAX_LIMIT}, not {value}")
    return value


# --- results ---


def _short(text: str) -> str:
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1].rstrip() + "…"


def compact(hit: Hit) -> dict[str, Any]:
    """An entry as a tool returns it: where it is written, what it says, and its marks."""
    out: dict[str, Any] = {"date": hit.date, "file": hit.file, "line": hit.line}
    if hit.time:
        out["time"] = hit.time
    out["section"] = hit.section
    if hit.kind:
        out["kind"] = hit.kind
    if hit.state is not None:
        out["state"] = hit.state
    out["text"] = _short(hit.text)
    if hit.tags:
        out["tags"] = list(hit.tags)
    if hit.source:
        out["source"] = hit.source
    if hit.starred:
        out["starred"] = True
    if hit.score is not None:
        out["score"] = hit.score
    return out


# --- the one place that talks to the semantic layer ---


def _semantic(index: Index, mode: str | None) -> Any:
    """The semantic layer for one call (:func:`reslog.semantic.setup.prepare`), or keyword only.
    The index of a view of the log (:func:`_fresh`) first takes the log's own vectors of the
    passages it shares with the log."""
    from reslog.semantic.setup import prepare

    if isinstance(index, _View) and mode != "keyword":
        from reslog.semantic import backends, vectors
        from reslog.settings import load

        settings = load(index.log)
        if settings.embeddings and backends.installed(settings.embed_model):
            vectors.borrow(index, index.lender, backends.name_of(settings.embed_model))
    found = prepare(index, mode=mode)
    if isinstance(index, _View) and found.backend is not None and not found.complete:
        # the background worker embeds the log's own passages, not those the view shortened
        from reslog.semantic import vectors
        from reslog.semantic.setup import Semantic

        name = found.backend.name
        vectors.update(index, found.backend, todo=vectors.missing(index, name, limit=VIEW_EMBEDS))
        found = Semantic(found.settings, found.backend, vectors.Vectors.load(index, name),
                         found.hint, vectors.coverage(index, name), found.notice)
    return found


def retrieve_hits(
    index: Index, text: str, filters: Filters, limit: int, mode: str | None
) -> tuple[list[Hit], str, str | None]:
    """The hits for a query as ``reslog search`` ranks them, the mode used, and a notice."""
    found = _semantic(index, mode)
    chosen = mode or found.settings.search_mode
    if chosen != "keyword" and found.on:
        from reslog.semantic import hybrid

        hits = hybrid.search(index, text, filters, limit, chosen, found.backend, found.vectors)
        return hits, chosen, found.hint
    if chosen == "semantic":
        raise InputError("mode semantic needs embeddings, which this log does not have; use mode keyword")
    from reslog.search import search as keyword_search

    return keyword_search(index, text, filters, limit), "keyword", found.hint


def _kept(fetch: Callable[[int], list[Hit]], limit: int, redacted: Collection[str], latest: bool = False,
          tag: str | None = None, root: Path | None = None) -> list[Hit]:
    """Up to ``limit`` hits that redaction keeps, fetching more while it leaves some out (a page
    of results is not cut short by the private entries among them); the latest ``limit`` of them
    for a listing in date order (``latest``), else the first."""
    wanted = limit
    while True:
        hits = fetch(wanted)
        kept = redact(hits, redacted, tag, root)
        if len(kept) >= limit or len(hits) < wanted:
            return kept[-limit:] if latest else kept[:limit]
        wanted *= 4


class _View(Index):
    """The index of the log as the tools show it (:func:`_fresh`), and ``lender``, the folder of
    the log's own index, whose vectors it borrows (:func:`_semantic`)."""

    def __init__(self, log: Log, path: Path, hidden: Hidden, lender: str) -> None:
        super().__init__(log, path, hidden)
        self.lender = lender


def _fresh(log: Log, redacted: Collection[str] = ()) -> Index:
    """The log's index, refreshed; with ``redacted``, the index of the log as the ``day`` tool
    shows it (what ``redacted`` leaves out is not in it at all: see the module's docstring), in
    ``.reslog/shown-feelings-private/`` (its own vectors beside it)."""
    index = Index(log)
    if redacted:
        own = index.folder  # .reslog/, or the temporary folder of a read-only log
        folder = Path(own) / f"shown-{'-'.join(sorted(redacted))}"
        folder.mkdir(exist_ok=True)
        what = tuple(redacted)
        index = _View(log, folder / INDEX_FILE, lambda text: page_hidden(text, what), own)
    index.refresh()
    return index


def search(
    log: Log, today: dt.date, query: str = "", kind: str | None = None, tag: str | None = None,
    section: str | None = None, level: int | None = None, source: str | None = None, starred: bool = False,
    open_todos: bool = False, since: str | None = None, until: str | None = None, limit: int = 10,
    mode: str | None = None, redacted: Collection[str] = DEFAULT,
) -> dict[str, Any]:
    """``reslog search --json``, compact: the best entries for ``query`` (words and meaning), with
    the CLI's filters; a time scope in the query ("in early 2013", "last week") filters by date.
    An empty query lists the latest matching entries in date order."""
    if mode is not None and mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; use one of: {', '.join(MODES)}")
    start, end = _range(since, until, today)
    filters = Filters(kind, tag, section, level, source, starred, open_todos, start, end)
    scope, text, filters = scoped(query, today, filters)
    limit = _limit(limit)
    notice = None
    with _fresh(log, redacted) as index:
        compiled = typed_query(text)
        if compiled.match is None:
            hits = _kept(lambda n: listing(index, filters, n, exclude=compiled.exclude), limit, redacted,
                         latest=True, tag=tag, root=log.root)
            used = "listing"
        else:
            found: list[tuple[str, str | None]] = []

            def fetch(n: int) -> list[Hit]:
                hits, chosen, hint = retrieve_hits(index, text, filters, n, mode)
                found.append((chosen, hint))
                return hits

            hits = _kept(fetch, limit, redacted, tag=tag, root=log.root)
            used, notice = found[-1]
    out: dict[str, Any] = {"query": query, "mode": used}
    if scope is not None:
        out["time_scope"] = {"phrase": scope.phrase, "since": scope.since.isoformat(),
                             "until": scope.until.isoformat()}
    if notice:
        out["notice"] = notice
    out["results"] = [compact(hit) for hit in hits]
    return out


def ask(log: Log, today: dt.date, question: str, mode: str | None = None,
        redacted: Collection[str] = DEFAULT) -> dict[str, Any]:
    """``reslog ask --json``: the extractive answer with its citations, or the abstention
    ("Nothing in the log answers this", and why) with the nearest entries. Never calls a remote
    model. The answer is made from the entries redaction keeps: it quotes no other."""
    from reslog.ask import Retrieved, answer, retrieve, wordless

    if (problem := wordless(question)) is not None:
        raise InputError(f"the question {problem}; ask something, e.g. 'when did I first try warmup?'")
    if mode is not None and mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; use one of: {', '.join(MODES)}")
    from reslog.analytics.asked import answer as by_stats

    asked = by_stats(log, question.strip(), today, lambda data: _redacted_data(data, redacted))
    if asked is not None:  # "which bugs keep recurring?"
        return asked.as_json()
    with _fresh(log, redacted) as index:
        found_semantic = _semantic(index, mode)
        chosen = mode or found_semantic.settings.search_mode
        found = retrieve(index, question.strip(), today, chosen, found_semantic.backend,
                         found_semantic.vectors)
        if redacted:
            kept = redact(found.hits, redacted, root=log.root)
            found = Retrieved(found.question, found.query, found.scope, kept, found.cosine, found.covered,
                              found.evidence, found.abstained or not kept, found.unknown, found.count)
        result = answer(found, found_semantic.backend)
    out: dict[str, Any] = result.as_json()
    if found_semantic.hint:
        out["notice"] = found_semantic.hint
    return out


# --- pages and periods ---


def day(log: Log, today: dt.date, date: str | None = None, redacted: Collection[str] = DEFAULT
        ) -> dict[str, Any]:
    """The page of a day as written (Markdown); line N of ``text`` is line N of ``file``, the
    lines redaction leaves out blank."""
    when = day_of(date, today)
    page = log.read_day(when)
    if page is None:
        raise InputError(f"there is no page for {when.isoformat()}; see which days have entries with recent")
    from reslog.markdown import render

    text = page_left_out(render(page), redacted)
    return {"date": when.isoformat(), "file": log.day_name(when), "text": text}


def recent(
    log: Log, today: dt.date, days: int = 7, kind: str | None = None, tag: str | None = None,
    limit: int = 50, redacted: Collection[str] = DEFAULT,
) -> dict[str, Any]:
    """The entries of the last ``days`` days (today included), in date order; the latest ``limit``."""
    if not 1 <= days <= 3660:
        raise InputError(f"days must be from 1 to 3660, not {days}")
    start = today - dt.timedelta(days=days - 1)
    filters = Filters(kind=kind, tag=tag, since=start, until=today)
    with _fresh(log, redacted) as index:
        hits = _kept(lambda n: listing(index, filters, n), _limit(limit), redacted, latest=True, tag=tag,
                     root=log.root)
    return {"since": start.isoformat(), "until": today.isoformat(), "entries": [compact(h) for h in hits]}


def todos(log: Log, today: dt.date, redacted: Collection[str] = DEFAULT) -> dict[str, Any]:
    """The open to-dos ``reslog todos`` lists today, numbered as it numbers them, with the days
    each has waited; not those put off to a later day (``[scheduled:: DATE]``), which it does
    not list either.

    When today has no page yet, they are the open to-dos of the latest earlier page, numbered as
    they will be once carried over (nothing is written)."""
    from reslog.tasks import todos as numbered

    page = log.read_day(today)
    on = today
    if page is None:
        before, _ = log.neighbours(today, until=today)
        page = log.read_day(before) if before is not None else None
        on = before or today
    found: list[dict[str, Any]] = []
    if page is not None:
        listed = numbered(page)
        carried = on != today
        if carried:
            listed = [t for t in listed if t.state == "open"]
        lines = [line.rstrip("\r\n") for line in page.lines]
        for n, todo in enumerate(listed, 1):
            if todo.state != "open" or todo.waits_until_after(today):
                continue
            if left_out(lines[todo.entry.index:todo.entry.end], redacted)[0]:
                continue
            since = todo.carried_since or on
            item: dict[str, Any] = {
                "number": n if carried else todo.number, "text": _short(todo.entry.text),
                "waiting_days": (today - since).days, "since": since.isoformat(),
                "date": on.isoformat(), "file": log.day_name(on), "line": todo.entry.line,
            }
            if todo.started is not None:
                item["timer_started"] = todo.started.isoformat(timespec="minutes")
            found.append(item)
    return {"today": today.isoformat(), "todos": found}


def week(log: Log, today: dt.date, week: str | None = None, redacted: Collection[str] = DEFAULT
         ) -> dict[str, Any]:
    """The weekly review of ``week`` (default: this one) as ``reslog week`` writes its generated
    sections, without writing the page, and the researcher's own reflection if the page has one;
    both redacted as the html export redacts a week page."""
    from reslog import review

    year, number = review.parse_week(week, today)
    start, end = week_range(year, number)
    figures = review.compute(log, start, today)
    blocks = review.render_blocks(figures)
    text = "\n\n".join("\n".join(lines) for lines in blocks.values())
    if redacted:  # the blocks quote every entry of the week: only those redaction keeps may show
        with _fresh(log, redacted) as index:
            shown = redact(listing(index, Filters(since=start, until=end)), redacted, root=log.root)
        marked = "\n\n".join("\n".join([f"<!-- reslog:begin {key} -->", *lines, f"<!-- reslog:end {key} -->"])
                             for key, lines in blocks.items())
        words = shown_words(shown).get(review.week_name(year, number), set())
        text = redact_week(marked, redacted, words, shown_quotes(shown)).strip("\n")
    out: dict[str, Any] = {"week": review.week_name(year, number), "since": start.isoformat(),
                           "until": end.isoformat(), "review": text}
    page = log.read_page(review.week_file(log, year, number))
    if page is not None:
        own = [s for s in page.sections
               if s.title.strip().rstrip(":").lower() in ("reflection", "reflections")]
        out["file"] = f"weeks/{year:04d}/{review.week_name(year, number)}.md"
        if own:
            body = page_left_out("".join(page.lines[own[0].index + 1 : own[0].end]), redacted).strip()
            out["reflection"] = {"line": own[0].index + 1, "text": body}
        rating = dict(page.front_matter).get("rating", "").strip()
        if rating.isdigit():
            out["rating"] = int(rating)
    return out


def stats(
    log: Log, today: dt.date, topic: str, since: str | None = None, until: str | None = None,
    tag: str | None = None, redacted: Collection[str] = DEFAULT,
) -> dict[str, Any]:
    """``reslog stats TOPIC``: the figures as the CLI prints them, and ``reslog stats --json``'s
    data, whose figures cite their entries (date, file, line)."""
    from reslog.analytics.data import load, rendered

    if topic not in STATS_TOPICS:
        raise InputError(f"unknown topic {topic!r}; use one of: {', '.join(STATS_TOPICS)}")
    start, end = _range(since, until, today)
    module = importlib.import_module(f"reslog.analytics.{topic}")
    data = _redacted_data(load(log, today, start, end, tag), redacted)
    result = module.compute(data)
    return {"topic": topic, "summary": "\n".join(rendered(module, data, result)), "figures": _trimmed(result)}


def _redacted_data(data: Data, redacted: Collection[str]) -> Data:
    """``data`` with only the entries redaction keeps: figures quote and cite entries."""
    if not redacted:
        return data
    from reslog.analytics.data import Data

    return Data(data.log, redact(data.entries, redacted, root=data.log.root),
                redact(data.todos, redacted, root=data.log.root), data.ratings,
                data.today, data.since, data.until, data.tag)


#: Citations kept per figure in ``stats`` (``reslog stats --json`` has them all).
CITATIONS_PER_FIGURE = 3


def _trimmed(value: Any) -> Any:
    """``value`` with every list of citations cut to its first few and a count of the rest: a
    figure's full list can run to hundreds of entries, too much for an agent's context."""
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    if isinstance(value, list):
        cites = len(value) > CITATIONS_PER_FIGURE and all(
            isinstance(item, dict) and "file" in item and "line" in item for item in value)
        if cites:
            rest = len(value) - CITATIONS_PER_FIGURE
            more = f"... and {rest} more (reslog stats --json lists them all)"
            return [*value[:CITATIONS_PER_FIGURE], more]
        return [_trimmed(item) for item in value]
    return value


__all__ = ["MAX_LIMIT", "STATS_TOPICS", "ask", "compact", "day", "day_of", "recent", "retrieve_hits",
           "search", "stats", "todos", "week"]
