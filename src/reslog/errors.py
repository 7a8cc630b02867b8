"""The errors a user can act on. Raised anywhere, translated once at the edge.

Every message says what went wrong and what to do, on one line. The CLI prints
``reslog: <message>`` and exits with :attr:`ReslogError.exit_code` (1, or 2 for
usage errors); only ``--debug`` shows a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ReslogError(Exception):
    """Base of every error reslog reports to a person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        #: The message for a reader with no shell at hand (the web app): without the command to
        #: type, where :attr:`message` names one (``see them with 'reslog todos'``).
        self.plain = message

    def without_command(self, plain: str) -> ReslogError:
        """This error, told ``plain`` (see :attr:`plain`) where no command can be typed."""
        self.plain = plain
        return self

    def __str__(self) -> str:
        return self.message


class InputError(ReslogError):
    """A value typed on the command line could not be understood (a usage error)."""

    exit_code = 2


class PageError(ReslogError):
    """A page on disk cannot be read (for example, it is not valid UTF-8).

    :attr:`reason` says why in a few words (``not valid UTF-8, byte 12``), for a message that
    names the page itself; it defaults to the whole message."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class LogError(ReslogError):
    """The log folder cannot be used (missing permissions, not a folder, ...)."""


class TodoError(ReslogError):
    """A to-do number or state that does not fit the page."""


class RunError(ReslogError):
    """A command ``reslog run`` cannot start: exit 127 when it is not found, 126 when it
    cannot be executed, as a shell reports them."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Interrupted(LogError):
    """A command stopped by a signal (SIGINT, SIGTERM, SIGHUP) once it had put the log in order:
    exit 128 + the signal's number, as a shell reports a process that the signal ended."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_code = 128 + signum


class IndexDamaged(LogError):
    """A derived database (the index, the vectors) turned out damaged in the middle of a command.

    The file is moved aside when the index is closed (or by :attr:`heal`), and the next
    command rebuilds it; the CLI runs the command once more at once.
    """

    def __init__(self, message: str, heal: Callable[[], None]) -> None:
        super().__init__(message)
        self.heal = heal


# --- notices: what a person should know that is not an error ---

_listeners: list[Callable[[str], None]] = []


def notify(message: str) -> None:
    """Tell the person something worth knowing that is not an error (the index was rebuilt, a
    page was skipped). The edge decides how: the CLI prints ``reslog: <message>`` on stderr.
    Without a listener (reslog used as a library) it is dropped."""
    for listener in _listeners:
        listener(message)


@contextmanager
def notices_to(listener: Callable[[str], None]) -> Iterator[None]:
    """Send :func:`notify` messages to ``listener`` while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class LongTimerError(TodoError):
    """A timer ran longer than a working day: count it only when the person confirms it.

    ``action`` is the command that would count it (``stop``, ``done 3``, ``start 2``), for the
    message; ``minutes`` and ``started`` are what it would count."""

    def __init__(self, number: int, minutes: int, started: str, action: str, took: str) -> None:
        super().__init__(
            f"to-do {number} has been running for {took}, since {started}; if that is right, "
            f"'reslog {action} --yes', else 'reslog stop --at HH:MM' with the time you stopped"
        )
        self.number = number
        self.minutes = minutes


class UndoError(ReslogError):
    """Nothing that ``reslog undo`` may take back."""


class ConflictError(ReslogError):
    """A save against a page (or a part of one) that changed since it was loaded.

    Nothing is written; :attr:`current` holds the text as it is now on disk, so that
    an editor can show both versions.
    """

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current
