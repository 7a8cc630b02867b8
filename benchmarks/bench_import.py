"""Import speed: the real cboettig lab notebook into a fresh log, then the same import again (a no-op).

    python benchmarks/bench_import.py [--runs 3]

``reslog import markdown ../shared/corpora/cboettig-labnotebook`` runs as a
new process with its output to a pipe, as from a shell: the first import
``--runs`` times, each into a fresh temporary log (median), then the second
import of the same folder into one of those logs, which must add nothing
(median of ``--runs``; the script checks the counts of both). In process, the
first import is split into its parts: reading the notes, merging them into
pages without writing (``--dry-run``: parse and append), and the whole merge
with the writes (a fresh log each).

Targets: first import <= 10 s; second import <= 3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import CORPUS, median_seconds, print_table, reslog_command, tree_bytes  # noqa: E402


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _imported(cmd: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Run an import; (entries imported, entries already in the log) from its report."""
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    added = re.search(r"Imported (\d+) entries", done.stdout)
    already = re.search(r"not added again: (\d+) entries", done.stdout)
    if added is None:
        raise RuntimeError(f"unexpected output of {' '.join(cmd)}: {done.stdout[:300]}")
    return int(added.group(1)), int(already.group(1)) if already else 0


def _in_process(tmp: Path, runs: int) -> tuple[float, float, float, int]:
    """Median seconds of reading the notes, of the dry merge and of the merge with writes; pages."""
    from reslog.importers.base import ImportOptions, apply
    from reslog.importers.markdown_notes import read
    from reslog.store import Log

    today = dt.date.today()
    reads, dry, wet = [], [], []
    for n in range(runs):
        start = time.perf_counter()
        reading = read(CORPUS, ImportOptions())
        reads.append(time.perf_counter() - start)
        log = Log(tmp / f"inproc{n}")
        start = time.perf_counter()
        apply(log, reading, "markdown", today, dry_run=True)
        dry.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = apply(log, reading, "markdown", today)
        wet.append(time.perf_counter() - start)
    return statistics.median(reads), statistics.median(dry), statistics.median(wet), len(report.days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"the corpus is missing: {CORPUS}", file=sys.stderr)
        return 1
    reslog = reslog_command()
    env = {k: v for k, v in os.environ.items() if k != "RESLOG_DIR"}
    files = sum(1 for p in CORPUS.rglob("*") if p.is_file())
    print(f"reslog: {' '.join(reslog)}; corpus: {CORPUS.name}, {files} files, "
          f"{tree_bytes(CORPUS) / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        firsts = []
        for n in range(args.runs):
            log = Path(tmp) / f"log{n}"
            firsts.append(median_seconds([*reslog, "--dir", str(log), "import", "markdown", str(CORPUS)], 1,
                                         env))
        again = [*reslog, "--dir", str(log), "import", "markdown", str(CORPUS)]
        added, already = _imported(again, env)  # also the warm-up of the no-op timing
        if added != 0:
            raise RuntimeError(f"the second import added {added} entries; it must add none")
        second = median_seconds(again, args.runs, env)
        pages = sum(1 for _ in (log / "days").rglob("*.md"))
        log_mb = tree_bytes(log / "days") / 1e6
        reading, dry, wet, days = _in_process(Path(tmp), args.runs)

    first = statistics.median(firsts)
    rows = [
        ("first import, fresh log (new process)", f"{first:.2f} s", "<= 10 s", _ok(first <= 10)),
        ("  runs", ", ".join(f"{t:.2f}" for t in firsts) + " s", "", ""),
        ("second import, same log (no-op)", f"{second:.2f} s", "<= 3 s", _ok(second <= 3)),
        ("  entries the second import found in the log", f"{already}", "", ""),
        ("  pages written / their size", f"{pages} / {log_mb:.1f} MB", "", ""),
        ("in process: read the notes", f"{reading:.2f} s", "", ""),
        ("in process: merge, dry run (parse, append)", f"{dry:.2f} s", "", ""),
        ("in process: merge with writes", f"{wet:.2f} s", "", ""),
        ("  writes (merge - dry run), per page", f"{(wet - dry) / max(days, 1) * 1000:.1f} ms", "", ""),
    ]
    print_table(rows)
    print(f"(machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
          f"runs: {args.runs}; {dt.date.today()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
