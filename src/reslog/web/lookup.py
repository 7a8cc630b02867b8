"""Finding things in the log: search as you type, ask, and the six stats topics.

Search and ask go through :class:`reslog.web.reader.Reader` (the same functions as
``reslog search`` and ``reslog ask``); stats through :mod:`reslog.analytics`, with the charts
of :mod:`reslog.web.charts` and the entries behind every figure.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from reslog.analytics import TOPICS
from reslog.ask import count_text
from reslog.dates import parse_range, since_until
from reslog.errors import InputError
from reslog.markup import breakable
from reslog.model import KINDS, SECTION_ORDER
from reslog.search import Filters, marks, never_there, respellings
from reslog.web import charts, clock, responses
from reslog.words import plural

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _filters(params: dict[str, str], today: dt.date) -> Filters:
    def opt(key: str) -> str | None:
        value = params.get(key, "").strip()
        return value or None

    level = opt("level")
    if level is not None and not level.isdigit():
        raise InputError(f"unknown level {level!r}; use 0 (facts), 1 (thoughts) or 2 (reflection)")
    since = opt("since")
    until = opt("until")
    return Filters(
        kind=opt("kind"), tag=opt("tag"), section=opt("section"),
        level=int(level) if level is not None else None, source=opt("source"),
        starred=params.get("starred") in ("1", "on", "true"), open=params.get("open") in ("1", "on", "true"),
        since=parse_range(since, today)[0] if since else None,
        until=parse_range(until, today)[1] if until else None,
    )


def _highlight(text: str, words: tuple[str, ...]) -> str:
    """Escaped text with the query's words in ``<mark>`` (:func:`reslog.search.marks`), long
    words breakable (:func:`reslog.markup.breakable`)."""
    pattern = marks(words)
    if pattern is None:
        return breakable(text)
    out, at = [], 0
    for match in pattern.finditer(text):
        out.append(breakable(text[at:match.start()]))
        out.append(f"<mark>{breakable(match.group(0))}</mark>")
        at = match.end()
    out.append(breakable(text[at:]))
    return "".join(out)


def _results(request: Request, params: dict[str, str]) -> dict[str, Any]:
    today = clock.now().date()
    q = params.get("q", "")
    mode = params.get("mode") or None
    if mode is not None and mode not in ("hybrid", "keyword", "semantic"):
        raise InputError(f"unknown mode {mode!r}; use hybrid, keyword or semantic")
    try:
        filters = _filters(params, today)
        if not q.strip() and filters == Filters():
            return {"hits": [], "empty": True, "q": q}
        found = responses.ctx(request).reader.search(q, filters, today, limit=30, mode=mode)
    except InputError as exc:  # what was typed ("(" on the way to "(fp16", "since: last mon" on the
        # way to "last monday"): said where the results go, the form kept as it is
        return {"hits": [], "empty": False, "q": q, "problem": exc.plain}
    hits = []
    for hit in found.hits:
        lines = hit.text.split("\n")
        first = re.sub(r"\s*\[[\w][\w .-]*?::[^\]]*\]", "", lines[0])
        more = [re.sub(r"^\s*[-*+]\s+", "", line) for line in lines[1:3]]
        hits.append({
            "date": hit.date, "time": hit.time, "line": hit.line, "file": hit.file,
            "label": hit.label, "state": hit.state,
            "html": _highlight(first, found.words),
            "more": [_highlight(m, found.words) for m in more if m.strip()],
            "tags": hit.tags, "starred": hit.starred, "level": hit.level,
            "source": hit.source,
        })
    none, meant = "", []
    if not hits:  # the whole log has no entry of the kind or tag chosen: say so, not "fewer words"
        with responses.ctx(request).reader.index() as index:
            missing = never_there(index, filters)
            if missing:
                none = f"{missing[0]}; clear the {missing[1]} filter to search every entry."
            else:  # a typo: each word the log holds one slip away, a link to the search with it
                meant = [{"word": close, "count": plural(count, "entry"),
                          "href": "/search?" + urlencode({**params, "q": _respelled(q, word, close)})}
                         for word, close, count in respellings(index, found.words)]
    return {"hits": hits, "empty": False, "q": q, "scope": found.scope.label if found.scope else None,
            "mode": found.mode, "note": found.note, "none": none, "meant": meant}


def _respelled(q: str, word: str, close: str) -> str:
    """``q`` with ``word`` (as search read it, lower-cased) written ``close`` wherever it stands
    as a whole word, in any case."""
    return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda _match: close, q, flags=re.IGNORECASE)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> Response:
    params = dict(request.query_params)
    results = _results(request, params)
    return responses.render(request, "search.html", params=params, results=results, kinds=KINDS,
                            sections=SECTION_ORDER, nav="search")


@router.get("/search/results", response_class=HTMLResponse)
def search_results(request: Request) -> Response:
    params = dict(request.query_params)
    results = _results(request, params)
    push = "/search?" + urlencode({k: v for k, v in params.items() if v})
    return responses.render(request, "_results.html", results=results, headers={"hx-replace-url": push})


def _answer(request: Request, q: str) -> dict[str, Any] | None:
    if not q.strip():
        return None
    if (stats := _by_stats(request, q)) is not None:
        return stats
    found, result, notice = responses.ctx(request).reader.ask(q, clock.now().date())
    quotes: list[dict[str, Any]] = [{"n": n, "date": c.date, "file": c.file, "line": c.line, "text": c.text}
              for n, c in enumerate(result.citations, 1)]
    by_day: dict[str, list[dict[str, Any]]] = {}
    for quote in quotes:
        by_day.setdefault(quote["date"], []).append(quote)
    return {"q": q, "abstained": found.abstained, "generated": result.generated, "text": result.text,
            "quotes": quotes, "by_day": by_day, "scope": found.scope.label if found.scope else None,
            "notice": notice, "count": None if found.count is None else count_text(found)}


def _by_stats(request: Request, q: str) -> dict[str, Any] | None:
    """A review question ("which bugs keep recurring?") answered as its stats page answers it."""
    from reslog.analytics.asked import answer

    asked = answer(responses.ctx(request).log, q.strip(), clock.now().date())
    if asked is None:
        return None
    params = {key: str(value) for key, value in
              (("since", asked.since), ("until", asked.until), ("tag", asked.tag)) if value}
    return {"q": q, "abstained": False, "generated": False, "quotes": [], "notice": None,
            "scope": asked.scope.label if asked.scope else None,
            "stats": {"question": asked.question, "lines": asked.lines()[2:],
                      "url": f"/stats/{asked.topic}" + (f"?{urlencode(params)}" if params else "")}}


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, q: str = "") -> Response:
    answer = _answer(request, q)
    template = "_answer.html" if responses.is_htmx(request) else "ask.html"
    return responses.render(request, template, q=q, answer=answer, nav="ask")


# --- stats ---


@router.get("/stats", response_class=HTMLResponse)
def stats_index(request: Request) -> Response:
    return responses.render(request, "stats.html", topics=TOPICS, topic=None, nav="stats")


@router.get("/stats/{topic}", response_class=HTMLResponse)
def stats_page(request: Request, topic: str, since: str = "", until: str = "", tag: str = "") -> Response:
    if topic not in TOPICS:
        raise InputError(f"unknown topic {topic!r}; use one of: {', '.join(TOPICS)}")
    from reslog.analytics.data import load, rendered

    today = clock.now().date()
    params = {"since": since, "until": until, "tag": tag}
    try:
        start, end = since_until(since.strip() or None, until.strip() or None, today, options="")
    except InputError as exc:  # a period mistyped: said where the figures go, the filters kept
        return responses.render(request, "stats.html", topics=TOPICS, topic=topic, question=TOPICS[topic],
                                problem=exc.plain, lines=[], svgs=[], behind=[], params=params, nav="stats")
    module = importlib.import_module(f"reslog.analytics.{topic}")
    data = load(responses.ctx(request).log, today, start, end, tag.strip() or None)
    result = module.compute(data)
    return responses.render(request, "stats.html", topics=TOPICS, topic=topic, question=TOPICS[topic],
                            # the text is the CLI's: its pointer to --json names the command here
                            lines=[line.replace("see --json", f"see reslog stats {topic} --json")
                                   for line in rendered(module, data, result)],
                            svgs=charts.chart(topic, result),
                            behind=charts.behind(result), params=params, nav="stats")
