"""The pages a person uses: today, any day, the journal, the week, search, ask, stats, the editor.

Each page is a Jinja2 template; the parts that change without a reload (the
day's article after a capture or a tick, search results as you type, an
answer, a week's reflection) are fragments of the same templates that htmx
swaps in. Every form also works without JavaScript (a plain POST answered by
a redirect or the page with its message).

Writes go through the core only: :mod:`reslog.web.quick` (capture),
:mod:`reslog.tasks` (done, drop, start, stop, defer), :mod:`reslog.review`
(rating, the researcher's sections) and :meth:`reslog.store.Log.save_text`
(the editor), each under the log's lock and each guarded: a to-do by its
words, a section or a page by the hash of the text that was shown. Bad input
is answered with one line next to the form, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import importlib
import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reslog import markdown, review, tasks
from reslog.dates import long_date, parse_date, parse_duration, parse_range
from reslog.errors import ConflictError, InputError, ReslogError
from reslog.model import KINDS, SECTION_ORDER, Page
from reslog.search import STOPWORDS, Filters
from reslog.store import content_hash, new_day_text
from reslog.web import charts, clock, markup, quick, views
from reslog.web.app import Context

__all__ = ["error_response", "form", "router", "sign_in"]

router = APIRouter(include_in_schema=False)

TOPICS = {
    "time": "How long do tasks really take against my estimates?",
    "bugs": "Which bugs keep recurring?",
    "sources": "Where did my important information and my ideas come from?",
    "focus": "How did my focus evolve?",
    "weeks": "What made a week better than the last?",
    "habits": "When and how do I log?",
}
_WEEK_NAME = re.compile(r"^\d{4}-W\d{2}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACTIONS = ("done", "drop", "start", "stop", "defer")


# --- helpers ---


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _render(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
            **values: Any) -> HTMLResponse:
    ctx = _ctx(request)
    values.setdefault("csrf", ctx.keys.csrf)
    values.setdefault("today", clock.now().date().isoformat())
    values.setdefault("nav", "")
    text = ctx.templates.get_template(template).render(**values)
    response = HTMLResponse(text, status_code=status, headers=headers)
    response.headers["cache-control"] = "no-store"
    return response


async def form(request: Request) -> dict[str, str]:
    """A urlencoded form body as a dict (last value wins); no multipart, no file uploads."""
    body = await request.body()
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def error_response(request: Request, exc: ReslogError, status: int) -> Response:
    """An error next to the form that caused it (htmx), or a page that says it."""
    message = exc.message
    if _htmx(request):
        return _render(request, "_message.html", status=status, message=message, kind="error")
    return _render(request, "message.html", status=status, title="Nothing was written", message=message)


def sign_in(request: Request, bad: bool = False) -> Response:
    return _render(request, "signin.html", status=401 if bad else 200, bad=bad, csrf="")


def _day(value: str) -> dt.date:
    if not _ISO_DATE.match(value):
        raise InputError(f"cannot read {value!r} as a date; use YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date of the calendar; use YYYY-MM-DD") from None


def _day_data(request: Request, day: dt.date, create: bool = False) -> dict[str, Any]:
    """The view of a day's page (made first, with carry-over, when ``create``, as ``reslog today``)."""
    log = _ctx(request).log
    if create:  # the page as made or read under the lock: no second read
        page: Page | None = log.update_day(day, day)
        text = markdown.render(page) if page is not None else None
    else:
        text = log.read_text(log.day_file(day))
        page = markdown.parse(text) if text is not None else None
    view = views.day_view(page, day, log.day_name(day), text)
    today = clock.now().date()
    before, after = _neighbours(request, day)
    view.update({"is_today": day == today, "prev": before, "next": after,
                 "prev_day": (day - dt.timedelta(days=1)).isoformat(),
                 "next_day": (day + dt.timedelta(days=1)).isoformat()})
    return view


def _neighbours(request: Request, day: dt.date) -> tuple[str | None, str | None]:
    """The nearest days with pages before and after ``day`` (reading only the year folders needed)."""
    log = _ctx(request).log
    before, later = log.neighbours(day)
    after = None
    if later:
        for folder in log.year_folders():
            if int(folder.name) < day.year:
                continue
            found = [d for d, _ in log.pages_in(folder) if d > day]
            if found:
                after = min(found)
                break
    return (before.isoformat() if before else None, after.isoformat() if after else None)


def _page_response(request: Request, day: dt.date, message: str | None = None) -> Response:
    """After a write: the day's article for htmx, else back to the page (303)."""
    _ctx(request).reader.touch()
    if _htmx(request):
        data = _day_data(request, day)
        return _render(request, "_page.html", day=data, message=message)
    target = "/" if day == clock.now().date() else f"/day/{day.isoformat()}"
    return RedirectResponse(target, status_code=303)


# --- today, a day, the journal, the calendar ---


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request) -> Response:
    day = clock.now().date()
    data = _day_data(request, day, create=True)
    return _render(request, "day.html", day=data, nav="today")


@router.get("/day/{date}", response_class=HTMLResponse)
def day_page(request: Request, date: str) -> Response:
    day = _day(date)
    data = _day_data(request, day)
    return _render(request, "day.html", day=data, nav="today" if data["is_today"] else "journal")


@router.get("/fragment/day/{date}", response_class=HTMLResponse)
def day_fragment(request: Request, date: str) -> Response:
    return _render(request, "_page.html", day=_day_data(request, _day(date)))


def _week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _journal_weeks(
    request: Request, before: dt.date | None, count: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``count`` ISO weeks with pages, newest first, ending before ``before``."""
    log = _ctx(request).log
    days = [d for d in log.days() if before is None or d < before]
    weeks: dict[str, list[dt.date]] = {}
    for d in reversed(days):
        name = _week_of(d)
        if name not in weeks and len(weeks) == count:
            break
        weeks.setdefault(name, []).append(d)
    shown = []
    for name, ds in weeks.items():
        monday = ds[0] - dt.timedelta(days=ds[0].weekday())
        shown.append({
            "name": name,
            "span": f"{long_date(monday)} to {long_date(monday + dt.timedelta(days=6))}",
            "days": [_day_data_light(request, d) for d in ds],
        })
    older = None
    if shown and len(weeks) == count:
        last = weeks[list(weeks)[-1]][-1]
        monday = last - dt.timedelta(days=last.weekday())
        if any(d < monday for d in days):
            older = monday.isoformat()
    return shown, older


def _day_data_light(request: Request, day: dt.date) -> dict[str, Any]:
    log = _ctx(request).log
    text = log.read_text(log.day_file(day))
    page = markdown.parse(text) if text is not None else None
    return views.day_view(page, day, log.day_name(day), text)


@router.get("/journal", response_class=HTMLResponse)
def journal(request: Request, before: str | None = None) -> Response:
    until = _day(before) if before else None
    weeks, older = _journal_weeks(request, until, 2)
    template = "_journal_weeks.html" if _htmx(request) and before else "journal.html"
    return _render(request, template, weeks=weeks, older=older, nav="journal")


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request, year: int | None = None) -> Response:
    today = clock.now().date()
    year = today.year if year is None else year
    if not 1 <= year <= 9999:
        raise InputError(f"{year} is not a year reslog can show; use a year from 1 to 9999")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    reader = _ctx(request).reader
    from reslog.search import listing

    with reader.index() as index:
        hits = listing(index, Filters(since=start, until=end))
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.date] = counts.get(hit.date, 0) + 1
    first = start - dt.timedelta(days=start.weekday())
    cells = []
    day = first
    while day <= end:
        n = counts.get(day.isoformat(), 0)
        level = 0 if n == 0 else 1 if n < 4 else 2 if n < 8 else 3 if n < 13 else 4
        cells.append({"date": day.isoformat(), "n": n, "level": level, "in_year": day.year == year,
                      "col": (day - first).days // 7, "row": day.weekday()})
        day += dt.timedelta(days=1)
    months = [{"name": dt.date(year, m, 1).strftime("%b"),
               "col": (dt.date(year, m, 1) - first).days // 7} for m in range(1, 13)]
    logged = sum(1 for v in counts.values() if v)
    years = sorted({d.year for d in _ctx(request).log.days()} | {today.year})
    return _render(request, "calendar.html", year=year, cells=cells, months=months, logged=logged,
                   entries=sum(counts.values()), years=years, nav="journal",
                   columns=(end - first).days // 7 + 1)


# --- capture and to-dos ---


@router.post("/capture")
async def capture(request: Request) -> Response:
    fields = await form(request)
    now = clock.now()
    date = fields.get("date") or None
    on_raw = fields.get("on", "").strip()
    if on_raw and not on_raw.isdigit():
        raise InputError(f"cannot read {on_raw!r} as an entry number")
    on = int(on_raw) if on_raw else None
    ctx = _ctx(request)
    captured = await run_in_threadpool(quick.capture, ctx.log, fields.get("text", ""), now, date, None, on)
    day = dt.date.fromisoformat(captured.path.rsplit("/", 1)[-1][:10])
    response = _page_response(request, day)
    response.headers["x-reslog-line"] = f"{captured.path}:{captured.line}"
    return response


def _number(value: str) -> int:
    if not value.strip().isdigit():
        raise InputError(f"cannot read {value!r} as a to-do number")
    return int(value)


def _todo_action(request: Request, action: str, fields: dict[str, str]) -> dt.date:
    log = _ctx(request).log
    now = clock.now()
    today = now.date()
    day = _day(fields.get("date", today.isoformat()))
    expect = fields.get("expect") or None
    if action == "stop":
        tasks.stop(log, today, now)
        return today
    number = _number(fields.get("n", ""))
    if action == "done":
        took_raw = fields.get("took", "").strip()
        took = parse_duration(took_raw) if took_raw else None
        tasks.finish(log, day, today, number, took, now, expect=expect)
    elif action == "drop":
        tasks.drop(log, day, today, number, expect=expect)
    elif action == "start":
        if day != today:
            raise InputError("a timer runs on today's to-dos only; open today's page to start one")
        tasks.start(log, today, number, now, expect=expect)
    elif action == "defer":
        target_raw = fields.get("to", "").strip()
        target = parse_date(target_raw, today) if target_raw else None
        tasks.defer(log, day, today, number, target, expect=expect)
    return day


@router.post("/todo/{action}")
async def todo(request: Request, action: str) -> Response:
    if action not in _ACTIONS:
        raise InputError(f"unknown action {action!r}; use one of: {', '.join(_ACTIONS)}")
    fields = await form(request)
    day = await run_in_threadpool(_todo_action, request, action, fields)
    return _page_response(request, day)


# --- the week ---


#: The last week refreshed, by what it depends on: (log, week, today, index generation, semantic
#: state) -> (the week page's size and mtime after the refresh, the review).
_WEEKS: dict[tuple[Any, ...], tuple[tuple[int, int] | None, review.Review]] = {}


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _week_data(request: Request, name: str | None, rating: int | None = None) -> dict[str, Any]:
    """The week's review, refreshed as ``reslog week`` does; a view of a week whose entries and
    page have not changed since the last one reuses that refresh (it would write nothing)."""
    ctx = _ctx(request)
    today = clock.now().date()
    year, number = review.parse_week(name, today)
    semantic = ctx.reader.status()
    vectors = None
    if semantic["semantic"] == "ready" and ctx.reader.worker is not None and ctx.reader.worker.semantic:
        vectors = ctx.reader.worker.semantic.vectors
    path = review.week_file(ctx.log, year, number)
    with ctx.reader.index() as index:
        generation = index.generation()
    memo = (ctx.log.folder, year, number, today, generation, semantic["semantic"])
    cached = _WEEKS.get(memo) if rating is None else None
    if cached is not None and cached[0] is not None and cached[0] == _stamp(path):
        done = cached[1]
    else:
        done = review.refresh(ctx.log, year, number, today, rating, vectors)
        _WEEKS.clear()
        _WEEKS[memo] = (_stamp(path), done)
    monday = dt.date.fromisocalendar(year, number, 1)
    own = []
    for key, (title, _) in review.OWN_KEYS.items():
        text = review.own_text(done.page, key)
        own.append({"key": key, "title": title, "text": text, "hash": content_hash(text),
                    "html": markup.block(text) if text.strip() else ""})
    return {
        "name": done.name,
        "title": f"Week {done.name}",
        "span": f"{long_date(monday)} to {long_date(monday + dt.timedelta(days=6))}",
        "file": done.relative,
        "blocks": views.week_view(done.page),
        "own": own,
        "rating": done.rating,
        "problems": done.problems,
        "prev": _week_of(monday - dt.timedelta(days=7)),
        "next": _week_of(monday + dt.timedelta(days=7)),
        "days": [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)],
        "hash": content_hash(ctx.log.read_text(done.path)),
    }


@router.get("/week", response_class=HTMLResponse)
def week_now(request: Request) -> Response:
    return week_page(request, None)


@router.get("/week/{name}", response_class=HTMLResponse)
def week_page(request: Request, name: str | None) -> Response:
    data = _week_data(request, name)
    return _render(request, "week.html", week=data, nav="week")


@router.post("/week/{name}/rate")
async def week_rate(request: Request, name: str) -> Response:
    fields = await form(request)
    raw = fields.get("rating", "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise InputError(f"cannot read {raw!r} as a rating; use a whole number from 1 to 5")
    data = await run_in_threadpool(_week_data, request, name, int(raw))
    if _htmx(request):
        return _render(request, "_week.html", week=data)
    return RedirectResponse(f"/week/{data['name']}", status_code=303)


def _save_own(request: Request, name: str, key: str, fields: dict[str, str]) -> None:
    log = _ctx(request).log
    year, number = review.parse_week(name, clock.now().date())
    review.save_own_text(log, year, number, key, fields.get("text", ""), fields.get("hash", ""))


@router.post("/week/{name}/own/{key}")
async def week_own(request: Request, name: str, key: str) -> Response:
    fields = await form(request)
    try:
        await run_in_threadpool(_save_own, request, name, key, fields)
    except ConflictError as exc:
        return _render(request, "_conflict.html", status=409, message=exc.message,
                       mine=fields.get("text", ""),
                       theirs=exc.current, diff=_diff(exc.current, fields.get("text", "")),
                       action=f"/week/{name}/own/{key}", hash=content_hash(exc.current), inline=True,
                       back=f"/week/{name}")
    data = await run_in_threadpool(_week_data, request, name)
    if _htmx(request):
        return _render(request, "_week.html", week=data, saved=key)
    return RedirectResponse(f"/week/{data['name']}", status_code=303)


# --- search and ask ---


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
    """Escaped text with the query's words (by their stems, stopwords left out) in ``<mark>``."""
    words = tuple(w for w in words if len(w) > 1 and w.lower() not in STOPWORDS)
    if not words:
        return html.escape(text)
    stems = sorted({w[: max(3, len(w) - 3)] if len(w) > 5 else w for w in words}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)
    out, at = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[at:match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


_LABELS = {"todo": "to-do", "ideas": "idea", "reflection": "reflection"}


def _results(request: Request, params: dict[str, str]) -> dict[str, Any]:
    today = clock.now().date()
    q = params.get("q", "")
    filters = _filters(params, today)
    if not q.strip() and filters == Filters():
        return {"hits": [], "empty": True, "q": q}
    mode = params.get("mode") or None
    if mode is not None and mode not in ("hybrid", "keyword", "semantic"):
        raise InputError(f"unknown mode {mode!r}; use hybrid, keyword or semantic")
    found = _ctx(request).reader.search(q, filters, today, limit=30, mode=mode)
    hits = []
    for hit in found.hits:
        lines = hit.text.split("\n")
        first = re.sub(r"\s*\[[\w][\w .-]*?::[^\]]*\]", "", lines[0])
        more = [re.sub(r"^\s*[-*+]\s+", "", line) for line in lines[1:3]]
        hits.append({
            "date": hit.date, "time": hit.time, "line": hit.line, "file": hit.file,
            "label": hit.kind or _LABELS.get(hit.section or "", "note"), "state": hit.state,
            "html": _highlight(first, found.words),
            "more": [_highlight(m, found.words) for m in more if m.strip()],
            "tags": hit.tags, "starred": hit.starred, "level": hit.level,
            "source": hit.source,
        })
    return {"hits": hits, "empty": False, "q": q, "scope": found.scope.label if found.scope else None,
            "mode": found.mode, "note": found.note}


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> Response:
    params = dict(request.query_params)
    results = _results(request, params)
    return _render(request, "search.html", params=params, results=results, kinds=KINDS,
                   sections=SECTION_ORDER, nav="search")


@router.get("/search/results", response_class=HTMLResponse)
def search_results(request: Request) -> Response:
    params = dict(request.query_params)
    results = _results(request, params)
    push = "/search?" + urlencode({k: v for k, v in params.items() if v})
    return _render(request, "_results.html", results=results, headers={"hx-replace-url": push})


def _answer(request: Request, q: str) -> dict[str, Any] | None:
    if not q.strip():
        return None
    found, result, notice = _ctx(request).reader.ask(q, clock.now().date())
    quotes: list[dict[str, Any]] = [{"n": n, "date": c.date, "file": c.file, "line": c.line, "text": c.text}
              for n, c in enumerate(result.citations, 1)]
    by_day: dict[str, list[dict[str, Any]]] = {}
    for quote in quotes:
        by_day.setdefault(quote["date"], []).append(quote)
    return {"q": q, "abstained": found.abstained, "generated": result.generated, "text": result.text,
            "quotes": quotes, "by_day": by_day, "scope": found.scope.label if found.scope else None,
            "notice": notice}


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, q: str = "") -> Response:
    answer = _answer(request, q)
    template = "_answer.html" if _htmx(request) else "ask.html"
    return _render(request, template, q=q, answer=answer, nav="ask")


# --- stats ---


@router.get("/stats", response_class=HTMLResponse)
def stats_index(request: Request) -> Response:
    return _render(request, "stats.html", topics=TOPICS, topic=None, nav="stats")


@router.get("/stats/{topic}", response_class=HTMLResponse)
def stats_page(request: Request, topic: str, since: str = "", until: str = "", tag: str = "") -> Response:
    if topic not in TOPICS:
        raise InputError(f"unknown topic {topic!r}; use one of: {', '.join(TOPICS)}")
    from reslog.analytics.data import load

    today = clock.now().date()
    start = parse_range(since, today)[0] if since.strip() else None
    end = parse_range(until, today)[1] if until.strip() else None
    if start and end and start > end:
        raise InputError(f"the range is empty: since {start} is after until {end}; swap them")
    module = importlib.import_module(f"reslog.analytics.{topic}")
    data = load(_ctx(request).log, today, start, end, tag.strip() or None)
    result = module.compute(data)
    return _render(request, "stats.html", topics=TOPICS, topic=topic, question=TOPICS[topic],
                   lines=module.render(result), svgs=charts.chart(topic, result),
                   behind=charts.behind(result), params={"since": since, "until": until, "tag": tag},
                   nav="stats")


# --- the editor ---


def _target(request: Request, target: str) -> tuple[str, str, str]:
    """(path, name shown, where to go after saving) of a day (YYYY-MM-DD) or week (YYYY-Www)."""
    log = _ctx(request).log
    if _WEEK_NAME.match(target):
        year, number = review.parse_week(target, clock.now().date())
        return review.week_file(log, year, number), f"weeks/{year:04d}/{target}.md", f"/week/{target}"
    day = _day(target)
    return log.day_file(day), log.day_name(day), f"/day/{day.isoformat()}"


@router.get("/edit/{target}", response_class=HTMLResponse)
def edit_page(request: Request, target: str) -> Response:
    path, name, back = _target(request, target)
    text = _ctx(request).log.read_text(path)
    shown = text
    if text is None:
        shown = new_day_text(_day(target)) if _ISO_DATE.match(target) else ""
    return _render(request, "edit.html", target=target, name=name, back=back, text=shown,
                   hash=content_hash(text), exists=text is not None, nav="")


def _newlines_like(text: str, current: str | None) -> str:
    """A browser sends a textarea with CRLF line endings: give the page its own back."""
    text = text.replace("\r\n", "\n")
    if current is not None and "\r\n" in current and current.count("\r\n") * 2 >= current.count("\n"):
        text = text.replace("\n", "\r\n")
    return text


@router.post("/edit/{target}")
async def edit_save(request: Request, target: str) -> Response:
    fields = await form(request)
    path, name, back = _target(request, target)
    log = _ctx(request).log
    current = await run_in_threadpool(log.read_text, path)
    text = _newlines_like(fields.get("text", ""), current)
    try:
        await run_in_threadpool(log.save_text, path, text, fields.get("hash", ""))
        _ctx(request).reader.touch()
    except ConflictError as exc:
        return _render(request, "edit.html", status=409, target=target, name=name, back=back, text=text,
                       hash=content_hash(exc.current), exists=True, conflict=exc.message,
                       theirs=exc.current, diff=_diff(exc.current, text))
    return RedirectResponse(back, status_code=303)


def _diff(theirs: str, mine: str) -> list[tuple[str, str]]:
    """A line diff from the text on disk to the text being saved: (class, line) pairs."""
    out: list[tuple[str, str]] = []
    kinds = {"+": "add", "-": "del", "@": "hunk"}
    for line in difflib.unified_diff(theirs.splitlines(), mine.splitlines(), "on disk", "yours", lineterm="",
                                     n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = kinds.get(line[:1], "same")
        out.append((kind, line))
    return out
