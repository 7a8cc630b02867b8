"""What every command needs from the command line: the log, the clock, the day.

Free of click at run time, since the fast path uses it too.
"""

from __future__ import annotations

import datetime as dt
import sys

from reslog.dates import parse_date
from reslog.errors import InputError
from reslog.store import Log

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from pathlib import Path

    import click


def now() -> dt.datetime:
    """The local time, with its UTC offset (so a timer across a DST change measures
    true elapsed time); tests replace this function to travel in time."""
    return dt.datetime.now().astimezone()


def log_of(ctx: click.Context) -> Log:
    log = Log(ctx.find_root().obj["dir"])
    log.check_folder()
    return log


def folder_named(value: str | None, what: str, otherwise: str) -> Path | None:
    """A folder given on the command line, unless it is blank: ``--dir ''`` wrote the log into the
    current folder, ``RESLOG_DIR='  '`` into a folder named by spaces."""
    if value is None:
        return None
    if not value.strip():
        raise InputError(f"{what} is blank; give a folder, or {otherwise}")
    from pathlib import Path

    return Path(value)


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies in it (both resolved by the caller)."""
    return path == folder or folder in path.parents


def day_of(value: str | None) -> dt.date:
    """The day an option names (``--date``), or today."""
    today = now().date()
    return today if value is None else parse_date(value, today)


def phrase_of(words: tuple[str, ...], what: str, otherwise: str) -> str | None:
    """The words of a phrase argument joined by spaces (a phrase typed unquoted comes as several
    words), or None when none was typed. A blank phrase (``reslog week ""``, an empty variable in a
    script) is refused: read as no phrase, it named this week or today and wrote its page."""
    if not words:
        return None
    text = " ".join(words)
    if not text.strip():
        raise InputError(f"{what} is blank; give {otherwise}")
    return text


def read_text(words: tuple[str, ...]) -> str:
    """The TEXT arguments joined by spaces; ``-`` alone reads standard input, which must be UTF-8."""
    if words != ("-",):
        return " ".join(words)
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:  # a text stream put in its place (tests)
        return str(sys.stdin.read())
    data = binary.read()
    try:
        return str(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input is not valid UTF-8 (byte {exc.start}); convert it to UTF-8, then try again"
        ) from None
