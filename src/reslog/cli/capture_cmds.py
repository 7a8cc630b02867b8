"""Capture commands for click (help, completion, usage errors); the work is in :mod:`actions`.

The same commands usually run through :mod:`reslog.cli.fast` without click;
both read their options from :mod:`reslog.cli.options`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from reslog.cli import actions
from reslog.cli.options import ENTRY_COMMANDS, HELP, THOUGHT_COMMANDS, Opt, options_of

#: What click's decorators take and give back: a callback, or a command already made.
_Decorated = TypeVar("_Decorated", bound="Callable[..., Any] | click.Command")


def click_option(opt: Opt) -> Callable[[_Decorated], _Decorated]:
    """The click option for an entry of the option tables."""
    kwargs: dict[str, Any] = {"help": opt.help}
    if opt.flag:
        kwargs["is_flag"] = True
    else:
        kwargs["metavar"] = opt.metavar
    if opt.multiple:
        kwargs["multiple"] = True
    if opt.dest in ("tags", "tag"):
        from reslog.cli.tags_cmds import complete_tags

        kwargs["shell_complete"] = complete_tags
    if opt.choices is not None:
        kwargs["type"] = click.Choice(opt.choices)
    elif opt.number and (opt.minimum is not None or opt.maximum is not None):
        kwargs["type"] = click.IntRange(opt.minimum, opt.maximum)
    elif opt.number:
        kwargs["type"] = click.INT
    return click.option(*opt.names, opt.dest, **kwargs)


def _capture_command(name: str) -> click.Command:
    def callback(text: tuple[str, ...], **params: Any) -> None:
        root = click.get_current_context().find_root().obj["dir"]
        actions.capture(root, name, text, **params)

    command = click.command(name=name, help=HELP[name])(callback)
    for opt in reversed(options_of(name)):
        command = click_option(opt)(command)
    return click.argument("text", nargs=-1)(command)


did, exp, bug, fix, read, decision, result, todo, idea, reflect = (
    _capture_command(name) for name in ENTRY_COMMANDS
)
think, feel = (_capture_command(name) for name in THOUGHT_COMMANDS)


@click.command()
def undo() -> None:
    """Take back the last line reslog added today (a capture), if it is unchanged since.

    Run it again to go one further back. An entry edited, done, timed or given
    nested lines since is left as it is. An outcome is taken back too; the entry
    of a run is not (its record stays under runs/): undo stops there.
    """
    from reslog.capture import undo as take_back
    from reslog.cli import context
    from reslog.cli.context import log_of
    from reslog.words import plural

    done = take_back(log_of(click.get_current_context()), context.now().date())
    more = f" (and {plural(len(done.lines) - 1, 'nested line')})" if len(done.lines) > 1 else ""
    click.echo(f"Removed from {done.path}:{done.line}: {done.lines[0].strip()}{more}")
