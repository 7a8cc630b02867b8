"""Commands on a page that holds one enormous hostile line, beside the same log without it.

    python benchmarks/bench_hostile_lines.py [--runs 5] [--size 60000]

A researcher pastes a blob into an entry: a flattened table, a minified file, a sweep's
arguments. Each log here has one day page with a normal entry and one entry whose first line
is ``--size`` characters of one hostile piece (unclosed ``[key::`` fields, C pointers ``*p``,
unclosed links ``[a](``, unclosed ``[``, a run of blanks), then a second normal entry. The
baseline is the same page with that line cut to 60 characters. Every command runs as a new
process with its output to a pipe (median of ``--runs``; keyword ranking, so that only the
reading of text is timed). Nothing closes the pieces later on the line (a ``]`` after
unclosed fields, a ``[`` after blanks would let a backtracking pattern match at once). Target:
each command on the hostile page within 1.5x of the baseline.

Then a query as long (a blob pasted into ``search`` or ``ask`` by mistake: one word repeated, a
word of the log repeated, words all different) of a quarter and of all of ``--size``, against the
same query cut to 60 characters. Target: four times the length adds at most six times the time
(in proportion to its length, 4x; with the square of it, 16x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import median_seconds, print_table, reslog_command  # noqa: E402

PIECES = {
    "unclosed fields": "[lr:: 3e-4 ",
    "C pointers": "int *p = *q; ",
    "unclosed links": "[a](",
    "unclosed brackets": "[",
    "blanks": " ",
}
DAY = "2026-11-26"
COMMANDS = [
    ("capture", ["did", "fixed the sweep parser", "--date", DAY]),
    ("search", ["search", "sweep", "--mode", "keyword"]),
    ("ask", ["ask", "what did I paste about the sweep?", "--mode", "keyword"]),
    ("show", ["show", DAY]),
    ("week", ["week", DAY]),
]


#: A query pasted by mistake (a log file, a blob) is as long: each of its words is read once.
QUERIES = {"one word repeated": "a ", "a word of the log repeated": "sweep ", "words all different": None}
QUERY_COMMANDS = [
    ("search", ["search", "--mode", "keyword"]),
    ("ask", ["ask", "--mode", "keyword"]),
]


def write_log(folder: Path, line: str) -> None:
    page = folder / "days" / DAY[:4] / f"{DAY}.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("## What was done\n- 09:00 ran the sweep [took:: 20m]\n"
                    f"- 09:30 pasted the sweep {line} end\n- 10:00 read the sweep's log\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=60_000)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["RESLOG_BACKGROUND"] = "0"
    reslog = reslog_command()
    rows = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, piece in PIECES.items():
            hostile = (piece * (args.size // len(piece) + 1))[: args.size]
            for label, command in COMMANDS:
                times = []
                for line in (hostile[:60], hostile):
                    folder = Path(tmp) / "log"
                    shutil.rmtree(folder, ignore_errors=True)
                    write_log(folder, line)
                    run_env = {**env, "RESLOG_DIR": str(folder)}
                    median_seconds([*reslog, "reindex", "--no-embed"], 1, run_env)  # index built untimed
                    times.append(median_seconds([*reslog, *command], args.runs, run_env))
                ratio = times[1] / times[0]
                worst = max(worst, ratio)
                rows.append((f"{name}: {label}", f"{times[0] * 1000:.0f} ms", f"{times[1] * 1000:.0f} ms",
                             f"{ratio:.2f}x"))
        asked = []
        folder = Path(tmp) / "log"
        shutil.rmtree(folder, ignore_errors=True)
        write_log(folder, "of 60 characters")
        run_env = {**env, "RESLOG_DIR": str(folder)}
        median_seconds([*reslog, "reindex", "--no-embed"], 1, run_env)
        for name, piece in QUERIES.items():
            words = " ".join(f"w{n}" for n in range(args.size)) if piece is None else \
                piece * (args.size // len(piece) + 1)
            for label, command in QUERY_COMMANDS:
                base, quarter, whole = (
                    median_seconds([*reslog, *command, "--", words[:size]], args.runs, run_env)
                    for size in (60, args.size // 4, args.size))
                growth = (whole - base) / max(quarter - base, 1e-3)
                asked.append((f"{name}: {label}", f"{base * 1000:.0f} ms", f"{quarter * 1000:.0f} ms",
                              f"{whole * 1000:.0f} ms", f"{growth:.1f}x"))
    print(f"one line of {args.size:,} characters on the page, median of {args.runs} new processes\n")
    print_table(rows, ("page holds", "baseline", "hostile line", "ratio"))
    print(f"\nworst ratio {worst:.2f}x (target <= 1.5x): {'PASS' if worst <= 1.5 else 'FAIL'}")
    print(f"\na query of {args.size // 4:,} and of {args.size:,} characters, against the same query cut to "
          "60, on the plain page\n")
    print_table(asked, ("query", "60 characters", "a quarter", "whole", "growth"))
    steepest = max(float(row[4][:-1]) for row in asked)
    print(f"\ntime a query adds grows {steepest:.1f}x for 4x its length (target <= 6x: with its length, "
          f"never its square, 16x): {'PASS' if steepest <= 6 else 'FAIL'}")

if __name__ == "__main__":
    main()
