"""``reslog stats weeks``: what made a week better than the last?

One row per ISO week (``2026-W48``, Monday to Sunday) from the first week
that has an entry or a rating to the last one, weeks without entries
included (a week not logged is a fact about the week); with ``--since`` or
``--until``, from the first week asked for (or the log's first) to the last
(or this week). Each row has:

- ``rating``: the 1-5 ``rating:`` in the front matter of the week page
  (``weeks/YYYY/YYYY-Www.md``, set by ``reslog week --rate``), or ``None``.
  Only the rated weeks that overlap ``--since``/``--until`` count; a rating
  is about the whole week, so ``--tag`` keeps it;
- ``days_logged``, ``entries``, ``experiments`` (notes of kind ``exp``),
  ``papers`` (``read``), ``bugs`` (``bug``): counted as every view counts them
  (:mod:`reslog.counts`, docs/format.md section 15);
- ``todo_completion``: of the to-dos that stand on the week's pages, the share
  done: ``[x]`` / (``[x]`` + ``[-]`` + ``[ ]``). A carried to-do stands on
  the page of its last copy (the ``[>]`` copies are not counted), so a to-do
  carried into the next week counts there. ``None`` without to-dos. The
  terminal's table shows it as a percentage, under ``% done``;
- ``est_ratio``: the median took/est of the to-dos finished on the week's
  pages (as ``reslog stats time`` reads them), ``None`` without any.

``correlations`` says which measures move with the rating: Spearman's rank
correlation (ties share their average rank) between each measure and the
rating, over the rated weeks where the measure has a value, with that ``n``.
A measure that does not vary over those weeks has no correlation (``None``).
With fewer than ``MIN_RATED`` rated weeks there are not enough ratings yet,
and ``correlations`` is empty. Spearman rather than Pearson because ratings
are ranks, not amounts.

Each week cites every entry on its pages; each correlation cites the first
entry of each rated week it uses.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from reslog.analytics.data import Data, cite, iso_week
from reslog.analytics.time import finished, quantile, ratio
from reslog.counts import count
from reslog.words import plural

if TYPE_CHECKING:
    from pathlib import Path

    from reslog.search import Hit

MIN_RATED = 4
MEASURES = ("days_logged", "entries", "experiments", "papers", "bugs", "todo_completion", "est_ratio")
LABELS = {
    "rating": "rating (1-5)",
    "days_logged": "days logged",
    "entries": "entries",
    "experiments": "experiments",
    "papers": "papers read",
    "bugs": "bugs",
    "todo_completion": "to-dos done (share)",
    "est_ratio": "took/est (median)",
}


def _monday(week: str) -> dt.date:
    return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def _week_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _in_scope(week: str, data: Data) -> bool:
    """Whether a rated week overlaps ``--since``/``--until`` (ratings are not filtered by the index)."""
    monday = _monday(week)
    return ((data.since is None or monday + dt.timedelta(days=6) >= data.since)
            and (data.until is None or monday <= data.until))


def _row(week: str, hits: list[Hit], rating: int | None, today: dt.date) -> dict[str, Any]:
    """One week's figures; ``hits`` are its entries and the ``[>]`` copies left on its pages."""
    counted = count(hits, today)
    done = counted.todos_done
    open_or_dropped = sum(1 for h in hits if h.state in (" ", "-"))
    ratios = sorted(ratio(h) for h in finished(hits))
    entries = [h for h in hits if h.state != ">"]
    return {
        "week": week,
        "start": _monday(week).isoformat(),
        "rating": rating,
        "days_logged": counted.days_logged,
        "entries": counted.entries,
        "experiments": counted.experiments,
        "papers": counted.papers,
        "bugs": counted.bugs,
        "todos_done": done,
        "todos": done + open_or_dropped,
        "todo_completion": round(done / (done + open_or_dropped), 3) if done + open_or_dropped else None,
        "est_ratio": round(quantile(ratios, 0.5), 3) if ratios else None,
        "est_ratio_n": len(ratios),
        "citations": [cite(h) for h in entries],
    }


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho (Pearson on average ranks); ``None`` when either side does not vary."""
    if len(xs) < 2:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if not sxx or not syy:
        return None
    return float(sxy / (sxx * syy) ** 0.5)


def _strength(rho: float | None) -> str:
    if rho is None:
        return "no variation"
    size = abs(rho)
    if size < 0.1:
        return "none"
    word = "strong" if size >= 0.6 else "moderate" if size >= 0.3 else "weak"
    return f"{word} {'positive' if rho > 0 else 'negative' if rho < 0 else ''}".strip()


def compute(data: Data) -> dict[str, Any]:
    by_week: dict[str, list[Hit]] = {}
    for hit in [*data.entries, *data.added_copies]:
        by_week.setdefault(iso_week(hit.date), []).append(hit)
    known = set(by_week) | {week for week in data.ratings if _in_scope(week, data)}
    weeks: list[dict[str, Any]] = []
    if known:
        day = _monday(min(known))
        last = _monday(max(known))
        # the weeks asked for, from the log's first page up to this week: an empty first or last
        # week of --since/--until was left out of the table without a word
        begun = data.log.first_day()
        if data.since is not None and begun is not None:
            day = min(day, _week_of(max(data.since, begun)))
        if data.until is not None:
            last = max(last, _week_of(min(data.until, data.today)))
        while day <= last:
            week = iso_week(day)
            weeks.append(_row(week, by_week.get(week, []), data.ratings.get(week), data.today))
            day += dt.timedelta(days=7)
    rated = [w for w in weeks if w["rating"] is not None]
    result: dict[str, Any] = {
        "topic": "weeks",
        "weeks": weeks,
        "rated_weeks": len(rated),
        "min_rated": MIN_RATED,
        "message": None,
        "correlations": [],
    }
    if not weeks:
        result["message"] = "no entries or week ratings yet"
    elif len(rated) < MIN_RATED:
        result["message"] = (f"not enough ratings yet to say what moves with the rating: {len(rated)} rated "
                             f"week(s), need {MIN_RATED} (rate a week with `reslog week --rate N`)")
    else:
        correlations: list[dict[str, Any]] = []
        for measure in MEASURES:
            pairs = [w for w in rated if w[measure] is not None]
            rho = spearman([float(w[measure]) for w in pairs], [float(w["rating"]) for w in pairs])
            correlations.append({
                "measure": measure,
                "n": len(pairs),
                "spearman": None if rho is None else round(rho, 3),
                "strength": _strength(rho) if len(pairs) >= MIN_RATED else "too few weeks",
                "citations": [w["citations"][0] for w in pairs if w["citations"]],
            })
        correlations.sort(key=lambda c: (c["spearman"] is None, -abs(c["spearman"] or 0), c["measure"]))
        result["correlations"] = correlations
    return result


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def render(result: dict[str, Any]) -> list[str]:
    weeks = result["weeks"]
    if not weeks:
        return [f"Weeks: {result['message']}."]
    columns = ("week", "rating", "days_logged", "entries", "experiments", "papers", "bugs",
               "todo_completion", "est_ratio")
    # "% done": the share of the week's standing to-dos done, not the count that the week page
    # and 'reslog week' call "15 done"; a bare "done" over 0.79 read as the one or the other
    heads = ("week", "rating", "days", "entries", "exps", "papers", "bugs", "% done", "took/est")
    shown = weeks[-12:]
    lines = [f"Weeks: {plural(len(weeks), 'week')}, {result['rated_weeks']} rated."]
    if len(shown) < len(weeks):
        lines.append(f"The last {len(shown)} (all in --json):")
    rows = [[_percent(week[c]) if c == "todo_completion" else _cell(week[c]) for c in columns]
            for week in shown]
    # each column as wide as its heading or its widest cell: nine of 8 cells were 82 columns
    widths = [max(len(h), *(len(row[n]) for row in rows)) for n, h in enumerate(heads)]
    for row in (heads, *rows):
        lines.append("  " + "  ".join(f"{cell:>{w}}" for cell, w in zip(row, widths, strict=True)))
    if result["message"]:
        lines.append(f"{result['message'][0].upper()}{result['message'][1:]}.")
    else:
        lines.append(f"What moves with the rating (Spearman, over {result['rated_weeks']} rated weeks):")
        for c in result["correlations"]:
            rho = "-" if c["spearman"] is None else f"{c['spearman']:+.2f}"
            lines.append(f"  {LABELS[c['measure']]:<22} {rho:>6}  n={c['n']:<4} {c['strength']}")
    return lines


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    weeks = result["weeks"]
    names = ("rating", *MEASURES)
    if not weeks:
        fig, ax = plt.subplots(figsize=(7, 3), dpi=100)
        try:
            ax.set_title("Weeks: the rating and what might move with it")
            ax.text(0.5, 0.5, result["message"], ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            fig.savefig(path)
        finally:
            plt.close(fig)
        return
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 1.45 * len(names) + 1), dpi=100, sharex=True)
    try:
        fig.suptitle("Weeks: the rating and what might move with it")
        x = [dt.date.fromisoformat(w["start"]) for w in weeks]
        for ax, name in zip(axes, names, strict=True):
            ys = [float("nan") if w[name] is None else w[name] for w in weeks]
            style = {"marker": "o", "markersize": 3} if len(weeks) <= 60 else {}
            ax.plot(x, ys, color="tab:red" if name == "rating" else "tab:blue", linewidth=1, **style)
            ax.set_ylabel(LABELS[name], rotation=0, ha="right", va="center", fontsize="small")
            ax.grid(True, alpha=0.3)
            known = [y for y in ys if y == y]  # not NaN
            if name in ("days_logged", "entries", "experiments", "papers", "bugs"):
                ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
                top = max([1.0, *known])  # counts from 0: flat or all-zero weeks drew ticks of 0.96-1.05
                ax.set_ylim(-0.05 * top, 1.1 * top)
            elif name != "rating" and not known:
                ax.set_yticks([])
                ax.text(0.5, 0.5, "none in these weeks", ha="center", va="center", transform=ax.transAxes,
                        fontsize="small", color="0.4")
            if name == "rating":
                ax.set_ylim(0.5, 5.5)
                ax.set_yticks([1, 3, 5])
                if not result["rated_weeks"]:
                    ax.text(0.5, 0.5, "no rated weeks yet", ha="center", va="center", transform=ax.transAxes)
        step = max(1, -(-len(weeks) // 12))  # at most 12 labels, each on a week's point
        axes[-1].set_xticks(x[::step])
        axes[-1].set_xticklabels([w["week"] for w in weeks[::step]])
        axes[-1].set_xlabel("ISO week")
        for label in axes[-1].get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
