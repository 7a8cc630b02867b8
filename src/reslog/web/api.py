"""The JSON API: what the pages use and scripts can use (docs/api.md; ``/openapi.json``).

The objects are the CLI's own: a search returns what ``reslog search --json``
prints, an answer what ``reslog ask --json`` prints. Authentication is the
sign-in cookie or ``Authorization: Bearer TOKEN`` (see :mod:`reslog.web.security`).
Errors are ``{"detail": "..."}`` with 401 (not signed in), 403 (refused), 409 (a
conflict, with ``current``) or 422 (bad input: nothing was written).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from reslog.dates import parse_range
from reslog.markdown import render
from reslog.model import KINDS
from reslog.search import Filters
from reslog.store import content_hash
from reslog.web import clock, quick, responses

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

Kind = Enum("Kind", {k: k for k in (*KINDS, "note")}, type=str)  # type: ignore[misc]
SectionKey = Literal["todo", "done", "ideas", "reflection"]


class Problem(BaseModel):
    detail: str


class Child(BaseModel):
    line: int
    kind: str | None
    level: int
    text: str


class DayEntry(BaseModel):
    """One top-level entry of a day page, with its citation (``file``:``line``)."""

    file: str
    line: int
    end_line: int
    section: str | None
    heading: str | None
    number: int | None = Field(description="its number for `reslog done N` (to-dos) or `think --on N`")
    kind: str | None
    level: int
    state: str | None = Field(description="' ' open, 'x' done, '>' deferred, '-' dropped; null if no to-do")
    time: str | None
    text: str
    tags: list[str]
    fields: dict[str, str]
    starred: bool
    children: list[Child]


class Day(BaseModel):
    date: str
    file: str
    exists: bool
    hash: str = Field(description="content hash of the page as read (empty if there is no page)")
    entries: list[DayEntry]


class NewEntry(BaseModel):
    text: str = Field(description="the entry as typed in the capture box or on the shell "
                                  "(`exp: ...`, `todo ... [est:: 2h]`, `#tags`, `★`)")
    date: str | None = Field(None, description="YYYY-MM-DD or a phrase (yesterday); default today")
    section: SectionKey | None = Field(None, description="where it goes; default: read from the text")


class Written(BaseModel):
    file: str
    line: int
    text: str
    date: str


class Hit(BaseModel):
    """An entry as `reslog search --json` prints it."""

    date: str
    time: str | None
    section: str | None
    heading: str | None
    kind: str | None
    level: int
    state: str | None
    text: str
    tags: list[str]
    fields: dict[str, str]
    source: str | None
    starred: bool
    file: str
    line: int
    end_line: int
    score: float | None
    children: list[dict[str, Any]]
    est_minutes: int | None
    took_minutes: int | None
    carried: str | None


class Citation(BaseModel):
    date: str
    file: str
    line: int
    text: str


class Answer(BaseModel):
    """The object `reslog ask --json` prints (with ``count`` for a "how many ...?" question)."""

    answer: str
    abstained: bool
    time_scope: dict[str, Any] | None
    citations: list[Citation]

    model_config = {"extra": "allow"}


class Status(BaseModel):
    semantic: Literal["ready", "warming", "off"]
    note: str | None
    entries: int | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "not signed in"},
    403: {"model": Problem, "description": "refused (host, origin or CSRF)"},
    422: {"model": Problem, "description": "bad input; nothing was written"},
}


@router.get("/days/{date}", response_model=Day, responses=_ERRORS)
def get_day(request: Request, date: str) -> Day:
    """The entries of one day's page, in file order."""
    log = responses.ctx(request).log
    day = responses.iso_day(date)
    page = log.read_day(day)
    entries: list[DayEntry] = []
    if page is not None:
        numbers = {e.index: n for n, e in enumerate(page.tasks(), 1)}
        numbers.update({e.index: n for n, e in enumerate(page.notes(), 1)})
        for entry in page.entries():
            entries.append(DayEntry(
                file=log.day_name(day), line=entry.line, end_line=entry.end, section=entry.section,
                heading=entry.heading, number=numbers.get(entry.index), kind=entry.kind, level=entry.level,
                state=entry.state, time=entry.time, text=entry.text, tags=list(entry.tags),
                fields=dict(entry.fields), starred=entry.starred,
                children=[Child(line=c.line, kind=c.kind, level=c.level, text=c.text)
                          for c in entry.children],
            ))
    return Day(date=day.isoformat(), file=log.day_name(day), exists=page is not None,
               hash=content_hash(render(page)) if page is not None else "", entries=entries)


@router.post("/entries", response_model=Written, status_code=201, responses=_ERRORS)
async def post_entry(request: Request, entry: NewEntry) -> Written:
    """Capture one entry, exactly as the capture box (and the CLI) would write it."""
    ctx = responses.ctx(request)
    captured = await run_in_threadpool(quick.capture, ctx.log, entry.text, clock.now(), entry.date,
                                       entry.section)
    ctx.reader.touch()
    return Written(file=captured.path, line=captured.line, text=captured.body,
                   date=captured.path.rsplit("/", 1)[-1][:10])


@router.get("/search", response_model=list[Hit], responses=_ERRORS)
def search(
    request: Request,
    q: Annotated[str, Query(description="words, \"phrases\", -exclude, prefix*, OR; time scopes too")] = "",
    kind: Kind | None = None,
    tag: str | None = None,
    section: SectionKey | None = None,
    level: Annotated[int | None, Query(ge=0, le=2)] = None,
    source: str | None = None,
    starred: bool = False,
    open: bool = False,
    since: Annotated[str | None, Query(description="a day, month, year, ISO week or phrase")] = None,
    until: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    mode: Literal["hybrid", "keyword", "semantic"] | None = None,
) -> list[dict[str, Any]]:
    """The entries `reslog search --json` finds for the same query and filters, best first
    (no query: the latest entries, newest first)."""
    today = clock.now().date()
    filters = Filters(
        kind=kind.value if kind is not None else None, tag=tag or None, section=section, level=level,
        source=source or None, starred=starred, open=open,
        since=parse_range(since, today)[0] if since else None,
        until=parse_range(until, today)[1] if until else None,
    )
    found = responses.ctx(request).reader.search(q, filters, today, limit=limit, mode=mode)
    return [hit.as_json() for hit in found.hits]


@router.get("/ask", response_model=Answer, responses=_ERRORS)
def ask(request: Request, q: Annotated[str, Query(min_length=1)],
        mode: Literal["hybrid", "keyword", "semantic"] | None = None) -> dict[str, Any]:
    """The object `reslog ask --json` prints: the answer, whether it abstained, the time scope and
    the citations; for a review question ("which bugs keep recurring?"), its stats topic's figures
    under ``stats``."""
    from reslog.analytics.asked import answer

    if (asked := answer(responses.ctx(request).log, q.strip(), clock.now().date())) is not None:
        return asked.as_json()
    _found, result, _notice = responses.ctx(request).reader.ask(q, clock.now().date(), mode)
    out: dict[str, Any] = result.as_json()
    return out


@router.get("/status", response_model=Status, responses=_ERRORS)
def status(request: Request) -> dict[str, Any]:
    """Whether searches use meaning yet (`ready`), are by keyword until vectors load (`warming`), or
    never do (`off`)."""
    return responses.ctx(request).reader.status()

