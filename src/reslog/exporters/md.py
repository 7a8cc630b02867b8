"""The Markdown export: the selection as one document to paste into a report or send to an advisor.

``reslog export md OUT`` writes a CommonMark document that reads like the day
pages it comes from, trimmed to the selection::

    # Research log

    _2 entries from 1 day, 2026-11-26._

    ## Thursday 26 November 2026

    ### What to do next

    - [x] Read the W2S paper #w2s [est:: 30m] [took:: 45m] <!-- days/2026/2026-11-26.md:9 -->

    ### What was done

    - 09:12 exp: W2S on GPT-2 sizes #w2s <!-- days/2026/2026-11-26.md:12 -->
      - thought: the strong model may imitate the weak model's errors

How it maps onto the day pages:

* the title is the export's title (``--title``); a line under it counts the
  entries and days and gives the first and last date;
* each day is a level-2 heading in the log's own form (``Weekday D Month
  YYYY``), in date order;
* within a day, the entries keep their page order under a level-3 heading
  naming their section as the page titles it (entries of a page's preamble,
  before any section, come first with no heading);
* an entry is a list item rebuilt as the page writes it: checkbox state for
  to-dos (``[ ]``, ``[x]``, ``[-]``, ...), ``HH:MM``, ``kind:``, then the text
  with its ``#tags``, ``[key:: value]`` fields (``from``, ``est``, ``took``,
  ``carried``) and ``★`` as written; its nested lines and continuation text
  follow, indented under it;
* the citation ends the item's first line as an HTML comment,
  ``<!-- days/2026/2026-11-26.md:9 -->`` (the file relative to the log, and the
  1-based line): invisible once rendered, there for whoever wants to check.

An empty selection gives the title and "No entries match." Redacted parts
never reach this module (:func:`reslog.exporters.select.redact` runs first).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reslog.dates import long_date
from reslog.exporters.select import ExportOptions
from reslog.search import Hit
from reslog.store import atomic_write


def _item(hit: Hit) -> list[str]:
    """The entry as a list item, first line cited, nested lines indented under it."""
    first, *more = hit.text.split("\n")
    parts = ["-"]
    if hit.state is not None:
        parts.append(f"[{hit.state}]")
    if hit.time:
        parts.append(hit.time)
    if hit.kind:
        parts.append(f"{hit.kind}:")
    if first:
        parts.append(first)
    parts.append(f"<!-- {hit.citation} -->")
    return [" ".join(parts), *(f"  {line}" if line.strip() else "" for line in more)]


def _summary(hits: list[Hit]) -> str:
    days = len({hit.date for hit in hits})
    entries = f"{len(hits)} entr{'y' if len(hits) == 1 else 'ies'}"
    if days == 1:
        return f"_{entries} from 1 day, {hits[0].date}._"
    return f"_{entries} from {days} days, {hits[0].date} to {hits[-1].date}._"


def _groups(hits: list[Hit]) -> list[tuple[str, list[tuple[str | None, list[Hit]]]]]:
    """The hits by day, and within a day by runs of the same section heading."""
    days: list[tuple[str, list[tuple[str | None, list[Hit]]]]] = []
    for hit in hits:
        if not days or days[-1][0] != hit.date:
            days.append((hit.date, []))
        runs = days[-1][1]
        if not runs or runs[-1][0] != hit.heading:
            runs.append((hit.heading, []))
        runs[-1][1].append(hit)
    return days


def render(hits: list[Hit], options: ExportOptions) -> str:
    """The document, ending in a newline."""
    lines = [f"# {options.title}", ""]
    if not hits:
        return "\n".join([*lines, "No entries match.", ""])
    lines += [_summary(hits), ""]
    for day, runs in _groups(hits):
        lines += [f"## {long_date(dt.date.fromisoformat(day))}", ""]
        for heading, run in runs:
            if heading is not None:
                lines += [f"### {heading}", ""]
            lines += [line for hit in run for line in _item(hit)]
            lines.append("")
    return "\n".join(lines)


def write(hits: list[Hit], out: Path, options: ExportOptions) -> list[Path]:
    """Write the document to the file ``out`` (replaced atomically); the files written."""
    atomic_write(out, render(hits, options).encode("utf-8"))
    return [out]
