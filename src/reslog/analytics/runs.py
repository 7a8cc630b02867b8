"""``reslog stats runs``: which experiments ran, how they ended, and which ones taught something.

Read from the run entries in scope: ``exp:`` entries with a ``run`` field, as
``reslog run`` writes them (docs/format.md, section 15), by their ``status``
and ``duration`` fields:

- ``statuses``: runs by status (``ok``, ``failed``, ``killed``, ``lost``,
  ``running``; a run without a status counts as ``unknown``).
- ``failure_rate``: the share of finished runs (all but ``running`` and
  ``unknown``) that failed, were killed or were lost.
- ``time_running``: the sum of the runs' durations, in seconds, and the median
  duration (lost and running runs have none).
- ``per_week``: for every ISO week from the first run to the last, the runs
  started, those that failed (failed, killed or lost) and the time spent
  running.
- ``taught``: the runs with an outcome recorded, or *followed within a day*
  by a ``result:`` or ``decision:`` entry or a starred (★) one: from the run's
  start to 24 hours later (an entry without a time counts on the run's day and
  the next), in scope (``--tag`` narrows the follow-ups too). An outcome is a
  line nested under the run itself: ``outcome:`` (as ``reslog outcome``
  writes it), ``result:``, ``decision:`` or one with a ★; a ★ on the run's own
  first line does not count. Each cites the run and what followed it;
  ``taught_share`` is their share of all runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import statistics
from collections import Counter
from typing import TYPE_CHECKING, Any

from reslog.analytics.data import Data, cite, iso_week
from reslog.cells import shorten
from reslog.dates import format_elapsed, parse_elapsed
from reslog.model import FIELD_VALUE, STAR
from reslog.words import plural

if TYPE_CHECKING:
    from pathlib import Path

    from reslog.search import Hit

FAILED = frozenset({"failed", "killed", "lost"})
UNFINISHED = frozenset({"running", "unknown"})
FOLLOW_KINDS = frozenset({"result", "decision"})
#: How ``reslog outcome N TEXT`` opens the line it nests under a run (docs/format.md §17.1): the
#: lesson the researcher drew from it, whatever it says, so the run taught something.
OUTCOME = "outcome:"
WINDOW = dt.timedelta(days=1)
NOT_ENOUGH = "no runs in scope yet (record one with: reslog run -- python train.py)"
_FIELD = re.compile(r"(?<!\s)\s*\[[^\[\]:]+::" + FIELD_VALUE + r"\]")


def is_run(hit: Hit) -> bool:
    return hit.kind == "exp" and "run" in hit.fields


def _status(hit: Hit) -> str:
    return hit.fields.get("status") or "unknown"


def _seconds(hit: Hit) -> float | None:
    value = hit.fields.get("duration")
    return parse_elapsed(value) if value else None


def _moment(hit: Hit) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{hit.date}T{hit.time or '00:00'}")


def _follows(run: Hit, other: Hit) -> bool:
    """Whether ``other`` lies within a day after the start of ``run``."""
    if other.time and run.time:
        start = _moment(run)
        return start <= _moment(other) <= start + WINDOW
    day = dt.date.fromisoformat(run.date)
    return day <= dt.date.fromisoformat(other.date) <= day + WINDOW


def _labelled(kind: str | None, text: str) -> str:
    """An entry's text with its kind word put back (``result: ...``), as a reader wrote it."""
    return f"{kind}: {text}" if kind else text


def _nested_follow(run: Hit) -> dict[str, Any] | None:
    for child in run.children:
        if child["kind"] in FOLLOW_KINDS or child["text"].startswith(OUTCOME) or STAR in child["text"]:
            return {"date": run.date, "file": run.file, "line": child["line"],
                    "text": _labelled(child["kind"], child["text"])}
    return None


def _taught(runs: list[Hit], entries: list[Hit]) -> list[dict[str, Any]]:
    followers = sorted((h for h in entries if (h.kind in FOLLOW_KINDS or h.starred) and not is_run(h)),
                       key=lambda h: (h.date, h.time or "", h.line))
    dates = [h.date for h in followers]
    found = []
    for run in runs:
        follow = _nested_follow(run)
        if follow is None:
            last = (dt.date.fromisoformat(run.date) + WINDOW).isoformat()
            for other in followers[bisect.bisect_left(dates, run.date):bisect.bisect_right(dates, last)]:
                if _follows(run, other) and (other.file, other.line) != (run.file, run.line):
                    follow = cite(other)
                    follow["text"] = _labelled(other.kind, follow["text"])
                    break
        if follow is not None:
            found.append({"run": cite(run), "status": _status(run), "followed_by": follow,
                          "citations": [cite(run), follow]})
    return found


def _weeks(runs: list[Hit]) -> list[dict[str, Any]]:
    first = dt.date.fromisoformat(runs[0].date)
    last = dt.date.fromisoformat(runs[-1].date)
    monday = first - dt.timedelta(days=first.weekday())
    weeks: dict[str, dict[str, Any]] = {}
    while monday <= last:
        weeks[iso_week(monday)] = {"week": iso_week(monday), "runs": 0, "failed": 0, "seconds": 0.0,
                                   "citations": []}
        monday += dt.timedelta(days=7)
    for run in runs:
        week = weeks[iso_week(run.date)]
        week["runs"] += 1
        week["failed"] += _status(run) in FAILED
        week["seconds"] += _seconds(run) or 0.0
        week["citations"].append(cite(run))
    for week in weeks.values():
        week["seconds"] = round(week["seconds"], 1)
    return list(weeks.values())


def compute(data: Data) -> dict[str, Any]:
    runs = [h for h in data.entries if is_run(h)]
    if not runs:
        return {"topic": "runs", "message": NOT_ENOUGH, "runs": 0, "statuses": {}, "failure_rate": None,
                "time_running": {"seconds": 0.0, "median_seconds": None}, "per_week": [], "taught": [],
                "taught_share": None}
    statuses = Counter(_status(h) for h in runs)
    finished = [h for h in runs if _status(h) not in UNFINISHED]
    failed = [h for h in finished if _status(h) in FAILED]
    durations = [s for s in (_seconds(h) for h in runs) if s is not None]
    taught = _taught(runs, data.entries)
    return {
        "topic": "runs",
        "message": None,
        "runs": len(runs),
        "statuses": dict(statuses.most_common()),
        "failure_rate": {"failed": len(failed), "finished": len(finished),
                         "share": round(len(failed) / len(finished), 3) if finished else None,
                         "citations": [cite(h) for h in failed]},
        "time_running": {"seconds": round(sum(durations), 1),
                         "median_seconds": round(statistics.median(durations), 1) if durations else None},
        "per_week": _weeks(runs),
        "taught": taught,
        "taught_share": round(len(taught) / len(runs), 3),
    }


def _short(text: str, width: int = 60) -> str:
    return shorten(_FIELD.sub("", text).strip(), width)


def render(result: dict[str, Any]) -> list[str]:
    if result["message"]:
        return [result["message"]]
    statuses = ", ".join(f"{n} {status}" for status, n in result["statuses"].items())
    lines = [f"{plural(result['runs'], 'run')} ({statuses})"]
    rate = result["failure_rate"]
    if rate["share"] is not None:
        lines.append(f"Failure rate: {100 * rate['share']:.0f}% ({rate['failed']} of {rate['finished']} "
                     "finished runs failed, were killed or were lost)")
    spent = result["time_running"]
    median = spent["median_seconds"]
    lines.append(f"Time spent running: {format_elapsed(spent['seconds'])}"
                 + (f" (median run {format_elapsed(median)})" if median is not None else ""))
    lines += ["", "Week       runs  failed  time running"]
    for week in result["per_week"]:
        spent_week = format_elapsed(week["seconds"])
        lines.append(f"{week['week']}  {week['runs']:>4}  {week['failed']:>6}  {spent_week}")
    taught = result["taught"]
    lines += ["", f"Runs that taught something (an outcome recorded, or followed within a day by result:, "
                  f"decision: or ★): {len(taught)} of {result['runs']} ({100 * result['taught_share']:.0f}%)"]
    for item in taught[-10:]:
        run, follow = item["run"], item["followed_by"]
        lines.append(f"  {run['date']} {_short(run['text'])}  ({run['file']}:{run['line']})")
        lines.append(f"    -> {follow['date']} {_short(follow['text'])}  ({follow['file']}:{follow['line']})")
    if len(taught) > 10:
        lines.append(f"  ... and {len(taught) - 10} earlier (see --json)")
    return lines


def plot(result: dict[str, Any], path: Path) -> None:
    """Runs per week (those that failed apart) above the hours spent running per week."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), dpi=100, sharex=True)
    try:
        fig.suptitle("Runs per week")
        weeks = result["per_week"]
        if not weeks:
            top.text(0.5, 0.5, NOT_ENOUGH, ha="center", va="center", transform=top.transAxes)
            top.set_axis_off()
            bottom.set_axis_off()
        else:
            x = list(range(len(weeks)))
            ok = [w["runs"] - w["failed"] for w in weeks]
            failed = [w["failed"] for w in weeks]
            top.bar(x, ok, color="tab:green", label="ok or running")
            top.bar(x, failed, bottom=ok, color="tab:red", label="failed, killed or lost")
            top.set_ylabel("runs")
            top.set_ylim(0, max(w["runs"] for w in weeks) * 1.25)  # room for the legend
            top.legend(loc="upper left", fontsize="small")
            from matplotlib.ticker import MaxNLocator

            top.yaxis.set_major_locator(MaxNLocator(integer=True))
            bottom.bar(x, [w["seconds"] / 3600 for w in weeks], color="tab:blue")
            bottom.set_ylabel("hours running")
            step = max(1, len(weeks) // 12)
            bottom.set_xticks(x[::step], [w["week"] for w in weeks][::step], rotation=45, ha="right")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
