"""Terminal output without click: colour, and the guard every byte reslog prints passes through.

Colour is used only when the stream is a terminal and ``NO_COLOR`` is unset,
so piped output and tests see plain text.

The log is text a person (or an importer) wrote, and it may hold control
characters: ``ESC ] 0 ; … BEL`` sets a terminal's title, ``ESC [ 2 J`` clears
its screen. :func:`terminal_output` (entered once, by :func:`reslog.cli.entry.main`)
wraps standard output and standard error so that every control character is
made visible (``␛]0;…␇``) whatever the command and wherever it goes (a pipe to
``less -R`` shows it too); the files keep their bytes. The only escape
sequences that reach a terminal are the colours :func:`style` adds: it marks
them with a token made at random for this process, which text from the log
cannot contain, and the wrapper turns that token into ``ESC``. An export's
data written to a pipe or a file keeps its bytes (:func:`data`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Any, TextIO

_CODES = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}

#: C0 controls but tab and newline, DEL, and the C1 controls, each shown as a visible character:
#: the Unicode control pictures (␛, ␇, ␡), and ␛ plus the 7-bit form for C1 (CSI ``\x9b`` is ``␛[``).
_VISIBLE = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n"},
    0x7F: "\u2421",
    **{code: "\u241b" + chr(code - 0x40) for code in range(0x80, 0xA0)},
}
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"
#: Text undecodable bytes become (lone surrogates, which no stream can encode).
_SURROGATE = "[\ud800-\udfff]"
#: Marks reslog's own escape sequences while :func:`terminal_output` is in effect.
_MARK: str | None = None


def visible(text: str) -> str:
    """``text`` with every control character made visible (see the module's docstring)."""
    if re.search(_CONTROL, text) is None:  # the usual case, found by one scan in C
        return text
    text = text.translate(_VISIBLE)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = re.sub(_SURROGATE, "\ufffd", text)
    return text


def colour_on(err: bool = False) -> bool:
    """Whether the stream is a terminal that may show colour (and progress bars)."""
    stream = sys.stderr if err else sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def style(
    text: str, fg: str | None = None, bold: bool = False, dim: bool = False, underline: bool = False
) -> str:
    if not colour_on():
        return text
    codes = [str(_CODES[fg])] if fg else []
    codes += ["1"] * bold + ["2"] * dim + ["4"] * underline
    esc = _MARK or "\x1b"
    return f"{esc}[{';'.join(codes)}m{text}{esc}[0m" if codes else text


def echo(text: str = "", err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def raw(stream: TextIO) -> TextIO:
    """The stream under :func:`terminal_output`'s guard (for a progress bar's own sequences)."""
    inner: TextIO = getattr(stream, "guarded", stream)
    return inner


def data(text: str) -> None:
    """Write an export to standard output: as it is to a pipe or a file, made visible on a terminal."""
    stream = sys.stdout
    (stream if stream.isatty() else raw(stream)).write(text)
    stream.flush()


class _Guarded:
    """A text stream that makes control characters visible and turns :data:`_MARK` into ESC."""

    def __init__(self, stream: TextIO, mark: str) -> None:
        self.guarded = stream
        self._mark = mark

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        return self.guarded.write(visible(text).replace(self._mark, "\x1b"))

    def writelines(self, lines: Iterator[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.guarded, name)


@contextmanager
def terminal_output() -> Iterator[None]:
    """Guard standard output and standard error while the block runs (see the module's docstring)."""
    global _MARK
    saved = (sys.stdout, sys.stderr, _MARK)
    mark = "".join(chr(0xE000 + b) for b in os.urandom(12))  # private-use characters, random
    _MARK = mark
    sys.stdout = _Guarded(sys.stdout, mark)
    sys.stderr = _Guarded(sys.stderr, mark)
    try:
        yield
    finally:
        sys.stdout, sys.stderr, _MARK = saved
