"""Film study on the 10-year log: every `reslog stats TOPIC --json`, `reslog week`, and a plot.

    python benchmarks/bench_stats.py [--runs 5] [--backlog | --notebook]

Targets (issue 6): each `reslog stats TOPIC --json` <= 2 s end to end; `reslog week`
<= 1 s; `reslog stats TOPIC --plot FILE` <= 3 s. New processes, output to a pipe,
medians over --runs, on a copy of the cached 10-year log whose index is built first.

With ``--notebook``: the same on real text, Carl Boettiger's lab notebook (../shared/corpora,
imported with ``reslog import markdown``), with embeddings off, plus ``reslog digest`` of a
year of it and of all of it (1,012 posts; its themes then come from shared words): the
generated logs' short entries hid a digest that took 40 s there. Targets: 2 s for a digest,
as for stats.

With ``--backlog`` (issue 13): the same `--json` runs and `reslog week` on a log from
a different generator (benchmarks/genbacklog.py: ten years, thousands of open
estimated to-dos, a backlog carried for years), target <= 2 s each. On a shared
machine the seconds move with the load, so each line also gives the time as a
multiple of reslog's start-up (`reslog --version`) measured in the same run.
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

from common import CORPUS, DATA, ensure_log, median_seconds, print_table, reslog_command  # noqa: E402

BACKLOG = DATA / "backlog10y"

TOPICS = ("time", "bugs", "sources", "focus", "weeks", "habits")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backlog", action="store_true",
                        help="measure on the backlog log of genbacklog.py instead")
    parser.add_argument("--notebook", action="store_true",
                        help="measure on the real notebook (../shared/corpora), embeddings off")
    args = parser.parse_args()
    if args.backlog:
        return backlog(args.runs)
    if args.notebook:
        return notebook(args.runs)
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


def backlog(runs: int) -> int:
    """Every `stats TOPIC --json` and `reslog week` on the backlog log, against start-up."""
    if not (BACKLOG / "days").is_dir():
        subprocess.run([sys.executable, str(HERE / "genbacklog.py"), str(BACKLOG)], check=True)
    reslog = reslog_command()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "log"
        shutil.copytree(BACKLOG / "days", copy / "days")
        # the week page's digest by meaning would first embed ten years: keyword themes here
        (copy / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
        time.sleep(2.1)  # past the index's racy-mtime window
        subprocess.run([*reslog, "--dir", str(copy), "reindex"], check=True, capture_output=True)
        base = [*reslog, "--dir", str(copy)]
        subprocess.run([*base, "week", "last"], check=True, capture_output=True)  # the page exists
        rows = _against_start_up(reslog, base, [
            *((f"reslog stats {t} --json", ["stats", t, "--json"], 2.0) for t in TOPICS),
            ("reslog week last (refresh)", ["week", "last"], 2.0)], runs)
    print_table(rows, ("measure", "value", "target", "x start-up"))
    print(f"(runs: {runs}; backlog log: {BACKLOG})")
    return 0


def notebook(runs: int) -> int:
    """Every `stats TOPIC --json`, a week and a year's digest on the real notebook, keyword themes."""
    if not CORPUS.is_dir():
        sys.exit(f"the notebook is not at {CORPUS}: put ../shared/corpora beside the project")
    reslog = reslog_command()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "log"
        copy.mkdir()
        (copy / "reslog.toml").write_text("[search]\nembeddings = false\n", encoding="utf-8")
        base = [*reslog, "--dir", str(copy)]
        subprocess.run([*base, "import", "markdown", str(CORPUS)], check=True, capture_output=True)
        time.sleep(2.1)  # past the index's racy-mtime window
        subprocess.run([*base, "reindex"], check=True, capture_output=True)
        subprocess.run([*base, "week", "2013-W10"], check=True, capture_output=True)  # the page exists
        rows = _against_start_up(reslog, base, [
            *((f"reslog stats {t} --json", ["stats", t, "--json"], 2.0) for t in TOPICS),
            ("reslog week 2013-W10 (refresh)", ["week", "2013-W10"], 1.0),
            ("reslog digest of 2013, every section",
             ["digest", "--since", "2013", "--until", "2013", "--section", "all"], 2.0),
            ("reslog digest of 2011, What was done",
             ["digest", "--since", "2011", "--until", "2011", "--section", "done"], 2.0),
            ("reslog digest of the whole notebook",
             ["digest", "--since", "2010", "--section", "all"], 2.0)], runs)
    print_table(rows, ("measure", "value", "target", "x start-up"))
    print(f"(runs: {runs}; the notebook: {CORPUS})")
    return 0


def _against_start_up(
    reslog: list[str], base: list[str], cases: list[tuple[str, list[str], float]], runs: int
) -> list[tuple[str, str, str, str]]:
    """reslog's start-up, then each (name, arguments, target in seconds) as new processes, with
    its time as a multiple of the start-up (the load of a shared machine moves both)."""
    start_up = median_seconds([*reslog, "--version"], runs)
    rows = [("reslog --version (start-up)", f"{start_up:.2f} s", "", "1.0x")]
    for name, cmd, target in cases:
        seconds = median_seconds([*base, *cmd], runs)
        rows.append((name, f"{seconds:.2f} s", f"<= {target:g} s {_ok(seconds <= target)}",
                     f"{seconds / start_up:.1f}x"))
    return rows


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
