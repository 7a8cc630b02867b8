"""``reslog stats habits``: when and how do I log?

Read from the entries in scope (:attr:`Data.entries`: every top-level entry of
every day page, without the deferred ``[>]`` copies of carried to-dos, whose
live copy is counted on its own day):

- ``days``: the days *logged* as every view counts them (docs/format.md,
  section 15: a page with an entry written that day; an empty page, one of
  only free text or of only carried to-dos is not a logged day), between the
  first and the last of them (or, with ``--since``/``--until``, the window
  asked for, up to today), and the share of the calendar days in that span
  that were logged.
- ``streaks``: runs of consecutive logged days. The longest (the earliest if
  several are as long) and the current one: the run that ends today, or
  yesterday when today has no entry yet (the day is not over), else none.
- ``by_hour`` / ``by_weekday``: entries per hour of the time written on them
  (``09:12`` counts in hour 9; entries without a time, usually to-dos, are
  counted apart as ``untimed``) and per weekday of their page.
- ``levels``: the level mix (docs/format.md, section 5). Two counts, because
  the nested lines are where the level-1 reasoning behind a fact usually
  goes: ``entries`` counts the top-level entries by their own level, and
  ``with_nested`` also counts every nested list item under them at its level
  (1, or 2 in *Reflection*), as :attr:`Hit.children` gives it. Continuation
  lines that are not list items are not counted. ``reasoning_per_fact`` is
  (level 1 + level 2) / level 0 for each count. ``by_month`` gives the
  top-level mix per month, for the trend.

Every figure carries ``citations``: the hours and the level mix cite every
entry they count (nested lines are cited through their entry); the days,
streaks, weekdays and months, which count days or would repeat those, cite
the first entry of each day they cover. (Citing every entry in every figure
made the ``--json`` of a 10-year log 20 MB.)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from reslog.analytics.data import Data, cite
from reslog.counts import count
from reslog.words import plural

if TYPE_CHECKING:
    from pathlib import Path

    from reslog.search import Hit

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOT_ENOUGH = "no entries logged yet"
#: Up to this many months, the level mix is drawn as bars; beyond, as a stacked area.
BARS_UP_TO = 24


def compute(data: Data) -> dict[str, Any]:
    entries = data.entries
    cites = [cite(h) for h in entries]
    copies = data.added_copies  # where carried to-dos were added
    first_of_day: dict[str, dict[str, Any]] = {}
    for hit, citation in zip(entries, cites, strict=True):
        first_of_day.setdefault(hit.date, citation)
    for hit in copies:
        if hit.date not in first_of_day or hit.line < first_of_day[hit.date]["line"]:
            first_of_day[hit.date] = cite(hit)
    days = count([*entries, *copies], data.today).days
    return {
        "topic": "habits",
        "message": None if entries else NOT_ENOUGH,
        "entries": len(entries),
        "days": _days(days, first_of_day, data.since, min(data.until, data.today) if data.until else None),
        "streaks": _streaks(days, first_of_day, data.today),
        "by_hour": _by_hour(entries, cites),
        "by_weekday": _by_weekday(entries, days, first_of_day),
        "levels": _levels(entries, cites),
        "by_month": _by_month(entries, first_of_day),
    }


def _days(days: list[str], first_of_day: dict[str, dict[str, Any]], since: dt.date | None = None,
          until: dt.date | None = None) -> dict[str, Any]:
    """The days logged, of the span from the first to the last (or of the window asked for: three
    weeks with 7 days logged are 33%, not 7 of the 15 from the first logged day to the last)."""
    if not days:
        return {"logged": 0, "first": None, "last": None, "from": None, "to": None, "span": 0, "share": None,
                "citations": []}
    start = min(since, dt.date.fromisoformat(days[0])) if since else dt.date.fromisoformat(days[0])
    end = max(until, dt.date.fromisoformat(days[-1])) if until else dt.date.fromisoformat(days[-1])
    span = (end - start).days + 1
    return {"logged": len(days), "first": days[0], "last": days[-1], "from": start.isoformat(),
            "to": end.isoformat(), "span": span, "share": round(len(days) / span, 3),
            "citations": [first_of_day[d] for d in days]}


def _streak(run: list[str], first_of_day: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not run:
        return {"days": 0, "start": None, "end": None, "citations": []}
    return {"days": len(run), "start": run[0], "end": run[-1], "citations": [first_of_day[d] for d in run]}


def _streaks(days: list[str], first_of_day: dict[str, dict[str, Any]], today: dt.date) -> dict[str, Any]:
    runs: list[list[str]] = []
    previous: dt.date | None = None
    for text in days:
        day = dt.date.fromisoformat(text)
        if previous is not None and (day - previous).days == 1:
            runs[-1].append(text)
        else:
            runs.append([text])
        previous = day
    longest = max(runs, key=len, default=[])  # max keeps the first of equal runs
    current: list[str] = []
    alive = {today.isoformat(), (today - dt.timedelta(days=1)).isoformat()}
    for run in runs:
        if run[-1] in alive:
            current = run
    return {"longest": _streak(longest, first_of_day), "current": _streak(current, first_of_day),
            "count": len(runs)}


def _by_hour(entries: list[Hit], cites: list[dict[str, Any]]) -> dict[str, Any]:
    hours: list[list[dict[str, Any]]] = [[] for _ in range(24)]
    untimed: list[dict[str, Any]] = []
    for hit, citation in zip(entries, cites, strict=True):
        if hit.time:
            hours[int(hit.time[:2])].append(citation)
        else:
            untimed.append(citation)
    counts = [len(h) for h in hours]
    timed = sum(counts)
    peak = counts.index(max(counts)) if timed else None
    return {
        "hours": [{"hour": hour, "n": len(c), "citations": c} for hour, c in enumerate(hours)],
        "timed": timed,
        "peak_hour": peak,
        "untimed": {"n": len(untimed), "citations": untimed},
    }


def _by_weekday(entries: list[Hit], days: list[str],
                first_of_day: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    weekday_of = {d: dt.date.fromisoformat(d).weekday() for d in days}
    counts = [0] * 7
    cited: list[list[dict[str, Any]]] = [[] for _ in WEEKDAYS]
    for day in days:
        cited[weekday_of[day]].append(first_of_day[day])
    for hit in entries:  # a page of carried to-dos only is no logged day, but its entries count
        counts[dt.date.fromisoformat(hit.date).weekday()] += 1
    return [{"weekday": name, "days": len(cited[i]), "n": counts[i], "citations": cited[i]}
            for i, name in enumerate(WEEKDAYS)]


def _mix(counts: list[int]) -> dict[str, Any]:
    total = sum(counts)
    return {
        "level0": counts[0], "level1": counts[1], "level2": counts[2], "total": total,
        "shares": [round(c / total, 3) for c in counts] if total else None,
        "reasoning_per_fact": round((counts[1] + counts[2]) / counts[0], 3) if counts[0] else None,
    }


def _levels(entries: list[Hit], cites: list[dict[str, Any]]) -> dict[str, Any]:
    top = [0, 0, 0]
    nested = [0, 0, 0]
    by_level: list[list[dict[str, Any]]] = [[], [], []]
    for hit, citation in zip(entries, cites, strict=True):
        level = min(max(hit.level, 0), 2)
        top[level] += 1
        by_level[level].append(citation)
        for child in hit.children:
            nested[min(max(int(child["level"]), 0), 2)] += 1
    with_nested = [a + b for a, b in zip(top, nested, strict=True)]
    return {
        "entries": {**_mix(top), "citations": by_level},
        "with_nested": {**_mix(with_nested), "nested_lines": sum(nested),
                        "citations": "the entries of levels.entries, whose nested lines these are"},
    }


def _by_month(entries: list[Hit], first_of_day: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    months: dict[str, tuple[list[int], list[dict[str, Any]]]] = {}
    for hit in entries:
        counts, cited = months.setdefault(hit.date[:7], ([0, 0, 0], []))
        if not counts[0] + counts[1] + counts[2] or cited[-1]["date"] != hit.date:
            cited.append(first_of_day[hit.date])
        counts[min(max(hit.level, 0), 2)] += 1
    if months:  # a month with no entry is a month of zeros: the chart drew slopes across gaps
        year, month = map(int, min(months).split("-"))
        while (key := f"{year:04d}-{month:02d}") < max(months):
            months.setdefault(key, ([0, 0, 0], []))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [{"month": month, "level0": c[0], "level1": c[1], "level2": c[2], "days": len(cited),
             "citations": cited}
            for month, (c, cited) in sorted(months.items())]


def render(result: dict[str, Any]) -> list[str]:
    if not result["entries"]:
        return [f"Habits: {NOT_ENOUGH}."]
    days = result["days"]
    if not days["logged"]:  # entries, but none written on its day yet: to-dos carried, or planned ahead
        return [f"Habits: {plural(result['entries'], 'entry')}, but no day logged yet (a day counts when an "
                "entry is written on its own page, up to today)."]
    streaks = result["streaks"]
    longest, current = streaks["longest"], streaks["current"]
    lines = [
        f"Habits: {plural(result['entries'], 'entry')} on {days['logged']} of {plural(days['span'], 'day')} "
        f"({days['share']:.0%}) from {days['from']} to {days['to']}.",
        f"Longest streak: {plural(longest['days'], 'day')} ({longest['start']} to {longest['end']}).",
        f"Current streak: {plural(current['days'], 'day')}"
        + (f" (since {current['start']})." if current["days"] else "."),
    ]
    hours = result["by_hour"]
    if hours["timed"]:
        lines.append(f"Time of day ({hours['timed']} timed entries, {hours['untimed']['n']} without a time); "
                     f"busiest hour {hours['peak_hour']:02d}:00:")
        top = max(h["n"] for h in hours["hours"])
        for h in hours["hours"]:
            if h["n"]:
                bar = "#" * max(1, round(30 * h["n"] / top))
                lines.append(f"  {h['hour']:02d}:00 {h['n']:>6} {bar}")
    else:
        lines.append("Time of day: no entry has a time.")
    lines.append("By weekday: " + ", ".join(f"{w['weekday'][:3]} {w['n']}" for w in result["by_weekday"]))
    # a table, not a sentence a line: the sentences ran to 110 columns
    rows: list[tuple[str, ...]] = [("Level mix", "level 0", "level 1", "level 2", "reasoning per fact")]
    for title, key in (("  entries", "entries"), ("  with nested", "with_nested")):
        mix = result["levels"][key]
        shares = mix["shares"] or [0, 0, 0]
        ratio = mix["reasoning_per_fact"]
        rows.append((title, *(f"{mix[f'level{n}']} ({shares[n]:.0%})" for n in range(3)),
                     f"{ratio:.2f}" if ratio is not None else "no facts"))
    widths = [max(len(row[n]) for row in rows) for n in range(5)]
    for row in rows:
        lines.append(f"{row[0]:<{widths[0]}}" + "".join(f"  {cell:>{w}}" for cell, w in
                                                        zip(row[1:], widths[1:], strict=True)))
    return lines


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7.5), dpi=100)
    try:
        fig.suptitle("When and how I log")
        hours = result["by_hour"]["hours"]
        top.bar([h["hour"] for h in hours], [h["n"] for h in hours], color="tab:blue", width=0.8)
        from matplotlib.ticker import MaxNLocator

        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_ylim(0, max(1, *(h["n"] for h in hours)) * 1.05)
        top.set_xticks(range(0, 24, 2))
        top.set_xlim(-0.6, 23.6)
        top.set_xlabel("hour of day (local time written on the entry)")
        top.set_ylabel("entries")
        top.set_title(f"Entries by hour of day ({result['by_hour']['timed']} timed entries)")
        months = result["by_month"]
        if months:
            series = [[m[f"level{i}"] for m in months] for i in range(3)]
            labels = ["level 0 (facts)", "level 1 (thoughts, ideas)", "level 2 (reflection)"]
            if len(months) <= BARS_UP_TO:  # few months: a bar each (an area would draw slopes between them)
                x = list(range(len(months)))
                below = [0] * len(months)
                for values, label in zip(series, labels, strict=True):
                    bottom.bar(x, values, bottom=below, width=0.7, label=label)
                    below = [a + b for a, b in zip(below, values, strict=True)]
                bottom.set_xticks(x)
                bottom.set_xticklabels([m["month"] for m in months])
                bottom.set_xlim(-0.6, len(months) - 0.4)
            else:
                import datetime as dtm

                from matplotlib.dates import DateFormatter

                dates = [dtm.date.fromisoformat(m["month"] + "-01") for m in months]
                bottom.stackplot(dates, *series, labels=labels, alpha=0.85)
                bottom.xaxis.set_major_formatter(DateFormatter("%Y-%m"))  # type: ignore[no-untyped-call]
            highest = max(m["level0"] + m["level1"] + m["level2"] for m in months)
            bottom.set_ylim(0, highest * 1.35)  # room for the legend above the bars
            bottom.legend(loc="upper left", fontsize="small", ncol=3)
            for label in bottom.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
        else:
            bottom.text(0.5, 0.5, NOT_ENOUGH, ha="center", va="center", transform=bottom.transAxes)
            top.text(0.5, 0.5, NOT_ENOUGH, ha="center", va="center", transform=top.transAxes)
        bottom.set_title("Level mix per month (top-level entries)")
        bottom.set_xlabel("month")
        bottom.set_ylabel("entries per month")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
