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
    "start": "reslog.cli.todo_cmds:start",
    "stop": "reslog.cli.todo_cmds:stop",
    "status": "reslog.cli.todo_cmds:status",
    "stats": "reslog.cli.stats_cmds:stats",
    "week": "reslog.cli.review_cmds:week",
    "import": "reslog.cli.io_cmds:import_cmd",
    "export": "reslog.cli.io_cmds:export_cmd",
    "serve": "reslog.cli.serve_cmds:serve",
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
    read a day (today, show), keep to-dos (todos, done, start, stop), and learn
    from the log (search, ask, digest, week, stats).
    With no command, shows today's page.
    """
    from reslog.store import default_root

    ctx.obj = {"dir": (log_dir.expanduser() if log_dir else default_root()), "debug": debug}
    if ctx.invoked_subcommand is None:
        today = cli.get_command(ctx, "today")
        assert today is not None
        ctx.invoke(today)


def invoke(args: list[str]) -> None:
    """Run the click CLI; errors propagate to :func:`reslog.cli.entry.main`."""
    cli.main(args=args, prog_name="reslog", standalone_mode=False)
