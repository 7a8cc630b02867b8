"""``reslog mcp``: the log as a Model Context Protocol server, built on the ``mcp`` SDK.

:func:`build` registers the tools of :mod:`reslog.mcp.reading` (always) and
:mod:`reslog.mcp.writing` (only with ``write=True``: without it the write
tools are not registered at all, so a client cannot list or call them,
whatever a prompt says). The read tools leave out private entries and feelings, as
every export does (:mod:`reslog.redaction`), unless ``redact=False`` (``reslog mcp
--no-redact``): the client is usually an agent in the cloud. Each tool carries the MCP hints: read tools are
``readOnlyHint``; write tools are not read-only, not destructive (they only
append, or mark a to-do done as ``reslog done`` does) and, but for ``done``, not idempotent.

Arguments are checked twice: against each tool's argument model (types,
ranges, enums, unknown names; :class:`_Server` turns a failure into one line
naming the argument and what it accepts), then by reslog's own parsers. Any
:class:`~reslog.errors.ReslogError` becomes a tool error carrying its one-line
message (``isError: true``), so the agent reads what to do; a malformed
request gets a JSON-RPC error from the SDK, and no request can stop the
server. Logs go to stderr; stdout carries only the protocol (the SDK's stdio
transport also diverts file descriptor 1 to stderr while it serves, so even a
stray ``print`` in a library cannot corrupt the stream).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import Field, ValidationError

from reslog import __version__
from reslog.errors import LogError, ReslogError
from reslog.mcp import reading, writing
from reslog.redaction import DEFAULT
from reslog.store import Log

Clock = Callable[[], dt.datetime]
T = TypeVar("T")

INSTRUCTIONS = """\
reslog is the user's research log: a daily lab notebook of Markdown pages (days/YYYY/YYYY-MM-DD.md).
Entries are list items: experiments (exp:), bugs, fixes, papers read, decisions, results, thoughts,
to-dos, ideas and reflections. Use search to find entries (words and meaning; a time scope such as
"last week" or "in March 2024" in the query filters by date), ask for a cited answer or an honest
"nothing in the log answers this", day for a whole page, recent for the last days, todos for open
to-dos and how long they have waited, week for the weekly review, stats for figures about the
user's habits. Every result cites its source as date, file and line: cite them when you answer."""

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                       open_world_hint=False)
APPEND = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                         open_world_hint=False)
TICK = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                       open_world_hint=False)

#: The tools, by whether they write.
READ_TOOLS = ("search", "ask", "day", "week", "recent", "todos", "stats")
WRITE_TOOLS = ("capture", "todo", "done")

Kind = Literal["exp", "bug", "fix", "read", "thought", "feel", "decision", "result", "note"]
Section = Literal["todo", "done", "ideas", "reflection"]
Mode = Literal["hybrid", "keyword", "semantic"]
#: reslog.analytics.TOPICS, spelled out for the tool's schema (a test keeps the two the same)
Topic = Literal["time", "bugs", "sources", "focus", "weeks", "habits", "runs"]
CaptureKind = Literal["did", "exp", "bug", "fix", "read", "decision", "result", "idea", "reflect", "think",
                      "feel"]
When = Annotated[str | None, Field(description="A day, month, year, ISO week (2026-W48) or phrase "
                                               "('last week', 'yesterday').")]
Tag = Annotated[str | None, Field(description="Only entries with #TAG or a nested #TAG/...")]
Tags = Annotated[list[str] | None, Field(description="Tags to add, without # (proj/sub for nested ones).")]
Date = Annotated[str | None, Field(description="The day: YYYY-MM-DD, 'yesterday', 'last friday' "
                                               "(default: today).")]
Force = Annotated[bool, Field(strict=True, description="Write on a date more than a year from today (without "
                                                       "it such a date is refused as a likely year typo).")]


def _run(call: Callable[[], T]) -> T:
    """Run a tool's body; reslog's errors become the tool error the agent reads."""
    try:
        return call()
    except ReslogError as exc:
        raise ToolError(exc.message) from None


def _shown(value: Any) -> str:
    """A value an agent sent, as JSON on one line and short."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _accepted(schema: dict[str, Any]) -> str:
    """What an argument's JSON schema accepts, in words."""
    options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
    words = []
    for option in options:
        if "enum" in option:
            words.append("one of: " + ", ".join(str(v) for v in option["enum"]))
        elif option.get("type") == "integer":
            low, high = option.get("minimum"), option.get("maximum")
            if low is not None and high is not None:
                words.append(f"a whole number from {low} to {high}")
            elif low is not None:
                words.append(f"a whole number of {low} or more")
            else:
                words.append("a whole number")
        elif option.get("type") == "string":
            words.append("a string")
        elif option.get("type") == "boolean":
            words.append("true or false")
        elif option.get("type") == "array":
            words.append("a list of strings")
    return " or ".join(words) or "a value of the right type"


def argument_error(tool: str, schema: dict[str, Any], arguments: dict[str, Any], exc: ValidationError) -> str:
    """The one line that says which argument of ``tool`` is wrong and what it accepts (pydantic's
    own report runs to several lines with links)."""
    properties: dict[str, Any] = schema.get("properties", {})
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    if name not in properties:
        return f"the arguments of {tool} are not valid; it takes: {', '.join(properties) or 'none'}"
    accepted = _accepted(properties[name])
    if first["type"] == "missing":
        return f"{name} is required; give {accepted}"
    return f"{name} cannot be {_shown(arguments.get(name))}; give {accepted}"


class _Server(MCPServer):
    """The SDK's server, but a call's arguments are checked against the tool first, so a wrong
    type, a value out of range or an unknown argument gets reslog's one-line message."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        tool = self._tool_manager.get_tool(name)
        if tool is not None:
            schema = tool.parameters
            known = schema.get("properties", {})
            unknown = sorted(set(arguments) - set(known))
            if unknown:
                raise ToolError(f"Error executing tool {name}: unknown argument {unknown[0]!r}; {name} "
                                f"takes: {', '.join(known) or 'no arguments'}")
            try:
                tool.fn_metadata.validate_arguments(arguments)
            except ValidationError as exc:
                message = argument_error(name, schema, arguments, exc)
                raise ToolError(f"Error executing tool {name}: {message}") from None
        return await super().call_tool(name, arguments, context)


def build(log: Log, write: bool = False, clock: Clock | None = None, redact: bool = True) -> MCPServer:
    """The server for ``log``: the read tools, and the write tools only when ``write``; private
    entries and feelings left out of what the read tools return unless not ``redact``."""
    now = clock or (lambda: dt.datetime.now().astimezone())
    what = DEFAULT if redact else ()
    server = _Server("reslog", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    def today() -> dt.date:
        return now().date()

    def search(
        query: Annotated[str, Field(description='Words, "phrases", -exclude, prefix*, OR; a time scope '
                                                "('last week', 'in early 2013') filters by date. Empty: "
                                                "the latest matching entries.")] = "",
        kind: Annotated[Kind | None, Field(description="Only entries of this kind.")] = None,
        tag: Tag = None,
        section: Annotated[Section | None, Field(description="Only one section of the day.")] = None,
        level: Annotated[int | None, Field(strict=True, ge=0, le=2,
                                           description="0 facts, 1 thoughts, 2 reflection.")] = None,
        source: Annotated[str | None, Field(description="Only entries whose [from:: ...] contains it.")]
        = None,
        starred: Annotated[bool, Field(strict=True, description="Only entries marked ★.")] = False,
        open_todos: Annotated[bool, Field(strict=True, description="Only open to-dos.")] = False,
        since: When = None,
        until: When = None,
        limit: Annotated[int, Field(strict=True, ge=1, le=reading.MAX_LIMIT)] = 10,
        mode: Annotated[Mode | None, Field(description="Default: hybrid when the log has embeddings.")]
        = None,
    ) -> dict[str, Any]:
        """Search the research log by words and meaning, best first; each result cites date, file, line."""
        return _run(lambda: reading.search(log, today(), query, kind, tag, section, level, source, starred,
                                           open_todos, since, until, limit, mode, what))

    def ask(
        question: Annotated[str, Field(description="A question about the log, e.g. 'when did I first "
                                                   "try warmup?' (a time scope in it filters by date).")],
        mode: Annotated[Mode | None, Field(description="Default: hybrid when the log has embeddings.")]
        = None,
    ) -> dict[str, Any]:
        """Answer a question from the log with its own sentences, each cited (date, file, line); says
        "Nothing in the log answers this" (abstained: true, and why) with the nearest entries when it
        cannot."""
        return _run(lambda: reading.ask(log, today(), question, mode, what))

    def day(date: Date = None) -> dict[str, Any]:
        """A day's page as written (Markdown): line N of text is line N of file."""
        return _run(lambda: reading.day(log, today(), date, what))

    def week(
        week: Annotated[str | None, Field(description="An ISO week (2026-W48), 'last', or a day in it "
                                                      "(default: this week).")] = None,
    ) -> dict[str, Any]:
        """The weekly review: figures, time against estimates, waiting to-dos, ideas and what was done
        by theme, the comparison with the week before, and the user's own reflection if written
        (nothing is written)."""
        return _run(lambda: reading.week(log, today(), week, what))

    def recent(
        days: Annotated[int, Field(strict=True, ge=1, le=3660,
                                   description="How many days back, today included.")] = 7,
        kind: Annotated[Kind | None, Field(description="Only entries of this kind.")] = None,
        tag: Tag = None,
        limit: Annotated[int, Field(strict=True, ge=1, le=reading.MAX_LIMIT)] = 50,
    ) -> dict[str, Any]:
        """The entries of the last N days in date order (the latest LIMIT), each cited."""
        return _run(lambda: reading.recent(log, today(), days, kind, tag, limit, what))

    def todos() -> dict[str, Any]:
        """Today's open to-dos with their numbers and how many days each has waited."""
        return _run(lambda: reading.todos(log, today(), what))

    def stats(
        topic: Annotated[Topic, Field(description="time: estimates against actuals; bugs: recurring bugs; "
                                                  "sources: where ideas came from; focus: projects over "
                                                  "time; weeks: what moves with the weekly rating; "
                                                  "habits: when and how the user logs; runs: "
                                                  "experiments run with reslog run, failures, and "
                                                  "which taught something.")],
        since: When = None,
        until: When = None,
        tag: Tag = None,
    ) -> dict[str, Any]:
        """Figures about the user's research habits on one topic, each citing its entries."""
        return _run(lambda: reading.stats(log, today(), topic, since, until, tag, what))

    for fn in (search, ask, day, week, recent, todos, stats):
        server.add_tool(fn, annotations=READ)
    if not write:
        return server

    def capture(
        text: Annotated[str, Field(description="The entry as typed on the command line: may open with "
                                               "a kind (exp:, bug:, ...) and hold #tags, [key:: value] "
                                               "fields and ★; further lines nest under the first.")],
        kind: Annotated[CaptureKind, Field(description="Like the reslog command: did (What was done), "
                                                       "exp, bug, fix, read, decision, result, idea "
                                                       "(Random ideas), reflect (Reflection), think/feel "
                                                       "(a nested line under the latest entry).")] = "did",
        tags: Tags = None,
        source: Annotated[str | None, Field(description="Where it came from: [from:: SOURCE].")] = None,
        star: Annotated[bool, Field(strict=True, description="Mark it as what mattered most (★).")] = False,
        date: Date = None,
        time: Annotated[str | None, Field(description="HH:MM (default: now, on today's page).")] = None,
        on: Annotated[int | None, Field(strict=True, ge=1,
                                        description="think/feel: nest under entry N of the day.")] = None,
        force: Force = False,
    ) -> dict[str, Any]:
        """Append one entry to the log (never changes or removes what is written); returns its citation."""
        return _run(lambda: _after_write(
            writing.capture(log, now(), text, kind, tags, source, star, date, time, on, force)))

    def todo(
        text: Annotated[str, Field(description="The to-do.")],
        est: Annotated[str | None, Field(description="Estimate: 45m, 2h, 1h30m.")] = None,
        tags: Tags = None,
        source: Annotated[str | None, Field(description="Where it came from: [from:: SOURCE].")] = None,
        date: Date = None,
        force: Force = False,
    ) -> dict[str, Any]:
        """Add a to-do to What to do next (open to-dos carry over to the next day)."""
        return _run(lambda: _after_write(writing.todo(log, now(), text, est, tags, source, date, force)))

    def done(
        number: Annotated[int, Field(strict=True, ge=1,
                                     description="The to-do's number, as the todos tool gives it.")],
        took: Annotated[str | None, Field(description="How long it took: 45m, 2h, 1h30m.")] = None,
    ) -> dict[str, Any]:
        """Mark one of today's open to-dos done (ticks its box; a second call changes nothing)."""
        return _run(lambda: _after_write(writing.done(log, now(), number, took)))

    def _after_write(result: dict[str, Any]) -> dict[str, Any]:
        from reslog.store import take_written
        from reslog.sync.trigger import after_write

        for folder in take_written():
            after_write(folder)
        return result

    server.add_tool(capture, annotations=APPEND)
    server.add_tool(todo, annotations=APPEND)
    server.add_tool(done, annotations=TICK)
    return server


_NO_ID = object()
_NOT_UNICODE = ("Invalid params: the request holds text that is not valid Unicode (bytes that are not "
                "UTF-8, or a lone surrogate escape such as \\ud800); send the text as valid UTF-8")


def _unreadable(line: Any) -> Any:
    """For a line the SDK's JSON reader refused: None when it is not JSON at all; otherwise the
    ``id`` of the request it holds (``_NO_ID`` for a notification or anything without one). Python
    reads what the SDK's reader does not, such as a lone-surrogate escape ``"\\ud800"``: valid JSON,
    but text that is not Unicode, so the request is answered with an error under its own id."""
    if not isinstance(line, (str, bytes, bytearray)):
        return None
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or "method" not in message:
        return _NO_ID
    ident = message.get("id")
    return ident if isinstance(ident, (int, str)) and not isinstance(ident, bool) else _NO_ID


#: At the end of the input, how long the requests still being answered are waited for.
_DRAIN_SECONDS = 120.0


class _InFlight:
    """The ids of the requests read and not yet answered (nor cancelled by the client)."""

    def __init__(self) -> None:
        import anyio

        self._ids: set[int | str] = set()
        self._settled = anyio.Event()
        self._settled.set()

    def read(self, item: Any) -> None:
        """Note a message read: a request to answer, or the cancelling of one."""
        import anyio
        from mcp.types import JSONRPCNotification, JSONRPCRequest

        message = getattr(item, "message", None)
        if isinstance(message, JSONRPCRequest):
            if not self._ids:
                self._settled = anyio.Event()
            self._ids.add(message.id)
        elif isinstance(message, JSONRPCNotification) and message.method == "notifications/cancelled":
            self.discard((message.params or {}).get("requestId"))

    def discard(self, ident: object) -> None:
        if isinstance(ident, (int, str)) and ident in self._ids:
            self._ids.discard(ident)
            if not self._ids:
                self._settled.set()

    async def settled(self) -> None:
        await self._settled.wait()


class _Answered:
    """The stdio transport's outgoing stream, telling :class:`_InFlight` of each answer sent."""

    def __init__(self, inner: Any, inflight: _InFlight) -> None:
        self._inner = inner
        self._inflight = inflight

    async def send(self, item: Any) -> None:
        from mcp.types import JSONRPCError, JSONRPCResponse

        await self._inner.send(item)
        message = getattr(item, "message", None)
        if isinstance(message, (JSONRPCResponse, JSONRPCError)):
            self._inflight.discard(message.id)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _Answered:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Answering:
    """The stdio transport's incoming messages, with every line that is not a JSON-RPC message
    answered at once with the JSON-RPC error for it (-32700 parse error, -32600 invalid request,
    ``id`` null, as JSON-RPC 2.0 asks). The SDK itself only logs such lines and says nothing, which
    leaves a client waiting for an answer that never comes.

    The end of the input is passed on only once every request read has been answered: the SDK
    cancels the requests still running when its input ends, so a client that writes a request and
    closes stdin at once (``echo ... | reslog mcp --write``) would get no answer, though a capture
    already on its way to the page may still be written. A request the client cancels
    (``notifications/cancelled``) is not waited for."""

    def __init__(self, inner: Any, write: Any, inflight: _InFlight | None = None) -> None:
        self._inner = inner
        self._write = write
        self._inflight = inflight or _InFlight()

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> Any:
        return await self.__anext__()

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> _Answering:
        return self

    async def __aenter__(self) -> _Answering:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def __anext__(self) -> Any:
        from mcp.shared.message import SessionMessage
        from mcp.types import INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError
        from pydantic import ValidationError

        while True:
            try:
                item = await self._inner.__anext__()
            except StopAsyncIteration:
                import anyio

                with anyio.move_on_after(_DRAIN_SECONDS) as waited:
                    await self._inflight.settled()
                if waited.cancelled_caught:
                    logging.getLogger(__name__).warning(
                        "the input ended; stopped waiting for the requests still running after %.0f s",
                        _DRAIN_SECONDS)
                raise
            if not isinstance(item, Exception):
                self._inflight.read(item)
                return item
            invalid = [e for e in item.errors() if e["type"] == "json_invalid"] \
                if isinstance(item, ValidationError) else []
            if invalid:
                unread = _unreadable(invalid[0].get("input"))
                if unread is None:
                    error = ErrorData(code=PARSE_ERROR, message="Parse error: the line is not JSON")
                    await self._write.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=None, error=error)))
                elif unread is not _NO_ID:  # a notification gets no answer, even an error
                    error = ErrorData(code=INVALID_PARAMS, message=_NOT_UNICODE)
                    reply = JSONRPCError(jsonrpc="2.0", id=unread, error=error)
                    await self._write.send(SessionMessage(reply))
                continue
            error = ErrorData(code=INVALID_REQUEST, message="Invalid request: not a JSON-RPC 2.0 message")
            await self._write.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=None, error=error)))


def _as_read(line: bytes) -> str:
    """A line of standard input as the SDK's transport is to read it. The transport decodes
    input with every byte that is not UTF-8 replaced by U+FFFD (a capture wrote "bad byte � here"),
    and reads a request whose id is null, a number with a fraction or an object as a notification,
    which gets no answer (the client waits for ever). Such lines are handed on as lines the
    transport answers as it should: a request holding bytes that are not UTF-8 as one holding a
    lone surrogate escape (-32602 under its id, see :func:`_unreadable`); a request with such
    an id as a JSON object that is no JSON-RPC message (-32600, id null)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        ident = _unreadable(line.decode("utf-8", "replace"))
        if ident is None or ident is _NO_ID:  # not JSON, or a notification: as the transport reads it
            return line.decode("utf-8", "replace")
        unicode_error = {"jsonrpc": "2.0", "id": ident, "method": "tools/call", "params": {"text": "\ud800"}}
        return json.dumps(unicode_error)
    if '"id"' in text:
        try:
            message = json.loads(text)
        except ValueError:
            return text
        if isinstance(message, dict) and "method" in message and "id" in message and (
                not isinstance(message["id"], (int, str)) or isinstance(message["id"], bool)):
            return "{}"
    return text


async def _stdin_lines() -> Any:
    import anyio

    async for line in anyio.wrap_file(sys.stdin.buffer):
        yield _as_read(line)


async def _serve_stdio(server: MCPServer) -> None:
    from mcp.server.stdio import stdio_server

    lowlevel = server._lowlevel_server  # what MCPServer.run_stdio_async serves, with _Answering in front
    async with stdio_server(stdin=_stdin_lines()) as (read_stream, write_stream):
        inflight = _InFlight()
        incoming: Any = _Answering(read_stream, write_stream, inflight)
        outgoing: Any = _Answered(write_stream, inflight)
        await lowlevel.run(incoming, outgoing, lowlevel.create_initialization_options())


def serve(log: Log, write: bool = False, redact: bool = True) -> None:
    """Serve the log over stdio until the client closes the connection."""
    import os

    import anyio

    if not os.path.isdir(log.folder):  # a mistyped path in a client's config must not make a new log
        raise LogError(f"there is no log at {log.folder}; check the --dir in the client's configuration "
                       "(or capture something first: reslog did TEXT)")
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="reslog mcp: %(message)s")
    log.ensure_root()
    server = build(log, write, redact=redact)
    kept = "" if redact else ", private entries and feelings included"
    print(f"reslog mcp: serving {log.folder} over stdio ({'read and write' if write else 'read-only'}{kept})",
          file=sys.stderr)
    anyio.run(_serve_stdio, server)


__all__ = ["READ_TOOLS", "WRITE_TOOLS", "build", "serve"]
