"""Asking the log: ask (a cited answer, or "nothing here") and digest (themes of a period)."""

from __future__ import annotations

import json
import os
import sys

import click

from reslog.cli import actions, context
from reslog.cli.context import log_of
from reslog.cli.style import style
from reslog.settings import MODES

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt

    from reslog.ask import Quote
    from reslog.generate import Generator
    from reslog.store import Log


def _generator(model: str | None, offline: bool) -> Generator | None:
    """The log's generative model (``ask.model``), unless offline or none is set."""
    if offline or not model:
        return None
    from reslog.generate import llm_generator

    return llm_generator(model)


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--mode", type=click.Choice(MODES),
              help="How evidence is found (default: hybrid when the log has embeddings).")
@click.option("--offline", is_flag=True, help="Extractive answer only, even with ask.model set.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"answer", "abstained", "time_scope", "citations": [{date, file, line, text}]} '
                   '(and "count" for a how-many or what-did-I-do question).')
def ask(question: tuple[str, ...], mode: str | None, offline: bool, as_json: bool) -> None:
    """Answer QUESTION from the log, citing the entries (date and file:line).

    A time scope in the question ("in early 2013", "last week") limits the
    evidence to that period; "when did I first ..." ("most recently ...")
    puts the earliest (latest) of the entries about it first; "how many
    papers did I read in October?" (bugs, fixes, decisions, experiments,
    ideas ...; "how many NaN bugs ...?": those that say NaN) is answered with
    their number and the latest few, "what did I do last week?" with that
    week's entries of What was done, "how many to-dos did I finish this
    week?" (add, drop, still open) as the week page counts them; a quoted
    to-do shows its estimate and time spent. A review question ("which bugs
    keep recurring?", "where did my ideas come from?", "how long do tasks
    take against my estimates?", "how did my focus drift in 2013?") is
    answered as `reslog stats` answers it, over the question's time scope
    and a #tag it names. Offline, the answer is the
    sentences of the log that answer best, grouped by day; with
    ask.model set in reslog.toml (an `llm` model), a short written answer
    whose every claim cites [n] an entry. When nothing in the log answers, it
    says so and shows the nearest entries.
    """
    from reslog.ask import answer, count_text, retrieve, wordless

    text = " ".join(question).strip()
    if (problem := wordless(text)) is not None:
        raise click.UsageError(f"QUESTION {problem}; ask something, e.g. reslog ask when did I first try X")
    log = log_of(click.get_current_context())
    today = context.now().date()
    if _by_stats(log, text, today, as_json):
        return
    with actions.fresh_index(log) as index:
        found_semantic = actions.semantic(index, mode)
        chosen = mode or found_semantic.settings.search_mode
        found = retrieve(index, text, today, chosen, found_semantic.backend, found_semantic.vectors)
        generator = _generator(found_semantic.settings.ask_model, offline)
        result = answer(found, found_semantic.backend, generator)
    if result.notice:
        click.echo(f"reslog: {result.notice}", err=True)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return
    if found.scope is not None:
        click.echo(style(f"Time scope: {found.scope.label}", dim=True))
    if found.abstained:
        _paragraphs(result.text)
        if result.citations:
            click.echo("Nearest entries:")
            for quote in result.citations:
                _quote(f"{quote.date}  {quote.text}", quote)
        return
    if result.generated:
        _paragraphs(result.text)
        click.echo("")
        for n, quote in enumerate(result.citations, 1):
            _quote(f"{quote.date}  {quote.text}", quote, f"[{n}] ")
        return
    if found.count is not None:  # "how many ...?": the number, then the latest entries counted
        _paragraphs(count_text(found))
    for day in dict.fromkeys(q.date for q in result.citations):
        click.echo(style(day, bold=True))
        for quote in (q for q in result.citations if q.date == day):
            _quote(quote.text, quote)


def _by_stats(log: Log, question: str, today: dt.date, as_json: bool) -> bool:
    """Answer a review question ("which bugs keep recurring?") as ``reslog stats`` does; False
    if no stats topic answers it."""
    from reslog.analytics.asked import answer

    answered = answer(log, question, today)
    if answered is None:
        return False
    if as_json:
        click.echo(json.dumps(answered.as_json(), ensure_ascii=False, indent=1))
        return True
    if answered.scope is not None:
        click.echo(style(f"Time scope: {answered.scope.label}", dim=True))
    for line in answered.lines():
        click.echo(line)
    return True


def _room() -> int | None:
    """The width to wrap the answer to, as search cuts to it: the terminal's, or $COLUMNS when
    it is set; None to a pipe without $COLUMNS, where each line stays whole, as scripts read it."""
    if not sys.stdout.isatty() and not os.environ.get("COLUMNS"):
        return None
    from reslog.cli.results import width

    return width()


def _paragraphs(text: str) -> None:
    """The answer's own text (a written answer, an abstention), each line wrapped between words
    (a citation such as ``[2, 3]`` is never split) under its own indent."""
    room = _room()
    if room is None:
        click.echo(text)
        return
    from reslog.cli.results import wrap

    for paragraph in text.split("\n"):
        indent = paragraph[: len(paragraph) - len(paragraph.lstrip())]
        for line in wrap(paragraph, room, indent, indent):
            click.echo(line)


def _quote(text: str, quote: Quote, indent: str = "  ") -> None:
    """One quote and its dim citation, wrapped between words to the width (see :func:`_room`)
    under a hanging indent (a 60-word sentence of an imported note otherwise breaks mid-word at
    the edge); to a pipe, one line, as scripts read it."""
    citation = f"{quote.file}:{quote.line}"
    room = _room()
    if room is None:
        click.echo(f"{indent}{text}  " + style(citation, dim=True))
        return
    from reslog.cli.results import wrap

    hang = " " * (len(indent) + 2)
    for line in wrap(text, room, indent, hang, style(citation, dim=True), len(citation)):
        click.echo(line)


@click.command()
@click.option("--week", "week", metavar="WEEK", help="An ISO week (2026-W48), 'last', or a day in it.")
@click.option("--since", metavar="WHEN", help="From this day, month, year, ISO week or phrase.")
@click.option("--until", metavar="WHEN", help="Up to this day, month, year, ISO week or phrase.")
@click.option("--section", type=click.Choice(("ideas", "done", "all")), default="ideas", show_default=True,
              help="Random ideas, What was done, or every entry.")
@click.option("--offline", is_flag=True, help="No written paragraphs, even with ask.model set.")
@click.option("--json", "as_json", is_flag=True, help="Print the themes and their entries as JSON.")
def digest(week: str | None, since: str | None, until: str | None, section: str, offline: bool,
           as_json: bool) -> None:
    """Group a period's ideas (default: this week's) into themes, each entry cited.

    Themes are named by their distinctive words against the rest of the log;
    each says whether it is new this period or recurs, with the day it was
    first seen.
    """
    from reslog import digest as digests
    from reslog.dates import parse_range, since_until, week_range
    from reslog.errors import InputError
    from reslog.review import parse_week

    if week is not None and (since is not None or until is not None):
        raise click.UsageError("give either --week or --since/--until, not both")
    today = context.now().date()
    if since is not None or until is not None:  # a blank one is refused, not read as this week
        # checked here, before the index is opened: its notices came before the error
        first, last = since_until(since, until, today)
        start = first if first is not None else parse_range("1970", today)[0]
        end = last if last is not None else today
        if start > end and last is None:  # no --until: the range ends today
            raise InputError(f"the range is empty: --since {start} is after today ({today}); "
                             "give a --since up to today, or an --until after it")
        if start > end:
            raise InputError(f"the range is empty: --until {end} is before {start}, where a digest "
                             "without --since begins; give a --since too")
    else:
        start, end = week_range(*parse_week(week, today))
    log = log_of(click.get_current_context())
    with actions.fresh_index(log) as index:
        found = actions.semantic(index)
        generator = _generator(found.settings.ask_model, offline)
        result = digests.digest(index, start, end, section, found.vectors if found.on else None, generator)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
        return
    from reslog.cli.style import style

    click.echo("\n".join(digests.render(result, lambda label: style(label, bold=True))))
