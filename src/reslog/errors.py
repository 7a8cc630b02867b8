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


class RunError(ReslogError):
    """A command ``reslog run`` cannot start: exit 127 when it is not found, 126 when it
    cannot be executed, as a shell reports them."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
