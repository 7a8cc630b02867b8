"""Index and search on the 10-year log, measured side by side with rg and jrnl in one run.

    python benchmarks/bench_search.py [--runs 20] [--jrnl-runs 3]

Targets (issue 3): full reindex <= 5 s; freshness check with nothing changed
<= 30 ms; one changed page re-indexed alone in <= 30 ms extra; `reslog search
"learning rate"` end to end <= 3x `rg -i "learning rate"` and >= 50x faster
than `jrnl -contains "learning rate"`; in-process query p95 <= 10 ms; index
size <= 2x the log's text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    ensure_log,
    jrnl_env,
    median_seconds,
    print_table,
    reslog_command,
    tree_bytes,
)

QUERY = "learning rate"


def _inprocess(log_dir: Path, runs: int) -> dict[str, float]:
    from reslog.index import Index
    from reslog.search import search
    from reslog.store import Log

    log = Log(log_dir)
    with Index(log) as index:
        index.refresh()
        fresh = []
        for _ in range(runs):
            start = time.perf_counter()
            report = index.refresh()
            fresh.append(time.perf_counter() - start)
            assert report.read == 0, "nothing changed, nothing must be read"
        queries = []
        for _ in range(max(100, runs)):
            start = time.perf_counter()
            hits = search(index, QUERY)
            queries.append(time.perf_counter() - start)
        assert hits, "the generated log must contain the phrase"
        # one day's page changes: only that page is re-read
        page = sorted((log_dir / "days").rglob("*.md"))[-1]
        original = page.read_bytes()
        changed = []
        try:
            for n in range(runs):
                page.write_bytes(original + f"- 23:59 appended line {n}\n".encode())
                start = time.perf_counter()
                report = index.refresh()
                changed.append(time.perf_counter() - start)
                assert report.reindexed == [page.relative_to(log_dir).as_posix()], report.reindexed
        finally:
            page.write_bytes(original)
            index.refresh()
    queries.sort()
    return {
        "fresh": statistics.median(fresh),
        "changed": statistics.median(changed),
        "query_p95": queries[int(len(queries) * 0.95) - 1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jrnl-runs", type=int, default=3)
    args = parser.parse_args()

    log_dir, journal = ensure_log()
    text_bytes = tree_bytes(log_dir / "days")
    reslog = reslog_command()

    with tempfile.TemporaryDirectory() as tmp:
        # full reindex (the index only: embedding is bench_semantic.py's), on a copy so the cached
        # log's own index is not disturbed
        copy = Path(tmp) / "log"
        shutil.copytree(log_dir / "days", copy / "days")
        time.sleep(2.1)  # past the racy-mtime window, as for any log not written this instant
        reindex = median_seconds([*reslog, "--dir", str(copy), "reindex", "--no-embed"], runs=3)
        # the size of a freshly built index (its WAL folded in when the last connection closed)
        index_bytes = sum(p.stat().st_size for p in (copy / ".reslog").glob("index.db*"))

    subprocess.run([*reslog, "--dir", str(log_dir), "reindex", "--no-embed"], check=True, capture_output=True)
    inproc = _inprocess(log_dir, args.runs)

    python_pass = median_seconds([sys.executable, "-c", "pass"], args.runs)
    # the keyword engine against rg and jrnl; hybrid search (the default with embeddings) is
    # measured by bench_semantic.py
    search_e2e = median_seconds([*reslog, "--dir", str(log_dir), "search", "--mode", "keyword", QUERY],
                                args.runs)
    rg = shutil.which("rg")
    rg_time = median_seconds([rg, "-i", QUERY, str(log_dir / "days")], args.runs, ok=(0, 1)) if rg else None
    jrnl_time = None
    if shutil.which("jrnl"):
        with jrnl_env(journal) as (cmd, env):
            jrnl_time = median_seconds([*cmd, "-contains", QUERY], args.jrnl_runs, env=env)

    rows = [
        ("python -c pass (baseline)", f"{python_pass * 1000:.0f} ms", "", ""),
        ("reslog reindex (full, new process)", f"{reindex:.2f} s", "<= 5 s", _ok(reindex <= 5)),
        ("freshness check, nothing changed", f"{inproc['fresh'] * 1000:.1f} ms", "<= 30 ms",
         _ok(inproc["fresh"] <= 0.030)),
        ("refresh after one page changed", f"{inproc['changed'] * 1000:.1f} ms", "<= 30 ms extra",
         _ok(inproc["changed"] - inproc["fresh"] <= 0.030)),
        ("search API p95 (in process)", f"{inproc['query_p95'] * 1000:.2f} ms", "<= 10 ms",
         _ok(inproc["query_p95"] <= 0.010)),
        (f'reslog search "{QUERY}" (new process)', f"{search_e2e * 1000:.0f} ms", "", ""),
    ]
    if rg_time is not None:
        ratio = search_e2e / rg_time
        rows.append((f'rg -i "{QUERY}"', f"{rg_time * 1000:.1f} ms", "", ""))
        rows.append(("  reslog search / rg", f"{ratio:.1f}x", "<= 3x", _ok(ratio <= 3)))
    else:
        rows.append(("rg", "not installed (apt-get install ripgrep)", "", "n/a"))
    if jrnl_time is not None:
        speedup = jrnl_time / search_e2e
        rows.append((f'jrnl -contains "{QUERY}"', f"{jrnl_time:.2f} s", "", ""))
        rows.append(("  jrnl / reslog search", f"{speedup:.0f}x", ">= 50x", _ok(speedup >= 50)))
    ratio = index_bytes / text_bytes
    rows.append(("index size / log text", f"{index_bytes / 1e6:.1f} MB / {text_bytes / 1e6:.1f} MB"
                 f" = {ratio:.2f}x", "<= 2x", _ok(ratio <= 2)))
    print_table(rows)
    print(f"(machine: {os.cpu_count()} cores; runs: {args.runs}, jrnl runs: {args.jrnl_runs})")
    return 0


def _ok(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
