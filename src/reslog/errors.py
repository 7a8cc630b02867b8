"""The errors a user can act on. Raised anywhere, translated once at the edge.

Every message says what went wrong and what to do, on one line. The CLI prints
``reslog: <message>`` and exits with :attr:`ReslogError.exit_code` (1, or 2 for
usage errors); only ``--debug`` shows a traceback.
"""

from __future__ import annotations


class ReslogError(Exception):
    """Base of every error reslog reports to a person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ReslogError):
    """A value typed on the command line could not be understood (a usage error)."""

    exit_code = 2


class PageError(ReslogError):
    """A page on disk cannot be read (for example, it is not valid UTF-8)."""


class LogError(ReslogError):
    """The log folder cannot be used (missing permissions, not a folder, ...)."""


class TodoError(ReslogError):
    """A to-do number or state that does not fit the page."""


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
