"""The ``reslog`` command: global options, lazy subcommands, and the one exit point.

Subcommands live in modules by subject and are imported only when called, so
``reslog did ...`` loads click, the capture path and nothing else. Errors are
translated here and only here: ``reslog: <message>`` on stderr, exit 1 for
errors and 2 for usage errors; ``--debug`` re-raises to show the traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from reslog import __version__
from reslog.errors import ReslogError

# name -> "module:function"; the order is the order of ``reslog --help``.
COMMANDS: dict[str, str] = {
    "did": "reslog.cli.capture_cmds:did",
    "exp": "reslog.cli.capture_cmds:exp",
    "bug": "reslog.cli.capture_cmds:bug",
    "fix": "reslog.cli.capture_cmds:fix",
    "read": "reslog.cli.capture_cmds:read",
    "decision": "reslog.cli.capture_cmds:decision",
    "result": "reslog.cli.capture_cmds:result",
    "think": "reslog.cli.capture_cmds:think",
    "feel": "reslog.cli.capture_cmds:feel",
    "todo": "reslog.cli.capture_cmds:todo",
    "idea": "reslog.cli.capture_cmds:idea",
    "reflect": "reslog.cli.capture_cmds:reflect",
    "today": "reslog.cli.view_cmds:today",
    "show": "reslog.cli.view_cmds:show",
    "edit": "reslog.cli.view_cmds:edit",
    "search": "reslog.cli.search_cmds:search_cmd",
    "reindex": "reslog.cli.search_cmds:reindex",
    "todos": "reslog.cli.todo_cmds:todos_cmd",
    "done": "reslog.cli.todo_cmds:done",
    "drop": "reslog.cli.todo_cmds:drop",
    "start": "reslog.cli.todo_cmds:start",
    "stop": "reslog.cli.todo_cmds:stop",
    "status": "reslog.cli.todo_cmds:status",
    "demo": "reslog.cli.misc_cmds:demo",
    "completion": "reslog.cli.misc_cmds:completion",
}

class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--dir",
    "log_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RESLOG_DIR",
    help="The log folder (default: $RESLOG_DIR, else ~/reslog). Created on first use.",
)
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(__version__, prog_name="reslog")
@click.pass_context
def cli(ctx: click.Context, log_dir: Path | None, debug: bool) -> None:
    """reslog: a research log you can learn from.

    Capture in one line (did, exp, bug, fix, read, think, todo, idea, reflect),
    read a day (today, show), and keep to-dos (todos, done, start, stop).
    With no command, shows today's page.
    """
    from reslog.store import default_root

    ctx.obj = {"dir": (log_dir.expanduser() if log_dir else default_root()), "debug": debug}
    if ctx.invoked_subcommand is None:
        today = cli.get_command(ctx, "today")
        assert today is not None
        ctx.invoke(today)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script exits with it)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="reslog", standalone_mode=False)
    except ReslogError as exc:
        if debug:
            raise
        click.echo(f"reslog: {exc.message}", err=True)
        return exc.exit_code
    except click.UsageError as exc:
        if debug:
            raise
        where = f"reslog {exc.ctx.command_path.partition(' ')[2]}".strip() if exc.ctx else "reslog"
        click.echo(f"reslog: {exc.format_message()} (see '{where} --help')", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("reslog: aborted", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(f"reslog: {exc.format_message()}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        click.echo("reslog: interrupted", err=True)
        return 130
    return 0


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
