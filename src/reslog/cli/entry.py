"""The one way in and the one way out of the ``reslog`` command.

:func:`main` tries the fast path first (capture and search without click),
then the click CLI. Errors are translated here and only here: ``reslog:
<message>`` on one line of stderr, exit 1 for errors and 2 for usage errors;
``--debug`` re-raises to show the traceback.
"""

from __future__ import annotations

import sys

from reslog.cli import fast
from reslog.cli.style import echo
from reslog.errors import ReslogError


def main(argv: list[str] | None = None) -> int:
    """Run reslog with ``argv`` (default: the process's); return the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        code = fast.run(args)
        if code is None:
            from reslog.cli.main import invoke

            code = invoke(args)
    except ReslogError as exc:
        if debug:
            raise
        echo(f"reslog: {exc.message}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        echo("reslog: interrupted", err=True)
        return 130
    except Exception as exc:
        clicked = _click_exit(exc)
        if clicked is None or debug:
            raise
        return clicked
    return code


def _click_exit(exc: Exception) -> int | None:
    """Report a click exception as one line; None if ``exc`` is not click's."""
    if "click" not in sys.modules:
        return None
    import click

    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.UsageError):
        where = f"reslog {exc.ctx.command_path.partition(' ')[2]}".strip() if exc.ctx else "reslog"
        echo(f"reslog: {exc.format_message()} (see '{where} --help')", err=True)
        return 2
    if isinstance(exc, click.Abort):
        echo("reslog: aborted", err=True)
        return 1
    if isinstance(exc, click.ClickException):
        echo(f"reslog: {exc.format_message()}", err=True)
        return exc.exit_code
    return None


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
