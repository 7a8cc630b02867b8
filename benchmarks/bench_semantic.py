"""Semantic search on the 10-year log: embedding rate, hybrid search, ask, vector top-10, memory.

    python benchmarks/bench_semantic.py [--runs 10] [--sample 2000]

The 10-year log (``python benchmarks/genlog.py``, ~31,000 entries) is embedded
once into its cached copy (``benchmarks/data/log10y``; minutes, with a
progress line); later runs reuse those vectors. The embedding rate is measured
in every run, in process, on ``--sample`` entries' passages chosen at random
with a fixed seed (into a throw-away vectors store, so the cache is
untouched), and reported as entries/s; the first run's full embedding time is
printed too.

Side by side in one run, each as a new process with its output to a pipe
(median of ``--runs``): ``python -c pass`` (the floor), a keyword search, a
hybrid ``reslog search``, and an offline ``reslog ask``. In process: the top
10 of all vectors for one query vector (the matrix already loaded). Peak
memory (max RSS) of the hybrid search process.

Targets (issue 5): hybrid search end to end <= 0.5 s; ask <= 1.5 s; vector
top-10 <= 20 ms; peak memory of a search <= 400 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ensure_log, median_seconds, print_table, reslog_command  # noqa: E402

QUERY = "the loss went up when training ran longer"
QUESTION = "why did the loss spike after the warmup?"


def _embed_all(log_dir: Path) -> float | None:
    """Embed the whole log if it has no vectors yet; the seconds it took, or None if cached."""
    from reslog.index import Index
    from reslog.semantic import backends
    from reslog.semantic.vectors import missing, update
    from reslog.store import Log

    with Index(Log(log_dir)) as index:
        index.refresh()
        backend = backends.load()
        todo = len(missing(index, backend.name))
        if not todo:
            return None
        print(f"embedding {todo} passages of the 10-year log once (cached afterwards) ...", flush=True)
        start = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  {done}/{total}", flush=True)

        update(index, backend, progress)
        return time.perf_counter() - start


def _embedding_rate(log_dir: Path, sample: int) -> tuple[float, float, int]:
    """(entries/s, passages/s, passages) embedding ``sample`` random entries' passages."""
    from reslog.chunks import chunks
    from reslog.index import Index
    from reslog.semantic import backends
    from reslog.store import Log

    with Index(Log(log_dir)) as index:
        texts = [row[0] for row in index.db.execute("SELECT text FROM entries ORDER BY id")]
    random.Random(7).shuffle(texts)
    passages = [p for text in texts[:sample] for p in chunks(text)]
    backend = backends.load()
    backend.embed(passages[:32])  # warm: page the weights in
    start = time.perf_counter()
    backend.embed(passages)
    seconds = time.perf_counter() - start
    return sample / seconds, len(passages) / seconds, len(passages)


def _top10(log_dir: Path, runs: int) -> tuple[float, int]:
    """Median seconds of an in-process top-10 over every vector, and how many vectors."""
    from reslog.index import Index
    from reslog.semantic import backends
    from reslog.semantic.vectors import Vectors
    from reslog.store import Log

    with Index(Log(log_dir)) as index:
        backend = backends.load()
        vectors = Vectors.load(index, backend.name)
        query = backend.embed([QUERY])[0]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            top = vectors.top(query, 10)
            times.append(time.perf_counter() - start)
        assert len(top) == 10
    return statistics.median(times), len(vectors.matrix)


_PEAK = """
import sys
from reslog.cli.entry import main
code = main(sys.argv[1:])
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")), file=sys.stderr)
sys.exit(code)
"""


def _peak_rss_mb(args: list[str]) -> float:
    """Peak resident memory (VmHWM) of ``reslog ARGS`` in a new process, in MB, as the process
    reports it at exit. (The rusage of a child counts the memory of the parent it was forked
    from, here hundreds of MB, so it is not used.)"""
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, check=True)
    line = next(line for line in done.stderr.splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()
    log_dir, _ = ensure_log()
    full = _embed_all(log_dir)
    reslog = [*reslog_command(), "--dir", str(log_dir)]
    floor = median_seconds([sys.executable, "-c", "pass"], args.runs)
    keyword = median_seconds([*reslog, "search", "--mode", "keyword", QUERY], args.runs)
    hybrid = median_seconds([*reslog, "search", QUERY], args.runs)
    ask = median_seconds([*reslog, "ask", "--offline", QUESTION], args.runs)
    top, vectors = _top10(log_dir, max(100, args.runs))
    memory = _peak_rss_mb(["--dir", str(log_dir), "search", QUERY])
    entries_rate, passages_rate, passages = _embedding_rate(log_dir, args.sample)

    def ok(passed: bool) -> str:
        return "PASS" if passed else "FAIL"

    rows = [
        ("python -c pass", f"{floor * 1000:.0f} ms", "", "floor"),
        ("reslog search --mode keyword", f"{keyword * 1000:.0f} ms", "", f"{keyword / floor:.1f}x floor"),
        ("reslog search (hybrid)", f"{hybrid * 1000:.0f} ms", "<= 500 ms", ok(hybrid <= 0.5)),
        ("reslog ask --offline", f"{ask * 1000:.0f} ms", "<= 1500 ms", ok(ask <= 1.5)),
        (f"vector top-10 of {vectors} (in process)", f"{top * 1000:.1f} ms", "<= 20 ms", ok(top <= 0.02)),
        ("peak memory of a hybrid search", f"{memory:.0f} MB", "<= 400 MB", ok(memory <= 400)),
        (f"embedding rate ({args.sample} entries, {passages} passages)",
         f"{entries_rate:.0f} entries/s", "report", f"{passages_rate:.0f} passages/s"),
    ]
    if full is not None:
        rows.append(("embedding the whole log (first run)", f"{full:.0f} s", "report", ""))
    print(f"10-year log: {log_dir}; {args.runs} runs; {os.cpu_count()} cores")
    print_table(rows)


if __name__ == "__main__":
    main()
