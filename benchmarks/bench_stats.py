"""Film study on the 10-year log: every `reslog stats TOPIC --json`, `reslog week`, and a plot.

    python benchmarks/bench_stats.py [--runs 5]

Targets (issue 6): each `reslog stats TOPIC --json` <= 2 s end to end; `reslog week`
<= 1 s; `reslog stats TOPIC --plot FILE` <= 3 s. New processes, output to a pipe,
medians over --runs, on a copy of the cached 10-year log whose index is built first.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_log, median_seconds, print_table, reslog_command  # noqa: E402

TOPICS = ("time", "bugs", "sources", "focus", "weeks", "habits")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    log_dir, _ = ensure_log()
    reslog = reslog_command()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "log"
        shutil.copytree(log_dir / "days", copy / "days")
        time.sleep(2.1)  # past the index's racy-mtime window
        subprocess.run([*reslog, "--dir", str(copy), "reindex"], check=True, capture_output=True)
        base = [*reslog, "--dir", str(copy)]
        for topic in TOPICS:
            seconds = median_seconds([*base, "stats", topic, "--json"], args.runs)
            rows.append((f"reslog stats {topic} --json", f"{seconds:.2f} s", "<= 2 s", _ok(seconds <= 2)))
        subprocess.run([*base, "week", "last"], check=True, capture_output=True)  # the page exists
        seconds = median_seconds([*base, "week", "last"], args.runs)
        rows.append(("reslog week last (refresh)", f"{seconds:.2f} s", "<= 1 s", _ok(seconds <= 1)))
        for topic in TOPICS:
            chart = Path(tmp) / f"{topic}.png"
            seconds = median_seconds([*base, "stats", topic, "--plot", str(chart)], max(1, args.runs // 2))
            rows.append((f"reslog stats {topic} --plot", f"{seconds:.2f} s", "<= 3 s", _ok(seconds <= 3)))
    print_table(rows)
    print(f"(runs: {args.runs}; 10-year log: {log_dir})")
    return 0


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
