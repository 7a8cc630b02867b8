"""The ``exp:`` entry of a run, on the page of the day it started.

When the run starts (one line, cut here)::

    - 09:12 exp: `python train.py --lr 3e-4` #w2s [run:: runs/2026/2026-11-26/091205-python-train]
      [status:: running] [commit:: 3f2a9c1d0e] [branch:: main] [dirty:: yes]
      - reason: does warmup fix the divergence?

and when it ends, ``status`` is set in place and the other fields follow::

    ... [status:: ok] ... [dirty:: yes] [exit:: 0] [duration:: 3m12s] [val_loss:: 0.31] [acc:: 0.874]

The command is a code span, as typed (``shlex.join`` of the arguments; an
argument holding a newline or another control character in bash's ``$'...'``
quotes, ``sh -c $'make\\nmake test'``, which :func:`split_command` reads back). The entry is found again by
its ``run`` field, which names its run folder and is unique, so a line moved
or edited during the run (a tag added, a thought nested under it) keeps what
the researcher did: completing an entry only sets fields on its first line.
If the entry is gone when the run ends (an editor saved an older copy of the
page), it is written again, complete.
"""

from __future__ import annotations

import re
import shlex

from reslog import markdown
from reslog.capture import Capture, entry_lines, writable
from reslog.model import Entry, Page

STATUSES = ("running", "ok", "failed", "killed", "lost")
_SPAN = re.compile(r"^(`++)(.*?)\1(?!`)")


#: Line ends and the control characters a capture refuses (reslog.capture): tab stays.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


#: How bash's $'...' quotes write a character (what the code span cannot hold as it is).
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", "'": "\\'"}
_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'")
_UNESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")


def _ansi_c(arg: str) -> str:
    """``arg`` in bash's ``$'...'`` quotes: its line breaks and control characters escaped."""
    return "$'" + "".join(_ESCAPES.get(c) or (f"\\x{ord(c):02x}" if _CONTROL.match(c) else c)
                          for c in arg) + "'"


_NAMED = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"'}


def _unescaped(body: str) -> str:
    """The text of bash's ``$'...'`` quotes without them: escapes read back (\\n, \\xHH ...)."""
    def one(match: re.Match[str]) -> str:
        escape = match.group(1)
        if len(escape) == 3 and escape[0] == "x":
            return chr(int(escape[1:], 16))
        return _NAMED.get(escape, "\\" + escape)

    return _UNESCAPE.sub(one, body)


def split_command(line: str) -> list[str]:
    """The arguments of a command line as :func:`command_line` writes it (``shlex.split``, and
    bash's ``$'...'`` quotes); ValueError if it cannot be read."""
    if "$'" not in line:
        return shlex.split(line)
    return shlex.split(_ANSI_C.sub(lambda m: shlex.quote(_unescaped(m.group(1))), line))


def _quote(arg: str) -> str:
    """An argument as a person would type it for a POSIX shell: bare if it can be, else in single
    quotes, else in double quotes if nothing in it is special there, else as shlex quotes it; one
    with a line break or a control character in bash's ``$'...'`` quotes."""
    if _CONTROL.search(arg):
        return _ansi_c(arg)
    quoted = shlex.quote(arg)
    if quoted == arg or "'" not in arg:
        return quoted
    if not re.search(r'["$`\\!]', arg):
        return f'"{arg}"'
    return quoted


def command_line(argv: list[str]) -> str:
    """The command as a person types it into bash, on one line: :func:`split_command` reads
    ``argv`` back. (A newline inside an argument was shown as a space: ``sh -c 'echo a echo b'``,
    another command.)"""
    return " ".join(_quote(arg) for arg in argv)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span: fenced by more backticks than any run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def command_of(text: str) -> str | None:
    """The command of a run entry's text (what follows ``exp:``), read back from its code span."""
    match = _SPAN.match(text.strip())
    if match is None:
        return None
    inner = match.group(2)
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
        inner = inner[1:-1]
    return inner


def start_lines(argv: list[str], time: str, folder: str, fields: list[tuple[str, str]],
                tags: tuple[str, ...] = (), source: str | None = None, star: bool = False,
                reason: str | None = None) -> list[str]:
    """The entry's lines when the run starts (its tags checked as a capture checks them)."""
    item = Capture(code_span(command_line(argv)), "exp", tags, source, star, time)
    first, *_ = entry_lines(item, "done")
    fields = [("run", folder), ("status", "running"), *fields]
    first = " ".join([first, *(f"[{key}:: {value}]" for key, value in fields)])
    lines = [first]
    reason = writable(reason, "--reason") if reason else reason  # an escape byte stays on the page
    parts = [" ".join(line.split()) for line in (reason or "").splitlines() if line.strip()]
    if parts:
        lines.append(f"  - reason: {parts[0]}")
        lines += [f"    - {part}" for part in parts[1:]]
    return lines


def find(page: Page, folder: str) -> Entry | None:
    """The run's entry on a page: the top-level entry whose ``run`` field names ``folder``."""
    for entry in page.entries():
        if entry.field("run") == folder:
            return entry
    return None


def set_fields(page: Page, entry: Entry, fields: list[tuple[str, str]]) -> Page:
    """The page with ``fields`` set on the entry's first line (in place if present, else added)."""
    body = markdown.line_body(page, entry.index)
    for key, value in fields:
        body = markdown.set_field(body, key, value)
    return markdown.replace_line(page, entry.index, body)


def complete(page: Page, folder: str, fields: list[tuple[str, str]], lines: list[str]) -> Page:
    """The page with the run's entry completed; ``lines`` (its starting lines) are written again
    with the fields when the entry is gone."""
    entry = find(page, folder)
    if entry is None:
        first = lines[0]
        for key, value in fields:
            first = markdown.set_field(first, key, value)
        page, _ = markdown.append_entry(page, "done", [first, *lines[1:]])
        return page
    return set_fields(page, entry, fields)


def nest(page: Page, entry: Entry, bodies: list[str]) -> tuple[Page, int]:
    """The page with ``bodies`` nested under the entry (the first as a child, the others under it);
    and the index of the first new line."""
    at = entry.end
    page = markdown.add_children(page, entry, bodies[:1])
    if len(bodies) > 1:
        moved = next(e for e in page.entries() if e.index == entry.index)
        page = markdown.add_children(page, moved.children[-1], bodies[1:])
    return page, at


__all__ = ["STATUSES", "code_span", "command_line", "command_of", "complete", "find", "nest", "set_fields",
           "start_lines"]
