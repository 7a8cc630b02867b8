"""Write a 10-year log whose to-do list got out of hand: thousands of open, estimated to-dos.

    python benchmarks/genbacklog.py OUT_DIR [--years 10] [--seed 7] [--end YYYY-MM-DD]
                                            [--backlog 2000] [--carried-days 30]

A different generator from :mod:`reslog.sample` (which the demo and genlog.py
use, and whose researcher keeps a tidy list): this one writes pages as text,
on its own, for the case the statistics must survive. The researcher logs on
about two days in three, writes a handful of notes (experiments, bugs, fixes,
papers, thoughts, ideas) and adds to-dos with estimates, but finishes fewer
than half of them. Most of the rest stay open on the page where they were
written (as on pages written by hand or imported, which nothing carries), and
a backlog of ``--backlog`` to-dos, first written years ago, is carried from
page to page over the last ``--carried-days`` logged days, as reslog carries:
each page holds them with ``[carried:: FIRST-DAY]`` and the page before marks
them ``[>]``. So ``reslog stats time`` forecasts thousands of open estimates
from thousands of finished ones, and every to-do analysis reads tens of
thousands of deferred copies.

The output depends only on the arguments (one seeded ``random.Random``).
Prints the totals: days, entries, open estimated to-dos, bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

PROJECTS = ("fisheries", "warning-signals", "phylo", "ropensci", "teaching", "grants", "w2s", "infra")
TOPICS = ("the sampler", "the prior", "the likelihood", "the simulation grid", "the data loader",
          "the bootstrap", "the tree", "the model fit", "the noise model", "the cluster jobs",
          "the plotting code", "the manuscript figures", "the parameter sweep", "the reviews")
BUGS = ("off-by-one in {t}", "NaN values in {t}", "{t} crashes on empty input", "memory leak in {t}",
        "wrong seed handling in {t}", "{t} silently drops rows", "timezone mix-up in {t}",
        "unit mismatch in {t}")
VERBS = ("rerun", "refactor", "document", "profile", "test", "plot", "clean up", "review", "speed up",
         "write up", "check", "port")
KINDS = ("exp", "exp", "bug", "fix", "read", "thought", "decision", "result", "", "")
SOURCES = ("twitter", "a paper", "chat with Mike", "group meeting", "the shower", "an experiment", "a talk")
EST = (15, 30, 45, 60, 90, 120, 180, 240, 480)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" if not rest else f"{hours}h{rest:02d}m"


def _todo(rng: random.Random) -> tuple[str, int]:
    """A to-do's text with its estimate, and the estimate in minutes."""
    project, est = rng.choice(PROJECTS), rng.choice(EST)
    return f"{rng.choice(VERBS).capitalize()} {rng.choice(TOPICS)} #{project} [est:: {_duration(est)}]", est


def _note(rng: random.Random, clock: int) -> str:
    kind = rng.choice(KINDS)
    topic = rng.choice(TOPICS)
    project = rng.choice(PROJECTS)
    if kind == "bug":
        text = rng.choice(BUGS).format(t=topic)
    elif kind == "read":
        text = f"paper on {topic} and {rng.choice(TOPICS)} [from:: {rng.choice(SOURCES)}]"
    else:
        text = f"{rng.choice(VERBS)} {topic}: {rng.randint(2, 99)} runs, {rng.choice(TOPICS)} next"
    prefix = f"{kind}: " if kind else ""
    star = " ★" if rng.random() < 0.03 else ""
    line = f"- {clock // 60:02d}:{clock % 60:02d} {prefix}{text} #{project}{star}"
    if rng.random() < 0.3:
        line += f"\n  - thought: maybe {rng.choice(TOPICS)} is the cause"
    return line


def _page(day: dt.date, todos: list[str], notes: list[str], ideas: list[str], reflection: list[str]) -> str:
    title = day.strftime("%A %-d %B %Y")
    parts = [f"---\ndate: {day.isoformat()}\n---\n# {title}\n", "## What to do next", *todos, "",
             "## What was done", *notes, "", "## Random ideas", *ideas, "", "## Reflection", *reflection]
    return "\n".join(parts).rstrip("\n") + "\n"


def generate(
    out: Path, years: int, seed: int, end: dt.date, backlog: int, carried_days: int
) -> dict[str, int]:
    rng = random.Random(seed)
    start = end - dt.timedelta(days=365 * years)
    logged = [start + dt.timedelta(days=n) for n in range((end - start).days + 1) if rng.random() < 0.67]
    carry_from = len(logged) - carried_days
    # The backlog: to-dos first written over the first years, carried over the last logged days.
    pool = [(logged[rng.randrange(0, max(1, carry_from))], _todo(rng)[0]) for _ in range(backlog)]
    pool.sort(key=lambda item: item[0])
    totals = {"days": 0, "entries": 0, "open_estimated": 0, "bytes": 0}
    for n, day in enumerate(logged):
        todos: list[str] = []
        for _ in range(rng.randint(1, 3)):
            text, est = _todo(rng)
            roll = rng.random()
            if roll < 0.4:  # done, usually over the estimate
                took = max(5, round(est * rng.lognormvariate(0.2, 0.5)))
                todos.append(f"- [x] {text} [took:: {_duration(took)}]")
            elif roll < 0.5:
                todos.append(f"- [-] {text}")
            else:
                todos.append(f"- [ ] {text}")
                totals["open_estimated"] += 1
        if n >= carry_from:  # the backlog, carried as reslog carries it
            mark = "[>]" if n < len(logged) - 1 else "[ ]"
            todos = [f"- {mark} {text} [carried:: {first.isoformat()}]" for first, text in pool] + todos
        clock = 8 * 60 + rng.randint(0, 90)
        notes = []
        for _ in range(rng.randint(3, 8)):
            clock = min(clock + rng.randint(10, 90), 23 * 60 + 59)
            notes.append(_note(rng, clock))
        ideas = ([f"- {clock // 60:02d}:{clock % 60:02d} try {rng.choice(TOPICS)} for {rng.choice(TOPICS)} "
                  f"#{rng.choice(PROJECTS)} [from:: {rng.choice(SOURCES)}]"] if rng.random() < 0.3 else [])
        reflection = ["- 18:00 A good day; the afternoon went to meetings."] if rng.random() < 0.2 else []
        text = _page(day, todos, notes, ideas, reflection)
        path = out / "days" / f"{day.year:04d}" / f"{day.isoformat()}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        totals["days"] += 1
        totals["entries"] += len(todos) + len(notes) + len(ideas) + len(reflection)
        totals["bytes"] += len(text.encode("utf-8"))
    totals["open_estimated"] += backlog
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the log folder to create")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date.today() - dt.timedelta(days=1),
                        help="the last day (default: yesterday)")
    parser.add_argument("--backlog", type=int, default=2000, help="to-dos carried for years")
    parser.add_argument("--carried-days", type=int, default=30,
                        help="logged days the backlog is carried over")
    args = parser.parse_args(argv)
    if (args.out / "days").exists() and any((args.out / "days").iterdir()):
        print(f"genbacklog: {args.out / 'days'} already holds pages; remove {args.out} first",
              file=sys.stderr)
        return 1
    started = time.perf_counter()
    totals = generate(args.out, args.years, args.seed, args.end, args.backlog, args.carried_days)
    print(f"{totals['days']} days, {totals['entries']} entries, {totals['open_estimated']} open estimated "
          f"to-dos, {totals['bytes'] / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
