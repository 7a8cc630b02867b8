"""``reslog stats time``: how long do tasks really take against my estimates?

The evidence is every finished to-do (``- [x]``, or ``[X]``) that carries both
an ``est`` and a ``took`` field (docs/format.md, sections 4.6 and 6) with an
estimate above zero. A carried to-do counts once: :attr:`Data.entries` leaves
out its deferred ``[>]`` copies, and the last copy's ``took`` holds the total.

For each such to-do the *ratio* is ``took / est`` (1.0 = on estimate, 2.0 =
twice as long). The result gives:

- ``ratio_median`` (the personal calibration factor) with its spread as the
  25th and 75th percentiles (linear interpolation between order statistics,
  numpy's default), overall, ``by_tag`` (every tag on the to-do's first line,
  exactly as written: ``proj/sub`` is its own tag) and ``by_kind`` (``exp``,
  ``read``, …; a to-do without a kind is ``note``);
- ``trend``: the same per calendar month, or per quarter when the evidence
  spans more than two years;
- ``forecast``: the open to-dos (``- [ ]``) that have an estimate, and how long
  they will take by the personal history: the total of every open estimate
  times a ratio drawn at random (with replacement) from the finished to-dos.
  The 50th, 80th and 95th percentiles of that total are the hours it will take
  with that confidence. With up to ``SIMULATE_UP_TO`` open to-dos they come
  from a Monte Carlo of ``TRIALS`` trials drawn with ``random.Random(SEED)``
  (``method: "monte carlo"``), so the same log always gives the same forecast.
  With more, a simulation would cost ``TRIALS`` times the backlog (a backlog of
  thousands took a minute), and the total is a sum of that many independent
  terms, so its distribution is computed directly: its exact mean, variance,
  skewness and kurtosis (the cumulants of the ratios times the sums of the
  estimates' powers) and the Cornish-Fisher expansion of the normal quantiles
  (``method: "cornish-fisher"``; from ten open to-dos up, within 2% of a
  10,000-trial simulation). With fewer than ``MIN_HISTORY`` ratios there is no forecast.

Every figure carries ``citations``: the to-dos behind it.
"""

from __future__ import annotations

import random
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from reslog.analytics.data import Data, cite, example
from reslog.cells import pad
from reslog.dates import format_duration
from reslog.words import plural

if TYPE_CHECKING:
    from pathlib import Path

    from reslog.search import Hit

SEED = 6
TRIALS = 10_000
#: Open to-dos up to which the forecast simulates; above, it computes the distribution directly.
SIMULATE_UP_TO = 20
MIN_HISTORY = 5
NOT_ENOUGH = "not enough finished to-dos with estimates yet"
DONE_STATES = ("x", "X")


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted ``values``, linear between order statistics."""
    if not values:
        raise ValueError("quantile of no values")
    pos = (len(values) - 1) * q
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)


def finished(entries: list[Hit]) -> list[Hit]:
    """The finished to-dos with an estimate above zero and a time spent."""
    return [h for h in entries if h.state in DONE_STATES and h.est_minutes and h.took_minutes is not None]


def ratio(hit: Hit) -> float:
    """``took / est`` of a finished to-do from :func:`finished`."""
    return (hit.took_minutes or 0) / (hit.est_minutes or 1)


def summary(hits: list[Hit]) -> dict[str, Any]:
    """n, median ratio, p25/p75, minutes estimated and spent, and the citations of ``hits``."""
    ratios = sorted(ratio(h) for h in hits)
    return {
        "n": len(hits),
        "ratio_median": _round(quantile(ratios, 0.5)) if ratios else None,
        "ratio_p25": _round(quantile(ratios, 0.25)) if ratios else None,
        "ratio_p75": _round(quantile(ratios, 0.75)) if ratios else None,
        "est_minutes": sum(h.est_minutes or 0 for h in hits),
        "took_minutes": sum(h.took_minutes or 0 for h in hits),
        "citations": [cite(h) for h in hits],
    }


def compute(data: Data) -> dict[str, Any]:
    done = finished(data.entries)
    overall = summary(done)
    by_tag: dict[str, list[Hit]] = {}
    by_kind: dict[str, list[Hit]] = {}
    for hit in done:
        for tag in dict.fromkeys(hit.tags):
            by_tag.setdefault(tag, []).append(hit)
        by_kind.setdefault(hit.kind or "note", []).append(hit)
    return {
        "topic": "time",
        "n": overall["n"],
        "ratio_median": overall["ratio_median"],
        "ratio_p25": overall["ratio_p25"],
        "ratio_p75": overall["ratio_p75"],
        "est_minutes": overall["est_minutes"],
        "took_minutes": overall["took_minutes"],
        "citations": overall["citations"],
        "message": None if done else NOT_ENOUGH,
        "by_tag": {tag: summary(hits) for tag, hits in sorted(by_tag.items())},
        "by_kind": {kind: summary(hits) for kind, hits in sorted(by_kind.items())},
        "trend": _trend(done),
        "forecast": _forecast(data.entries, [ratio(h) for h in done]),
        "todos": [
            {**cite(h), "est_minutes": h.est_minutes, "took_minutes": h.took_minutes,
             "ratio": _round(ratio(h)), "tags": list(h.tags), "kind": h.kind}
            for h in done
        ],
    }


def _round(value: float) -> float:
    return round(value, 3)


def _trend(done: list[Hit]) -> dict[str, Any]:
    if not done:
        return {"period": "month", "points": []}
    first, last = min(h.date for h in done), max(h.date for h in done)
    months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])
    period = "quarter" if months >= 24 else "month"
    groups: dict[str, list[Hit]] = {}
    for hit in done:
        key = f"{hit.date[:4]}-Q{(int(hit.date[5:7]) - 1) // 3 + 1}" if period == "quarter" else hit.date[:7]
        groups.setdefault(key, []).append(hit)
    return {"period": period,
            "points": [{"period": key, **summary(hits)} for key, hits in sorted(groups.items())]}


def _forecast(entries: list[Hit], ratios: list[float]) -> dict[str, Any]:
    open_todos = [h for h in entries if h.state == " " and h.est_minutes]
    estimates = [h.est_minutes or 0 for h in open_todos]
    result: dict[str, Any] = {
        "n_open": len(open_todos),
        "est_hours": _round(sum(estimates) / 60),
        "history_n": len(ratios),
        "seed": SEED,
        "trials": TRIALS,
        "hours_p50": None,
        "hours_p80": None,
        "hours_p95": None,
        "method": None,
        "message": None,
        "citations": [{**cite(h), "est_minutes": h.est_minutes} for h in open_todos],
    }
    if not open_todos:
        result["message"] = "no open to-dos with estimates"
    elif len(ratios) < MIN_HISTORY:
        result["message"] = f"{NOT_ENOUGH} to forecast (need {MIN_HISTORY}, have {len(ratios)})"
    else:
        simulate = len(estimates) <= SIMULATE_UP_TO
        result["method"] = "monte carlo" if simulate else "cornish-fisher"
        minutes = (_simulated if simulate else _expanded)([float(e) for e in estimates], ratios)
        for q, value in zip((50, 80, 95), minutes, strict=True):
            result[f"hours_p{q}"] = round(value / 60, 2)
    return result


_QUANTILES = (0.5, 0.8, 0.95)


def _simulated(estimates: list[float], ratios: list[float]) -> list[float]:
    """The quantiles of the total over ``TRIALS`` seeded trials."""
    choices = random.Random(SEED).choices
    k = len(estimates)
    totals = sorted(sum(map(float.__mul__, estimates, choices(ratios, k=k))) for _ in range(TRIALS))
    return [quantile(totals, q) for q in _QUANTILES]


def _expanded(estimates: list[float], ratios: list[float]) -> list[float]:
    """The quantiles of the total from its cumulants (Cornish-Fisher, to the fourth cumulant).

    The total is sum(e_i * R_i) with R_i drawn from ``ratios``; its r-th cumulant
    is the r-th cumulant of the ratios times sum(e_i ** r). Quantiles are
    monotone in q and never below the smallest possible total.
    """
    n = len(ratios)
    mean = sum(ratios) / n
    m2, m3, m4 = (sum((r - mean) ** p for r in ratios) / n for p in (2, 3, 4))
    k2, k3, k4 = m2, m3, m4 - 3 * m2 * m2
    s1, s2, s3, s4 = (sum(e ** p for e in estimates) for p in (1, 2, 3, 4))
    centre, var = mean * s1, k2 * s2
    if var <= 0:
        return [centre] * len(_QUANTILES)
    sd = var ** 0.5
    skew, kurt = k3 * s3 / sd ** 3, k4 * s4 / var ** 2
    floor = min(ratios) * s1
    out: list[float] = []
    for q in _QUANTILES:
        z = NormalDist().inv_cdf(q)
        w = (z + (z * z - 1) * skew / 6 + (z ** 3 - 3 * z) * kurt / 24
             - (2 * z ** 3 - 5 * z) * skew * skew / 36)
        out.append(max(floor, centre + sd * w, out[-1] if out else floor))
    return out


def _ratio_text(part: dict[str, Any]) -> str:
    return (f"×{part['ratio_median']:.2f} (p25-p75 ×{part['ratio_p25']:.2f}-×{part['ratio_p75']:.2f}, "
            f"n={part['n']})")


#: The to-dos furthest over their estimates that the terminal names (all in ``--json``: ``todos``).
OVER_SHOWN = 3


def render(result: dict[str, Any]) -> list[str]:
    if not result["n"]:
        lines = [f"Time: {NOT_ENOUGH}."]
    else:
        lines = [
            f"Time: {plural(result['n'], 'finished to-do')} with estimates: "
            f"{format_duration(result['est_minutes'])} estimated, "
            f"{format_duration(result['took_minutes'])} spent.",
            f"Calibration factor (median took/est): {_ratio_text(result)}",
        ]
        for title, key in (("By tag", "by_tag"), ("By kind", "by_kind")):
            parts = sorted(result[key].items(), key=lambda item: (-item[1]["n"], item[0]))
            if parts:
                lines.append(f"{title}:")
                lines += [f"  {pad(name, 20)} {_ratio_text(part)}" for name, part in parts[:10]]
                if len(parts) > 10:
                    lines.append(f"  … and {len(parts) - 10} more (see --json)")
        trend = result["trend"]
        lines.append(f"Trend per {trend['period']}:")
        points = trend["points"]
        shown = points[-12:]
        if len(points) > len(shown):
            lines.append(f"  (the last {len(shown)} of {len(points)}; see --json)")
        lines += [f"  {p['period']:<8} ×{p['ratio_median']:.2f} (n={p['n']})" for p in shown]
        # the figures above say how far off; these say which tasks, to look at them again
        over = sorted((t for t in result["todos"] if t["ratio"] > 1),
                      key=lambda t: (-t["ratio"], -t["took_minutes"], t["date"], t["line"]))[:OVER_SHOWN]
        if over:
            lines.append("Furthest over their estimates:")
            lines += [example(f"  ×{t['ratio']:.2f} {format_duration(t['est_minutes'])} -> "
                              f"{format_duration(t['took_minutes'])}  ", t) for t in over]
    forecast = result["forecast"]
    lines.append(f"Forecast for {plural(forecast['n_open'], 'open to-do')} with estimates "
                 f"({_hours(forecast['est_hours'])} estimated):")
    if forecast["message"]:
        lines.append(f"  {forecast['message']}.")
    else:
        how = (f"{forecast['trials']} trials over {plural(forecast['history_n'], 'past ratio')}, "
               f"seed {forecast['seed']}" if forecast["method"] == "monte carlo" else
               f"the distribution of the total over {plural(forecast['history_n'], 'past ratio')}")
        lines.append(f"  50%: {_hours(forecast['hours_p50'])}, 80%: {_hours(forecast['hours_p80'])}, "
                     f"95%: {_hours(forecast['hours_p95'])} ({how})")
    return lines


def _hours(hours: float) -> str:
    """Hours as a to-do's fields write a duration (``2h30m``, ``10m``): "0.2 h" stood for both 15
    and 10 minutes, above a calibration factor of ×0.67 between them."""
    return format_duration(round(hours * 60))


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6), dpi=100)
    try:
        todos = [t for t in result["todos"] if t["took_minutes"] > 0]
        if not result["todos"]:
            ax.text(0.5, 0.5, NOT_ENOUGH, ha="center", va="center", transform=ax.transAxes)
            ax.set_xlabel("estimate (hours)")
            ax.set_ylabel("actual time spent (hours)")
        else:
            est = [t["est_minutes"] / 60 for t in result["todos"]]
            took = [t["took_minutes"] / 60 for t in result["todos"]]
            positive = [v for v in est + [t["took_minutes"] / 60 for t in todos] if v > 0]
            log = len(todos) == len(result["todos"]) and max(positive) / min(positive) >= 30
            few = len(est) <= 200
            ax.scatter(est, took, s=36 if few else 14, alpha=0.8 if few else 0.4, color="tab:blue",
                       edgecolors="none", zorder=3,
                       label=f"finished to-dos (n={result['n']})")
            low, high = min(positive), max(positive)
            if log:
                from matplotlib.ticker import FuncFormatter

                ax.set_xscale("log")
                ax.set_yscale("log")
                for axis in (ax.xaxis, ax.yaxis):
                    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
                low, high = low / 1.3, high * 1.3
            else:
                low, high = 0, high * 1.1
            ax.plot([low, high], [low, high], color="black", linewidth=1, label="y = x (on estimate)")
            factor = result["ratio_median"]
            ax.plot([low, high], [low * factor, high * factor], color="tab:red", linestyle="--",
                    linewidth=1, label=f"median took/est = ×{factor:.2f}")
            ax.set_xlim(low, high)
            ax.set_ylim(low, high)
            ax.set_xlabel("estimate (hours" + (", log scale)" if log else ")"))
            ax.set_ylabel("actual time spent (hours" + (", log scale)" if log else ")"))
            ax.legend(loc="lower right")
            ax.grid(True, which="major", alpha=0.3)
        ax.set_title("Estimate vs actual time of finished to-dos")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
