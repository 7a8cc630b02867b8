"""Edit any page as Markdown: the whole page in a text area, saved only over the text it showed.

The save goes through :meth:`reslog.store.Log.save_text` (under the log's lock, atomically);
if the page changed since it was loaded, nothing is written and both versions are shown with
their differences (:func:`diff`, used by the week's sections too).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reslog import review
from reslog.errors import ConflictError, ReslogError
from reslog.store import content_hash, new_day_text
from reslog.web import clock, quick, responses
from reslog.web.security import MAX_BODY, TOO_LARGE

__all__ = ["diff", "router"]

router = APIRouter(include_in_schema=False)

_WEEK_NAME = re.compile(r"^\d{4}-W\d{2}$")


def _target(request: Request, target: str) -> tuple[str, str, str]:
    """(path, name shown, where to go after saving) of a day (YYYY-MM-DD) or week (YYYY-Www)."""
    log = responses.ctx(request).log
    if _WEEK_NAME.match(target):
        year, number = review.parse_week(target, clock.now().date())
        return review.week_file(log, year, number), f"weeks/{year:04d}/{target}.md", f"/week/{target}"
    day = responses.iso_day(target)
    return log.day_file(day), log.day_name(day), f"/day/{day.isoformat()}"


@router.get("/edit/{target}", response_class=HTMLResponse)
def edit_page(request: Request, target: str) -> Response:
    path, name, back = _target(request, target)
    text = responses.ctx(request).log.read_text(path)
    shown = text
    if text is None:  # a new page: a day's as the tool makes it, a week's empty
        shown = "" if _WEEK_NAME.match(target) else new_day_text(responses.iso_day(target))
    writable = responses.ctx(request).log.writable(path)
    return responses.render(request, "edit.html", target=target, name=name, back=back, text=shown,
                            hash=content_hash(text), exists=text is not None, nav="",
                            max_body=MAX_BODY, too_large=TOO_LARGE,
                            read_only=None if writable else responses.READ_ONLY)


def _newlines_like(text: str, current: str | None) -> str:
    """A browser sends a textarea with CRLF line endings: give the page its own back."""
    text = text.replace("\r\n", "\n")
    if current is not None and "\r\n" in current and current.count("\r\n") * 2 >= current.count("\n"):
        text = text.replace("\n", "\r\n")
    return text


@router.post("/edit/{target}")
async def edit_save(request: Request, target: str) -> Response:
    fields = await responses.form(request)
    path, name, back = _target(request, target)
    log = responses.ctx(request).log
    try:
        current = await run_in_threadpool(log.read_text, path)
        unreadable = None
    except ReslogError as exc:  # a page linked outside the log, not valid UTF-8...
        current, unreadable = None, exc.message
    text = _newlines_like(fields.get("text", ""), current)

    def again(status: int, **shown: Any) -> Response:
        """The editor once more, with the text as typed (never lost behind an error page)."""
        shown = {"hash": fields.get("hash", ""), "exists": current is not None, "max_body": MAX_BODY,
                 "too_large": TOO_LARGE, **shown}
        return responses.render(request, "edit.html", status=status, target=target, name=name, back=back,
                                text=text, **shown)

    if unreadable is not None:
        return again(422, error=unreadable)
    control = quick.control_character(text)  # what the capture box refuses, the editor does too
    if control is not None:
        return again(422, error=control)
    if not log.writable(path):
        return again(409, read_only=responses.READ_ONLY)
    try:
        await run_in_threadpool(log.save_text, path, text, fields.get("hash", ""))
        responses.ctx(request).reader.touch()
    except ConflictError as exc:
        return again(409, hash=content_hash(exc.current), exists=True, conflict=exc.message,
                     theirs=exc.current, diff=diff(exc.current, text))
    except ReslogError as exc:  # the page is a link, the disk is full...
        return again(422, error=exc.message)
    return RedirectResponse(back, status_code=303)


def diff(theirs: str, mine: str) -> list[tuple[str, str]]:
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
