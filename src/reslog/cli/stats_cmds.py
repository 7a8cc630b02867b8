"""``reslog stats TOPIC``: one question about your own research, answered with citations."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from reslog.analytics import TOPICS
from reslog.cli import context
from reslog.cli.context import inside, log_of
from reslog.cli.style import echo
from reslog.cli.tags_cmds import complete_tags
from reslog.dates import since_until
from reslog.errors import InputError, ReslogError


@click.command()
@click.argument("topic", type=click.Choice(list(TOPICS)))
@click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase on.")
@click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
@click.option("--tag", metavar="TAG", help="Only entries with #TAG or a nested #TAG/...",
              shell_complete=complete_tags)
@click.option("--json", "as_json", is_flag=True, help="Print the figures and their citations as JSON.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.png|FILE.svg",
              help="Also draw the chart into FILE (PNG or SVG).")
def stats(topic: str, since: str | None, until: str | None, tag: str | None, as_json: bool,
          plot: Path | None) -> None:
    """Answer one question about the log, citing entries behind its figures (--json cites every
    one).

    \b
    time     How long do tasks really take against my estimates?
    bugs     Which bugs keep recurring?
    sources  Where did my important information and my ideas come from?
    focus    How did my focus evolve?
    weeks    What made a week better than the last?
    habits   When and how do I log?
    runs     Which experiments did I run, how did they end, and which taught me something?
    """
    from reslog.analytics.data import bounded, load, rendered

    today = context.now().date()
    start, end = since_until(since, until, today)
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"cannot draw {plot.name!r}: give a file name ending in .png or .svg")
    if plot is not None and not plot.parent.exists():
        raise ReslogError(
            f"the folder {plot.parent} does not exist; create it first (mkdir -p {plot.parent})"
        )
    log = log_of(click.get_current_context())
    if plot is not None and inside(plot.resolve(), log.root.resolve()):  # as export refuses its OUT there
        raise InputError(f"{plot} lies inside the log folder {log.root}; draw the chart outside it")
    module = importlib.import_module(f"reslog.analytics.{topic}")
    data = load(log, today, start, end, tag)
    result = module.compute(data)
    if as_json:
        echo(json.dumps(bounded(result), ensure_ascii=False, indent=1))
    else:
        echo("\n".join([TOPICS[topic], "", *rendered(module, data, result)]))
    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise InputError(
                "drawing needs matplotlib: pip install 'reslog[plots]'"
            ) from None
        module.plot(result, plot)
        echo(f"Chart: {plot}", err=as_json)
