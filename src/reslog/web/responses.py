"""How the pages answer: a template rendered with what every page needs, a form read, an error
shown next to the form that caused it (htmx) or as a page, the sign-in page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from reslog.dates import OUTSIDE, in_range
from reslog.errors import InputError, ReslogError
from reslog.web import clock
from reslog.web.app import Context

#: What a page of a read-only log says, once, above what it shows.
READ_ONLY = "This log is read-only: pages are shown as they would be written, and nothing is saved."

__all__ = ["ctx", "error_response", "form", "is_htmx", "iso_day", "render", "sign_in"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
           **values: Any) -> HTMLResponse:
    """``template`` rendered with the CSRF token, today's date and the navigation key."""
    context = ctx(request)
    values.setdefault("csrf", context.keys.csrf)
    values.setdefault("today", clock.now().date().isoformat())
    values.setdefault("nav", "")
    text = context.templates.get_template(template).render(**values)
    response = HTMLResponse(text, status_code=status, headers=headers)
    response.headers["cache-control"] = "no-store"
    return response


async def form(request: Request) -> dict[str, str]:
    """A urlencoded form body as a dict (last value wins); no multipart, no file uploads. Kept on
    the request's state, for an error page to give back what was typed."""
    body = await request.body()
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    request.state.form = fields
    return fields


def error_response(request: Request, exc: ReslogError, status: int) -> Response:
    """An error next to the form that caused it (htmx), or a page that says it: that nothing was
    written, for a form sent; that the page cannot be shown, for a page asked for (a day page
    linked outside the log, not valid UTF-8), where nothing was being written."""
    message = exc.plain  # no "see them with 'reslog todos'": a person here has no shell at hand
    if is_htmx(request):
        return render(request, "_message.html", status=status, message=message, kind="error")
    title = "This page cannot be shown" if request.method in ("GET", "HEAD") else "Nothing was written"
    # the page replaces the form (no script to keep it): what was typed comes back to copy, as on
    # the sign-in and CSRF refusals
    typed = getattr(request.state, "form", {}).get("text") if request.method == "POST" else None
    return render(request, "message.html", status=status, title=title, message=message, typed=typed)


def sign_in(request: Request, bad: bool = False, back: str = "/") -> Response:
    return render(request, "signin.html", status=401 if bad else 200, bad=bad, csrf="", back=back)


def iso_day(value: str) -> dt.date:
    if not _ISO_DATE.match(value):
        raise InputError(f"cannot read {value!r} as a date; use YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date of the calendar; use YYYY-MM-DD") from None
    if not in_range(day):  # the neighbours of 0001-01-01 are not dates at all: no page out there
        raise InputError(f"{value} is {OUTSIDE}")
    return day
