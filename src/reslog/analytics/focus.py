"""How did my focus evolve? (``reslog stats focus``)

The *project* of an entry is the top level of its ``#tags`` (``#w2s/sweep`` ->
``w2s``); an entry tagged with two projects counts once for each, an entry
without tags counts for none (the untagged entries are reported per period).
Every entry in scope counts: to-dos, what was done, ideas, reflection.

Periods are calendar months, or ISO weeks when the entries in scope span
less than 92 days. A project's *share* in a period is its count over the sum
of the counts of all projects in that period.

*Shift points* compare each period with the previous one that had at least
``MIN_ENTRIES`` tagged entries (thinner periods are shown but not compared):
- ``lead``: another project took the largest share, alone (a tie for the
  largest share changes no leader, and names none before one has led alone);
- ``share``: a project's share moved by ``SHIFT`` (20 points) or more.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from reslog.analytics.data import Data, cite, example, iso_week
from reslog.search import Hit
from reslog.words import plural

SHIFT = 0.20
MIN_ENTRIES = 5
WEEKLY_BELOW_DAYS = 92
PLOTTED = 8
#: The periods listed one by one on the terminal, the latest (all of them are in --json).
RECENT = 6


def project(tag: str) -> str:
    """``w2s/sweep`` -> ``w2s``."""
    return tag.split("/", 1)[0].lower()


def _all_periods(first: dt.date, last: dt.date, weekly: bool) -> list[str]:
    out: list[str] = []
    if weekly:
        day = first - dt.timedelta(days=first.weekday())
        while day <= last:
            out.append(iso_week(day))
            day += dt.timedelta(days=7)
        return out
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _lead(counts: dict[str, int]) -> str:
    return min(counts, key=lambda p: (-counts[p], p))


def compute(data: Data) -> dict[str, Any]:
    """Share of entries per project and period, and where the focus shifted."""
    tagged = [h for h in data.entries if h.tags]
    result: dict[str, Any] = {"topic": "focus", "period": "month", "periods": [], "projects": [],
                              "shares": {}, "counts": {}, "totals": [], "untagged": [], "shifts": [],
                              "threshold": SHIFT, "entries": len(data.entries), "tagged": len(tagged),
                              "citations": {}}
    if not tagged:
        result["message"] = (f"no entries with #{data.tag} in scope" if data.tag else
                             "no tagged entries in scope yet (tag entries with #project to see your focus)")
        return result
    first = dt.date.fromisoformat(min(h.date for h in data.entries))
    last = dt.date.fromisoformat(max(h.date for h in data.entries))
    weekly = (last - first).days + 1 < WEEKLY_BELOW_DAYS

    def period_of(day: str) -> str:
        return iso_week(day) if weekly else day[:7]

    periods = _all_periods(first, last, weekly)
    cells: dict[str, dict[str, list[Hit]]] = defaultdict(lambda: defaultdict(list))
    untagged: Counter[str] = Counter()
    for h in data.entries:
        period = period_of(h.date)
        projects = sorted({project(t) for t in h.tags})
        if not projects:
            untagged[period] += 1
        for p in projects:
            cells[period][p].append(h)
    total_by_project: Counter[str] = Counter()
    for by_project in cells.values():
        for p, hits in by_project.items():
            total_by_project[p] += len(hits)
    names = sorted(total_by_project, key=lambda p: (-total_by_project[p], p))
    totals = [sum(len(v) for v in cells[q].values()) for q in periods]
    counts = {p: [len(cells[q].get(p, [])) for q in periods] for p in names}
    shares = {p: [round(c / t, 4) if t else 0.0 for c, t in zip(counts[p], totals, strict=True)]
              for p in names}
    shifts: list[dict[str, Any]] = []
    previous: int | None = None
    # the leader changes only when another project leads alone: a tie for the lead keeps it, and
    # a tie before any project led alone names none (the alphabetical first of a tie was taken for
    # the leader, and its end in a lone lead reported as a shift of focus)
    leader: str | None = None
    for n, q in enumerate(periods):
        if totals[n] < MIN_ENTRIES:
            continue
        new = {p: counts[p][n] for p in names if counts[p][n]}
        top = [p for p in new if new[p] == max(new.values())]
        before = leader
        if len(top) == 1:
            leader = top[0]
        if previous is not None:
            q0 = periods[previous]
            after = leader
            if before is not None and after is not None and before != after:
                shifts.append({"period": q, "since": q0, "kind": "lead", "project": after, "from": before,
                               "share_before": shares[after][previous], "share": shares[after][n],
                               "lead_share_before": shares[before][previous],
                               "citations": [cite(h) for h in cells[q][after]]})
            for p in names:
                delta = shares[p][n] - shares[p][previous]
                if abs(delta) >= SHIFT:
                    behind = cells[q].get(p) or cells[q0].get(p) or []
                    shifts.append({"period": q, "since": q0, "kind": "share", "project": p,
                                   "share_before": shares[p][previous], "share": shares[p][n],
                                   "change": round(delta, 4), "citations": [cite(h) for h in behind]})
        previous = n
    result.update(
        period="week" if weekly else "month", periods=periods, projects=names, shares=shares, counts=counts,
        totals=totals, untagged=[untagged.get(q, 0) for q in periods], shifts=shifts,
        leaders=[_lead({p: counts[p][n] for p in names}) if totals[n] else None for n in range(len(periods))],
        citations={q: {p: [cite(h) for h in hits] for p, hits in sorted(cells[q].items())}
                   for q in periods if q in cells},
    )
    return result


def render(result: dict[str, Any]) -> list[str]:
    """Terminal lines: overall shares, the recent periods, and the shift points."""
    if "message" in result:
        return [result["message"]]
    names, periods = result["projects"], result["periods"]
    overall = {p: sum(result["counts"][p]) for p in names}
    total = sum(overall.values())
    lines = [f"focus by {result['period']} over {plural(len(periods), result['period'])}; "
             f"{result['tagged']} of {plural(result['entries'], 'entry')} tagged"]
    lines.append("  overall: " + ", ".join(f"{p} {100 * overall[p] / total:.0f}%" for p in names[:6]))
    shown = min(RECENT, len(periods))
    lines.append(f"  the last {shown} of {plural(len(periods), result['period'])}:" if shown < len(periods)
                 else f"  recent {result['period']}s:")  # the heading counts them all
    for n in range(len(periods) - shown, len(periods)):
        if not result["totals"][n]:
            empty = "no tagged entries" if result["untagged"][n] else "nothing logged"  # not even untagged
            lines.append(f"    {periods[n]}  ({empty})")
            continue
        top = sorted(names, key=lambda p: -result["shares"][p][n])[:3]
        lines.append(f"    {periods[n]}  " + ", ".join(
            f"{p} {100 * result['shares'][p][n]:.0f}%" for p in top if result["shares"][p][n]))
    # one line a period: a change of leader moves the shares of the two projects it is about,
    # which were listed again as two more shift points of the same week
    points: dict[str, list[dict[str, Any]]] = {}
    for shift in result["shifts"]:
        points.setdefault(shift["period"], []).append(shift)
    lines.append(f"  {plural(len(points), 'shift point')} (leader changed, or a share moved "
                 f"{100 * result['threshold']:.0f}+ points):" if points else "  no shift points")
    if len(points) > 10:
        lines.append(f"    (the last 10 of {len(points)}; all in --json)")
    for period, found in list(points.items())[-10:]:
        lead = next((s for s in found if s["kind"] == "lead"), None)
        moves = ", ".join(f"{s['project']} {100 * s['share_before']:.0f}% -> {100 * s['share']:.0f}%"
                          for s in found if s["kind"] == "share")
        if lead is None:
            lines.append(f"    {period}  {moves}")
        else:
            moved = moves or f"{100 * lead['share_before']:.0f}% -> {100 * lead['share']:.0f}%"
            lines.append(f"    {period}  lead {lead['from']} -> {lead['project']} ({moved})")
        # an entry of the project that led or rose: what the week went to
        risen = lead or max((s for s in found if s["change"] > 0), key=lambda s: s["change"], default=None)
        if risen is not None and risen["citations"]:
            lines.append(example(f"      e.g. {risen['project']}: ", risen["citations"][0]))
    return lines


def _ticks(periods: list[str]) -> list[int]:
    """At most ~16 tick positions, on year starts when the periods span years."""
    step = max(1, len(periods) // 16)
    if len(periods) > 24:
        starts = [n for n, q in enumerate(periods) if q.endswith(("-01", "-W01"))]
        step_years = max(1, len(starts) // 16 + 1)
        return starts[::step_years] or list(range(0, len(periods), step))
    return list(range(0, len(periods), step))


def plot(result: dict[str, Any], path: Path) -> None:
    """Stacked area of each project's share per period, lead changes marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 5.5))
    try:
        names, periods = result["projects"], result["periods"]
        if not names:
            ax.text(0.5, 0.5, "no tagged entries in scope yet", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
        else:
            x = list(range(len(periods)))
            shown = names[:PLOTTED]
            series = [[100 * v for v in result["shares"][p]] for p in shown]
            if len(names) > PLOTTED:
                rest = [100 * sum(result["shares"][p][n] for p in names[PLOTTED:]) for n in x]
                series.append(rest)
                shown = [*shown, "other projects"]
            cmap = plt.get_cmap("tab10")
            colors = [cmap(n % 10) for n in range(len(series))]
            if len(x) < 3:  # an area needs a few points: stacked bars instead
                bottom = [0.0] * len(x)
                for label, values, color in zip(shown, series, colors, strict=True):
                    ax.bar(x, values, bottom=bottom, label=label, color=color, width=0.6)
                    bottom = [a + b for a, b in zip(bottom, values, strict=True)]
                ax.set_xlim(-0.5, len(x) - 0.5)
            else:
                ax.stackplot(x, series, labels=shown, colors=colors, alpha=0.9)
                ax.set_xlim(0, len(x) - 1)
            leads = [periods.index(s["period"]) for s in result["shifts"] if s["kind"] == "lead"]
            for at in leads:
                ax.axvline(at, color="black", linewidth=0.6, linestyle=":")
            ax.set_ylim(0, 100)
            ax.set_ylabel("share of tagged entries (%)")
            note = " (dotted lines: the leading project changed)" if leads else ""
            ax.set_xlabel(result["period"] + note)
            ticks = _ticks(periods)
            ax.set_xticks(ticks)
            ax.set_xticklabels([periods[n] for n in ticks], rotation=45, ha="right")
            ax.legend(title="project", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
        ax.set_title(f"Focus over time: share of entries per project, by {result['period']}")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
