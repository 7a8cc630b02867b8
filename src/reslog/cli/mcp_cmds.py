"""``reslog mcp``: serve the log to AI agents over the Model Context Protocol (stdio)."""

from __future__ import annotations

import click

from reslog.cli.context import log_of
from reslog.errors import InputError


@click.command()
@click.option("--write", is_flag=True,
              help="Also offer the write tools (capture, todo, done); they only append. Without it they "
              "are not listed at all.")
@click.option("--no-redact", is_flag=True,
              help="Give the client private entries and feelings too (left out by default, as in "
              "every export).")
def mcp(write: bool, no_redact: bool) -> None:
    """Serve the log over stdio to an MCP client (Claude Desktop, an IDE agent, ...).

    Read tools: search, ask, day, week, recent, todos, stats; every result
    cites date, file and line. Like every export, they leave out private
    entries (#private) and feelings (feel:) unless --no-redact: the client is
    usually an agent that sends what it reads to a cloud model. Standard output carries only the protocol;
    messages go to standard error. Register it in the client's configuration
    as the command `reslog` with the arguments `--dir LOG mcp` (see
    docs/mcp.md).
    """
    try:
        from reslog.mcp.server import serve
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in ("mcp", "pydantic", "anyio"):
            raise InputError("the MCP server needs the mcp extra: pip install 'reslog[mcp]'") from None
        raise
    serve(log_of(click.get_current_context()), write, redact=not no_redact)
