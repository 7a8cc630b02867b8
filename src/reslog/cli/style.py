"""Terminal colour without click: the fast paths print through this too.

Colour is used only when the stream is a terminal and ``NO_COLOR`` is unset,
so piped output and tests see plain text.
"""

from __future__ import annotations

import os
import sys

_CODES = {"red": 31, "green": 32, "yellow": 33, "blue": 34, "magenta": 35, "cyan": 36}


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
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text


def echo(text: str = "", err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()
