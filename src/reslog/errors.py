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


class ConflictError(ReslogError):
    """A save against a page (or a part of one) that changed since it was loaded.

    Nothing is written; :attr:`current` holds the text as it is now on disk, so that
    an editor can show both versions.
    """

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current
