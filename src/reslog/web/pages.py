"""The pages of a day and a week: today, any day, the journal, the calendar, the week review.

Each page is a Jinja2 template; the parts that change without a reload (the
day's article after a capture or a tick, a week after its rating or a
reflection) are fragments of the same templates that htmx swaps in. Every
form also works without JavaScript (a plain POST answered by a redirect or
the page with its message). Search, ask and stats are in
:mod:`reslog.web.lookup`, the editor in :mod:`reslog.web.editor`.

Writes go through the core only: :mod:`reslog.web.quick` (capture),
:mod:`reslog.tasks` (done, drop, start, stop, defer, reopen) and :mod:`reslog.review`
(rating, the researcher's sections), each under the log's lock and each
guarded: a to-do by its words, a section by the hash of the text that was
shown. Bad input is answered with one line next to the form, and nothing is
written.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reslog import markdown, review, tasks
from reslog.dates import FIRST_DAY, LAST_DAY, long_date, parse_duration
from reslog.errors import ConflictError, InputError
from reslog.search import Filters
from reslog.store import content_hash
from reslog.web import clock, markup, quick, responses, views
from reslog.web.app import file_stamp
from reslog.web.editor import diff
from reslog.web.responses import READ_ONLY

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_ACTIONS = ("done", "drop", "start", "stop", "defer", "reopen")


def _day_view(request: Request, day: dt.date, create: bool = False, write: bool = True) -> dict[str, Any]:
    """The view of a day's page (made first, with carry-over, when ``create``, as ``reslog today``;
    in memory only, without ``write``), from one read and one parse of the file."""
    log = responses.ctx(request).log
    page = log.update_day(day, day, write=write) if create else log.read_day(day)
    text = markdown.render(page) if page is not None else None
    return views.day_view(page, day, log.day_name(day), text)


def _day_data(request: Request, day: dt.date, create: bool = False) -> dict[str, Any]:
    """:func:`_day_view` with the links to the days around it; on a read-only log (judged before
    anything is written) today's page and its carried to-dos are made in memory only."""
    log = responses.ctx(request).log
    writable = log.writable(log.day_file(day))
    view = _day_view(request, day, create, writable)
    today = clock.now().date()
    before, after = _neighbours(request, day)
    view.update({"is_today": day == today, "prev": before, "next": after,
                 "read_only": None if writable else READ_ONLY,
                 "prev_day": (day - dt.timedelta(days=1)).isoformat(),
                 "next_day": (day + dt.timedelta(days=1)).isoformat()})
    return view


def _neighbours(request: Request, day: dt.date) -> tuple[str | None, str | None]:
    """The nearest days with pages before and after ``day`` (reading only the year folders needed)."""
    log = responses.ctx(request).log
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
    responses.ctx(request).reader.touch()
    if responses.is_htmx(request):
        data = _day_data(request, day)
        return responses.render(request, "_page.html", day=data, message=message)
    target = "/" if day == clock.now().date() else f"/day/{day.isoformat()}"
    return RedirectResponse(target, status_code=303)


# --- today, a day, the journal, the calendar ---


@router.get("/", response_class=HTMLResponse)
def today_page(request: Request) -> Response:
    day = clock.now().date()
    data = _day_data(request, day, create=True)
    return responses.render(request, "day.html", day=data, nav="today")


@router.get("/day/{date}", response_class=HTMLResponse)
def day_page(request: Request, date: str) -> Response:
    day = responses.iso_day(date)
    data = _day_data(request, day)
    return responses.render(request, "day.html", day=data, nav="today" if data["is_today"] else "journal")


@router.get("/fragment/day/{date}", response_class=HTMLResponse)
def day_fragment(request: Request, date: str) -> Response:
    return responses.render(request, "_page.html", day=_day_data(request, responses.iso_day(date)))


def _week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _journal_weeks(
    request: Request, before: dt.date | None, count: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``count`` ISO weeks with pages, newest first, ending before ``before``."""
    log = responses.ctx(request).log
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
            "days": [_day_view(request, d) for d in ds],
        })
    older = None
    if shown and len(weeks) == count:
        last = weeks[list(weeks)[-1]][-1]
        monday = last - dt.timedelta(days=last.weekday())
        if any(d < monday for d in days):
            older = monday.isoformat()
    return shown, older


@router.get("/journal", response_class=HTMLResponse)
def journal(request: Request, before: str | None = None) -> Response:
    until = responses.iso_day(before) if before else None
    weeks, older = _journal_weeks(request, until, 2)
    template = "_journal_weeks.html" if responses.is_htmx(request) and before else "journal.html"
    return responses.render(request, template, weeks=weeks, older=older, nav="journal")


@router.get("/calendar", response_class=HTMLResponse)
def calendar(request: Request, year: int | None = None) -> Response:
    today = clock.now().date()
    year = today.year if year is None else year
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise InputError(f"{year} is not a year reslog can show; use a year from {FIRST_DAY.year} to "
                         f"{LAST_DAY.year}")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    reader = responses.ctx(request).reader
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
    years = sorted({d.year for d in responses.ctx(request).log.days()} | {today.year})
    return responses.render(request, "calendar.html", year=year, cells=cells, months=months, logged=logged,
                            entries=sum(counts.values()), years=years, nav="journal",
                            columns=(end - first).days // 7 + 1)


# --- capture and to-dos ---


@router.post("/capture")
async def capture(request: Request) -> Response:
    fields = await responses.form(request)
    now = clock.now()
    date = fields.get("date") or None
    # "N words": entry N, which must still have those words (the menu's value; numbers shift when
    # an entry is added above); a bare number (a script) is taken as it is
    on_raw, _, expect = fields.get("on", "").strip().partition(" ")
    if on_raw and not on_raw.isdigit():
        raise InputError(f"cannot read {on_raw!r} as an entry number")
    on = int(on_raw) if on_raw else None
    ctx = responses.ctx(request)
    captured = await run_in_threadpool(quick.capture, ctx.log, fields.get("text", ""), now, date, None, on,
                                       False, expect or None)
    day = dt.date.fromisoformat(captured.path.rsplit("/", 1)[-1][:10])
    response = _page_response(request, day)
    response.headers["x-reslog-line"] = f"{captured.path}:{captured.line}"
    return response


def _number(value: str) -> int:
    if not value.strip().isdigit():
        raise InputError(f"cannot read {value!r} as a to-do number")
    return int(value)


def _todo_action(request: Request, action: str, fields: dict[str, str]) -> dt.date:
    log = responses.ctx(request).log
    now = clock.now()
    today = now.date()
    day = responses.iso_day(fields.get("date", today.isoformat()))
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
    elif action == "reopen":
        tasks.reopen(log, day, today, number, expect=expect)
    elif action == "start":
        if day != today:
            raise InputError("a timer runs on today's to-dos only; open today's page to start one")
        tasks.start(log, today, number, now, expect=expect)
    elif action == "defer":
        target_raw = fields.get("to", "").strip()
        target = tasks.defer_day(target_raw, today) if target_raw else today + dt.timedelta(days=1)
        tasks.defer(log, day, today, number, target, expect=expect)
    return day


@router.post("/todo/{action}")
async def todo(request: Request, action: str) -> Response:
    if action not in _ACTIONS:
        raise InputError(f"unknown action {action!r}; use one of: {', '.join(_ACTIONS)}")
    fields = await responses.form(request)
    day = await run_in_threadpool(_todo_action, request, action, fields)
    return _page_response(request, day)


# --- the week ---


#: The last week refreshed, by what it depends on: (log, week, today, index generation, semantic
#: state, writable) -> (the week page's size and mtime after the refresh, the review).
_WEEKS: dict[tuple[Any, ...], tuple[tuple[int, int] | None, review.Review]] = {}


def _week_data(request: Request, name: str | None, rating: int | None = None,
               keep: bool = False) -> dict[str, Any]:
    """The week's review, refreshed as ``reslog week`` does; a view of a week whose entries and
    page have not changed since the last one reuses that refresh (it would write nothing).

    A page is written for this week and last week (the weeks a review is made for), for a week
    whose page exists, and when ``keep`` or a ``rating`` asks for it (the researcher writes in it);
    an older week without a page is shown as it would be written: browsing the past wrote a page
    for each week looked at, files that sync then committed."""
    ctx = responses.ctx(request)
    today = clock.now().date()
    year, number = review.parse_week(name, today)
    semantic = ctx.reader.status()
    vectors = ctx.reader.vectors()
    path = review.week_file(ctx.log, year, number)
    with ctx.reader.index() as index:
        generation = index.generation()
    writable = ctx.log.writable(path)  # a page made in memory is not reused once it can be written
    monday = dt.date.fromisocalendar(year, number, 1)
    recent = monday >= today - dt.timedelta(days=today.weekday() + 7)  # this week or last
    write = writable and (keep or rating is not None or recent or os.path.exists(path))
    memo = (ctx.log.folder, year, number, today, generation, semantic["semantic"], write)
    cached = _WEEKS.get(memo) if rating is None else None
    if cached is not None and cached[0] is not None and cached[0] == file_stamp(path):
        done = cached[1]
    else:
        if rating is not None and not writable:
            raise InputError(READ_ONLY)
        done = review.refresh(ctx.log, year, number, today, rating, vectors, write=write)
        _WEEKS.clear()
        _WEEKS[memo] = (file_stamp(path), done)
    earlier, later = monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    first = review.before_the_log(ctx.log, *later.isocalendar()[:2], today)
    if first is not None:  # a week page kept from before the log began: on to the log's first week
        later = first - dt.timedelta(days=first.weekday())
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
        "read_only": None if writable else READ_ONLY,
        # shown, not written: rating the week or writing in it keeps the page
        "unsaved": None if write or not writable else
        f"Shown as it would be written: {done.relative} is saved when you rate the week or write in it.",
        # nor to a week before the log began: there is nothing to review
        "prev": None if review.before_the_log(ctx.log, *earlier.isocalendar()[:2], today)
        else _week_of(earlier),
        # no link to a week that has not begun: there is nothing to review yet
        "next": _week_of(later) if later <= today else None,
        "days": [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)],
        "hash": content_hash(markdown.render(done.page)),  # of the page shown, not read again
    }


@router.get("/week", response_class=HTMLResponse)
def week_now(request: Request) -> Response:
    return week_page(request, None)


@router.get("/week/{name}", response_class=HTMLResponse)
def week_page(request: Request, name: str | None) -> Response:
    data = _week_data(request, name)
    return responses.render(request, "week.html", week=data, nav="week")


@router.post("/week/{name}/rate")
async def week_rate(request: Request, name: str) -> Response:
    fields = await responses.form(request)
    raw = fields.get("rating", "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 5:
        raise InputError(f"cannot read {raw!r} as a rating; use a whole number from 1 to 5")
    data = await run_in_threadpool(_week_data, request, name, int(raw))
    if responses.is_htmx(request):
        return responses.render(request, "_week.html", week=data)
    return RedirectResponse(f"/week/{data['name']}", status_code=303)


def _save_own(request: Request, name: str, key: str, fields: dict[str, str]) -> None:
    log = responses.ctx(request).log
    year, number = review.parse_week(name, clock.now().date())
    if not os.path.exists(review.week_file(log, year, number)):  # a past week shown, not yet written
        _week_data(request, name, keep=True)
    review.save_own_text(log, year, number, key, fields.get("text", ""), fields.get("hash", ""))


@router.post("/week/{name}/own/{key}")
async def week_own(request: Request, name: str, key: str) -> Response:
    fields = await responses.form(request)
    try:
        await run_in_threadpool(_save_own, request, name, key, fields)
    except ConflictError as exc:
        return responses.render(request, "_conflict.html", status=409, message=exc.message,
                                mine=fields.get("text", ""),
                                theirs=exc.current, diff=diff(exc.current, fields.get("text", "")),
                                action=f"/week/{name}/own/{key}", hash=content_hash(exc.current), inline=True,
                                back=f"/week/{name}")
    data = await run_in_threadpool(_week_data, request, name)
    if responses.is_htmx(request):
        return responses.render(request, "_week.html", week=data, saved=key)
    return RedirectResponse(f"/week/{data['name']}", status_code=303)

