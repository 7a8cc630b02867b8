"""The one way in and the one way out of the ``reslog`` command.

:func:`main` tries the fast path first (capture and search without click),
then the click CLI. Errors are translated here and only here: ``reslog:
<message>`` on one line of stderr, exit 1 for errors and 2 for usage errors;
``--debug`` re-raises to show the traceback. Notices (:func:`reslog.errors.notify`)
are printed the same way, and everything written goes through
:func:`reslog.cli.style.terminal_output`, so that no control character from the
log reaches the terminal. Arguments that are not valid UTF-8 are refused before
anything runs, and a command that finds the index damaged runs once more on a
rebuilt one. Whatever the command wrote is then handed to ``sync.auto``.
"""

from __future__ import annotations

import sys

from reslog.cli import fast
from reslog.cli.style import echo, terminal_output
from reslog.errors import IndexDamaged, InputError, ReslogError, notices_to
from reslog.semantic import blas_threads_by_load


def globals_first(args: list[str]) -> list[str]:
    """The command line with the global options typed after the command (``reslog today --dir
    X``) moved before it, where they belong; nothing after ``--`` moves, nor anything from the
    command a run runs on (:func:`_run_options_end`)."""
    at = 0
    while at < len(args) and args[at].startswith("-"):  # the global options already in place
        at += 2 if args[at] == "--dir" else 1
    if at >= len(args):
        return args
    end = _run_options_end(args, at) if args[at] == "run" else len(args)
    moved: list[str] = []
    rest: list[str] = []
    i = at + 1
    while i < len(args):
        arg = args[i]
        if i >= end:
            rest += args[i:]
            break
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--dir" and i + 1 < len(args):
            moved += args[i:i + 2]
            i += 2
            continue
        if arg.startswith("--dir=") or arg == "--debug":
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return [*args[:at], *moved, args[at], *rest] if moved else args


def _run_options_end(args: list[str], at: int) -> int:
    """Where the options of ``reslog run`` (at ``at``) end and its command begins: a run's
    arguments are its command's (``reslog run python x.py --dir out``), the options before them
    reslog's (``reslog run --dir L -t w2s -- make``)."""
    from reslog.cli.options import options_of

    takes_value = {name for opt in options_of("run") if not opt.flag for name in opt.names} | {"--dir"}
    i = at + 1
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in takes_value else 1
    return i


def main(argv: list[str] | None = None, *, process: bool = False) -> int:
    """Run reslog with ``argv`` (default: the process's); return the exit code.

    ``process``: this is the whole process (the console script). Once the command is done, a
    Ctrl-C could only interrupt the way out (output flushed, files closed) and turn a finished
    command's status into death by signal; from then on it is ignored."""
    args = globals_first(sys.argv[1:] if argv is None else list(argv))
    _said.clear()
    with terminal_output(), notices_to(_notice):
        try:
            code = _main(args)
        finally:
            _hand_to_sync()
            if "reslog.index" in sys.modules:
                sys.modules["reslog.index"].release_temporary()
        if process:
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
        return code


def _hand_to_sync() -> None:
    """Start ``sync.auto``'s background commit for each log this command wrote pages of (a
    capture, ``done``, ``run``, ``outcome``, ``week``, an edit...), when it is on there."""
    if "reslog.store" not in sys.modules:
        return  # nothing was written
    from reslog.store import take_written
    from reslog.sync.trigger import after_write

    for folder in take_written():
        after_write(folder)


#: The notices said by the command running: one said twice (two refreshes of the index in one
#: command, each naming a page it skips) is said once.
_said: set[str] = set()


def _notice(message: str) -> None:
    if message in _said:
        return
    _said.add(message)
    echo(f"reslog: {message}", err=True)


def _main(args: list[str]) -> int:
    debug = "--debug" in args
    try:
        _check_arguments(args)
        try:
            code = _dispatch(args)
        except IndexDamaged as exc:
            # The index or the vectors turned out damaged in the middle of the command: the
            # file is moved aside now, and the command runs once more on a rebuilt one.
            exc.heal()
            code = _dispatch(args)
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


def _dispatch(args: list[str]) -> int:
    code = fast.run(args)
    if code is None:
        from reslog.cli.main import invoke

        code = invoke(args)
    return code


def _check_arguments(args: list[str]) -> None:
    """Refuse an argument that is not valid UTF-8 (the shell passed bytes Python could not
    decode) before anything runs: it could not be written to a page, nor searched for."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise InputError(
                f"the argument {shown!r} is not valid UTF-8; reslog reads its arguments as UTF-8: "
                "check the terminal's encoding (locale)"
            ) from None


def _click_exit(exc: Exception) -> int | None:
    """Report a click exception as one line; None if ``exc`` is not click's."""
    if "click" not in sys.modules:
        return None
    import click

    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.UsageError):
        where = f"reslog {exc.ctx.command_path.partition(' ')[2]}".strip() if exc.ctx else "reslog"
        hint = _dash_hint(exc, where)
        message = exc.format_message().rstrip(".") + hint if hint else exc.format_message()
        message = " ".join(message.split())  # one line: click lists choices one per line
        echo(f"reslog: {message} (see '{where} --help')", err=True)
        return 2
    if isinstance(exc, click.Abort):
        echo("reslog: aborted", err=True)
        return 1
    if isinstance(exc, click.ClickException):
        echo(f"reslog: {' '.join(exc.format_message().split())}", err=True)
        return exc.exit_code
    return None


#: The commands that take a to-do's or a run's number first.
_NUMBERED = frozenset(("done", "drop", "reopen", "defer", "start", "outcome", "rerun"))


def _dash_hint(exc: Exception, where: str) -> str:
    """For a capture whose text starts with ``-`` (``-5% val loss``, ``---``), how to write it; for
    a negative number given to a numbered command (``done -1``), what the numbers are."""
    import re

    import click

    from reslog.cli.options import ENTRY_COMMANDS, THOUGHT_COMMANDS

    if not isinstance(exc, click.NoSuchOption):
        return ""
    name, command = exc.option_name, where.partition(" ")[2]
    if command in _NUMBERED and re.fullmatch(r"-\d+", name):
        return "; numbers start at 1 (reslog todos and reslog runs list them)"
    if re.fullmatch(r"--[A-Za-z][\w-]*", name) or command not in (*ENTRY_COMMANDS, *THOUGHT_COMMANDS):
        return ""  # a mistyped option, not text
    return f"; to write text that starts with '-', put -- before it: {where} -- {name}..."


def run() -> None:
    """The console script's entry point."""
    blas_threads_by_load()  # before anything imports numpy
    try:
        code = main(process=True)
    except KeyboardInterrupt:  # in the instant between the command's end and the line above
        code = 130
    sys.exit(code)
