"""Commands around the log: demo, completion."""

from __future__ import annotations

from pathlib import Path

import click

from reslog.cli import context


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False),
                callback=lambda ctx, param, value: context.folder_named(
                    value, "FOLDER", "leave it out for a new folder here"))
def demo(folder: Path | None) -> None:
    """Write a sample log of four weeks ending today into FOLDER (default: --dir when given, else
    a new folder here)."""
    from reslog.demo import write_demo

    root = click.get_current_context().find_root().obj
    if folder is None and root.get("dir_given"):  # `reslog --dir X demo` wrote ./reslog-demo-3
        folder = root["dir"]
    moment = context.now()
    target = write_demo(folder, moment.date(), f"{moment:%H:%M}").resolve()
    click.echo(f"Wrote a demo log to {target}")
    from reslog.semantic.setup import start_background
    from reslog.store import Log

    if start_background(Log(target)):
        click.echo("Embedding it for meaning search in the background (a few seconds; reslog status).")
    click.echo(f"Try:  reslog --dir {target} today")
    click.echo(f"      export RESLOG_DIR={target}; reslog todos; reslog show yesterday")
    click.echo('      reslog ask "which bugs keep recurring?"; reslog week; reslog digest')


_SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(_SHELLS))
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    \b
    bash:  eval "$(reslog completion bash)"            (in ~/.bashrc)
    zsh:   eval "$(reslog completion zsh)"             (in ~/.zshrc)
    fish:  reslog completion fish > ~/.config/fish/completions/reslog.fish
    """
    from click.shell_completion import get_completion_class

    from reslog.cli.main import cli

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(cli, {}, "reslog", "_RESLOG_COMPLETE").source())
