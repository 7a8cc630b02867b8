"""The fast path: capture and search without importing click.

A capture must cost little more than starting Python, and click alone costs
more than the capture. So :func:`run` reads the few shapes of command line
that these commands take, using the option tables of
:mod:`reslog.cli.options`, and returns None for anything else (``--help``,
an unknown option, a missing value, a value out of range, another command):
the click CLI then handles it, with its usual help and usage errors.
"""

from __future__ import annotations

import os

from reslog.cli.options import ENTRY_COMMANDS, THOUGHT_COMMANDS, Opt, options_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see reslog.records)
if TYPE_CHECKING:
    from typing import Any

FAST_COMMANDS = frozenset((*ENTRY_COMMANDS, *THOUGHT_COMMANDS, "search", "run"))


def _globals(args: list[str]) -> tuple[str | None, int] | None:
    """The ``--dir`` before the command (as typed), and where the command is; None if unsure."""
    root: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "--dir" and i + 1 < len(args):
            root, i = args[i + 1], i + 2
        elif arg.startswith("--dir="):
            root, i = arg[6:], i + 1
        elif arg == "--debug":
            i += 1
        else:
            return None
    given = root if root is not None else os.environ.get("RESLOG_DIR", "")
    if root == "" or (given and not given.strip()):
        return None  # a blank log folder: click says so (an empty RESLOG_DIR is as if unset)
    return (root, i) if i < len(args) else None


def _value(opt: Opt, raw: str) -> Any:
    if opt.number:
        if not raw.lstrip("-").isdigit():
            raise ValueError(raw)
        number = int(raw)
        if (opt.minimum is not None and number < opt.minimum) or (
            opt.maximum is not None and number > opt.maximum
        ):
            raise ValueError(raw)
        return number
    if opt.choices is not None and raw not in opt.choices:
        raise ValueError(raw)
    return raw


def parse(command: str, args: list[str]) -> dict[str, Any] | None:
    """The options and words of a fast command, or None to let click decide."""
    opts = options_of(command)
    by_name = {name: opt for opt in opts for name in opt.names}
    params: dict[str, Any] = {
        opt.dest: ([] if opt.multiple else (False if opt.flag else None)) for opt in opts
    }
    words: list[str] = []
    i = 0
    try:
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                words.extend(args[i:])
                break
            if arg == "-" or not arg.startswith("-"):
                words.append(arg)
                if command == "run":  # the command begins: its options are its own
                    words.extend(args[i:])
                    break
                continue
            name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
            opt = by_name.get(name)
            if opt is None:
                if command == "search" and not arg.startswith("--"):
                    words.append(arg)  # -word: exclude a word
                    continue
                return None
            if opt.flag:
                if eq or inline:
                    return None
                params[opt.dest] = True
                continue
            if not (eq or inline):
                if i >= len(args):
                    return None
                inline, i = args[i], i + 1
            value = _value(opt, inline)
            if opt.multiple:
                params[opt.dest].append(value)
            else:
                params[opt.dest] = value
    except ValueError:
        return None
    params["words"] = words
    return params


def run(args: list[str]) -> int | None:
    """Run a fast command and return its exit status; None when the command line is one for click."""
    found = _globals(args)
    if found is None:
        return None
    root, at = found
    command = args[at]
    if command not in FAST_COMMANDS:
        return None
    params = parse(command, args[at + 1:])
    if params is None:
        return None
    from reslog.cli import actions
    from reslog.store import default_folder, expanded

    folder = default_folder() if root is None else expanded(root)  # text: pathlib costs 5 ms
    if command == "search":
        actions.search(folder, **params)
    elif command == "run":
        return actions.run(folder, **params)
    else:
        actions.capture(folder, command, **params)
    return 0
