"""The ASGI application of ``reslog serve``: wiring, sign-in, live updates, errors.

:func:`create_app` puts :class:`~reslog.web.security.Guard` in front of a
FastAPI app whose routes live in :mod:`reslog.web.pages` (HTML for people,
htmx fragments) and :mod:`reslog.web.api` (JSON for scripts, documented at
``/openapi.json``). Every route reads and writes through the core: the store
(its lock, atomic writes and carry-over), capture, tasks, review, and the
index through :class:`~reslog.web.reader.Reader`; nothing here runs SQL or
opens a page file.

Live updates: ``GET /events?file=days/2026/2026-11-26.md`` is a stream of
server-sent events; it looks at the page's size and mtime twice a second and
sends its new content hash (and the page's name, on a second ``data:`` line) when it
changes, so an open tab shows what the CLI, an editor or a sync tool wrote within about
a second. One stream may watch several pages (``file=...&file=...``): the tabs of a
browser share one (the tab holding a Web Lock watches for all; see ``static/app.js``),
since a browser opens at most six connections to a server, and with a stream per tab
the seventh tab hung. With ``seen=HASH`` for a page (in the order of the ``file``
values), a page that no longer has that hash is reported at once: what changed while
a tab was hidden, or between two streams.

With ``sync.auto`` on, the pages a request wrote are committed in the background after it, as
after a command.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from reslog import __version__
from reslog.errors import ConflictError, ReslogError
from reslog.store import Log, content_hash, take_written
from reslog.sync.trigger import after_write
from reslog.web.reader import Reader
from reslog.web.security import Guard, Keys, allowed_hosts, safe_next
from reslog.words import plural

__all__ = ["Context", "create_app", "file_stamp"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
_WATCHABLE = re.compile(r"^(days/\d{4}/\d{4}-\d{2}-\d{2}|weeks/\d{4}/\d{4}-W\d{2})\.md$")
#: How often the event stream looks at the page on disk (seconds).
WATCH_EVERY = 0.5
#: The most pages one event stream watches (the tabs of one browser share it).
MAX_WATCHED = 64
#: Threads that run the blocking routes.
THREADS = 8


class Context:
    """What every route needs: the log, its reader, the keys and the templates."""

    def __init__(self, log: Log, reader: Reader, keys: Keys) -> None:
        self.log = log
        self.reader = reader
        self.keys = keys
        self.templates = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html", "svg"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals["version"] = __version__
        self.templates.filters["plural"] = plural  # {{ n | plural("day") }}: "1 day", "2 days"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(log: Log, token: str, host: str, port: int, semantic: bool = True,
               stopping: Callable[[], bool] | None = None) -> Any:
    """The guarded ASGI app for ``log``, answering to ``host``:``port`` and signed in by ``token``.

    ``stopping`` says when the server is shutting down: the event streams then end, so that open
    tabs do not hold the shutdown up."""
    from reslog.web import api, editor, lookup, pages, responses

    keys = Keys(token, port)
    reader = Reader(log, semantic=semantic)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Blocking routes run in a thread pool; each thread keeps an index connection (and its
        # page cache). On a 2-core machine 8 threads are plenty, and cost far less than 40.
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield
        reader.close()

    app = FastAPI(
        lifespan=lifespan,
        title="reslog",
        version=__version__,
        description="The JSON API of `reslog serve` (see docs/api.md). Authenticate with the sign-in "
                    "cookie or `Authorization: Bearer TOKEN`.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.ctx = Context(log, reader, keys)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(lookup.router)
    app.include_router(editor.router)

    @app.middleware("http")
    async def _sync_auto(request: Request, call_next: Any) -> Response:
        # Whatever a request wrote (a capture, a ticked to-do, a saved page, today's page made
        # with its carry-over) is handed to sync.auto, as the command line does.
        try:
            response: Response = await call_next(request)
        finally:
            for folder in take_written():
                after_write(folder)
        return response

    @app.exception_handler(ReslogError)
    async def _reslog_error(request: Request, exc: ReslogError) -> Response:
        status = 409 if isinstance(exc, ConflictError) else 422
        if _wants_json(request):
            body: dict[str, Any] = {"detail": exc.plain}
            if isinstance(exc, ConflictError):
                body["current"] = exc.current
                body["hash"] = content_hash(exc.current)
            return JSONResponse(body, status_code=status)
        return responses.error_response(request, exc, status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # an address the app does not have, or a method it does not take: a page for a person (it
        # was {"detail": "Not Found"} in the browser), JSON for the API and the static files
        if _wants_json(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        message = {404: "There is no such page here; start from Today.",
                   405: f"{request.method} is not how this address is used; start from Today."}.get(
                       exc.status_code, f"{exc.detail}; start from Today.")
        response = responses.error_response(request, ReslogError(message), exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                             for e in exc.errors())
        if _wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return responses.error_response(request, ReslogError(f"cannot read the request: {problems}"), 422)

    @app.get("/login", include_in_schema=False)
    def login(request: Request, token: str = "", next: str = "/") -> Response:
        if token and keys.token_ok(token):
            # back to the page asked for before signing in (a path of this server only)
            response = RedirectResponse(safe_next(next), status_code=303)
            response.headers["set-cookie"] = keys.cookie_header()
            response.headers["cache-control"] = "no-store"
            return response
        return responses.sign_in(request, bad=bool(token), back=safe_next(next))

    @app.post("/login", include_in_schema=False)
    async def login_form(request: Request) -> Response:
        fields = await responses.form(request)
        return login(request, fields.get("token", "").strip(), fields.get("next", "/"))

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> Response:
        return Response((STATIC / "manifest.webmanifest").read_bytes(),
                        media_type="application/manifest+json")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((STATIC / "icon.svg").read_bytes(), media_type="image/svg+xml")

    @app.get("/events", include_in_schema=False)
    async def events(request: Request, file: Annotated[list[str], Query()],
                     seen: Annotated[list[str] | None, Query()] = None) -> Response:
        files = list(dict.fromkeys(file))
        if not files or len(files) > MAX_WATCHED or not all(_WATCHABLE.match(f) for f in files):
            return JSONResponse({"detail": "file must be a day or week page (days/YYYY/YYYY-MM-DD.md), "
                                           f"at most {MAX_WATCHED} of them"}, status_code=422)
        known = dict(zip(file, seen or [], strict=False))
        return StreamingResponse(_watch(request, log, files, known, stopping or (lambda: False)),
                                 media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    hosts, any_ip = allowed_hosts(host, port)
    return Guard(app, keys, hosts, any_ip, port)


def file_stamp(path: str) -> tuple[int, int] | None:
    """A file's size and mtime (ns), or None if it cannot be seen: what tells that it changed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


async def _watch(request: Request, log: Log, files: list[str], known: dict[str, str],
                 stopping: Callable[[], bool]) -> AsyncIterator[bytes]:
    """Server-sent events: ``changed`` with a page's new hash and its name whenever it changes
    on disk (and at once for a page whose hash ``known`` holds and it no longer has)."""

    async def changed(name: str) -> bytes:
        try:
            text = await asyncio.to_thread(log.read_text, os.path.join(log.folder, name))
        except ReslogError:
            text = None
        return f"event: changed\ndata: {content_hash(text)}\ndata: {name}\n\n".encode()

    yield b"retry: 1000\n\n"
    last = {name: file_stamp(os.path.join(log.folder, name)) for name in files}
    for name, hash_seen in known.items():
        if name in last:
            event = await changed(name)
            if f"data: {hash_seen}\n".encode() not in event:
                yield event
    beat = 0
    while True:
        await asyncio.sleep(WATCH_EVERY)
        if stopping() or await request.is_disconnected():
            return
        for name, stamp in last.items():
            now = file_stamp(os.path.join(log.folder, name))
            if now != stamp:
                last[name] = now
                yield await changed(name)
        beat += 1
        if beat % 30 == 0:
            yield b": keep-alive\n\n"
