"""``reslog serve``: the log in a browser (the ``web`` extra)."""

from __future__ import annotations

import click

from reslog.cli.context import log_of
from reslog.errors import InputError


@click.command()
@click.option("--port", type=int, default=8750, show_default=True,
              help="The port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any but loopback (0.0.0.0 for a phone) needs --token.")
@click.option("--token", metavar="TOKEN",
              help="A fixed sign-in token (16+ characters) for scripts and phones; default: a new "
                   "random one each run.")
@click.option("--open", "open_browser", is_flag=True, help="Open the sign-in address in the browser.")
def serve(port: int, host: str, token: str | None, open_browser: bool) -> None:
    """Serve the log as a local web app: today, days, the week, search, ask, stats.

    Prints one address that signs the browser in (it holds the token).
    Every change is written to the same Markdown pages as the CLI writes,
    under the same lock. A JSON API for scripts is described at /openapi.json
    (authenticate with Authorization: Bearer TOKEN).
    """
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port; use a number from 1 to 65535 (0: any free one)")
    try:
        from reslog.web.server import serve as run
    except ImportError as exc:
        raise InputError(f"reslog serve needs the web extra ({exc.name} is missing): "
                         "pip install 'reslog[web]'") from None
    log = log_of(click.get_current_context())
    run(log, host, port, token, open_browser, say=lambda line: click.echo(line, err=True))
