"""The click CLI: global options and lazy subcommands.

Subcommands live in modules by subject and are imported only when called.
Capture and search usually do not come here at all (see
:mod:`reslog.cli.fast`); errors are translated in :mod:`reslog.cli.entry`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from reslog import __version__
from reslog.cli.context import folder_named

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
    "ask": "reslog.cli.ask_cmds:ask",
    "digest": "reslog.cli.ask_cmds:digest",
    "todos": "reslog.cli.todo_cmds:todos_cmd",
    "done": "reslog.cli.todo_cmds:done",
    "drop": "reslog.cli.todo_cmds:drop",
    "reopen": "reslog.cli.todo_cmds:reopen",
    "defer": "reslog.cli.todo_cmds:defer",
    "start": "reslog.cli.todo_cmds:start",
    "stop": "reslog.cli.todo_cmds:stop",
    "status": "reslog.cli.todo_cmds:status",
    "run": "reslog.cli.run_cmds:run",
    "runs": "reslog.cli.run_cmds:runs",
    "rerun": "reslog.cli.run_cmds:rerun",
    "outcome": "reslog.cli.run_cmds:outcome",
    "tags": "reslog.cli.tags_cmds:tags_cmd",
    "projects": "reslog.cli.tags_cmds:projects",
    "undo": "reslog.cli.capture_cmds:undo",
    "stats": "reslog.cli.stats_cmds:stats",
    "week": "reslog.cli.review_cmds:week",
    "import": "reslog.cli.io_cmds:import_cmd",
    "export": "reslog.cli.io_cmds:export_cmd",
    "mcp": "reslog.cli.mcp_cmds:mcp",
    "sync": "reslog.cli.sync_cmds:sync",
    "serve": "reslog.cli.serve_cmds:serve",
    "demo": "reslog.cli.misc_cmds:demo",
    "completion": "reslog.cli.misc_cmds:completion",
}

class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            import difflib

            near = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
            hint = f" Did you mean '{near[0]}'?" if near else " See the commands with 'reslog --help'."
            raise click.UsageError(f"No such command '{name}'.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # click's option parser raises "Option '--tag' requires an argument" without a
            # context, so the error would point at 'reslog --help' instead of the command's own
            if exc.ctx is None and ctx.invoked_subcommand is not None:
                command = self.get_command(ctx, ctx.invoked_subcommand)
                if command is not None:
                    exc.ctx = click.Context(command, info_name=ctx.invoked_subcommand, parent=ctx)
            raise

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
    type=click.Path(),  # a file there is refused by the command (Log.check_folder)
    metavar="DIRECTORY",
    envvar="RESLOG_DIR",
    callback=lambda ctx, param, value: folder_named(value, "the log folder given (--dir or RESLOG_DIR)",
                                                    "leave both out for ~/reslog"),
    help="The log folder (default: $RESLOG_DIR, else ~/reslog). Created on first use.",
)
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(__version__, prog_name="reslog")
@click.pass_context
def cli(ctx: click.Context, log_dir: Path | None, debug: bool) -> None:
    """reslog: a research log you can learn from.

    Capture in one line (did, exp, bug, fix, read, think, todo, idea, reflect;
    undo takes the last one back), read a day or a week (today, show), keep
    to-dos (todos, done, start, stop, reopen, defer), record experiments (run,
    runs, rerun, outcome), and learn from the log (search, ask, digest, week,
    stats, tags). With no command, shows today's page. --dir and --debug may
    also follow the command.
    """
    from reslog.cli.actions import settle_lost_runs
    from reslog.store import default_root

    given = ctx.get_parameter_source("log_dir") == click.core.ParameterSource.COMMANDLINE
    ctx.obj = {"dir": (log_dir.expanduser() if log_dir else default_root()), "debug": debug,
               "dir_given": given}
    settle_lost_runs(ctx.obj["dir"])
    if ctx.invoked_subcommand is None:
        today = cli.get_command(ctx, "today")
        assert today is not None
        ctx.invoke(today)


def invoke(args: list[str]) -> int:
    """Run the click CLI and return the exit status (a command's own, as ``reslog run`` returns
    the status of what it ran; else 0); errors propagate to :func:`reslog.cli.entry.main`."""
    result = cli.main(args=args, prog_name="reslog", standalone_mode=False)
    return result if type(result) is int else 0
